import { cpSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { planCommand } from "../scripts/commands/plan.js";
import { parsePlanReport } from "../scripts/github/plan-report.js";
import { planChange } from "../scripts/plan/plan-change.js";
import { commit, edit, git, pinToday, temporaryFolders } from "./support/suite.js";

const ROOT = join(import.meta.dirname, "..");
const temps = temporaryFolders();
pinToday("2026-11-25");

/** The examples committed on main, with a branch `change` checked out. */
function repository(): string {
  const root = mkdtempSync(join(tmpdir(), "idp-cost-plan-"));
  temps.push(root);
  for (const folder of ["environments", "teams", "services", "schemas", "policies"])
    cpSync(join(ROOT, folder), join(root, folder), { recursive: true });
  git(root, "init", "-q", "-b", "main");
  commit(root, "base");
  git(root, "checkout", "-q", "-b", "change");
  return root;
}

describe("the plan's cost delta", () => {
  // catalog in prod: 250m CPU and 256Mi per pod at $30 per vCPU and $4 per GiB = $8.50 a pod;
  // 3 → 5 replicas is 2 pods more: +$17.00 a month, from $115.50 (with its $90 database) to $132.50.
  it("a pull request that raises replicas shows +$17.00/month for the service and its environment", async () => {
    const root = repository();
    edit(root, "services/catalog/service.yaml", "prod: { replicas: 3 }", "prod: { replicas: 5 }");
    commit(root, "catalog: 5 replicas in prod");
    const plan = await planChange(root, { base: "main" });
    expect(plan.cost).toEqual({
      environments: [
        { environment: "prod", before: { min: 89485, max: 110235 }, after: { min: 91185, max: 111935 } },
      ],
      services: [
        {
          environment: "prod",
          service: "catalog",
          before: { min: 11550, max: 11550 },
          after: { min: 13250, max: 13250 },
        },
      ],
    });
    const markdown = await planCommand({ root, base: "main", format: "markdown", env: {} });
    expect(markdown.stdout).toContain("#### Cost");
    expect(markdown.stdout).toContain("| prod | catalog | $115.50 | $132.50 | +$17.00/month |");
    expect(markdown.stdout).toContain(
      "| prod | **total** | $894.85–$1,102.35 | $911.85–$1,119.35 | +$17.00/month |",
    );
    const text = await planCommand({ root, base: "main", format: "text", env: {} });
    expect(text.stdout).toContain("monthly cost (USD):\n  prod catalog: $115.50 → $132.50 (+$17.00/month)\n");
  });

  it("autoscale bounds change the cost at minimum and maximum scale apart", async () => {
    const root = repository();
    // storefront in prod: 200m and 256Mi a pod = $7.00; autoscale 3–12 → 4–12 is +$7.00 at min, $0 at max.
    edit(
      root,
      "services/storefront/service.yaml",
      "autoscale: { min: 3, max: 12",
      "autoscale: { min: 4, max: 12",
    );
    commit(root, "storefront: 4 pods at least");
    const markdown = await planCommand({ root, base: "main", format: "markdown", env: {} });
    expect(markdown.stdout).toContain(
      "| prod | storefront | $21.00–$84.00 | $28.00–$84.00 | +$7.00 to $0.00/month |",
    );
  });

  it("a change that costs nothing more or less has no cost section", async () => {
    const root = repository();
    edit(root, "services/catalog/service.yaml", "Products, prices and stock levels", "Products and stock");
    commit(root, "catalog: description");
    const plan = await planChange(root, { base: "main" });
    expect(plan.cost).toEqual({ environments: [], services: [] });
    const markdown = await planCommand({ root, base: "main", format: "markdown", env: {} });
    expect(markdown.stdout).not.toContain("#### Cost");
  });

  it("idp comment recomputes the difference from the amounts: a forged markdown or delta is not published", async () => {
    const root = repository();
    edit(root, "services/catalog/service.yaml", "prod: { replicas: 3 }", "prod: { replicas: 5 }");
    commit(root, "catalog: 5 replicas in prod");
    const json = JSON.parse((await planCommand({ root, base: "main", format: "json", env: {} })).stdout);
    expect(json.cost.services).toHaveLength(1);
    const forged = { ...json, markdown: "| prod | catalog | $115.50 | $132.50 | +$0.00/month |" };
    const reading = parsePlanReport(JSON.stringify(forged), "plan.json");
    if (reading.refused !== undefined) throw new Error(reading.refused);
    expect(reading.report.markdown).toContain("| prod | catalog | $115.50 | $132.50 | +$17.00/month |");
    expect(reading.report.markdown).not.toContain("+$0.00/month");
    // A stated difference is no field of the plan file: refused, never published.
    const stated = {
      ...json,
      cost: { ...json.cost, services: [{ ...json.cost.services[0], delta: { min: 0, max: 0 } }] },
    };
    expect(parsePlanReport(JSON.stringify(stated), "plan.json").refused).toMatch(/unknown field/);
    // A name that is not a service name cannot reach the comment.
    const hostile = {
      ...json,
      cost: {
        ...json.cost,
        services: [{ ...json.cost.services[0], service: "<img src=x onerror=alert(1)>" }],
      },
    };
    expect(parsePlanReport(JSON.stringify(hostile), "plan.json").refused).toMatch(
      /\/cost\/services\/0\/service/,
    );
    const negative = {
      ...json,
      cost: { ...json.cost, services: [{ ...json.cost.services[0], before: { min: -5, max: 0 } }] },
    };
    expect(parsePlanReport(JSON.stringify(negative), "plan.json").refused).toMatch(
      /cost\/services\/0\/before\/min/,
    );
  });
});
