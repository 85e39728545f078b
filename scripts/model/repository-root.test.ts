import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { findRepositoryRoot } from "./repository-root.js";

const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A temporary tree with these folders (a path ending in `.git` is made a file, as in a worktree). */
function tree(...paths: string[]): string {
  const base = realpathSync(mkdtempSync(join(tmpdir(), "idp-root-")));
  temps.push(base);
  for (const path of paths) {
    if (path.endsWith(".git")) {
      mkdirSync(join(base, path, ".."), { recursive: true });
      writeFileSync(join(base, path), "gitdir: elsewhere\n");
    } else mkdirSync(join(base, path), { recursive: true });
  }
  return base;
}

describe("findRepositoryRoot", () => {
  it.each([
    ["a service's folder", ["repo/environments", "repo/services/cart"], "repo/services/cart", "repo"],
    ["the root itself", ["repo/environments", "repo/services"], "repo", "repo"],
    [
      "a nested folder under the root",
      ["repo/environments", "repo/services", "repo/docs/a/b"],
      "repo/docs/a/b",
      "repo",
    ],
    [
      "a platform in a subfolder of a git work tree",
      ["mono/.git", "mono/platform/environments", "mono/platform/services/cart"],
      "mono/platform/services/cart",
      "mono/platform",
    ],
    [
      "a new repository without services/ yet: the git top",
      ["repo/.git", "repo/environments", "repo/teams/x"],
      "repo/teams/x",
      "repo",
    ],
    [
      "a git work tree inside a platform folder: the walk stops at its top",
      ["outer/environments", "outer/services", "outer/inner/.git", "outer/inner/sub"],
      "outer/inner/sub",
      "outer/inner",
    ],
    [
      "a folder holding only services/ is not a root",
      ["a/services/cart"],
      "a/services/cart",
      "a/services/cart",
    ],
  ])("from %s", (_name, paths, from, expected) => {
    const base = tree(...paths);
    expect(findRepositoryRoot(join(base, from))).toBe(join(base, expected));
  });
});
