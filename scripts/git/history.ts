import { spawn } from "node:child_process";
import { type SimpleGit, simpleGit } from "simple-git";
import { ToolError } from "../errors.js";

/** How a file changed in one commit, against the commit's first parent. */
export type FileStatus = "added" | "modified" | "deleted" | "renamed" | "copied";

/** One file a commit changed; `blob` is the new content's object id (absent when deleted). */
export interface FileChange {
  status: FileStatus;
  /** The path after the commit, relative to the root; for a deletion, the path that was removed. */
  path: string;
  /** The path before a rename or copy. */
  from?: string;
  blob?: string;
}

/** A person as git records them. */
export interface GitPerson {
  name: string;
  email: string;
}

/** One commit of the main line, with the files it changed against its first parent. */
export interface HistoryCommit {
  sha: string;
  parents: string[];
  author: GitPerson;
  /** When the commit landed (committer time), seconds since the epoch. */
  time: number;
  subject: string;
  changes: FileChange[];
}

const RECORD = "\x1e";
const FIELD = "\x1f";
const STATUS: Readonly<Record<string, FileStatus>> = {
  A: "added",
  M: "modified",
  T: "modified",
  D: "deleted",
  R: "renamed",
  C: "copied",
};
/** What `idp audit` says in a shallow clone, where history is cut. */
export const SHALLOW_HISTORY =
  "the history is cut: this is a shallow clone, so its oldest commit would look like the start and every service in it like added; fetch the whole history (git fetch --unshallow; on GitHub Actions, actions/checkout with fetch-depth: 0) and run idp audit again";

/** A regular file (mode 100644 or 100755); symlinks and submodules are not configuration. */
const REGULAR_FILE = /^100[67][0-9]{2}$/;

/**
 * Reads history for `idp audit`: the first-parent line of HEAD with the
 * files each commit changed (renames followed), and object contents in bulk.
 * Like GitRepository, every git failure becomes a ToolError saying what to do.
 */
export class GitHistory {
  readonly #git: SimpleGit;
  readonly #root: string;

  constructor(root: string) {
    this.#root = root;
    this.#git = simpleGit({ baseDir: root });
  }

  /**
   * The first-parent commits of HEAD that changed anything under `folders`,
   * oldest first. A merge is compared with its first parent (what the merge
   * brought to the main line); renames are detected (`-M`).
   */
  async firstParentLog(folders: readonly string[]): Promise<HistoryCommit[]> {
    await this.#checkRepository();
    const format = `${RECORD}%H${FIELD}%P${FIELD}%an${FIELD}%ae${FIELD}%ct${FIELD}%s`;
    const output = await this.#do("read the history", async () =>
      (
        await collect(
          "git",
          [
            "-c",
            "core.quotePath=false",
            "log",
            "--first-parent",
            "--diff-merges=first-parent",
            "--reverse",
            "--raw",
            "--no-abbrev",
            "-M",
            "--relative",
            // Every first-parent commit, the diff still limited to `folders`: no history
            // simplification to compute, which halves the time of a long history.
            "--full-history",
            "--sparse",
            `--format=${format}`,
            "HEAD",
            "--",
            ...folders,
          ],
          this.#root,
        )
      ).toString("utf8"),
    );
    return parseLog(output);
  }

  /** The author of each commit in `shas` (the head of a merged branch, for a merge's attribution). */
  async authorsOf(shas: readonly string[]): Promise<Map<string, GitPerson>> {
    const objects = await this.readObjects(shas);
    const authors = new Map<string, GitPerson>();
    for (const [sha, bytes] of objects) {
      const match = /^author (.*) <([^>]*)> \d+ [+-]\d{4}$/m.exec(bytes.toString("utf8"));
      if (match) authors.set(sha, { name: match[1] as string, email: match[2] as string });
    }
    return authors;
  }

  /**
   * The contents of many objects at once through one `git cat-file --batch`
   * process: thousands of blobs cost one process, not one each. Objects that
   * do not exist are left out.
   */
  async readObjects(shas: readonly string[]): Promise<Map<string, Buffer>> {
    const unique = [...new Set(shas)];
    const objects = new Map<string, Buffer>();
    if (unique.length === 0) return objects;
    const output = await this.#do("read file contents from history", () =>
      collect("git", ["cat-file", "--batch", "--buffer"], this.#root, `${unique.join("\n")}\n`),
    );
    let offset = 0;
    while (offset < output.length) {
      const newline = output.indexOf(10, offset);
      if (newline < 0) break;
      const header = output.toString("utf8", offset, newline).split(" ");
      offset = newline + 1;
      if (header[1] === "missing") continue;
      const size = Number(header[2]);
      objects.set(header[0] as string, output.subarray(offset, offset + size));
      offset += size + 1;
    }
    return objects;
  }

  async #checkRepository(): Promise<void> {
    let inside = false;
    try {
      inside = (await this.#git.raw(["rev-parse", "--is-inside-work-tree"])).trim() === "true";
    } catch {
      inside = false;
    }
    if (!inside)
      throw new ToolError(
        `${this.#root} is not a git repository: idp audit reads its history; pass --root with the repository's path`,
      );
    try {
      await collect("git", ["rev-parse", "--verify", "--quiet", "HEAD^{commit}"], this.#root);
    } catch (cause) {
      throw new ToolError(`${this.#root} has no commits yet: there is no history to audit`, { cause });
    }
    // A shallow clone's oldest commit looks like the first one: everything in it would read as "added".
    const shallow = (await this.#git.raw(["rev-parse", "--is-shallow-repository"])).trim() === "true";
    if (shallow) throw new ToolError(SHALLOW_HISTORY);
  }

  async #do<T>(what: string, action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (cause) {
      const reason = cause instanceof Error ? cause.message.split("\n")[0] : String(cause);
      throw new ToolError(`git could not ${what}: ${reason}; check that --root is a git repository`, {
        cause,
      });
    }
  }
}

