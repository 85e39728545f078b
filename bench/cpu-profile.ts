import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { isMainModule, repositoryRoot } from "./paths.js";

/**
 * Where a CPU profile of `idp` spent its time: per pipeline stage and per
 * function (self time). A sample belongs to the innermost stage function on
 * its stack (see {@link STAGES}); samples under none of them are start-up
 * (module loading, command-line parsing) or, for the profiler's own root
 * entries, garbage collection, native code ("(program)") and idle time.
 *
 * `node --cpu-prof` writes one profile per thread (the main thread and each
 * worker thread). The profiler samples each thread at a fixed interval of
 * wall time, so a thread's sampled time is about its lifetime, idle and
 * descheduled time included; summed over threads it can exceed the wall
 * time of the process. Each stage has its main-thread and worker-thread parts.
 */
export interface ProfileSummary {
  /** The command profiled. */
  command: string;
  /** Per thread: sampled time and the span of the profile (start to end). */
  threads: { thread: string; sampledMs: number; spanMs: number }[];
  /** Sampled time over all threads. */
  totalMs: number;
  stages: { stage: string; ms: number; share: number; mainMs: number; workersMs: number }[];
  /** The functions with the most self time, with the stage most of their time belongs to. */
  top: { function: string; location: string; selfMs: number; share: number; stage: string }[];
}

/**
 * Stage markers: a compiled idp function (under dist/scripts/) whose name is
 * the key marks everything it calls as that stage, unless a marker deeper on
 * the stack says otherwise.
 */
export const STAGES: Record<string, string> = {
  validateRepository: "load",
  loadRepository: "load",
  readSchemas: "load",
  compileSchemas: "schema",
  validateDocument: "schema",
  resolveRepository: "resolve",
  checkPolicies: "policy",
  renderRepository: "render (cdk8s): building constructs",
  renderService: "render (cdk8s): building constructs",
  renderPlatform: "render (cdk8s): building constructs",
  serializeObjects: "serialize",
  writeManifests: "write",
  formatReport: "report",
};

/**
 * Library functions that split a stage further: cdk8s's ApiObject.toJson is
 * the synthesis of an object (resolve tokens, sanitize, apply patches) as
 * opposed to building the constructs. Keyed by name and the file's path under
 * node_modules/.
 */
export const LIBRARY_STAGES: Record<string, string> = {
  "toJson@cdk8s/lib/api-object.js": "render (cdk8s): synthesis, ApiObject.toJson",
};

const ROOT_ENTRIES: Record<string, string> = {
  "(garbage collector)": "gc",
  "(program)": "native (program)",
  "(idle)": "idle",
};

const STARTUP = "start-up (module loading) and other";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Self time (µs) per profile node, and each node's stage. */
function attribute(profile: CpuProfile): { selfUs: Map<number, number>; stageOf: Map<number, string> } {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const stageOf = new Map<number, string>();
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const root = profile.nodes.find((node) => !parents.has(node.id));
  // Walk from the root so every node's stage is its own marker or its parent's stage.
  const queue: [number, string][] = root ? [[root.id, STARTUP]] : [];
  while (queue.length > 0) {
    const [id, inherited] = queue.pop() as [number, string];
    const node = byId.get(id) as ProfileNode;
    const { functionName, url } = node.callFrame;
    const marker = url.includes("/dist/scripts/") && Object.hasOwn(STAGES, functionName);
    const modules = url.lastIndexOf("/node_modules/");
    const library =
      modules === -1 ? undefined : `${functionName}@${url.slice(modules + "/node_modules/".length)}`;
    const stage = Object.hasOwn(ROOT_ENTRIES, functionName)
      ? (ROOT_ENTRIES[functionName] as string)
      : marker
        ? (STAGES[functionName] as string)
        : library !== undefined && Object.hasOwn(LIBRARY_STAGES, library)
          ? (LIBRARY_STAGES[library] as string)
          : inherited;
    stageOf.set(id, stage);
    for (const child of node.children ?? []) queue.push([child, stage]);
  }
  // A sample's time is the gap to the next sample (the last one gets the average).
  const selfUs = new Map<number, number>();
  const deltas = profile.timeDeltas;
  const average = deltas.length > 0 ? deltas.reduce((a, b) => a + b, 0) / deltas.length : 0;
  profile.samples.forEach((id, index) => {
    const us = index + 1 < deltas.length ? (deltas[index + 1] as number) : average;
    selfUs.set(id, (selfUs.get(id) ?? 0) + Math.max(0, us));
  });
  return { selfUs, stageOf };
}

/**
 * Summarises the `.cpuprofile` files of one process (the JSON `node
 * --cpu-prof` writes), one per thread; the first is the main thread.
 */
