import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { KUBERNETES_NAMES } from "./k8s.js";

// The L1 classes' generated toJson_* functions map each field as
// `'<kubernetes name>': ...obj.<typescript name>...`, one per line.
const FIELD = /^\s+'([^']+)': (?:[A-Za-z_]+\()?obj\.([A-Za-z0-9_]+)/gm;

function renamedFields(): Record<string, string> {
  const source = readFileSync(
    createRequire(import.meta.url).resolve("cdk8s-plus-28/lib/imports/k8s.js"),
    "utf8",
  );
  const renamed: Record<string, string> = {};
  for (const [, kubernetes, typescript] of source.matchAll(FIELD)) {
    if (kubernetes !== undefined && typescript !== undefined && kubernetes !== typescript) {
      renamed[typescript] = kubernetes;
    }
  }
  return renamed;
}

describe("KUBERNETES_NAMES", () => {
  it("is every field the L1 classes rename, and nothing else", () => {
    const renamed = renamedFields();
    expect(Object.keys(renamed).length).toBeGreaterThan(20);
    expect({ ...KUBERNETES_NAMES }).toEqual(renamed);
  });

  it("is read from mappings the pattern understands (setHostnameAsFQDN among them)", () => {
    expect(renamedFields().setHostnameAsFqdn).toBe("setHostnameAsFQDN");
  });
});
