import { describe, expect, it } from "vitest";
import { toAjvSchema, withoutCaseFlag } from "./kube-schema.js";

describe("withoutCaseFlag", () => {
  it("turns RE2's (?i) into letters of both cases, leaving classes and escapes alone", () => {
    const pattern = withoutCaseFlag("^(?i)(abort|warn)?$");
    expect(pattern).toBe("^([aA][bB][oO][rR][tT]|[wW][aA][rR][nN])?$");
    const re = new RegExp(pattern, "u");
    expect(["abort", "WARN", "Abort", ""].every((s) => re.test(s))).toBe(true);
    expect(re.test("abort!")).toBe(false);
    expect(withoutCaseFlag("(?i)a[b-z]\\d")).toBe("[aA][b-z]\\d");
  });

  it("is applied to a CRD's patterns, which JavaScript could not compile as written", () => {
    // biome-ignore lint/complexity/useRegexLiterals: a literal would be a syntax error, not a throw to test
    expect(() => new RegExp("^(?i)(abort|warn)?$", "u")).toThrow();
    const schema = toAjvSchema({ type: "string", pattern: "^(?i)(abort|warn)?$" }) as { pattern: string };
    expect(new RegExp(schema.pattern, "u").test("Warn")).toBe(true);
  });
});
