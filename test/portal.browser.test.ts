import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run } from "../scripts/run.js";
import { launchChromium, seriousViolations, serveFolder, watchProblems } from "./support/browser.js";
import { edit, git } from "./support/suite.js";

const ROOT = join(import.meta.dirname, "..");
/** Screenshots for people to look at (gitignored). */
const SHOTS = join(ROOT, "test-output", "portal");
const HOSTILE_DESCRIPTION =
  'Carts <script>window.pwned = 1</script><img src=x onerror="window.pwned = 2"> <a href="javascript:window.pwned = 3">click</a> javascript:alert(1)';
/** git drops < and > from names: quotes and ampersands are what an author name can carry into HTML. */
const HOSTILE_AUTHOR = 'Eve" onmouseover="window.pwned=4" & co';

let repo = "";
let out = "";
let browser: { context: BrowserContext; close: () => Promise<void> };
let http: { url: string; server: Server };

/**
 * The example repository with a hostile description in cart and a hostile
 * commit (author name, subject) in its history, built into a portal once for
 * every test of this file.
 */
beforeAll(async () => {
  process.env.IDP_TODAY = "2026-11-25";
  repo = mkdtempSync(join(tmpdir(), "idp-portal-browser-"));
  for (const folder of ["environments", "teams", "services", "schemas", "policies"])
    cpSync(join(ROOT, folder), join(repo, folder), { recursive: true });
  edit(
    repo,
    "services/cart/service.yaml",
    "description: Shopping carts, kept in Redis",
    `description: ${JSON.stringify(HOSTILE_DESCRIPTION)}`,
  );
  expect((await run(["render", "--root", repo])).exitCode).toBe(0);
  git(repo, "init", "-q", "-b", "main");
  git(repo, "add", "-A");
  git(repo, "commit", "-qm", "the platform (#1)");
  edit(
    repo,
    "services/cart/service.yaml",
    "image: ghcr.io/acme/cart:0.12.4",
    "image: ghcr.io/acme/cart:0.12.5",
  );
  expect((await run(["render", "--root", repo])).exitCode).toBe(0);
  git(repo, "add", "-A");
  execAs(repo, HOSTILE_AUTHOR, "cart 0.12.5 <script>window.pwned=5</script> (#42)");
  out = join(repo, "site");
  const built = await run(["portal", "--root", repo, "--out", out]);
  expect(built.exitCode, built.stderr).toBe(0);
  browser = await launchChromium();
  http = await serveFolder(out, "/platform/");
  mkdirSync(SHOTS, { recursive: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  http?.server.close();
  rmSync(repo, { recursive: true, force: true });
  delete process.env.IDP_TODAY;
});

function execAs(root: string, name: string, message: string): void {
  git(root, "-c", `user.name=${name}`, "commit", "-qm", message);
}

async function open(url: string, width = 1280): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width, height: 900 });
  const problems = watchProblems(page);
  await page.goto(url, SETTLED);
  return { page, problems };
}

/**
 * Wait until the network is quiet: a navigation that starts while the page's
 * icon is still loading aborts that request, which would count as a failure.
 */
const SETTLED = { waitUntil: "networkidle" } as const;

const visibleRows = (page: Page) => page.locator("#catalog tbody tr:visible");

