import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { dashboardUid } from "../scripts/observability/dashboards.js";
import { checkRepository, collectPortal } from "../scripts/portal/collect.js";
import { grafanaDashboardUrl } from "../scripts/portal/pages/observability.js";
import { servicePage } from "../scripts/portal/pages/service.js";
import { run } from "../scripts/run.js";
import { fixtureRepos, snapshotTree } from "./support/fixture-repo.js";
import { commit, edit, git, pinToday, temporaryFolders } from "./support/suite.js";

const fixture = fixtureRepos("idp-portal");
const CLI = join(import.meta.dirname, "..", "bin", "idp.js");
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

  it("writes the same site from the built command, whose worker thread reads the history and lays out the graph, as in one thread", async () => {
    const root = copyExamples();
    git(root, "init", "-q", "-b", "main");
    commit(root, "the platform (#3)");
    edit(root, "services/checkout/service.yaml", "staging: { replicas: 2 }", "staging: { replicas: 3 }");
    commit(root, "checkout: one more replica in staging (#7)");
    // From the TypeScript sources (run) the work stays in this thread; the built CLI starts the worker.
    expect(existsSync(join(import.meta.dirname, "..", "dist", "scripts", "portal", "portal-worker.js"))).toBe(
      true,
    );
    const threaded = join(root, "threaded");
    const spawned = spawnSync(process.execPath, [CLI, "portal", "--root", root, "--out", threaded], {
      encoding: "utf8",
      // A process kept alive by an idle worker would hang here: fail instead.
      timeout: 60_000,
    });
    expect(spawned.status, spawned.stderr).toBe(0);
    const single = join(root, "single");
    expect((await run(["portal", "--root", root, "--out", single])).exitCode).toBe(0);
    expect(snapshotTree(threaded)).toEqual(snapshotTree(single));
    const checkout = readFileSync(join(threaded, "services", "checkout.html"), "utf8");
    expect(checkout).toMatch(/<a href="https:\/\/[^"]+\/pull\/7"[^>]*>#7<\/a>/);
    expect(readFileSync(join(threaded, "graph.html"), "utf8")).toContain('<a class="node service');
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

  it("links each environment's dashboard in the Grafana it names (observability.grafana.url), and names it only where none", async () => {
    const root = copyExamples();
    edit(
      root,
      "environments/prod.yaml",
      "  observability: # what a service gets unless its observability block says otherwise\n",
      "  observability: # what a service gets unless its observability block says otherwise\n    grafana: { url: https://grafana.prod.acme.example/ }\n",
    );
    const out = join(root, "site");
    const result = await run(["portal", "--root", root, "--out", out]);
    expect(result.exitCode, result.stderr).toBe(0);
    const observability = section(
      readFileSync(join(out, "services", "checkout.html"), "utf8"),
      "observability",
    );
    const prod = observability.slice(observability.indexOf('<th scope="row">prod</th>'));
    // The uid the rendered dashboard carries: the same function, not a copy of it.
    const uid = dashboardUid("service", "prod", "checkout");
    expect(prod).toContain(
      `<a href="https://grafana.prod.acme.example/d/${uid}" rel="noopener noreferrer">checkout (prod) in Grafana</a>`,
    );
    const rendered = readFileSync(join(root, "manifests", "prod", "checkout", "manifest.yaml"), "utf8");
    expect(rendered).toContain(`"uid":"${uid}"`);
    // staging names no Grafana: no link there, the uid and ConfigMap only.
    const staging = observability.slice(
      observability.indexOf('<th scope="row">staging</th>'),
      observability.indexOf('<th scope="row">prod</th>'),
    );
    expect(staging).toContain("checkout (staging)");
    expect(staging).not.toContain("Grafana</a>");
  });

  it.each([
    ["javascript:alert(document.cookie)"],
    ["http://grafana.acme.example"],
    ["https://grafana.acme.example/?next=https://evil.example"],
    ["https://grafana.acme.example/#x"],
    ["https://admin:secret@grafana.acme.example"],
    ["not a url"],
  ])(
    "gives no dashboard link for the Grafana address %j (the schema refuses it; the page does not trust that)",
    async (url) => {
      const root = copyExamples();
      const model = await collectPortal(root, checkRepository(root));
      const prod = model.environments.find((e) => e.name === "prod");
      const checkout = model.services.find((s) => s.name === "checkout");
      if (!prod || !checkout) throw new Error("the example repository has no checkout in prod");
      prod.spec.observability = { ...prod.spec.observability, grafana: { url } };
      expect(grafanaDashboardUrl(prod, "idp-s-0123")).toBeUndefined();
      const page = String(servicePage(model, checkout, new Map()).body);
      const observability = section(page, "observability");
      expect(observability).not.toContain("in Grafana");
      expect(observability).not.toContain(url.replaceAll("&", "&amp;"));
    },
  );

  it("builds a dashboard address under a Grafana served from a sub-path, the uid escaped", () => {
    const environment = {
      name: "prod",
      file: "environments/prod.yaml",
      spec: { observability: { grafana: { url: "https://ops.acme.example/grafana/" } } },
    };
    expect(grafanaDashboardUrl(environment as never, "idp-s-abc")).toBe(
      "https://ops.acme.example/grafana/d/idp-s-abc",
    );
    expect(grafanaDashboardUrl(environment as never, "a/../b")).toBe(
      "https://ops.acme.example/grafana/d/a%2F..%2Fb",
    );
  });

  it("lists no alert or dashboard in an environment without monitoring (observability.enabled: false)", async () => {
    const root = copyExamples();
    const model = await collectPortal(root, checkRepository(root));
    const checkout = model.services.find((s) => s.name === "checkout");
    const prod = model.environments.find((e) => e.name === "prod");
    if (!checkout || !prod) throw new Error("the example repository has no checkout in prod");
    prod.spec = { ...prod.spec, observability: { ...prod.spec.observability, enabled: false } };
    const observability = section(String(servicePage(model, checkout, new Map()).body), "observability");
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
    const page = String(servicePage(model, checkout, new Map()).body);
    const observability = section(page, "observability");
    expect(observability).toContain("<span>javascript:alert(document.cookie)</span>");
    expect(observability).not.toMatch(/href="javascript:/i);
  });
});
