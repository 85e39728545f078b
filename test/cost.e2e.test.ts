import { spawnSync } from "node:child_process";
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { costRepository, formatUsd } from "../scripts/cost/cost.js";
import { validateRepository } from "../scripts/model/validate-repository.js";
import { run } from "../scripts/run.js";
import { fixtureRepos, snapshotTree } from "./support/fixture-repo.js";
import { expectGolden } from "./support/golden-file.js";
import { edit } from "./support/suite.js";

const ROOT = join(import.meta.dirname, "..");
const fixture = fixtureRepos("idp-cost");

/** The minimal fixture's environments with a price table (prod: $40 a vCPU, $5 a GiB, $70 a database). */
function pricedFixture(): string {
  const root = fixture();
  appendFileSync(
    join(root, "environments/prod.yaml"),
    "  prices: { cpu: 40, memory: 5, dependencies: { postgres: { small: 70 } } }\n",
  );
  appendFileSync(
    join(root, "environments/dev.yaml"),
    "  prices: { cpu: 10, memory: 1, dependencies: { postgres: { small: 5 } } }\n",
  );
  return root;
}

describe("idp cost on the example repository", () => {
  it.each(["text", "json", "markdown"] as const)("--format %s matches its golden", async (format) => {
    const outcome = await run(["cost", "--root", ROOT, "--format", format]);
    expect(outcome.stderr).toBe("");
    expect(outcome.exitCode).toBe(0);
    expectGolden(
      `cost.example.${format === "text" ? "txt" : format === "json" ? "json" : "md"}`,
      outcome.stdout,
    );
  });

  it("prices each service as requests × pods plus dependencies (intent, beside the golden)", () => {
    const repository = validateRepository(ROOT);
    const report = costRepository(repository.services, repository.environments, repository.teams);
    const find = (service: string, environment: string) =>
      report.services.find((s) => s.service === service && s.environment === environment);
    // catalog in prod: 3 pods × (250m × $30 + 0.25 GiB × $4) + postgres small $90 = $115.50
    expect(find("catalog", "prod")?.monthly).toEqual({ min: 11550, max: 11550 });
    // checkout autoscales 3–20 in prod: the compute part differs, the database does not.
    const checkout = find("checkout", "prod");
    expect(checkout?.pods).toEqual({ min: 3, max: 20 });
    expect(checkout?.dependencies).toEqual([
      { name: "orders-db", type: "postgres", size: "small", monthly: 9000 },
    ]);
    // nightly-report's volume has no listed price: 20Gi × $0.12 per GiB-month = $2.40 in prod.
    expect(find("nightly-report", "prod")?.dependencies.find((d) => d.type === "volume")?.monthly).toBe(240);
    // A team's total is the sum of its services in every environment.
    const payments = report.teams.find((t) => t.team === "payments");
    const own = report.services.filter((s) => s.team === "payments");
    expect(payments?.monthly.min).toBe(own.reduce((sum, s) => sum + s.monthly.min, 0));
    expect(payments?.budget).toBe(500000);
  });

  it("--team and --environment narrow the tables; the team total stays across every environment", async () => {
    const outcome = await run([
      "cost",
      "--root",
      ROOT,
      "--team",
      "payments",
      "--environment",
      "prod",
      "--format",
      "json",
    ]);
    expect(outcome.exitCode).toBe(0);
    const json = JSON.parse(outcome.stdout);
    expect(
      json.services.map((s: { service: string; environment: string }) => `${s.service}/${s.environment}`),
    ).toEqual(["checkout/prod", "payments/prod"]);
    expect(json.teams).toHaveLength(1);
    expect(json.teams[0].environments.map((e: { environment: string }) => e.environment)).toEqual(["prod"]);
    expect(json.teams[0].monthly).toEqual({ min: 931.5, max: 1076 });
    expect(json.total).toEqual({ min: 646.5, max: 791 });
  });
});

