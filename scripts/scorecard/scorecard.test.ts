import { describe, expect, it } from "vitest";
import type { EnvironmentModel, ResolvedService } from "../model/resolved.js";
import type { CheckContext, ScorecardCheck } from "./checks.js";
import { scoreService } from "./scorecard.js";

const context = {
  service: {
    name: "web",
    team: "shop",
    environment: "prod",
    file: "services/web/service.yaml",
  } as ResolvedService,
  environment: { name: "prod", file: "environments/prod.yaml", spec: {} } as EnvironmentModel,
  production: true,
  team: undefined,
  policy: [],
} satisfies CheckContext;

/** A check with a fixed outcome, to test grading apart from what the real checks look at. */
function check(id: string, level: ScorecardCheck["level"], status: "pass" | "fail" | "n/a"): ScorecardCheck {
  return { id, title: id, level, evaluate: () => ({ status, detail: "" }) };
}

describe("grading", () => {
  it.each([
    ["everything passes: gold, nothing next", ["pass", "pass", "pass"], "gold", null, []],
    ["a gold check fails: silver, missing it", ["pass", "pass", "fail"], "silver", "gold", ["g"]],
    [
      "a bronze check fails: none, even with silver and gold met",
      ["fail", "pass", "pass"],
      null,
      "bronze",
      ["b"],
    ],
    [
      "a silver check fails: bronze; gold's own failure is not what silver misses",
      ["pass", "fail", "fail"],
      "bronze",
      "silver",
      ["s"],
    ],
    ["n/a counts as met", ["n/a", "n/a", "n/a"], "gold", null, []],
  ] as const)("%s", (_, statuses, level, next, missing) => {
    const checks = [
      check("b", "bronze", statuses[0]),
      check("s", "silver", statuses[1]),
      check("g", "gold", statuses[2]),
    ];
    expect(scoreService(context, checks)).toMatchObject({ level, next, missing });
  });

  it("a new check (an observability check, say) is one entry: it joins the grading and the output", () => {
    const checks = [check("b", "bronze", "pass"), check("has-slo", "silver", "fail")];
    const card = scoreService(context, checks);
    expect(card).toMatchObject({ level: "bronze", next: "silver", missing: ["has-slo"] });
    expect(card.checks.map((c) => c.id)).toEqual(["b", "has-slo"]);
  });
});
