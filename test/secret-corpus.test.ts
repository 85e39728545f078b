import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { validateRepository } from "../scripts/model/validate-repository.js";
import { BUNDLE_WASM } from "../scripts/policy/bundle.js";
import { PolicyEngine } from "../scripts/policy/engine.js";
import { buildPolicyInput, entropy } from "../scripts/policy/input.js";

const ROOT = join(import.meta.dirname, "..");

/** One corpus entry: an env key and value, with the facts the policy input carries for it. */
interface CorpusEntry {
  why: string;
  key: string;
  value: string;
  length: number;
  entropy: number;
}

/** The corpus SEC004's Rego tests load as data (tools/policy-check.sh) and this suite runs through the wasm. */
const corpus = JSON.parse(readFileSync(join(ROOT, "test/fixtures/secrets/corpus.json"), "utf8"))
  .secret_corpus as {
  flagged: CorpusEntry[];
  harmless: CorpusEntry[];
};

const repository = validateRepository(ROOT);
const engine = PolicyEngine.load(readFileSync(join(ROOT, BUNDLE_WASM)), BUNDLE_WASM);
const dev = repository.environments[0];
if (!dev) throw new Error("the example repository has no environments");
const services = repository.services.filter((s) => s.environment === dev.name);

/** The SEC004 findings of the first example service with `env` set to the one entry, through the compiled wasm. */
function sec004(entry: CorpusEntry) {
  const [first, ...rest] = services;
  if (!first) throw new Error("no example service");
  const probe = { ...first, env: { [entry.key]: entry.value } };
  const input = buildPolicyInput(
    dev as never,
    repository.environments,
    repository.teams,
    [probe, ...rest],
    {},
  );
  return engine.evaluate(input).filter((f) => f.rule === "SEC004" && f.service === first.name);
}

describe("the SEC004 corpus through the compiled wasm", () => {
  it("records the length and entropy the policy input computes (the Rego tests read them)", () => {
    for (const entry of [...corpus.flagged, ...corpus.harmless]) {
      expect({ key: entry.key, length: entry.length, entropy: entry.entropy }).toEqual({
        key: entry.key,
        length: entry.value.length,
        entropy: entropy(entry.value),
      });
    }
  });

  it.each(corpus.flagged.map((e) => [e.why, e] as const))("flags %s", (_why, entry) => {
    const found = sec004(entry);
    expect(found.map((f) => f.path)).toEqual([["env", entry.key]]);
    expect(found[0]?.severity).toBe("deny");
    expect(found[0]?.message).not.toContain(entry.value);
  });

  it.each(corpus.harmless.map((e) => [e.why, e] as const))("lets %s pass", (_why, entry) => {
    expect(sec004(entry)).toEqual([]);
  });
});
