import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { UsageError } from "../errors.js";
import type { SiteFile } from "./build.js";

/** Marks a folder as written by `idp portal`: only such a folder (or an empty one) is replaced. */
export const MARKER = ".idp-portal";

/**
 * Files written at once: enough to keep the I/O threads busy while this
 * thread builds the next pages, few enough that pages waiting to be written
 * hold little memory.
 */
const WRITES_AT_ONCE = 8;

/**
 * Writes the site to `out` whole: into a sibling temporary folder first, then
 * swapped in by rename, so a reader (or a failed build) never sees half a
 * site. A folder that exists, is not empty and was not written by `idp
 * portal` is refused: replacing it would delete someone's files. Files are
 * written as they are built, a few at a time, while the next ones are built.
 * Returns the paths written, from the site root.
 */
export async function writeSite(out: string, files: AsyncIterable<SiteFile>): Promise<string[]> {
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
  const written: string[] = [];
  const folders = new Set<string>();
  const writing = new Set<Promise<void>>();
  try {
    mkdirSync(temp);
    for await (const file of files) {
      const target = join(temp, file.path);
      const folder = dirname(target);
      if (!folders.has(folder)) {
        mkdirSync(folder, { recursive: true });
        folders.add(folder);
      }
      const content =
        typeof file.content === "string"
          ? file.content
          : Buffer.concat(file.content.map((part) => (typeof part === "string" ? Buffer.from(part) : part)));
      const write = writeFile(target, content).finally(() => writing.delete(write));
      // Its failure is taken up below (race, all); until then it is not an unhandled rejection.
      write.catch(() => undefined);
      writing.add(write);
      written.push(file.path);
      if (writing.size >= WRITES_AT_ONCE) await Promise.race(writing);
    }
    await Promise.all(writing);
    writeFileSync(
      join(temp, MARKER),
      "written by idp portal: this folder is replaced whole on the next build\n",
    );
    // GitHub Pages serves the files as they are (no Jekyll pass).
    writeFileSync(join(temp, ".nojekyll"), "");
    if (existsSync(out)) renameSync(out, old);
    renameSync(temp, out);
  } finally {
    // A failed build may leave writes under way: they end before the folder goes.
    await Promise.allSettled(writing);
    rmSync(temp, { recursive: true, force: true });
    rmSync(old, { recursive: true, force: true });
  }
  return written;
}
