import { describe, expect, it } from "vitest";
import { planCommand } from "../scripts/commands/plan.js";
import { useRenderedRepositories } from "./support/rendered-repository.js";
import { commit, edit, git } from "./support/suite.js";

const { repository } = useRenderedRepositories("idp-plan-observability-");

describe("idp plan: alert and SLO changes in words", () => {
  it("says an objective, a runbook and switched-off metrics by name, not as rule expressions", async () => {
    const root = repository();
    git(root, "checkout", "-qb", "change");
    edit(
      root,
      "environments/prod.yaml",
      "critical: { availability: 99.9, latency",
      "critical: { availability: 99.5, latency",
    );
    edit(
      root,
      "services/checkout/service.yaml",
      "runbook: https://runbooks.acme.example/checkout",
      "runbook: https://runbooks.acme.example/checkout-v2",
    );
    edit(
      root,
      "services/email-worker/service.yaml",
      "metrics: { port: 9090 }",
      "metrics: { port: 9090, enabled: false }",
    );
    commit(root, "objectives");
    const text = (await planCommand({ root, format: "text", base: "main", env: {} })).stdout;
    expect(text).toContain("availability objective 99.9 % → 99.5 %");
    expect(text).toContain(
      "runbook https://runbooks.acme.example/checkout → https://runbooks.acme.example/checkout-v2",
    );
    expect(text).toContain("metrics switched off: no SLO alert can fire");
    // payments sets its own 99.95 %: the tier's default does not move it
    expect(text).not.toMatch(/prod[^\n]*payments[^\n]*availability objective/);
    expect(text).not.toContain("spec.groups");
  });

  it("escapes a hostile runbook URL in the pull-request markdown", async () => {
    const root = repository();
    git(root, "checkout", "-qb", "change");
    edit(
      root,
      "services/checkout/service.yaml",
      "runbook: https://runbooks.acme.example/checkout",
      "runbook: https://evil.example/<img_src=x_onerror=alert(1)>",
    );
    commit(root, "hostile runbook");
    const result = await planCommand({ root, format: "json", base: "main", env: {} });
    const plan = JSON.parse(result.stdout) as { markdown: string };
    // Outside the fenced manifest diff (where it is inert text), the phrase is escaped.
    const prose = plan.markdown.replace(/```[\s\S]*?```/g, "");
    expect(prose).toContain(
      "runbook https:&#8203;//runbooks.acme.example/checkout → https:&#8203;//evil.example/&lt;img\\_src=x\\_onerror=alert(1)&gt;",
    );
    expect(prose).not.toContain("<img");
  });
});
