import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

/** What a render version is made of: the code files and the packages they import, with versions. */
export interface CodeVersion {
  /** sha256 hex of every file's path and bytes and every package's name and version. */
  version: string;
  /** The code files, absolute, sorted. */
  files: string[];
  /** Package name → installed version (`missing` when not found). */
  packages: Map<string, string>;
}

/**
 * The modules whose code decides a rendered file's bytes: rendering a job
 * (both charts, serialization) and the keys that say when to render again.
 * Everything they import, transitively, counts too.
 */
const RENDER_ENTRIES = ["./render-repository.js", "./render-keys.js"];

let cached: string | undefined;

/**
 * The version of the render code running now, computed once per process:
 * a digest of the render modules' import closure (this folder's charts and
 * constructs, the model code they read, errors.ts...) and of the installed
 * versions of the packages they import (cdk8s, cdk8s-plus-28, constructs,
 * kubernetes-models, yaml). Any edit to chart code, or a dependency bump,
 * changes it, so every render key changes and everything renders again. Read
 * from the TypeScript sources at run time (about 80 small files, a few ms),
 * also when running the build in dist/ (bin/idp.js rebuilds a stale dist/
 * first): the built CLI and a run from the sources (tests) agree on the
 * version, so both accept the same committed index.
 */
export function renderVersion(): string {
  cached ??= codeVersion(
    RENDER_ENTRIES.map((entry) => sourceOf(fileURLToPath(new URL(entry, import.meta.url)))),
  ).version;
  return cached;
}

const IMPORT = /(?:\bfrom\s*|\bimport\s*\(?\s*)["']([^"'\n]+)["']/g;

/**
 * The version of the code reachable from `entries` (absolute paths) through
 * static and dynamic imports with literal specifiers. A relative `./x.js`
 * that does not exist is looked up as `./x.ts` (the sources). Bare
 * specifiers (`cdk8s-plus-28`, `@kubernetes-models/argo-cd/...`) name a
 * package, whose version is read from the nearest `node_modules`; `node:`
 * built-ins are skipped. Reading more than is imported (a specifier in a
 * comment) only makes the version change more often, never less.
 */
export function codeVersion(entries: readonly string[]): CodeVersion {
  const seen = new Set<string>();
  const packages = new Map<string, string>();
  const pending = entries.map((entry) => existingModule(entry) ?? entry);
  while (pending.length > 0) {
    const file = pending.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(file, "utf8");
    for (const match of text.matchAll(IMPORT)) {
      const specifier = match[1] as string;
      if (specifier.startsWith("node:")) continue;
      if (specifier.startsWith(".")) {
        const found = existingModule(resolve(dirname(file), specifier));
        if (found) pending.push(found);
      } else {
        const name = packageName(specifier);
        if (!packages.has(name)) packages.set(name, packageVersion(name, dirname(file)));
      }
    }
  }
  const files = [...seen].sort();
  const hash = createHash("sha256");
  const base = commonFolder(files);
  for (const file of files) {
    // Relative paths: the same code checked out elsewhere has the same version.
    hash.update(`file ${file.slice(base.length)}\0`);
    hash.update(readFileSync(file));
    hash.update("\0");
  }
  for (const [name, version] of [...packages].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    hash.update(`package ${name}@${version}\0`);
  }
  return { version: hash.digest("hex"), files, packages };
}

/** `<root>/dist/scripts/a/b.js` → `<root>/scripts/a/b.ts` when that source exists; else the path itself. */
function sourceOf(path: string): string {
  const marker = `${sep}dist${sep}scripts${sep}`;
  const at = path.lastIndexOf(marker);
  if (at === -1) return path;
  const source = `${path.slice(0, at)}${sep}scripts${sep}${path.slice(at + marker.length)}`.replace(
    /\.js$/,
    ".ts",
  );
  return existsSync(source) ? source : path;
}

function existingModule(path: string): string | undefined {
  if (existsSync(path)) return path;
  const source = path.replace(/\.js$/, ".ts");
  return source !== path && existsSync(source) ? source : undefined;
}

/** `@scope/name/sub/path` → `@scope/name`; `name/sub` → `name`. */
function packageName(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] as string);
}

/** The version in `node_modules/<name>/package.json` nearest above `from`, or `missing`. */
function packageVersion(name: string, from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, "node_modules", name, "package.json");
    if (existsSync(manifest)) {
      const { version } = JSON.parse(readFileSync(manifest, "utf8")) as { version?: unknown };
      return typeof version === "string" ? version : "unknown";
    }
    if (dirname(dir) === dir) return "missing";
  }
}

/** The longest folder prefix (ending in "/") that every path shares. */
function commonFolder(paths: readonly string[]): string {
  if (paths.length === 0) return "";
  const folder = (path: string) => {
    const up = dirname(path);
    return up.endsWith(sep) ? up : up + sep;
  };
  let prefix = folder(paths[0] as string);
  for (const path of paths) {
    while (!path.startsWith(prefix)) prefix = folder(prefix.slice(0, -1));
  }
  return prefix;
}
