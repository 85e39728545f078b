import { describe, expect, it } from "vitest";
import {
  durationMs,
  formatNumber,
  PromqlValueError,
  promqlString,
  regexLiteral,
  templateText,
} from "./promql.js";

describe("promqlString", () => {
  it.each([
    ["checkout", '"checkout"'],
    ['a"b', '"a\\"b"'],
    ["a\\b", '"a\\\\b"'],
    ["line\nbreak\ttab\rcr", '"line\\nbreak\\ttab\\rcr"'],
    ["bell\u0007del\u007f", '"bell\\x07del\\x7f"'],
    ["é 日本 🙂", '"é 日本 🙂"'],
  ])("%j → %s", (value, quoted) => {
    expect(promqlString(value)).toBe(quoted);
  });

  it("refuses a lone surrogate (not writable as UTF-8)", () => {
    expect(() => promqlString("a\uD800b")).toThrow(PromqlValueError);
  });
});

describe("regexLiteral", () => {
  it("escapes every RE2 metacharacter so the text matches only itself", () => {
    const text = "a.b+c*d?e(f)g|h[i]j{k}l^m$n\\o";
    const escaped = regexLiteral(text);
    expect(new RegExp(`^(?:${escaped})$`).test(text)).toBe(true);
    expect(new RegExp(`^(?:${escaped})$`).test(text.replace(".", "x"))).toBe(false);
  });
});

describe("durationMs", () => {
  it.each([
    ["5m", 300_000],
    ["1h30m", 5_400_000],
    ["30d", 2_592_000_000],
    ["4w", 2_419_200_000],
  ])("%s = %d ms", (text, ms) => {
    expect(durationMs(text)).toBe(ms);
  });

  it.each(["", "0s", "30 d", "1.5h", "d"])("refuses %j", (text) => {
    expect(() => durationMs(text)).toThrow(PromqlValueError);
  });
});

describe("formatNumber and templateText", () => {
  it("prints numbers without binary noise", () => {
    expect(formatNumber((100 - 99.9) / 100)).toBe("0.001");
    expect(formatNumber(0.1 + 0.2)).toBe("0.3");
    expect(formatNumber(14.4)).toBe("14.4");
  });

  it("writes {{ as an action that prints {{", () => {
    expect(templateText("no braces")).toBe("no braces");
    expect(templateText("{{ $value }}")).toBe('{{ "{{" }} $value }}');
  });
});
