import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { commit, git, temporaryFolders } from "../../test/support/suite.js";
import { GitRepository } from "./repository.js";

const temps = temporaryFolders();

/** A repository with teams/a.yaml and services/x/service.yaml committed on main; returns its root and that commit. */
function repository(): { root: string; base: string } {
  const root = mkdtempSync(join(tmpdir(), "idp-git-"));
  temps.push(root);
  git(root, "init", "-q", "-b", "main");
  mkdirSync(join(root, "teams"));
  mkdirSync(join(root, "services", "x"), { recursive: true });
  writeFileSync(join(root, "teams", "a.yaml"), "team: a\n");
  writeFileSync(join(root, "services", "x", "service.yaml"), "name: x\n");
  commit(root, "base");
  return { root, base: git(root, "rev-parse", "HEAD").trim() };
}

describe("GitRepository", () => {
  it("lists the changed files, committed, edited and untracked, and what the base has", async () => {
    const { root, base } = repository();
    writeFileSync(join(root, "services", "x", "service.yaml"), "name: x\nimage: y\n");
    commit(root, "edit x");
    mkdirSync(join(root, "services", "new"));
    writeFileSync(join(root, "services", "new", "service.yaml"), "name: new\n");
    writeFileSync(join(root, "teams", "a.yaml"), "team: a2\n");
    const repo = new GitRepository(root);
    expect(await repo.changedFiles(base)).toEqual([
      "services/new/service.yaml",
      "services/x/service.yaml",
      "teams/a.yaml",
    ]);
    expect(await repo.hasUncommittedChanges(["teams"])).toBe(true);
    expect(await repo.hasUncommittedChanges(["environments"])).toBe(false);
    expect(await repo.headCommit()).toBe(git(root, "rev-parse", "HEAD").trim());
    expect(await repo.listFiles(base, ["teams", "services", "policies"])).toEqual([
      "services/x/service.yaml",
      "teams/a.yaml",
    ]);
  });

  it("exports the listed files of the base, as they were there", async () => {
    const { root, base } = repository();
    writeFileSync(join(root, "teams", "a.yaml"), "team: changed\n");
    commit(root, "edit a");
    const tree = await new GitRepository(root).exportFiles(base, ["teams/a.yaml"]);
    try {
      expect(readFileSync(join(tree.path, "teams", "a.yaml"), "utf8")).toBe("team: a\n");
      expect(existsSync(join(tree.path, "services"))).toBe(false);
    } finally {
      tree.remove();
    }
  });

  it("reads the files under a folder by blob id as filesAt reads them by path, and only what the filter keeps", async () => {
    const { root } = repository();
    mkdirSync(join(root, "services", "y"));
    writeFileSync(join(root, "services", "y", "service.yaml"), "name: x\n");
    writeFileSync(join(root, "services", "y", "notes.md"), "tab\there, ünïcode\n");
    writeFileSync(join(root, "services", "y", "with space.yaml"), "name: spaced\n");
    commit(root, "more");
    const head = git(root, "rev-parse", "HEAD").trim();
    // Changed afterwards: what the commit had is read, not the working tree.
    writeFileSync(join(root, "services", "x", "service.yaml"), "name: edited\n");
    const repo = new GitRepository(root);
    const yaml = await repo.filesUnder(head, "services", (path) => path.endsWith(".yaml"));
    expect([...yaml.keys()].sort()).toEqual([
      "services/x/service.yaml",
      "services/y/service.yaml",
      "services/y/with space.yaml",
    ]);
    expect(yaml).toEqual(await repo.filesAt(head, [...yaml.keys()]));
    expect(yaml.get("services/x/service.yaml")).toBe("name: x\n");
    expect((await repo.filesUnder(head, "services", () => true)).get("services/y/notes.md")).toBe(
      "tab\there, ünïcode\n",
    );
    await expect(repo.filesUnder("HEAD", "services", () => true)).rejects.toThrow("not a commit id");
  });

  it("says which operation failed with git's own message", async () => {
    const { root } = repository();
    const missing = "0".repeat(40);
    await expect(new GitRepository(root).changedFiles(missing)).rejects.toThrow(
      new RegExp(`^git could not list the files changed since ${missing}: fatal: bad object ${missing};`),
    );
  });
});
