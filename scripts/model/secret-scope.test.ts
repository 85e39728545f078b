import { describe, expect, it } from "vitest";
import { isWithinPrefixes, secretPrefixesOf } from "./secret-scope.js";
import type { TeamSpec } from "./types.generated.js";

describe("isWithinPrefixes", () => {
  it.each([
    ["payments/stripe#api_key", ["payments/"], true],
    ["payments/stripe#api_key", ["payments/stripe/"], true],
    ["payments/stripe/live#api_key", ["payments/stripe/"], true],
    ["payments/stripe#api_key", ["pay/"], false],
    ["payments-admin/stripe#api_key", ["payments/"], false],
    ["payments#api_key", ["payments/"], true],
    ["storefront/session#key", ["payments/", "storefront/"], true],
    ["shared/github#token", ["storefront/", "shared/stripe/"], false],
  ])("%s under %j: %s", (reference, prefixes, expected) => {
    expect(isWithinPrefixes(reference, prefixes)).toBe(expected);
  });
});

describe("secretPrefixesOf", () => {
  it("defaults to the team's own folder and otherwise takes the list as it is", () => {
    const team = { name: "shop", file: "teams/shop.yaml" };
    const spec: TeamSpec = {
      github: "acme/shop",
      members: ["a"],
      budget: { monthly: 1 },
      contact: { slack: "#shop" },
    };
    expect(secretPrefixesOf({ ...team, spec })).toEqual(["shop/"]);
    expect(secretPrefixesOf({ ...team, spec: { ...spec, secretPrefixes: ["shared/"] } })).toEqual([
      "shared/",
    ]);
  });
});
