import { lstatSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ToolError } from "../errors.js";
import { CODEOWNERS_FILE } from "./generate.js";

/** The committed `.github/CODEOWNERS`, or undefined when there is none. */
export function readCodeowners(root: string): string | undefined {
  const path = join(root, CODEOWNERS_FILE);
  refuseLinks(root);
  try {
    return readFileSync(path, "utf8");
  } catch (caught) {
    if ((caught as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new ToolError(`cannot read ${CODEOWNERS_FILE}`, { cause: caught });
  }
}

/**
 * Replaces `.github/CODEOWNERS` atomically (a temporary file beside it, then a
 * rename), so an interrupted run never leaves half a file for GitHub to read.
 */
export function writeCodeowners(root: string, text: string): void {
  refuseLinks(root);
  const path = join(root, CODEOWNERS_FILE);
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    mkdirSync(join(root, ".github"), { recursive: true });
    writeFileSync(temporary, text, { flag: "wx" });
    renameSync(temporary, path);
  } catch (caught) {
    rmSync(temporary, { force: true });
    throw new ToolError(`cannot write ${CODEOWNERS_FILE}`, { cause: caught });
  }
}

/** `.github` and the file must be what they look like: a link could point the write outside the root. */
function refuseLinks(root: string): void {
  for (const relative of [".github", CODEOWNERS_FILE]) {
    let isLink = false;
    try {
      isLink = lstatSync(join(root, relative)).isSymbolicLink();
    } catch {
      return; // missing: nothing further down exists either
    }
    if (isLink) throw new ToolError(`${relative} is a symbolic link; replace it with a real folder or file`);
  }
}
