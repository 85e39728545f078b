import { describe, expect, it } from "vitest";
import type { ResolvedDependency } from "../../model/resolved.js";
import type { DependencyOutput } from "../../model/types.generated.js";
import { DEFAULT_DEPENDENCY_PORT, dependencyPort } from "./network-policy.js";

function dependency(outputs: Record<string, DependencyOutput>): ResolvedDependency {
  return {
    name: "d",
    type: "t",
    size: "default",
    class: { claim: { apiVersion: "x/v1", kind: "X", spec: {} }, outputs },
  };
}

describe("dependencyPort", () => {
  it.each([
    ["a numeric port value", { port: { value: "5432" } }, 5432],
    ["no port output", { url: { secretKey: "url" } }, DEFAULT_DEPENDENCY_PORT],
    ["a secret port", { port: { secretKey: "port" } }, 443],
    ["a port that is not a number", { port: { value: "postgres" } }, 443],
    ["a port out of range", { port: { value: "70000" } }, 443],
    ["port zero", { port: { value: "0" } }, 443],
  ] as const)("%s", (_, outputs, expected) => {
    expect(dependencyPort(dependency(outputs as Record<string, DependencyOutput>))).toBe(expected);
  });
});
