import { describe, expect, it } from "vitest";
import { reservedMatch } from "./reserved-names.js";

describe("reservedMatch", () => {
  it.each([
    ["kube-system", "kube-*"],
    ["kube-ops", "kube-*"],
    ["default", "default"],
    ["argocd", "argocd"],
    ["external-secrets", "external-secrets"],
    ["cert-manager", "cert-manager"],
    ["kubernetes", undefined],
    ["default-dev", undefined],
    ["shop", undefined],
  ])("%s → %s", (name, expected) => {
    expect(reservedMatch(name)).toBe(expected);
  });

  it("adds the environment's own namespaces as exact names", () => {
    expect(reservedMatch("gateway-system", ["gateway-system"])).toBe("gateway-system");
    expect(reservedMatch("gateway-system-2", ["gateway-system"])).toBeUndefined();
  });
});
