import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..");

describe("the idp process", () => {
  it("stops quietly when its reader closes the pipe early (idp ... | head)", () => {
    // `true` exits without reading: idp writes, after its slow start, into a closed pipe.
    const result = spawnSync(
      "bash",
      ["-o", "pipefail", "-c", `node bin/idp.js validate --root . --format json | true`],
      { cwd: ROOT, encoding: "utf8", env: { ...process.env, IDP_TODAY: "2026-11-25" } },
    );
    expect(result.stderr).not.toMatch(/EPIPE|\n\s+at /);
    expect(result.status).toBe(0);
  });
});
