import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative as relativePath } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { codeVersion, renderVersion } from "./render-version.js";

const scratch = mkdtempSync(join(tmpdir(), "idp-render-version-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function write(path: string, text: string): void {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, text);
}

describe("codeVersion", () => {
  it("changes with any file the entry imports, transitively, and with a package's version; not with other files", () => {
    const dir = join(scratch, "graph");
    write(join(dir, "entry.ts"), 'import { a } from "./a.js";\nexport const x = a;\n');
    write(join(dir, "a.ts"), 'import { b } from "./sub/b.js";\nexport const a = b;\n');
    write(
      join(dir, "sub/b.ts"),
      'import { Chart } from "cdk8s";\nexport const b = () => import("./c.js");\n',
    );
    write(join(dir, "sub/c.ts"), "export const c = 1;\n");
    write(join(dir, "unrelated.ts"), "export const u = 1;\n");
    write(join(dir, "node_modules/cdk8s/package.json"), '{ "version": "2.0.0" }');
    const entry = [join(dir, "entry.ts")];
    const first = codeVersion(entry);
    expect(first.files.map((f) => f.slice(dir.length + 1))).toEqual([
      "a.ts",
      "entry.ts",
      "sub/b.ts",
      "sub/c.ts",
    ]);
    expect([...first.packages]).toEqual([["cdk8s", "2.0.0"]]);
    write(join(dir, "unrelated.ts"), "export const u = 2;\n");
    expect(codeVersion(entry).version).toBe(first.version);
    write(join(dir, "sub/c.ts"), "export const c = 2;\n");
    const edited = codeVersion(entry).version;
    expect(edited).not.toBe(first.version);
    write(join(dir, "node_modules/cdk8s/package.json"), '{ "version": "2.0.1" }');
    expect(codeVersion(entry).version).not.toBe(edited);
  });

  it("the render version covers the charts, their constructs, serialization, the model and cdk8s", () => {
    const here = fileURLToPath(new URL(".", import.meta.url));
    const scripts = join(here, "..");
    const { files, packages } = codeVersion([
      join(here, "render-repository.ts"),
      join(here, "render-keys.ts"),
    ]);
    const relative = files.map((f) => relativePath(scripts, f));
    for (const file of [
      "render/service/service-chart.ts",
      "render/service/deployment.ts",
      "render/service/network-policy.ts",
      "render/platform/platform-chart.ts",
      "render/serialize.ts",
      "render/render-keys.ts",
      "model/settings-fingerprint.ts",
    ]) {
      expect(relative).toContain(file);
    }
    for (const name of ["cdk8s", "cdk8s-plus-28", "constructs"])
      expect(packages.get(name)).toMatch(/^\d+\.\d+\.\d+/);
    expect(renderVersion()).toMatch(/^[0-9a-f]{64}$/);
  });
});
