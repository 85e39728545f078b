import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { generateRepository, mulberry32 } from "./generate-repository.js";
import { gitCommit, type Machine, machine, uncommittedOutsideBench } from "./machine.js";
import { measureCommand } from "./measure.js";
import { idpEntryPoint, isMainModule, writeResults } from "./paths.js";

export interface AuditBenchmarkOptions {
  /** Main-line commits in the generated history. Default 10,000. */
  commits?: number;
  /** Services in the generated repository. Default 500. */
  services?: number;
  /** Runs per command. Default 3. */
  runs?: number;
  seed?: number;
  /** Folder of audit.json and audit.md. Default: bench/results of this repository. */
  resultsDir?: string;
  log?: (line: string) => void;
}

interface Timed {
  command: string;
  wallMs: { median: number; min: number; runs: number[] };
  peakRssMiB: number;
  /** What the command printed, counted: JSON entries, or text lines. */
  output: string;
}

export interface AuditReport {
  benchmark: "audit";
  date: string;
  machine: Machine;
  loadAverageAtEnd: number;
  commit: { id: string; dirty: boolean };
  uncommitted: string[];
  /** How `idp audit` was started: bin/idp.js when run.ts registers it, else this module's stand-in entry. */
  entry: string;
  history: {
    commits: number;
    mergeCommits: number;
    environmentCommits: number;
    services: number;
    environments: number;
    generateMs: number;
    fastImportMs: number;
  };
  results: Timed[];
  /** In-process phases of one full audit (the library, no process start-up). */
  phases: { phase: string; ms: number }[];
  targets: { what: string; limit: string; measured: string; met: boolean }[];
}

const TARGET_MS = 10_000;
const AUTHORS = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy"];

/**
 * `idp audit` on a generated history: a repository of `services` services
 * (bench/generate-repository.ts) committed once, then `commits - 1` more
 * main-line commits written in one go with `git fast-import`. Each changes one
 * service's image tag or replicas; every 500th changes prod's default
 * replicas (every service relying on it changes); every 10th is a pull
 * request merged with a merge commit, the others alternate squash titles
 * "(#N)" and plain commits. Times whole processes: the full timeline as JSON,
 * one service's timeline, and `--at` for prod. Writes audit.json and audit.md.
 */
