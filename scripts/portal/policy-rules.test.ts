import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readPolicyRules } from "./policy-rules.js";

const ROOT = join(import.meta.dirname, "..", "..");

describe("readPolicyRules", () => {
  const rules = readPolicyRules(ROOT);
  const rule = (id: string) => rules.find((r) => r.id === id);

  it("lists every rule id the compiled bundle knows, with its package's METADATA title", () => {
    expect(rules.map((r) => r.id)).toEqual(
      expect.arrayContaining(["SEC001", "REL002", "COST002", "NET003", "OWN001", "CHG001"]),
    );
    expect(rule("REL002")?.group).toEqual({
      title: "Reliability rules (REL)",
      description:
        "Replica bounds, redundancy and probes of critical services, no experiments in production, monitoring of critical and standard services in production.",
      file: "policies/platform/reliability.rego",
    });
  });

  it("takes the description from the comment that introduces the rule, over several lines", () => {
    expect(rule("NET003")?.description).toBe(
      "a LoadBalancer Service is a public address past the ingress controller or gateway: it needs an exception in production; elsewhere a warning.",
    );
  });

  it("knows the sets a rule adds to, also through a helper (NET003 denies in production and warns elsewhere)", () => {
    expect(rule("NET003")?.severities).toEqual(["deny", "warn"]);
    expect(rule("OWN002")?.severities).toEqual(["deny"]);
    expect(rule("COST002")?.severities.length).toBeGreaterThan(0);
  });
});
