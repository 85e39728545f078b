import {
  closeSync,
  constants,
  type Dirent,
  fstatSync,
  lstatSync,
  openSync,
  readdirSync,
  readSync,
  type Stats,
} from "node:fs";
import path from "node:path";
import { type Diagnostic, error, type Position, sortDiagnostics } from "../report/diagnostic.js";
import type { LoadedDocument } from "./document.js";
import {
  fileTooLarge,
  type LoadOptions,
  MAX_FILE_BYTES,
  type ParseResult,
  parseYamlDocument,
} from "./parse-yaml.js";

/** The configuration files of a repository, as sorted root-relative paths with forward slashes. */
export interface RepositoryFiles {
  /** `services/<name>/service.yaml` */
  services: string[];
  /** `environments/<name>.yaml` */
  environments: string[];
  /** `teams/<name>.yaml` */
  teams: string[];
  diagnostics: Diagnostic[];
}

/** Every configuration file of a repository, parsed; files that failed to load are left out. */
export interface LoadedRepository {
  services: LoadedDocument[];
  environments: LoadedDocument[];
  teams: LoadedDocument[];
  diagnostics: Diagnostic[];
  /**
   * Files that were found but did not load (a syntax error, say), with their
   * text when it could be decoded: their diagnostics still get a source line,
   * and their names still count as existing.
   */
  failed: { file: string; text?: string }[];
}

const START: Position = { line: 1, column: 1 };

// Windows has no O_NOFOLLOW; there the per-component lstat check is the only guard.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0);

/**
 * Reads and parses one file of the repository. Refuses paths that leave `root`, go
 * through a symbolic link (folder or file) or do not name a regular file, and files
 * over the size cap, without reading their content. Messages only ever quote the
 * relative path, never bytes of a file. `checked` holds paths already found
 * to be real folders or regular files in this load, which are not lstat'ed
 * again (the file itself is still opened without following a link and
 * checked as it is read).
 */
export function readRepositoryFile(
  root: string,
  relativePath: string,
  options: LoadOptions = {},
  checked?: Set<string>,
): ParseResult {
  const parts = splitRelativePath(relativePath);
  if (parts === undefined) {
    return refuse(
      "load.path",
      `Path ${JSON.stringify(relativePath)} is not inside the repository`,
      relativePath,
      "Use a path relative to the repository root without `..`, `.` or a leading `/`.",
    );
  }
  const file = parts.join("/");
  const problem = checkComponents(root, parts, checked);
  if (problem !== undefined) return { diagnostics: [problem] };
  const bytes = readCapped(root, file);
  if (!(bytes instanceof Uint8Array)) return { diagnostics: [bytes] };
  return parseYamlDocument(file, bytes, options);
}

/**
 * Finds the configuration files under `root`: `services/*\/service.yaml`,
 * `environments/*.yaml` and `teams/*.yaml`. Symbolic links, `.yml` files, YAML
 * files that would not be read (`services/x.yaml`, `Service.yaml`, a second
 * YAML file in a service folder) and service folders without a
 * `service.yaml` are reported, not followed or guessed at. A
 * missing top-level folder gives an empty list: whether that is fine is the caller's call.
 */
export function discoverRepository(root: string): RepositoryFiles {
  const diagnostics: Diagnostic[] = [];
  const services = discoverServices(root, diagnostics);
  const environments = discoverFlat(root, "environments", diagnostics);
  const teams = discoverFlat(root, "teams", diagnostics);
  return { services, environments, teams, diagnostics: sortDiagnostics(diagnostics) };
}

/** Discovers and reads every configuration file of the repository at `root`. */
export function loadRepository(root: string): LoadedRepository {
  const found = discoverRepository(root);
  const diagnostics = [...found.diagnostics];
  // Discovery has just checked every folder on the way and every file it found
  // (lstat, or the entry type of its folder's listing).
  const checked = new Set<string>();
  for (const file of [...found.services, ...found.environments, ...found.teams]) {
    for (let slash = file.indexOf("/"); slash !== -1; slash = file.indexOf("/", slash + 1)) {
      checked.add(file.slice(0, slash));
    }
    checked.add(file);
  }
  const failed: LoadedRepository["failed"] = [];
  const readAll = (files: readonly string[]): LoadedDocument[] =>
    files.flatMap((file) => {
      const result = readRepositoryFile(root, file, {}, checked);
      diagnostics.push(...result.diagnostics);
      if (result.document !== undefined) return [result.document];
      failed.push(result.text === undefined ? { file } : { file, text: result.text });
      return [];
    });
  const services = readAll(found.services);
  const environments = readAll(found.environments);
  const teams = readAll(found.teams);
  return { services, environments, teams, diagnostics: sortDiagnostics(diagnostics), failed };
}

// ---------------------------------------------------------------------------
// Reading one file

function refuse(code: string, message: string, file: string, hint: string): ParseResult {
  return { diagnostics: [error(code, message, file, START, hint)] };
}

