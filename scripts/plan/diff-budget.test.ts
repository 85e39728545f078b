import { describe, expect, it } from "vitest";
import { fitDiffs } from "./diff-budget.js";
import type { EnvironmentPlan } from "./plan.js";

const plan = (sizes: Record<string, number>): EnvironmentPlan[] => [
  {
    name: "prod",
    services: Object.entries(sizes).map(([name, size]) => ({
      name,
      status: "changed" as const,
      objects: [],
      diff: "+x\n".repeat(size / 3),
    })),
  },
];

describe("fitDiffs", () => {
  it("keeps every diff that fits", () => {
    const environments = plan({ a: 300, b: 300 });
    expect(fitDiffs(environments, 600)).toBe(0);
    expect(environments[0]?.services.map((s) => s.diff.length)).toEqual([300, 300]);
  });

  it("leaves out the largest diffs first, saying how many lines, until the rest fit", () => {
    const environments = plan({ small: 300, huge: 3000, large: 1500 });
    expect(fitDiffs(environments, 2000)).toBe(1);
    const [small, huge, large] = environments[0]?.services ?? [];
    expect(small?.diff.length).toBe(300);
    expect(large?.diff.length).toBe(1500);
    expect(huge?.diff).toMatch(/^# 1001 diff lines left out: .*run idp plan locally/);
  });
});