export async function runAuditBenchmark(options: AuditBenchmarkOptions = {}): Promise<AuditReport> {
  const commits = options.commits ?? 10_000;
  const services = options.services ?? 500;
  const runs = options.runs ?? 3;
  const seed = options.seed ?? 1;
  const log = options.log ?? (() => {});
  const measuredOn = machine();
  const scratch = mkdtempSync(path.join(tmpdir(), "idp-bench-audit-"));
  try {
    const root = path.join(scratch, "repository");
    log(`generating ${services} services ...`);
    let started = performance.now();
    const generated = generateRepository(root, { services, seed });
    const generateMs = performance.now() - started;
    log(`writing ${commits} commits with git fast-import ...`);
    started = performance.now();
    const history = writeHistory(root, commits, seed);
    const fastImportMs = performance.now() - started;
    const entry = auditEntry();
    const argv = (...args: string[]) =>
      entry === "bin/idp.js" ? ["audit", ...args] : ["idp-audit", ...args];
    const script =
      entry === "bin/idp.js"
        ? undefined
        : path.join(path.dirname(idpEntryPoint()), "..", "dist", "bench", "audit.js");
    const measure = (label: string, args: string[], count: (stdout: string) => string): Timed => {
      log(`measuring ${label} ...`);
      const m = measureCommand(argv(...args), { runs, ...(script ? { script } : {}) });
      return {
        command: `idp audit ${label}`,
        wallMs: { ...m.wallMs, runs: m.runs.map((r) => r.wallMs) },
        peakRssMiB: m.peakRssMiB,
        output: count(m.stdout),
      };
    };
    const one = generated.services[Math.floor(generated.services.length / 3)]?.name ?? "";
    const results = [
      measure("--format json", ["--root", root, "--format", "json"], (out) => {
        const parsed = JSON.parse(out) as { entries: unknown[]; summary: string };
        return `${parsed.entries.length} entries (${parsed.summary})`;
      }),
      measure(one, [one, "--root", root], (out) => `${out.trim().split("\n").length} lines`),
      measure(
        "--at 2026-01-01 --env prod",
        ["--at", "2026-01-01", "--env", "prod", "--root", root],
        (out) => `${out.trim().split("\n").length} lines`,
      ),
    ];
    const phases = await measurePhases(root);
    const full = results[0] as Timed;
    const report: AuditReport = {
      benchmark: "audit",
      date: new Date().toISOString(),
      machine: measuredOn,
      loadAverageAtEnd: machine().loadAverage,
      commit: gitCommit(),
      uncommitted: uncommittedOutsideBench(),
      entry,
      history: {
        commits: history.commits,
        mergeCommits: history.merges,
        environmentCommits: history.environmentCommits,
        services,
        environments: generated.environments.length,
        generateMs: Math.round(generateMs),
        fastImportMs: Math.round(fastImportMs),
      },
      results,
      phases,
      targets: [
        {
          what: `idp audit --format json, ${commits} commits over ${services} services, whole process (median)`,
          limit: `< ${TARGET_MS} ms`,
          measured: `${full.wallMs.median} ms`,
          met: full.wallMs.median < TARGET_MS,
        },
      ],
    };
    writeResults("audit", report, auditMarkdown(report), options.resultsDir);
    return report;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** bin/idp.js when its run.ts knows `audit`; otherwise this module stands in for the entry point. */
function auditEntry(): string {
  const probe = spawnSync(process.execPath, [idpEntryPoint(), "--help"], { encoding: "utf8" });
  return probe.status === 0 && /^\s+audit\b/m.test(probe.stdout)
    ? "bin/idp.js"
    : "dist/bench/audit.js idp-audit (run.ts has no audit command yet)";
}

function listFiles(root: string, folder: string): string[] {
  const out: string[] = [];
  const walk = (relative: string) => {
    for (const entry of readdirSync(path.join(root, relative), { withFileTypes: true })) {
      const child = `${relative}/${entry.name}`;
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile()) out.push(child);
    }
  };
  walk(folder);
  return out.sort();
}

/** Writes the whole history of the audit benchmark into a generated repository at `root` with one `git fast-import`; returns what it wrote. */
export function writeHistory(
  root: string,
  commits: number,
  seed: number,
): { commits: number; merges: number; environmentCommits: number } {
  const files = new Map<string, string>();
  for (const folder of ["environments", "teams", "services"]) {
    for (const file of listFiles(root, folder)) files.set(file, readFileSync(path.join(root, file), "utf8"));
  }
  const serviceFiles = [...files.keys()].filter((f) => f.startsWith("services/"));
  const next = mulberry32(seed);
  const chunks: string[] = [];
  const data = (text: string) => `data ${Buffer.byteLength(text)}\n${text}\n`;
  let time = Date.UTC(2025, 0, 1) / 1000;
  let mark = 0;
  let pr = 100;
  let merges = 0;
  let environmentCommits = 0;
  const person = (who: string) => `${who} <${who}@example.test> ${time} +0000`;
  const write = (ref: string, who: string, message: string, parents: number[], changed: string[]) => {
    mark += 1;
    chunks.push(
      `commit ${ref}\nmark :${mark}\nauthor ${person(who)}\ncommitter ${person(who)}\n${data(message)}`,
    );
    if (parents[0] !== undefined) chunks.push(`from :${parents[0]}\n`);
    if (parents[1] !== undefined) chunks.push(`merge :${parents[1]}\n`);
    for (const file of changed) chunks.push(`M 100644 inline ${file}\n${data(files.get(file) as string)}`);
    chunks.push("\n");
    return mark;
  };
  let main = write("refs/heads/main", "platform", "Initial platform configuration", [], [...files.keys()]);
  for (let index = 1; index < commits; index += 1) {
    time += 3600;
    const who = AUTHORS[Math.floor(next() * AUTHORS.length)] as string;
    pr += 1;
    let changed: string;
    let title: string;
    if (index % 500 === 0) {
      changed = "environments/prod.yaml";
      const text = files.get(changed) as string;
      const updated = text.replace(
        /(\n {2}defaults:\n {4}replicas: )(\d+)/,
        (_, head: string, n: string) => `${head}${Number(n) === 2 ? 3 : 2}`,
      );
      files.set(changed, updated);
      title = "prod: change the default replicas";
      environmentCommits += 1;
    } else {
      changed = serviceFiles[Math.floor(next() * serviceFiles.length)] as string;
      const text = files.get(changed) as string;
      const name = changed.split("/")[1] as string;
      const replicas = /\n {2}replicas: (\d+)\n/.exec(text);
      if (index % 2 === 0 && replicas) {
        files.set(
          changed,
          text.replace(/\n {2}replicas: \d+\n/, `\n  replicas: ${(Number(replicas[1]) % 5) + 1}\n`),
        );
        title = `Scale ${name} to ${(Number(replicas[1]) % 5) + 1} replicas`;
      } else {
        files.set(
          changed,
          text.replace(
            /\n {2}image: (\S+):(\d+)\.(\d+)\.(\d+)\n/,
            (_, repo: string, a: string, b: string, c: string) =>
              `\n  image: ${repo}:${a}.${b}.${Number(c) + 1}\n`,
          ),
        );
        title = `Release ${name}`;
      }
    }
    if (index % 10 === 0) {
      // One reused ref for the pull-request branches: fast-import keeps few branches loaded, and
      // switching among a thousand would reload the 500-folder tree every time.
      const branch = write("refs/heads/pull-request", who, title, [main], [changed]);
      time += 60;
      main = write(
        "refs/heads/main",
        "merger",
        `Merge pull request #${pr} from ${who}/change-${pr}\n\n${title}`,
        [main, branch],
        [changed],
      );
      merges += 1;
    } else {
      main = write("refs/heads/main", who, index % 3 === 0 ? title : `${title} (#${pr})`, [main], [changed]);
    }
  }
  const git = (args: string[], input?: string) =>
    execFileSync("git", args, {
      cwd: root,
      input,
      stdio: ["pipe", "pipe", "pipe"],
      maxBuffer: 1024 * 1024 * 1024,
      // glibc gives memory back to the system after nearly every commit fast-import writes
      // (200,000 brk calls for this history, 90 % of its time); keeping it makes the import ~10x faster.
      env: { ...process.env, MALLOC_TOP_PAD_: "268435456", MALLOC_TRIM_THRESHOLD_: "4294967295" },
    });
  git(["init", "-q", "-b", "main"]);
  git(["fast-import", "--quiet", "--done"], `${chunks.join("")}done\n`);
  git(["reset", "-q", "--hard", "main"]);
  return { commits, merges, environmentCommits };
}

/** One full audit in this process, phase by phase: where the time goes without start-up. */
async function measurePhases(root: string): Promise<{ phase: string; ms: number }[]> {
  const { GitHistory } = await import("../scripts/git/history.js");
  const { AUDITED_FOLDERS, RepositoryReplay, traceLineages } = await import("../scripts/audit/replay.js");
  const { auditHistory } = await import("../scripts/audit/audit.js");
  const { formatAudit } = await import("../scripts/audit/format.js");
  const phases: { phase: string; ms: number }[] = [];
  const time = async <T>(phase: string, action: () => Promise<T> | T): Promise<T> => {
    const started = performance.now();
    const value = await action();
    phases.push({ phase, ms: Math.round(performance.now() - started) });
    return value;
  };
  const git = new GitHistory(root);
  const commits = await time("git log (first parent, --raw -M)", () => git.firstParentLog(AUDITED_FOLDERS));
  const lineages = await time("trace lineages", () => traceLineages(commits));
  const blobs = commits.flatMap((c) => c.changes.flatMap((change) => (change.blob ? [change.blob] : [])));
  const objects = await time(`git cat-file --batch (${new Set(blobs).size} blobs)`, () =>
    git.readObjects(blobs),
  );
  const replay = new RepositoryReplay(lineages, () => true);
  replay.addBlobs(objects);
  let events = 0;
  await time("replay: parse + resolve + diff per commit", () => {
    for (const commit of commits) events += replay.step(commit).length;
  });
  const result = await time("whole auditHistory (all of the above, again)", () => auditHistory({ root }));
  await time("format json", () => formatAudit(result, "json"));
  phases.push({ phase: `(events: ${events})`, ms: 0 });
  return phases;
}

export function auditMarkdown(report: AuditReport): string {
  const m = report.machine;
  const lines = [
    "# idp audit",
    "",
    `${report.date}, commit ${report.commit.id}${report.commit.dirty ? " (with uncommitted changes)" : ""}; ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}; load average ${m.loadAverage} at the start, ${report.loadAverageAtEnd} at the end.`,
    "",
    `History: ${report.history.commits} main-line commits (${report.history.mergeCommits} merge commits of PR branches, ${report.history.environmentCommits} changing prod's default replicas) over ${report.history.services} services in ${report.history.environments} environments, written with git fast-import in ${report.history.fastImportMs} ms. Entry: ${report.entry}.`,
    "",
    "| command | median ms | min ms | runs ms | peak RSS MiB | output |",
    "| --- | ---: | ---: | --- | ---: | --- |",
    ...report.results.map(
      (r) =>
        `| \`${r.command}\` | ${r.wallMs.median} | ${r.wallMs.min} | ${r.wallMs.runs.join(", ")} | ${r.peakRssMiB} | ${r.output} |`,
    ),
    "",
    "## Where the time goes (one full audit in-process, no start-up)",
    "",
    "| phase | ms |",
    "| --- | ---: |",
    ...report.phases.map((p) => `| ${p.phase} | ${p.ms} |`),
    "",
    "## Targets (issue 6)",
    "",
    "| target | limit | measured | met |",
    "| --- | --- | --- | --- |",
    ...report.targets.map((t) => `| ${t.what} | ${t.limit} | ${t.measured} | ${t.met ? "yes" : "**no**"} |`),
    "",
  ];
  return lines.join("\n");
}

/** Stand-in entry while run.ts does not register `audit`: `idp-audit [SERVICE] [--flag value]...`. */
async function standIn(argv: string[]): Promise<void> {
  const { auditCommand } = await import("../scripts/commands/audit.js");
  const flags: Record<string, string> = {};
  let service: string | undefined;
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index] as string;
    if (arg.startsWith("--")) {
      flags[arg.slice(2)] = argv[index + 1] as string;
      index += 1;
    } else {
      service = arg;
    }
  }
  const result = await auditCommand({
    root: path.resolve(flags.root ?? "."),
    format: (flags.format ?? "text") as "text" | "json" | "markdown",
    ...(service ? { service } : {}),
    ...(flags.env ? { environment: flags.env } : {}),
    ...(flags.since ? { since: flags.since } : {}),
    ...(flags.at ? { at: flags.at } : {}),
    ...(flags.field ? { field: flags.field } : {}),
  });
  process.stdout.write(result.stdout);
}

if (isMainModule(import.meta.url)) {
  const [first, ...rest] = process.argv.slice(2);
  if (first === "idp-audit") {
    await standIn(rest);
  } else {
    const numbers = Object.fromEntries(
      (first ? [first, ...rest] : []).flatMap((arg, i, all) =>
        arg.startsWith("--") ? [[arg.slice(2), Number(all[i + 1])]] : [],
      ),
    ) as { commits?: number; services?: number; runs?: number };
    const report = await runAuditBenchmark({ ...numbers, log: (line) => console.log(line) });
    for (const r of report.results) console.log(`${r.command}: median ${r.wallMs.median} ms (${r.output})`);
    for (const p of report.phases) console.log(`  ${p.phase}: ${p.ms} ms`);
    for (const t of report.targets)
      console.log(`${t.met ? "met   " : "MISSED"} ${t.what}: ${t.measured} (${t.limit})`);
    console.log("\nwrote bench/results/audit.json and audit.md");
  }
}
