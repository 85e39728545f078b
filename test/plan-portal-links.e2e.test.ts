/**
 * The plan comment links each changed service to its portal page, at the
 * portal URL the platform team set in the base's policies/governance.yaml.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { planCommand } from "../scripts/commands/plan.js";
import { formatPlanMarkdown } from "../scripts/plan/format-markdown.js";
import { linkTarget } from "../scripts/plan/markdown-text.js";
import { planChange } from "../scripts/plan/plan-change.js";
import { run } from "../scripts/run.js";
import { commit, edit, examplesOnChangeBranch, pinToday, temporaryFolders } from "./support/suite.js";

const GOVERNANCE = "policies/governance.yaml";
const EXAMPLE_PORTAL = "url: https://acme.github.io/platform";
const temps = temporaryFolders();
pinToday("2026-11-25");

/** The examples committed on main with `prepare` applied, and a branch `change` checked out. */
function repository(prepare?: (root: string) => void): string {
  return examplesOnChangeBranch(temps, "idp-portal-links-", prepare);
}

/** search gets a new image tag; cart gets three replicas. */
function changeTwoServices(root: string): void {
  edit(root, "services/search/service.yaml", "search:0.4.0", "search:0.4.1");
  const cart = readFileSync(join(root, "services/cart/service.yaml"), "utf8");
  writeFileSync(
    join(root, "services/cart/service.yaml"),
    cart.replace(/^ {2}replicas: \d+/m, "  replicas: 3"),
  );
  commit(root, "change two services");
}

async function markdown(root: string): Promise<string> {
  return (await planCommand({ root, format: "markdown", base: "main", env: {} })).stdout;
}

describe("the plan comment links changed services to the portal", () => {
  it("each changed service's section links to <portal>/services/<name>.html; the platform objects do not", async () => {
    const root = repository();
    changeTwoServices(root);
    const text = await markdown(root);
    const links = [...text.matchAll(/\*\*`([a-z-]+)`\*\* changed · \[portal page\]\(([^)]*)\)/g)];
    expect(links.length).toBeGreaterThan(0);
    for (const [, name, url] of links)
      expect(url).toBe(`https://acme.github.io/platform/services/${name}.html`);
    expect(new Set(links.map((l) => l[1]))).toEqual(new Set(["search", "cart"]));
    expect(text).not.toMatch(/platform objects\*\* \w+ · \[portal/);
  });

  it("the portal URL is the base's: a pull request that points it elsewhere still links to the base's", async () => {
    const root = repository();
    edit(root, GOVERNANCE, EXAMPLE_PORTAL, "url: https://evil.example/phish");
    changeTwoServices(root);
    const text = await markdown(root);
    expect(text).toContain("(https://acme.github.io/platform/services/search.html)");
    expect(text).not.toContain("evil.example");
  });

  it.each([
    ["http://acme.github.io/platform", "is a http: URL, not https:"],
    ["javascript:alert(1)", "is a javascript: URL, not https:"],
    ["https://user:secret@acme.example/portal", "carries a user name or password"],
    ["https://acme.example/portal?x=1", "has a query or a fragment"],
  ])("a base portal.url of %s links nothing and says why in a note", async (url, reason) => {
    const root = repository((r) => edit(r, GOVERNANCE, EXAMPLE_PORTAL, `url: "${url}"`));
    changeTwoServices(root);
    const text = await markdown(root);
    expect(text).not.toContain("[portal page]");
    expect(text).toContain(
      `> policies/governance.yaml of the base: portal.url ${reason}; nothing links to the portal`,
    );
  });

  it("no portal.url: no links, no note", async () => {
    const root = repository((r) => {
      const file = join(r, GOVERNANCE);
      writeFileSync(file, readFileSync(file, "utf8").replace(/^portal:\n.*\n/m, ""));
    });
    changeTwoServices(root);
    const plan = await planChange(root, { base: "main" });
    expect(plan.portal).toBeUndefined();
    const text = formatPlanMarkdown(plan);
    expect(text).not.toContain("portal");
  });

  it("a URL that could break the link is percent-encoded (a ')' or space cannot end it early)", async () => {
    const root = repository((r) =>
      edit(r, GOVERNANCE, EXAMPLE_PORTAL, 'url: "https://acme.example/a)b c/[x]"'),
    );
    changeTwoServices(root);
    const text = await markdown(root);
    expect(text).toContain("[portal page](https://acme.example/a%29b%20c/%5Bx%5D/services/search.html)");
    expect(linkTarget("https://x.example/ok-._~/é")).toBe("https://x.example/ok-._~/%C3%A9");
  });

  it("idp validate warns on a portal.url that is not https, at its line, and passes", async () => {
    const root = repository((r) =>
      edit(r, GOVERNANCE, EXAMPLE_PORTAL, 'url: "http://acme.github.io/platform"'),
    );
    const result = await run(["validate", "--root", root, "--format", "json"], root);
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout).diagnostics).toEqual([
      expect.objectContaining({
        code: "governance.portal-url",
        severity: "warning",
        file: GOVERNANCE,
        line: 9,
        message: "portal.url is a http: URL, not https:; nothing links to the portal",
      }),
    ]);
  });
});