export function summariseProfiles(
  profiles: readonly { thread: string; profile: CpuProfile }[],
  command: string,
  topCount = 15,
): ProfileSummary {
  let totalUs = 0;
  const stageUs = new Map<string, { main: number; workers: number }>();
  const functions = new Map<
    string,
    { function: string; location: string; us: number; stages: Map<string, number> }
  >();
  const threads: ProfileSummary["threads"] = [];
  profiles.forEach(({ thread, profile }, index) => {
    const { selfUs, stageOf } = attribute(profile);
    const byId = new Map(profile.nodes.map((node) => [node.id, node]));
    let threadUs = 0;
    for (const [id, us] of selfUs) {
      threadUs += us;
      const node = byId.get(id) as ProfileNode;
      const stage = stageOf.get(id) ?? STARTUP;
      const split = stageUs.get(stage) ?? { main: 0, workers: 0 };
      if (index === 0) split.main += us;
      else split.workers += us;
      stageUs.set(stage, split);
      const location = locationOf(node.callFrame);
      const name = node.callFrame.functionName || "(anonymous)";
      const key = `${name}@${location}`;
      let entry = functions.get(key);
      if (!entry) {
        entry = { function: name, location, us: 0, stages: new Map() };
        functions.set(key, entry);
      }
      entry.us += us;
      entry.stages.set(stage, (entry.stages.get(stage) ?? 0) + us);
    }
    totalUs += threadUs;
    threads.push({ thread, sampledMs: ms(threadUs), spanMs: ms(profile.endTime - profile.startTime) });
  });
  const share = (us: number) => (totalUs > 0 ? Math.round((us / totalUs) * 1000) / 10 : 0);
  return {
    command,
    threads,
    totalMs: ms(totalUs),
    stages: [...stageUs]
      .sort((a, b) => b[1].main + b[1].workers - (a[1].main + a[1].workers))
      .map(([stage, us]) => ({
        stage,
        ms: ms(us.main + us.workers),
        share: share(us.main + us.workers),
        mainMs: ms(us.main),
        workersMs: ms(us.workers),
      })),
    top: [...functions.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, topCount)
      .map((entry) => ({
        function: entry.function,
        location: entry.location,
        selfMs: ms(entry.us),
        share: share(entry.us),
        stage: [...entry.stages].sort((a, b) => b[1] - a[1])[0]?.[0] ?? STARTUP,
      })),
  };
}

function ms(us: number): number {
  return Math.round(us / 100) / 10;
}

/**
 * The profiles `node --cpu-prof --cpu-prof-dir <folder>` wrote for one
 * process, main thread first: file names are
 * `CPU.<date>.<time>.<pid>.<thread id>.<sequence>.cpuprofile`, thread 0 the main one.
 */
export function readProfiles(folder: string): { thread: string; profile: CpuProfile }[] {
  const threadOf = (name: string) => Number(name.split(".").at(-3));
  return readdirSync(folder)
    .filter((name) => name.endsWith(".cpuprofile"))
    .sort((a, b) => threadOf(a) - threadOf(b))
    .map((name) => ({
      thread: threadOf(name) === 0 ? "main" : `worker ${threadOf(name)}`,
      profile: JSON.parse(readFileSync(path.join(folder, name), "utf8")) as CpuProfile,
    }));
}

/** `dist/scripts/render/serialize.js:120`, `cdk8s/lib/api-object.js:88`, `node:internal/...`. */
function locationOf(frame: CallFrame): string {
  if (!frame.url) return "(native)";
  let where = frame.url.replace(/^file:\/\//, "");
  const modules = where.lastIndexOf("/node_modules/");
  if (modules !== -1) where = where.slice(modules + "/node_modules/".length);
  else if (where.startsWith(repositoryRoot())) where = path.relative(repositoryRoot(), where);
  return `${where}:${frame.lineNumber + 1}`;
}

/**
 * Runs `node --cpu-prof dist/scripts/cli.js ...argv` once (cwd: this
 * repository) and summarises the profiles it writes (one per thread).
 * `beforeRun` resets what the command writes, as for a measured run.
 */
export function profileCommand(argv: string[], beforeRun?: () => void, topCount = 15): ProfileSummary {
  const scratch = mkdtempSync(path.join(tmpdir(), "idp-bench-profile-"));
  try {
    beforeRun?.();
    const cli = path.join(repositoryRoot(), "dist", "scripts", "cli.js");
    const child = spawnSync(process.execPath, ["--cpu-prof", "--cpu-prof-dir", scratch, cli, ...argv], {
      cwd: repositoryRoot(),
      encoding: "utf8",
      maxBuffer: 512 * 1024 * 1024,
    });
    if (child.error) throw child.error;
    const profiles = readProfiles(scratch);
    if (child.status !== 0 || profiles[0]?.thread !== "main") {
      throw new Error(
        `profiling idp ${argv.join(" ")} failed (exit ${child.status}, ${profiles.length} profiles)\n${child.stderr}`.slice(
          0,
          4000,
        ),
      );
    }
    return summariseProfiles(profiles, `node --cpu-prof dist/scripts/cli.js ${argv.join(" ")}`, topCount);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

// node dist/bench/cpu-profile.js <folder>: the summary of the profiles (one per thread) of one process.
if (isMainModule(import.meta.url)) {
  const [folder] = process.argv.slice(2);
  if (!folder) {
    console.error("usage: node dist/bench/cpu-profile.js <folder of one process's .cpuprofile files>");
    process.exit(2);
  }
  console.log(JSON.stringify(summariseProfiles(readProfiles(folder), folder), null, 2));
}