describe("idp cost on the minimal fixture", () => {
  it.each(["text", "json", "markdown"] as const)(
    "with prices, --format %s matches its golden",
    async (format) => {
      const outcome = await run(["cost", "--root", pricedFixture(), "--format", format]);
      expect(outcome.exitCode).toBe(0);
      expectGolden(
        `cost.fixture.${format === "text" ? "txt" : format === "json" ? "json" : "md"}`,
        outcome.stdout,
      );
    },
  );

  it("without prices every amount is $0 and the environments are named unpriced", async () => {
    const outcome = await run(["cost", "--root", fixture()]);
    expect(outcome.exitCode).toBe(0);
    expect(outcome.stdout).toContain("Not priced (no spec.prices, counted as $0): dev, prod.\n");
    expect(outcome.stdout).toContain("total                    $0.00\n");
  });

  it("a dependency class without a price is refused at its line, with the fix; nothing is printed on stdout", async () => {
    const root = fixture();
    appendFileSync(join(root, "environments/prod.yaml"), "  prices: { cpu: 40, memory: 5 }\n");
    const outcome = await run(["cost", "--root", root]);
    expect(outcome.exitCode).toBe(1);
    expect(outcome.stdout).toBe("");
    expect(outcome.stderr).toContain(
      "environments/prod.yaml:18:7: error cost.unpriced-class: dependency class postgres.small has no price in prod's price table",
    );
    expect(outcome.stderr).toContain("hint: add spec.prices.dependencies.postgres.small (USD per month)");
    expect((await run(["validate", "--root", root])).exitCode).toBe(1);
  });

  it("a price for a class that does not exist is refused (a typo would leave the real class unpriced)", async () => {
    const root = fixture();
    appendFileSync(
      join(root, "environments/prod.yaml"),
      "  prices: { cpu: 40, memory: 5, dependencies: { postgres: { small: 70, smal: 1 } } }\n",
    );
    const outcome = await run(["cost", "--root", root]);
    expect(outcome.exitCode).toBe(1);
    expect(outcome.stderr).toMatch(
      /environments\/prod\.yaml:\d+:\d+: error cost\.unknown-class: spec\.prices\.dependencies prices postgres\.smal, which is not a dependency class of prod/,
    );
    expect(outcome.stderr).toContain("hint: price a class of spec.dependencyClasses: postgres.small");
  });

  it("a negative price is a schema error at its value", async () => {
    const root = fixture();
    appendFileSync(
      join(root, "environments/prod.yaml"),
      "  prices: { cpu: -1, memory: 5, dependencies: { postgres: { small: 70 } } }\n",
    );
    const outcome = await run(["cost", "--root", root]);
    expect(outcome.exitCode).toBe(1);
    expect(outcome.stderr).toContain(
      "environments/prod.yaml:27:18: error schema.minimum: spec.prices.cpu must be >= 0, got -1\n",
    );
  });

  it("an unknown team or environment exits 1 with a suggestion; a bad format is a usage error (2)", async () => {
    const root = pricedFixture();
    const team = await run(["cost", "--root", root, "--team", "shp"]);
    expect(team).toMatchObject({ exitCode: 1, stdout: "" });
    expect(team.stderr).toBe('idp: no team named "shp"; did you mean "shop"?\n');
    const env = await run(["cost", "--root", root, "--environment", "prd"]);
    expect(env.exitCode).toBe(1);
    expect(env.stderr).toContain('no environment named "prd"');
    expect((await run(["cost", "--root", root, "--format", "github"])).exitCode).toBe(2);
  });

  it("reads only: nothing in the repository changes", async () => {
    const root = pricedFixture();
    const before = snapshotTree(root);
    await run(["cost", "--root", root, "--format", "markdown"]);
    expect(snapshotTree(root)).toEqual(before);
  });

  it("the built CLI prints the same as the command function, with exit code 0", async () => {
    const root = pricedFixture();
    const cli = spawnSync(
      process.execPath,
      [join(ROOT, "bin/idp.js"), "cost", "--root", root, "--format", "json"],
      {
        encoding: "utf8",
      },
    );
    expect(cli.status).toBe(0);
    expect(cli.stdout).toBe((await run(["cost", "--root", root, "--format", "json"])).stdout);
    const bad = spawnSync(
      process.execPath,
      [join(ROOT, "bin/idp.js"), "cost", "--root", root, "--team", "nobody"],
      {
        encoding: "utf8",
      },
    );
    expect(bad.status).toBe(1);
  });

  it("amounts are formatted with thousands separators and cents", () => {
    expect(formatUsd(123456789)).toBe("$1,234,567.89");
    expect(formatUsd(5)).toBe("$0.05");
    expect(formatUsd(-1050)).toBe("-$10.50");
  });

  it("a budget with cents is shown with its cents", async () => {
    const root = pricedFixture();
    edit(root, "teams/shop.yaml", "budget: { monthly: 1000 }", "budget: { monthly: 1000.5 }");
    const outcome = await run(["cost", "--root", root, "--format", "markdown"]);
    expect(outcome.stdout).toContain("| $1,000.50 | 13%–17% |");
  });
});
