import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { run } from "../scripts/run.js";
import { fixtureRepos } from "./support/fixture-repo.js";
import { pinToday } from "./support/suite.js";

const ROOT = join(import.meta.dirname, "..");
const freshRepo = fixtureRepos("idp-root");
pinToday("2026-06-15");

describe("idp finds the repository root from a subfolder, as git does", () => {
  it("validates the whole repository when run from a service's folder", async () => {
    const repo = freshRepo();
    const fromRoot = await run(["validate"], repo);
    const fromService = await run(["validate"], join(repo, "services", "api"));
    expect(fromService).toEqual(fromRoot);
    expect(fromService.exitCode).toBe(0);
    expect(fromService.stdout).toMatch(/^valid: 3 services in/m);
  });

  it("--root still overrides what it would find", async () => {
    const repo = freshRepo();
    const service = join(repo, "services", "api");
    expect((await run(["validate", "--root", "../.."], service)).exitCode).toBe(0);
    const here = await run(["validate", "--root", "."], service);
    expect(here.exitCode).toBe(1);
    expect(here.stdout).toContain("no environments");
  });

  it("works through the installed entry point (node bin/idp.js) from services/cart of this repository", () => {
    const result = spawnSync(process.execPath, [join(ROOT, "bin", "idp.js"), "validate"], {
      cwd: join(ROOT, "services", "cart"),
      encoding: "utf8",
      env: { ...process.env, IDP_TODAY: "2026-11-25" },
    });
    expect(result.stdout).toMatch(/^valid: \d+ services in 3 environments/m);
    expect(result.status).toBe(0);
  });
});
