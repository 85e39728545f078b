import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { loadAll } from "js-yaml";
import { describe, expect, it } from "vitest";
import { repositoryRoot } from "../bench/paths.js";
import { measureStages } from "../bench/render-stages.js";

// The stage benchmark renders what idp render renders: the same files and
// objects as the committed manifests of the examples.
describe("render stages benchmark", () => {
  it("times every stage on the very objects idp render writes", async () => {
    const root = repositoryRoot();
    const report = await measureStages(root);
    const manifests = path.join(root, "manifests");
    const files = readdirSync(manifests, { recursive: true, withFileTypes: true }).filter(
      (entry) => entry.isFile() && entry.name.endsWith(".yaml"),
    );
    const objects = files.reduce(
      (sum, entry) => sum + loadAll(readFileSync(path.join(entry.parentPath, entry.name), "utf8")).length,
      0,
    );
    expect(report.files).toBe(files.length);
    expect(report.objects).toBe(objects);
    for (const [stage, ms] of Object.entries(report.ms)) {
      expect(ms, stage).toBeGreaterThan(0);
    }
  });
});