/** Parses `git log --raw --format=<RECORD>...` output into commits. */
export function parseLog(output: string): HistoryCommit[] {
  const commits: HistoryCommit[] = [];
  for (const record of output.split(RECORD)) {
    if (record === "") continue;
    const lines = record.split("\n");
    const [sha, parents, name, email, time, subject] = (lines[0] as string).split(FIELD);
    const changes: FileChange[] = [];
    for (const line of lines.slice(1)) {
      const change = parseRawLine(line);
      if (change) changes.push(change);
    }
    if (changes.length === 0) continue;
    commits.push({
      sha: sha as string,
      parents: parents ? parents.split(" ") : [],
      author: { name: name ?? "", email: email ?? "" },
      time: Number(time),
      subject: subject ?? "",
      changes,
    });
  }
  return commits;
}

/** `:100644 100644 <old> <new> R087\told\tnew` → a FileChange; undefined for what is not a regular file. */
function parseRawLine(line: string): FileChange | undefined {
  if (!line.startsWith(":")) return undefined;
  const [meta, first, second] = line.split("\t");
  if (meta === undefined || first === undefined) return undefined;
  const [oldMode, newMode, , newBlob, code] = meta.slice(1).split(" ");
  const status = STATUS[(code ?? "").charAt(0)];
  if (!status) return undefined;
  // Quoted paths hold characters no file of ours has.
  if (first.startsWith('"') || second?.startsWith('"')) return undefined;
  if (status === "deleted") return REGULAR_FILE.test(oldMode ?? "") ? { status, path: first } : undefined;
  if (!REGULAR_FILE.test(newMode ?? "")) {
    // A file that became a symlink is gone as a file.
    return REGULAR_FILE.test(oldMode ?? "") ? { status: "deleted", path: first } : undefined;
  }
  if ((status === "renamed" || status === "copied") && second !== undefined) {
    return { status, path: second, from: first, blob: newBlob as string };
  }
  return { status, path: first, blob: newBlob as string };
}

/**
 * Runs a command with `input` on stdin and returns its
 * whole stdout; rejects on a non-zero exit. The exit code alone decides: a
 * command that exits without reading all its input closes the pipe (EPIPE),
 * which is no failure of the command.
 */
function collect(command: string, args: readonly string[], cwd: string, input = ""): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ["pipe", "pipe", "pipe"] });
    const chunks: Buffer[] = [];
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve(Buffer.concat(chunks));
      else reject(new Error(stderr.trim() || `${command} exited with ${code}`));
    });
    child.stdin.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "EPIPE") reject(error);
    });
    child.stdin.end(input);
  });
}