/** Path components of a root-relative path, or undefined when it could point elsewhere. */
function splitRelativePath(relativePath: string): string[] | undefined {
  if (relativePath === "" || relativePath.includes("\0") || relativePath.includes("\\")) return undefined;
  if (path.isAbsolute(relativePath) || path.win32.isAbsolute(relativePath)) return undefined;
  if (/^[A-Za-z]:/.test(relativePath)) return undefined;
  const parts = relativePath.split("/");
  return parts.every((part) => part !== "" && part !== "." && part !== "..") ? parts : undefined;
}

/** lstat on every component, so no folder or file on the way is a symbolic link. */
function checkComponents(
  root: string,
  parts: readonly string[],
  checked = new Set<string>(),
): Diagnostic | undefined {
  const file = parts.join("/");
  for (let count = 1; count <= parts.length; count += 1) {
    const current = parts.slice(0, count).join("/");
    const isLast = count === parts.length;
    if (checked.has(current)) continue;
    const stats = lstatOrCode(path.join(root, current));
    if (typeof stats === "string") return statFailure(file, current, stats);
    if (stats.isSymbolicLink()) {
      return error(
        "load.path",
        `${current} is a symbolic link; links are not followed`,
        file,
        START,
        "Replace the link with the real file or folder inside the repository.",
      );
    }
    if (isLast ? !stats.isFile() : !stats.isDirectory()) {
      const what = isLast ? "a regular file" : "a folder";
      return error("load.path", `${current} is not ${what}`, file, START, `Make ${current} ${what}.`);
    }
    if (isLast && stats.size > MAX_FILE_BYTES) return fileTooLarge(file, stats.size);
    if (!isLast) checked.add(current);
  }
  return undefined;
}

function statFailure(file: string, current: string, code: string): Diagnostic {
  if (code === "ENOENT" || code === "ENOTDIR") {
    return error(
      "load.missing-file",
      `${current} does not exist`,
      file,
      START,
      "Create the file or fix the path.",
    );
  }
  return unreadable(file, code);
}

function unreadable(file: string, code: string): Diagnostic {
  return error("load.read", `${file} cannot be read (${code})`, file, START, "Check the file's permissions.");
}

/**
 * Opens without following a final symbolic link and checks the open file itself, so a
 * swap after the lstat cannot slip a link or a huge file in. Reads at most one byte
 * past the cap: a file that grew meanwhile is still refused as too large.
 */
function readCapped(root: string, file: string): Uint8Array | Diagnostic {
  let fd: number;
  try {
    fd = openSync(path.join(root, file), OPEN_FLAGS);
  } catch (cause) {
    return unreadable(file, errorCode(cause));
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) {
      return error("load.path", `${file} is not a regular file`, file, START, `Make ${file} a regular file.`);
    }
    if (stats.size > MAX_FILE_BYTES) return fileTooLarge(file, stats.size);
    return readUpTo(fd, Math.min(stats.size, MAX_FILE_BYTES) + 1);
  } catch (cause) {
    return unreadable(file, errorCode(cause));
  } finally {
    closeSync(fd);
  }
}

function readUpTo(fd: number, limit: number): Uint8Array {
  const buffer = new Uint8Array(limit);
  let length = 0;
  while (length < limit) {
    const read = readSync(fd, buffer, length, limit - length, null);
    if (read === 0) break;
    length += read;
  }
  return buffer.subarray(0, length);
}

function lstatOrCode(target: string): Stats | string {
  try {
    // A missing file is an answer here, not a failure: no exception for it.
    return lstatSync(target, { throwIfNoEntry: false }) ?? "ENOENT";
  } catch (cause) {
    return errorCode(cause);
  }
}

