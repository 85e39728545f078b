import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { UsageError } from "../errors.js";
import { CATALOG_ENTRY } from "./entities.js";
import { GENERATED_MARK } from "./serialize.js";

/**
 * Replaces the folder `out` with exactly `files` (path → text): written into
 * a sibling temporary folder first, then swapped in by renames, so a reader
 * sees the old catalog or the new one, and files of entities that no longer
 * exist disappear. The only I/O of the catalog. Refuses (a usage error) a
 * folder that holds anything but an earlier catalog (its catalog-info.yaml
 * starts with the generated mark), and the repository or any folder holding
 * it: replacing those would delete someone's files.
 */
export function writeCatalog(out: string, files: ReadonlyMap<string, string>, root: string): void {
  const target = resolve(out);
  const fromRoot = relative(target, resolve(root));
  if (fromRoot === "" || !fromRoot.startsWith("..")) {
    throw new UsageError(`--out ${out} holds the repository; name a folder of its own, such as catalog`);
  }
  if (existsSync(target)) {
    if (!statSync(target).isDirectory()) throw new UsageError(`--out ${out} is a file, not a folder`);
    if (readdirSync(target).length > 0 && !isEarlierCatalog(target))
      throw new UsageError(
        `--out ${out} is a folder with other files in it (no ${CATALOG_ENTRY} written by idp catalog); name an empty or new folder`,
      );
  }
  const parent = dirname(target);
  mkdirSync(parent, { recursive: true });
  const temporary = join(parent, `.${basename(target)}.tmp-${process.pid}`);
  const previous = join(parent, `.${basename(target)}.old-${process.pid}`);
  rmSync(temporary, { recursive: true, force: true });
  try {
    for (const [path, text] of files) {
      const file = join(temporary, ...path.split("/"));
      if (!file.startsWith(temporary + sep))
        throw new Error(`refusing to write ${path} outside the catalog folder`);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
    }
    const existed = existsSync(target);
    if (existed) renameSync(target, previous);
    renameSync(temporary, target);
    if (existed) rmSync(previous, { recursive: true, force: true });
  } finally {
    rmSync(temporary, { recursive: true, force: true });
  }
}

function isEarlierCatalog(folder: string): boolean {
  try {
    return readFileSync(join(folder, CATALOG_ENTRY), "utf8").startsWith(GENERATED_MARK);
  } catch {
    return false;
  }
}
