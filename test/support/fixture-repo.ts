import { createHash } from "node:crypto";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterEach } from "vitest";

/** The minimal fixture repository every end-to-end suite starts from. */
export const MINIMAL_FIXTURE = join(import.meta.dirname, "..", "fixtures", "minimal");

/**
 * Fresh copies of the minimal fixture in temporary folders, removed after each
 * test of the suite that calls this (at its top level).
 */
export function fixtureRepos(prefix: string): () => string {
  const temps: string[] = [];
  afterEach(() => {
    for (const root of temps.splice(0)) rmSync(root, { recursive: true, force: true });
  });
  return () => {
    const root = mkdtempSync(join(tmpdir(), `${prefix}-`));
    temps.push(root);
    cpSync(MINIMAL_FIXTURE, root, { recursive: true });
    return root;
  };
}

/**
 * Every entry under root with the hash of its bytes ("link" for anything that
 * is not a file): "nothing was written" is this not changing.
 */
export function snapshotTree(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile())
        files.set(relative(root, path), createHash("sha256").update(readFileSync(path)).digest("hex"));
      else files.set(relative(root, path), "link");
    }
  };
  walk(root);
  return files;
}