describe("idp portal in Chromium", { timeout: 120_000 }, () => {
  it("opens from disk (file://): search and filters work, links go catalog → service → team → graph → service", async () => {
    const { page, problems } = await open(pathToFileURL(join(out, "index.html")).href);
    await expect(page.locator("#catalog-count").textContent()).resolves.toBe("8 of 8 services");
    await page.getByLabel("Search").fill("stripe refunds");
    await expect.poll(() => visibleRows(page).locator("th").allTextContents()).toEqual(["payments"]);
    expect(await page.locator("#catalog-count").textContent()).toBe("1 of 8 services");
    await page.getByLabel("Search").fill("");
    await page.getByLabel("Team").selectOption("payments");
    await expect
      .poll(() => visibleRows(page).locator("th").allTextContents())
      .toEqual(["checkout", "payments"]);
    await page.getByLabel("Team").selectOption("");
    await page.getByLabel("Tier").selectOption("experimental");
    await expect.poll(() => visibleRows(page).locator("th").allTextContents()).toEqual(["search"]);
    await page.getByLabel("Runs in").selectOption("prod");
    await expect.poll(() => visibleRows(page).count()).toBe(0);
    await expect(page.locator("#catalog-empty").isVisible()).resolves.toBe(true);
    expect(await page.locator("#catalog-count").textContent()).toBe("0 of 8 services");

    await page.getByLabel("Runs in").selectOption("");
    await page.getByLabel("Tier").selectOption("");
    // Readiness: the scorecard level where the service runs last (search is experimental: not in prod).
    await page.getByLabel("Readiness").selectOption("bronze");
    await expect.poll(() => visibleRows(page).locator("th").allTextContents()).toEqual(["search"]);
    await page.getByLabel("Readiness").selectOption("");
    await page.getByRole("link", { name: "checkout", exact: true }).click();
    await page.waitForLoadState("networkidle");
    expect(await page.title()).toMatch(/^checkout ·/);
    expect(page.url()).toBe(pathToFileURL(join(out, "services", "checkout.html")).href);
    expect(await page.locator("#promotion + .table-wrap").textContent()).toContain("waiting");
    await page.locator("main .facts").getByRole("link", { name: "payments" }).click();
    await page.waitForLoadState("networkidle");
    expect(page.url()).toBe(pathToFileURL(join(out, "teams", "payments.html")).href);
    expect(await page.locator("h1").textContent()).toBe("Team payments");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Graph" }).click();
    await page.waitForLoadState("networkidle");
    expect(page.url()).toBe(pathToFileURL(join(out, "graph.html")).href);
    await page.locator("svg.graph a.node", { hasText: "payments" }).click();
    await page.waitForLoadState("networkidle");
    expect(page.url()).toBe(pathToFileURL(join(out, "services", "payments.html")).href);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("a hostile description, commit subject and author name are inert text", async () => {
    const { page, problems } = await open(pathToFileURL(join(out, "services", "cart.html")).href);
    expect(await page.evaluate("window.pwned")).toBeUndefined();
    expect(await page.locator(".lead").textContent()).toBe(HOSTILE_DESCRIPTION);
    expect(await page.locator('a[href^="javascript:"]').count()).toBe(0);
    expect(await page.locator("main script, main img").count()).toBe(0);
    const changes = await page.locator("#changes + .table-wrap").textContent();
    expect(changes).toContain(HOSTILE_AUTHOR);
    expect(await page.locator("[onmouseover], [onerror]").count()).toBe(0);
    expect(changes).toContain("<script>window.pwned=5</script>");
    expect(
      await page.locator("#changes + .table-wrap a", { hasText: "#42" }).first().getAttribute("href"),
    ).toBe("https://github.com/acme/platform/pull/42");
    const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute("content");
    expect(csp).toContain("script-src 'self'");
    // The catalog row and the team page carry the same text, inert too.
    await page.goto(pathToFileURL(join(out, "index.html")).href, SETTLED);
    expect(await page.evaluate("window.pwned")).toBeUndefined();
    expect(await page.locator('a[href^="javascript:"]').count()).toBe(0);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("serves under a sub-path (/platform/): every page loads with no failed request, no console error and no serious axe violation", async () => {
    const pages = htmlFiles(out);
    expect(pages).toEqual(
      expect.arrayContaining([
        "index.html",
        "graph.html",
        "policies.html",
        "services/checkout.html",
        "teams/payments.html",
        "environments/prod.html",
      ]),
    );
    const found: string[] = [];
    const page = await browser.context.newPage();
    const problems = watchProblems(page);
    for (const path of pages) {
      await page.goto(http.url + path, SETTLED);
      // axe on one page of each kind (it takes seconds a page); every page is loaded and watched.
      if (!/^(services|teams|environments)\/(?!checkout|payments|prod)/.test(path))
        for (const violation of await seriousViolations(page)) found.push(`${path}: ${violation}`);
    }
    expect(problems).toEqual([]);
    expect(found).toEqual([]);
    await page.close();
  });

  it("keyboard: the skip link and the search field are reachable with Tab, and the filter answers typing", async () => {
    const { page, problems } = await open(`${http.url}index.html`);
    await page.keyboard.press("Tab");
    expect(await page.evaluate("document.activeElement.textContent")).toBe("Skip to content");
    await page.keyboard.press("Enter");
    await page.keyboard.press("Tab");
    expect(await page.evaluate("document.activeElement.id")).toBe("q");
    await page.keyboard.type("front end");
    await expect.poll(() => visibleRows(page).locator("th").allTextContents()).toEqual(["storefront"]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("saves screenshots of every kind of page at desktop (1280) and phone (390) widths", async () => {
    const targets = [
      "index.html",
      "services/checkout.html",
      "teams/payments.html",
      "environments/prod.html",
      "graph.html",
      "policies.html",
    ];
    for (const width of [1280, 390]) {
      const { page, problems } = await open(`${http.url}index.html`, width);
      for (const path of targets) {
        await page.goto(http.url + path, SETTLED);
        const file = join(SHOTS, `${path.replace(/[/.]/g, "-")}${width}.png`);
        await page.screenshot({ path: file, fullPage: true });
        expect(readFileSync(file).length).toBeGreaterThan(5_000);
      }
      // Nothing on a phone is wider than the screen except inside its own scrolling frame.
      const overflow = await page.evaluate<number>(
        "document.documentElement.scrollWidth - window.innerWidth",
      );
      expect(overflow).toBeLessThanOrEqual(0);
      expect(problems).toEqual([]);
      await page.close();
    }
    writeFileSync(join(SHOTS, "README.txt"), "Screenshots from test/portal.browser.test.ts\n");
  });
});

function htmlFiles(folder: string, prefix = ""): string[] {
  return readdirSync(join(folder, prefix), { withFileTypes: true }).flatMap((entry) => {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) return htmlFiles(folder, path);
    return entry.name.endsWith(".html") ? [path] : [];
  });
}
