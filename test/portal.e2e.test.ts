import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { run } from "../scripts/run.js";
import { fixtureRepos, snapshotTree } from "./support/fixture-repo.js";
import { commit, edit, git, pinToday } from "./support/suite.js";

const fixture = fixtureRepos("idp-portal");
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
});
