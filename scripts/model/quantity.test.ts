import { describe, expect, it } from "vitest";
import { formatCpu, formatMemory, parseQuantity } from "./quantity.js";

describe("parseQuantity", () => {
  it.each([
    ["250m", 0.25],
    ["1", 1],
    ["1.5", 1.5],
    [".5", 0.5],
    ["256Mi", 256 * 2 ** 20],
    ["1Gi", 2 ** 30],
    ["1G", 1e9],
    ["128k", 128e3],
    ["1e3", 1000],
    ["+2", 2],
    [4, 4],
  ])("reads %s", (text, value) => {
    expect(parseQuantity(text)).toBeCloseTo(value, 9);
  });

  it.each(["", "abc", "1.2.3", "-1", "1Gb", "1 Gi", "Mi", "1mi", "9".repeat(40), -3])(
    "refuses %s",
    (text) => {
      expect(parseQuantity(text)).toBeUndefined();
    },
  );
});

describe("formatting", () => {
  it("prints cpu and memory the way people write them", () => {
    expect(formatCpu(0.25)).toBe("250m");
    expect(formatCpu(2)).toBe("2");
    expect(formatMemory(512 * 2 ** 20)).toBe("512Mi");
    expect(formatMemory(1.5 * 2 ** 30)).toBe("1.5Gi");
  });
});
