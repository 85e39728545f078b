import { describe, expect, it } from "vitest";
import { closestName, editDistance } from "./names.js";

describe("editDistance", () => {
  it.each([
    ["tier", "tier", 0],
    ["teir", "tier", 1],
    ["teir", "team", 2],
    ["replica", "replicas", 1],
    ["abcd", "badc", 2],
    ["", "abc", 3],
  ])("%s → %s is %i", (a, b, expected) => {
    expect(editDistance(a, b)).toBe(expected);
    expect(editDistance(b, a)).toBe(expected);
  });

  it("gives up past the cap", () => {
    expect(editDistance("abcdefgh", "zyxwvuts", 2)).toBe(3);
  });
});

describe("closestName", () => {
  const metadata = ["description", "name", "team", "tier"];

  it.each<[string, readonly string[], string | undefined]>([
    ["teir", metadata, "tier"],
    ["replica", ["replicas", "resources"], "replicas"],
    ["Team", metadata, "team"],
    ["something", metadata, undefined],
  ])("%s → %s", (name, known, expected) => {
    expect(closestName(name, known)).toBe(expected);
  });

  it("prefers a field that is missing over one already set, at the same distance", () => {
    // "tea" is one edit from both "team" and "teal"; "team" is already set.
    expect(closestName("tea", ["team", "teal"], (c) => c !== "team")).toBe("teal");
    expect(closestName("tea", ["team", "teal"])).toBe("team");
  });

  it("does not prefer a missing field that is further away", () => {
    expect(closestName("teams", ["team", "tier"], (c) => c !== "team")).toBe("team");
  });
});
