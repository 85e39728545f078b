import { describe, expect, it } from "vitest";
import type { Diagnostic } from "./diagnostic.js";
import { REDACTED, Redactor } from "./redact.js";

const KEY =
  "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5oo\n-----END EC PRIVATE KEY-----";

describe("Redactor", () => {
  it.each([
    ["the value as written", "token sk_live_4eC39HqLyjWDarjtT1zdp7dc here", "token [REDACTED] here"],
    ["its JSON spelling", '"a\\"quoted\\"pass"', '"[REDACTED]"'],
    ["its YAML single-quoted spelling", "P: 'it''s-a-secret'", "P: '[REDACTED]'"],
    ["each line of a multi-line value", "  MHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5oo\n", `  ${REDACTED}\n`],
  ])("hides %s", (_what, text, expected) => {
    const redactor = new Redactor([
      "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
      'a"quoted"pass',
      "it's-a-secret",
      KEY,
    ]);
    expect(redactor.text(text)).toBe(expected);
  });

  it("does not replace values too short to find safely, and changes nothing without values", () => {
    expect(new Redactor(["abc"]).text("abc abcdef")).toBe("abc abcdef");
    expect(new Redactor([]).empty).toBe(true);
    expect(new Redactor([]).text("anything")).toBe("anything");
  });

  it("masks the line a SEC004 diagnostic points at from its column, whatever the value", () => {
    const diagnostic: Diagnostic = {
      code: "policy.SEC004",
      severity: "error",
      message: "env DB_PASSWORD looks like a credential",
      file: "services/a/service.yaml",
      line: 2,
      column: 18,
    };
    const sources = new Map([
      ["services/a/service.yaml", 'env:\n    DB_PASSWORD: "\\x61bc"\n    LOG: info\n'],
    ]);
    expect(new Redactor(["abc"]).sources(sources, [diagnostic]).get("services/a/service.yaml")).toBe(
      `env:\n    DB_PASSWORD: ${REDACTED}\n    LOG: info\n`,
    );
  });
});
