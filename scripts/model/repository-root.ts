import { existsSync, statSync } from "node:fs";
import { dirname, join } from "node:path";

/** The folders that mark a platform repository's root. */
export const ROOT_MARKERS = ["environments", "services"] as const;

/**
 * The repository a run without `--root` works on, found as git finds its
 * work tree: the nearest folder, from `cwd` up, that holds both
 * `environments/` and `services/`. The top of a git work tree (a folder with
 * `.git`) ends the walk and is the answer there, so a run never reaches into
 * an enclosing folder, and a new repository without services/ yet still
 * finds its root. Outside any of these, `cwd` itself.
 */
export function findRepositoryRoot(cwd: string): string {
  for (let folder = cwd; ; folder = dirname(folder)) {
    if (ROOT_MARKERS.every((marker) => isFolder(join(folder, marker)))) return folder;
    if (existsSync(join(folder, ".git"))) return folder;
    if (dirname(folder) === folder) return cwd;
  }
}

function isFolder(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
}
