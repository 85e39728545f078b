import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkRepository, collectPortal } from "../scripts/portal/collect.js";
import { servicePage } from "../scripts/portal/pages/service.js";
import { run } from "../scripts/run.js";
import { fixtureRepos, snapshotTree } from "./support/fixture-repo.js";
import { commit, edit, git, pinToday, temporaryFolders } from "./support/suite.js";

const fixture = fixtureRepos("idp-portal");
const temps = temporaryFolders();

/** A copy of the example repository at the top of this one, with its committed manifests (and their .render-key files). */
function copyExamples(): string {
  const root = mkdtempSync(join(tmpdir(), "idp-portal-examples-"));
  temps.push(root);
  for (const folder of ["environments", "teams", "services", "schemas", "policies", "manifests"])
    cpSync(join(import.meta.dirname, "..", folder), join(root, folder), { recursive: true });
  return root;
}

/** The text of one `<section>` of a page, by its heading id. */
function section(page: string, id: string): string {
  const start = page.indexOf(`aria-labelledby="${id}"`);
  expect(start, id).toBeGreaterThan(-1);
  return page.slice(start, page.indexOf("</section>", start));
}
pinToday("2026-11-25");

describe("idp portal", () => {
  it("writes the pages of the URL scheme in docs/portal.md, relative links only, every page with the CSP", async () => {
    const root = fixture();
    const out = join(root, "site");
    const result = await run(["portal", "--root", root, "--out", out, "--format", "json"]);
    expect(result.exitCode, result.stderr).toBe(0);
    const files = (JSON.parse(result.stdout) as { files: string[] }).files;
    expect(files).toEqual(
      expect.arrayContaining([
        "index.html",
        "graph.html",
        "policies.html",
        "teams.html",
        "environments.html",
        "services/web.html",
        "services/api.html",
        "services/job.html",
        "teams/shop.html",
        "environments/dev.html",
        "environments/prod.html",
        "assets/portal.css",
        "assets/portal.js",
      ]),
    );
    for (const file of files.filter((f) => f.endsWith(".html"))) {
      const text = readFileSync(join(out, file), "utf8").replaceAll("&#39;", "'");
      expect(text, file).toContain(
        `http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'self'`,
      );
      // No inline script and no inline style: the CSP would block them, so none may be needed.
      expect(text, file).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
      expect(text, file).not.toMatch(/\sstyle="/);
      for (const [, href] of text.matchAll(/href="([^"]*)"/g))
        expect(href, `${file}: ${href}`).toMatch(
          /^(https?:\/\/|mailto:|#|(\.\.\/)?[a-z0-9-]+(\/[a-z0-9-]+)*\.(html|css|js|svg)(#[a-z-]+)?$)/,
        );
    }
    // Outside a git repository there is no history, and the page says so.
    expect(readFileSync(join(out, "services", "web.html"), "utf8")).toContain(
      "Built outside a git repository",
    );
  });

  it("shows a service's last changes from git with the pull request linked", async () => {
    const root = fixture();
    git(root, "init", "-q", "-b", "main");
    commit(root, "the shop (#3)");
    edit(
      root,
      "services/web/service.yaml",
      "image: ghcr.io/example/web:1.2.3",
      "image: ghcr.io/example/web:1.2.4",
    );
    commit(root, "web 1.2.4 (#7)");
    const out = join(root, "site");
    expect((await run(["portal", "--root", root, "--out", out])).exitCode).toBe(0);
    const page = readFileSync(join(out, "services", "web.html"), "utf8");
    expect(page).toContain("image ghcr.io/example/web:1.2.3 → 1.2.4");
    expect(page).toMatch(/<a href="https:\/\/[^"]+\/pull\/7"[^>]*>#7<\/a>/);
  });

  it("refuses an invalid repository: the diagnostic with file and line, exit 1, nothing written", async () => {
    const root = fixture();
    edit(root, "services/web/service.yaml", "replicas: 2", "replicas: two");
    const out = join(root, "site");
    const result = await run(["portal", "--root", root, "--out", out]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/services\/web\/service\.yaml:\d+:\d+/);
    expect(result.stderr).toContain("portal not built");
    expect(existsSync(out)).toBe(false);
  });

  it("replaces its own earlier output whole, and refuses a folder it did not write (exit 2, untouched)", async () => {
    const root = fixture();
    const out = join(root, "site");
    expect((await run(["portal", "--root", root, "--out", out])).exitCode).toBe(0);
    writeFileSync(join(out, "services", "stale.html"), "old");
    expect((await run(["portal", "--root", root, "--out", out])).exitCode).toBe(0);
    expect(existsSync(join(out, "services", "stale.html"))).toBe(false);

    const mine = join(root, "mine");
    mkdirSync(mine);
    writeFileSync(join(mine, "notes.txt"), "keep me");
    const before = snapshotTree(mine);
    const refused = await run(["portal", "--root", root, "--out", mine]);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain("is not empty and was not written by idp portal");
    expect(snapshotTree(mine)).toEqual(before);
  });

  it("shows each environment's scraping, objectives, generated alerts, runbook and dashboard on the example repository", async () => {
    const root = copyExamples();
    // The schema allows any https runbook: quotes and angle brackets must stay inside the href.
    edit(
      root,
      "services/checkout/service.yaml",
      "runbook: https://runbooks.acme.example/checkout",
      'runbook: https://runbooks.acme.example/"><script>alert(1)</script>',
    );
    const out = join(root, "site");
    const result = await run(["portal", "--root", root, "--out", out]);
    expect(result.exitCode, result.stderr).toBe(0);
    const page = readFileSync(join(out, "services", "checkout.html"), "utf8");
    const observability = section(page, "observability");
    const prod = observability.slice(observability.indexOf('<th scope="row">prod</th>'));
    expect(prod).toContain("99.9 % available");
    expect(prod).toContain("99 % under 0.5 s");
    expect(prod).toMatch(
      /<code>AvailabilityErrorBudgetBurn<\/code> <span class="muted">\(critical, warning\)/,
    );
    expect(prod).toContain("<code>LatencyErrorBudgetBurn</code>");
    expect(prod).toContain("checkout (prod)");
    expect(prod).toMatch(
      /uid <code>idp-s-[0-9a-f]{30}<\/code>, ConfigMap <code>payments\/checkout-dashboard<\/code>/,
    );
    // dev has no objective (the environment sets none for it): no burn-rate alert there.
    const dev = observability.slice(0, observability.indexOf('<th scope="row">staging</th>'));
    expect(dev).toContain("<code>ReplicasUnavailable</code>");
    expect(dev).not.toContain("ErrorBudgetBurn");
    expect(page).not.toContain("<script>alert(1)");
    expect(observability).toContain(
      'href="https://runbooks.acme.example/%22%3E%3Cscript%3Ealert(1)%3C/script%3E"',
    );
    const environment = readFileSync(join(out, "environments", "prod.html"), "utf8");
    expect(environment).toMatch(/checkout<\/a><\/th>.*?<td>scraped, SLOs<\/td>/s);
    // The team page shows the per-level counts `idp scorecard` gives for the team.
    const scorecard = await run(["scorecard", "--root", root, "--format", "json"]);
    const summary = (
      JSON.parse(scorecard.stdout) as { teams: { team: string; levels: Record<string, number> }[] }
    ).teams.find((t) => t.team === "payments");
    const team = section(readFileSync(join(out, "teams", "payments.html"), "utf8"), "readiness");
    const counts = [...team.matchAll(/<td>(\d+)<\/td>/g)].map((m) => Number(m[1]));
    expect(counts).toEqual(["gold", "silver", "bronze", "none"].map((l) => summary?.levels[l]));
    // The incremental render's key files are no manifests: no page names one.
    for (const file of ["services/checkout.html", "environments/prod.html"])
      expect(readFileSync(join(out, file), "utf8"), file).not.toContain(".render-key");
  });

  it("lists no alert or dashboard in an environment without monitoring (observability.enabled: false)", async () => {
    const root = copyExamples();
    const model = await collectPortal(root, checkRepository(root));
    const checkout = model.services.find((s) => s.name === "checkout");
    const prod = model.environments.find((e) => e.name === "prod");
    if (!checkout || !prod) throw new Error("the example repository has no checkout in prod");
    prod.spec = { ...prod.spec, observability: { ...prod.spec.observability, enabled: false } };
    const observability = section(String(servicePage(model, checkout).body), "observability");
    const row = observability.slice(observability.indexOf('<th scope="row">prod</th>'));
    expect(row).toContain("no monitoring in this environment");
    expect(row).not.toContain("ErrorBudgetBurn");
    expect(row).not.toContain("checkout-dashboard");
    // the other environments keep theirs
    expect(observability.slice(0, observability.indexOf('<th scope="row">prod</th>'))).toContain(
      "<code>ReplicasUnavailable</code>",
    );
  });

  it("leaves a runbook that is not http(s) as text, never a link", async () => {
    const root = copyExamples();
    const model = await collectPortal(root, checkRepository(root));
    const checkout = model.services.find((s) => s.name === "checkout");
    const prod = checkout?.byEnvironment.get("prod");
    if (!checkout || !prod) throw new Error("the example repository has no checkout in prod");
    // The schema refuses this URL; the page must not trust that it did.
    prod.observability.runbook = "javascript:alert(document.cookie)";
    const page = String(servicePage(model, checkout).body);
    const observability = section(page, "observability");
    expect(observability).toContain("<span>javascript:alert(document.cookie)</span>");
    expect(observability).not.toMatch(/href="javascript:/i);
  });
});
