import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { KINDS } from "./kinds.js";
import { parseYamlDocument } from "./parse-yaml.js";
import { precompiledChecks, writePrecompiledValidators } from "./precompiled-schemas.js";
import { readSchemas } from "./read-schemas.js";
import { compileSchemas, validateDocument } from "./schema.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const scratch = mkdtempSync(path.join(tmpdir(), "idp-precompiled-"));
const file = path.join(scratch, "validators.cjs");
const sources = readSchemas(ROOT);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Every example service, and broken copies of it: a typo, a wrong type, a missing field, an alternative gone wrong. */
function serviceTexts(): string[] {
  const folder = path.join(ROOT, "services");
  const texts = readdirSync(folder).map((name) =>
    readFileSync(path.join(folder, name, "service.yaml"), "utf8"),
  );
  return texts.flatMap((text) => [
    text,
    text.replace("  image:", "  imag:"),
    text.replace(/replicas: \d+/, "replicas: many"),
    text.replace(/^ {2}team: .*$/m, ""),
    text.replace(/^spec:\n/m, "spec:\n  probes: { readiness: { http: 42 } }\n"),
  ]);
}

describe("precompiled validators", () => {
  it("are written once for a set of schemas and used only for that set", () => {
    expect(writePrecompiledValidators(sources, file)).toBe(true);
    expect(writePrecompiledValidators(sources, file)).toBe(false);
    expect(precompiledChecks(sources, file)).toBeDefined();
    const edited = { ...sources, Team: { ...sources.Team, description: "edited" } };
    expect(precompiledChecks(edited, file)).toBeUndefined();
    expect(precompiledChecks(sources, path.join(scratch, "missing.cjs"))).toBeUndefined();
  });

  it("accept and refuse what ajv's own compilation does, and the diagnostics are the same", () => {
    writePrecompiledValidators(sources, file);
    const fast = compileSchemas(sources, file);
    const plain = compileSchemas(sources, path.join(scratch, "missing.cjs"));
    let refused = 0;
    for (const text of serviceTexts()) {
      const document = parseYamlDocument("services/x/service.yaml", text).document;
      if (!document) continue;
      const expected = validateDocument(plain, "Service", document);
      expect(fast.accepts("Service", document.value)).toBe(expected.length === 0);
      expect(validateDocument(fast, "Service", document)).toEqual(expected);
      if (expected.length > 0) refused += 1;
    }
    expect(refused).toBeGreaterThan(10);
  });

  it("cover every kind", () => {
    writePrecompiledValidators(sources, file);
    const checks = precompiledChecks(sources, file);
    for (const kind of KINDS) expect(checks?.[kind]).toBeTypeOf("function");
  });
});
