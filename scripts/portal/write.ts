import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { UsageError } from "../errors.js";
import type { Site } from "./build.js";

/** Marks a folder as written by `idp portal`: only such a folder (or an empty one) is replaced. */
export const MARKER = ".idp-portal";

/**
 * Writes the site to `out` whole: into a sibling temporary folder first, then
 * swapped in by rename, so a reader (or a failed build) never sees half a
 * site. A folder that exists, is not empty and was not written by `idp
 * portal` is refused: replacing it would delete someone's files.
 */
export function writeSite(out: string, site: Site): void {
  if (existsSync(out)) {
    const entries = readdirSync(out);
    if (entries.length > 0 && !entries.includes(MARKER))
      throw new UsageError(
        `${out} is not empty and was not written by idp portal; choose a new or empty folder (it would be replaced whole)`,
      );
  }
  const parent = dirname(out);
  mkdirSync(parent, { recursive: true });
  const temp = join(parent, `.${basename(out)}.tmp-${process.pid}`);
  const old = join(parent, `.${basename(out)}.old-${process.pid}`);
  rmSync(temp, { recursive: true, force: true });
  try {
    for (const [path, content] of site) {
      const file = join(temp, path);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, content);
    }
    writeFileSync(
      join(temp, MARKER),
      "written by idp portal: this folder is replaced whole on the next build\n",
    );
    // GitHub Pages serves the files as they are (no Jekyll pass).
    writeFileSync(join(temp, ".nojekyll"), "");
    if (existsSync(out)) renameSync(out, old);
    renameSync(temp, out);
  } finally {
    rmSync(temp, { recursive: true, force: true });
    rmSync(old, { recursive: true, force: true });
  }
}
