import { lstatSync, readFileSync, renameSync, rmSync, type Stats, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { EntryKind, FileIdentity } from "./write/tree.js";

/** Where a clone keeps it: inside `.git/`, which no pull request can write to (git never checks a `.git` path out). */
export const READ_CACHE_FILE = join(".git", "idp-read-cache");

/**
 * How long before it was read an entry must have last changed for what was
 * read to be remembered: a change made after the read gives the entry a
 * later status-change time (ctime), so its identity no longer matches. The
 * margin covers coarse file system clocks, which can give a change made
 * just after the read the ctime of one made just before it.
 */
export const SETTLED_MS = 2_000;

const VERSION = 1;

/** What is remembered of one entry under `manifests/`: a manifest's sha256, a key file's text, a folder's listing. */
export type Remembered =
  | { sha256: string }
  | { text: string }
  | { listing: [name: string, kind: EntryKind | "folder"][] };

/**
 * One entry as a line of the cache file, parsed only when asked for: a
 * run asks for thousands of entries, and parsing them all up front as JSON
 * cost more than the reads they save. `<path>\t<ino>\t<size>\t<mtimeMs>\t<ctimeMs>\t<JSON of Remembered>`.
 */
type Line = string;

const HEADER = `idp read cache ${VERSION}`;

/**
 * What reading `manifests/` found, remembered between runs in one clone by
 * each entry's identity, as git's index remembers blob ids: a file or
 * folder whose inode, size, mtime and ctime are what they were when it was
 * read holds what it held then, since every write to a file, and every
 * entry added to, removed from or renamed in a folder, sets its ctime to
 * the time of the change, and ctime cannot be set by hand. A local
 * `render` or `render --check` then reads only what changed since the last
 * run: one `lstat` per entry instead of listing every folder and reading
 * every manifest (77 MiB for 1,000 services) and key file. A pull
 * request's check (`--base`) never uses it: what it believes comes from git.
 */
export class ReadCache {
  readonly #path: string;
  readonly #remembered: Map<string, Line>;
  readonly #now: Map<string, Line> = new Map();
  readonly #started = Date.now();
  #changed = false;

  private constructor(path: string, remembered: Map<string, Line>) {
    this.#path = path;
    this.#remembered = remembered;
  }

  /** The cache of the clone at `root`; undefined when `root` has no `.git` folder (it is not the top of a clone). */
  static open(root: string): ReadCache | undefined {
    try {
      if (!lstatSync(join(root, ".git")).isDirectory()) return undefined;
    } catch {
      return undefined;
    }
    const path = join(root, READ_CACHE_FILE);
    return new ReadCache(path, readEntries(path));
  }

  /** What was remembered of `path` (under `manifests/`) when it still has `identity`. */
  get(path: string, identity: FileIdentity): Remembered | undefined {
    const line = this.#remembered.get(path);
    if (line === undefined || !line.startsWith(identityText(path, identity))) return undefined;
    const value = parseRemembered(line.slice(line.lastIndexOf("\t") + 1));
    if (value) this.#now.set(path, line);
    return value;
  }

  /** `path` had `identity` when `value` was read from it: remembered if it had settled by then. */
  set(path: string, identity: FileIdentity, value: Remembered): void {
    // A name with a line break or a tab would break the file's lines: never remembered.
    if (identity.ctimeMs > this.#started - SETTLED_MS || /[\t\n\r]/.test(path)) return;
    this.#now.set(path, identityText(path, identity) + JSON.stringify(value));
    this.#changed = true;
  }

  /**
   * Keeps what this run found (entries no longer read are forgotten), when
   * it differs from what was read; written to a new file renamed over the
   * old, so that a run killed meanwhile leaves one or the other. A cache
   * that cannot be written is only a slower next run.
   */
  save(): void {
    if (!this.#changed && this.#now.size === this.#remembered.size) return;
    const temporary = `${this.#path}.${process.pid}.tmp`;
    try {
      writeFileSync(temporary, [HEADER, ...this.#now.values()].join("\n"));
      renameSync(temporary, this.#path);
    } catch {
      rmSync(temporary, { force: true });
    }
  }
}

/** The identity of what `lstat` found. */
export function identityOf(stat: Stats): FileIdentity {
  return { ino: stat.ino, size: stat.size, mtimeMs: stat.mtimeMs, ctimeMs: stat.ctimeMs };
}

/** The start of an entry's line: its path and identity, each followed by a tab. */
function identityText(path: string, { ino, size, mtimeMs, ctimeMs }: FileIdentity): string {
  return `${path}\t${ino}\t${size}\t${mtimeMs}\t${ctimeMs}\t`;
}

/** The lines of the cache file at `path` by entry path: none when it is missing, unreadable or of another version. */
function readEntries(path: string): Map<string, Line> {
  const entries = new Map<string, Line>();
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return entries;
  }
  const lines = text.split("\n");
  if (lines[0] !== HEADER) return entries;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    const tab = line.indexOf("\t");
    if (tab > 0) entries.set(line.slice(0, tab), line);
  }
  return entries;
}

/** A remembered value as save wrote it; undefined for anything else. */
function parseRemembered(json: string): Remembered | undefined {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const remembered = value as Partial<Record<"sha256" | "text" | "listing", unknown>>;
  if (typeof remembered.sha256 === "string")
    return /^[0-9a-f]{64}$/.test(remembered.sha256) ? { sha256: remembered.sha256 } : undefined;
  if (typeof remembered.text === "string")
    return /^\p{ASCII}*$/u.test(remembered.text) ? { text: remembered.text } : undefined;
  const { listing } = remembered;
  return Array.isArray(listing) &&
    listing.every(
      (item) =>
        Array.isArray(item) &&
        item.length === 2 &&
        typeof item[0] === "string" &&
        /^(?!\.\.?$)[^/\\\0]+$/.test(item[0]) &&
        (item[1] === "file" || item[1] === "other" || item[1] === "folder"),
    )
    ? { listing: listing as [string, EntryKind | "folder"][] }
    : undefined;
}
