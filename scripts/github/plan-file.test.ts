import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { readPlanFile } from "./plan-file.js";

const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("readPlanFile", () => {
  it("reads a file within the cap", async () => {
    const dir = mkdtempSync(join(tmpdir(), "idp-plan-file-"));
    temps.push(dir);
    writeFileSync(join(dir, "plan.json"), "{}");
    expect(await readPlanFile(join(dir, "plan.json"), 2, "plan.json")).toEqual({ text: "{}" });
    expect(await readPlanFile(join(dir, "plan.json"), 1, "plan.json")).toEqual({
      refused: "plan.json is 2 bytes, over the 1 bytes a plan may have",
    });
  });

  it("stops reading a stream with no honest size at the cap (/dev/zero never ends)", async () => {
    expect(await readPlanFile("/dev/zero", 1024, "plan.json")).toEqual({
      refused: "plan.json is at least 1025 bytes, over the 1024 bytes a plan may have",
    });
  });
});