function errorCode(cause: unknown): string {
  const code = (cause as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : "unknown error";
}

// ---------------------------------------------------------------------------
// Discovery

/** Entry names of a top-level folder; empty when it does not exist. */
function listFolder(root: string, folder: string, diagnostics: Diagnostic[]): Dirent[] {
  const stats = lstatOrCode(path.join(root, folder));
  if (typeof stats === "string") {
    if (stats !== "ENOENT") diagnostics.push(unreadable(folder, stats));
    return [];
  }
  if (stats.isSymbolicLink()) {
    diagnostics.push(symlink(folder));
    return [];
  }
  if (!stats.isDirectory()) {
    diagnostics.push(
      error("load.path", `${folder} is not a folder`, folder, START, `Make ${folder} a folder.`),
    );
    return [];
  }
  // Entry types come with the listing (no lstat per entry); links are reported, never followed.
  return readdirSync(path.join(root, folder), { withFileTypes: true })
    .filter((entry) => !entry.name.startsWith("."))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function symlink(relative: string): Diagnostic {
  return error(
    "load.symlink",
    `${relative} is a symbolic link; links are not followed`,
    relative,
    START,
    "Replace the link with the real file or folder inside the repository.",
  );
}

function wrongExtension(relative: string): Diagnostic {
  const renamed = `${relative.slice(0, -".yml".length)}.yaml`;
  return error(
    "load.extension",
    `${relative} has the extension .yml and is not read`,
    relative,
    START,
    `Rename it to ${renamed}.`,
  );
}

/** `Prod.YAML`: read only with the extension `.yaml` in lower case. */
function upperCaseExtension(relative: string): Diagnostic {
  const renamed = relative.replace(/\.ya?ml$/i, ".yaml");
  return error(
    "load.extension",
    `${relative} is not read: the extension must be .yaml, in lower case`,
    relative,
    START,
    `Rename it to ${renamed}.`,
  );
}

function discoverServices(root: string, diagnostics: Diagnostic[]): string[] {
  const found: string[] = [];
  for (const entry of listFolder(root, "services", diagnostics)) {
    const folder = `services/${entry.name}`;
    if (entry.isSymbolicLink()) diagnostics.push(symlink(folder));
    else if (entry.isDirectory()) {
      const file = serviceFile(root, folder, diagnostics);
      if (file !== undefined) found.push(file);
    } else if (isYamlName(entry.name)) diagnostics.push(strayServiceFile(folder));
  }
  return found;
}

/** `.yaml` or `.yml` in any case: a file someone meant us to read. */
function isYamlName(name: string): boolean {
  return /\.ya?ml$/i.test(name);
}

/** `services/wishlist.yaml`: a service lives in a folder of its own. */
function strayServiceFile(relative: string): Diagnostic {
  const name = relative.slice("services/".length).replace(/\.ya?ml$/i, "");
  return error(
    "load.stray-file",
    `${relative} is not read: a service is the file services/<name>/service.yaml`,
    relative,
    START,
    `Move it to services/${name}/service.yaml (\`idp new service\` scaffolds one).`,
  );
}

/**
 * The `service.yaml` of one service folder. The folder is listed rather than
 * probed, so `Service.yaml` or `service.yml` is named (a probe would find
 * `Service.yaml` as `service.yaml` on a case-insensitive disk, and then fail
 * on Linux CI) and other YAML files beside it, which are never read, are
 * reported.
 */
function serviceFile(root: string, folder: string, diagnostics: Diagnostic[]): string | undefined {
  const file = `${folder}/service.yaml`;
  let entries: Dirent[];
  try {
    entries = readdirSync(path.join(root, folder), { withFileTypes: true });
  } catch (cause) {
    diagnostics.push(unreadable(folder, errorCode(cause)));
    return undefined;
  }
  let found: Dirent | undefined;
  let misnamed = false;
  for (const entry of entries) {
    const relative = `${folder}/${entry.name}`;
    if (entry.name === "service.yaml") found = entry;
    else if (entry.name.toLowerCase() === "service.yml" || entry.name.toLowerCase() === "service.yaml") {
      misnamed = true;
      diagnostics.push(misnamedServiceFile(relative, file));
    } else if (isYamlName(entry.name) && !entry.name.startsWith(".")) {
      diagnostics.push(
        error(
          "load.stray-file",
          `${relative} is not read: only ${file} describes the service`,
          relative,
          START,
          `Move its settings into ${file}, or delete it.`,
        ),
      );
    }
  }
  if (found === undefined) {
    if (!misnamed) {
      diagnostics.push(
        error(
          "load.missing-file",
          `${folder} has no service.yaml`,
          file,
          START,
          `Add ${file} (\`idp new service\` scaffolds one), or delete the folder.`,
        ),
      );
    }
    return undefined;
  }
  if (found.isSymbolicLink()) diagnostics.push(symlink(file));
  else if (!found.isFile()) {
    diagnostics.push(
      error("load.path", `${file} is not a regular file`, file, START, `Make ${file} a file.`),
    );
  } else return file;
  return undefined;
}

/** `Service.yaml`, `service.yml`: the right file under a name that is not read. */
function misnamedServiceFile(relative: string, file: string): Diagnostic {
  if (relative.endsWith("/service.yml")) return wrongExtension(relative);
  return error(
    "load.file-name",
    `${relative} is not read: the file name is service.yaml, in lower case`,
    relative,
    START,
    `Rename it to ${file}.`,
  );
}

/** `<folder>/*.yaml`; other files (a README, say) are none of our business. */
function discoverFlat(root: string, folder: string, diagnostics: Diagnostic[]): string[] {
  const found: string[] = [];
  for (const entry of listFolder(root, folder, diagnostics)) {
    const name = entry.name;
    const relative = `${folder}/${name}`;
    if (name.endsWith(".yml")) {
      diagnostics.push(wrongExtension(relative));
      continue;
    }
    if (!name.endsWith(".yaml")) {
      if (isYamlName(name)) diagnostics.push(upperCaseExtension(relative));
      continue;
    }
    if (entry.isSymbolicLink()) diagnostics.push(symlink(relative));
    else if (entry.isFile()) found.push(relative);
    else {
      diagnostics.push(
        error("load.path", `${relative} is not a regular file`, relative, START, `Make ${relative} a file.`),
      );
    }
  }
  return found;
}
