import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readSchemas } from "./read-schemas.js";
import { compileSchemas } from "./schema.js";
import { validateRepository, validateRepositoryPausing } from "./validate-repository.js";

const repositoryRoot = join(import.meta.dirname, "../..");
const validators = compileSchemas(readSchemas(repositoryRoot));
const scratch = mkdtempSync(join(tmpdir(), "idp-validate-pausing-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** This repository's sources and a service file that does not parse. */
function brokenCopy(): string {
  const root = join(scratch, "broken");
  for (const folder of ["environments", "teams", "services", "schemas"])
    cpSync(join(repositoryRoot, folder), join(root, folder), { recursive: true });
  mkdirSync(join(root, "services", "bad"));
  writeFileSync(join(root, "services", "bad", "service.yaml"), "kind: Service\nmetadata: {name: bad\n");
  return root;
}

describe("validateRepositoryPausing", () => {
  it("pauses between load, schema and resolve, and validates as validateRepository does", async () => {
    const stages: number[] = [];
    const paused = await validateRepositoryPausing(repositoryRoot, validators, async () => {
      stages.push(stages.length);
    });
    expect(stages).toEqual([0, 1]);
    const whole = validateRepository(repositoryRoot, validators);
    expect(paused.diagnostics).toEqual(whole.diagnostics);
    expect(paused.services).toEqual(whole.services);
    expect([...paused.documents.keys()]).toEqual([...whole.documents.keys()]);
    expect(paused.counts).toEqual(whole.counts);
  });

  it("reports a file that does not load with the same diagnostics", async () => {
    const root = brokenCopy();
    const paused = await validateRepositoryPausing(root, validators, async () => undefined);
    const whole = validateRepository(root, validators);
    expect(paused.diagnostics.some((d) => d.file === "services/bad/service.yaml")).toBe(true);
    expect(paused.diagnostics).toEqual(whole.diagnostics);
  });
});
