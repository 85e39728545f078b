import { appendFileSync, cpSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { run } from "../scripts/run.js";
import { fixtureRepos } from "./support/fixture-repo.js";
import { pinToday } from "./support/suite.js";

const ROOT = join(import.meta.dirname, "..");
const fixture = fixtureRepos("idp-budget");
pinToday("2026-11-25");

const PLATFORM_TEAM = `apiVersion: idp/v1
kind: Team
metadata:
  name: platform
spec:
  github: example/platform
  members: [carol]
  budget: { monthly: 100 }
  contact: { slack: "#platform" }
`;

/**
 * The minimal fixture (team shop, budget $1,000) with the example policies
 * and a price of `cpu` USD per vCPU in prod (nothing else priced). Its prod
 * services request 1 vCPU at minimum scale (api 2 × 200m, web 2 × 250m, job
 * 100m) and 1.8 vCPU at maximum (api 6 × 200m).
 */
function budgetFixture(cpu: number): string {
  const root = fixture();
  cpSync(join(ROOT, "policies"), join(root, "policies"), { recursive: true });
  writeFileSync(join(root, "teams/platform.yaml"), PLATFORM_TEAM);
  appendFileSync(
    join(root, "environments/prod.yaml"),
    `  prices: { cpu: ${cpu}, memory: 0, dependencies: { postgres: { small: 0 } } }\n`,
  );
  return root;
}

interface Reported {
  code: string;
  severity: string;
  file: string;
  line: number;
  message: string;
}

async function validate(root: string) {
  const outcome = await run(["validate", "--root", root, "--format", "json"]);
  const diagnostics = (JSON.parse(outcome.stdout).diagnostics as Reported[]).filter(
    (d) => d.code === "policy.COST003",
  );
  return { exitCode: outcome.exitCode, diagnostics };
}

describe("COST003: a team's monthly cost across all environments against its budget", () => {
  it("over the budget at minimum scale: denied on the team file's budget line, exit 1", async () => {
    const { exitCode, diagnostics } = await validate(budgetFixture(1100));
    expect(exitCode).toBe(1);
    expect(diagnostics).toEqual([
      {
        code: "policy.COST003",
        severity: "error",
        file: "teams/shop.yaml",
        line: 10,
        column: 22,
        message:
          "team shop costs $1100 a month across all environments ($1980 with every autoscaled service at autoscale.max), over its budget of $1000 (110 %); lower requests, replicas or dependency sizes (see idp cost --team shop), or ask the platform team to raise budget.monthly",
      },
    ]);
  });

  it("at 80 % or more: one warning (not one per environment), exit 0", async () => {
    const { exitCode, diagnostics } = await validate(budgetFixture(500 * 0.85 * 2));
    expect(exitCode).toBe(0);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ severity: "warning", file: "teams/shop.yaml", line: 10 });
    expect(diagnostics[0]?.message).toContain("team shop costs $850 a month across all environments");
    expect(diagnostics[0]?.message).toContain(
      "85 % of its budget of $1000, and over it at autoscale.max ($1530)",
    );
  });

  it("below 80 % at minimum and within the budget at maximum: nothing", async () => {
    const { exitCode, diagnostics } = await validate(budgetFixture(500));
    expect(exitCode).toBe(0);
    expect(diagnostics).toEqual([]);
  });

  it("an exception on the team file waives the denial, saying who approved it until when", async () => {
    const root = budgetFixture(1100);
    writeFileSync(
      join(root, "policies/exceptions.yaml"),
      "- { rule: COST003, target: teams/shop.yaml, reason: launch month traffic is paid by marketing, approvedBy: carol, expires: 2026-12-31 }\n",
    );
    const { exitCode, diagnostics } = await validate(root);
    expect(exitCode).toBe(0);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]?.severity).toBe("warning");
    expect(diagnostics[0]?.message).toMatch(
      /^waived until 2026-12-31 \(approved by carol: launch month traffic is paid by marketing\): team shop costs \$1100/,
    );
  });

  it("an exception limited to some environments waives only those: the budget is judged in every environment, so the denial stands", async () => {
    const root = budgetFixture(1100);
    writeFileSync(
      join(root, "policies/exceptions.yaml"),
      "- { rule: COST003, target: teams/shop.yaml, environments: [prod], reason: launch month traffic is paid by marketing, approvedBy: carol, expires: 2026-12-31 }\n",
    );
    const { exitCode, diagnostics } = await validate(root);
    // Waived where prod judged it, still denied where dev did: one of each, and the exit code of a denial.
    expect(exitCode).toBe(1);
    expect(diagnostics.map((d) => d.severity).sort()).toEqual(["error", "warning"]);
    expect(diagnostics.find((d) => d.severity === "warning")?.message).toMatch(/^waived until 2026-12-31/);
    expect(diagnostics.find((d) => d.severity === "error")?.message).toMatch(/^team shop costs \$1100/);
  });
});
