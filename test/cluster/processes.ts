import { type ChildProcess, spawn } from "node:child_process";
import { openSync, readFileSync } from "node:fs";

/** A started server process, its log file and how to stop it. */
export interface ServerProcess {
  name: string;
  child: ChildProcess;
  log: string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
  stop(graceMs?: number): Promise<void>;
  /** The last lines of its log, for error messages. */
  tail(lines?: number): string;
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Kills every process started here that still runs; installed on process exit. */
function killAll(): void {
  for (const child of running) child.kill("SIGKILL");
}

/**
 * Starts a server process from an argument array (never a shell string) with
 * stdout and stderr appended to `log`. Every process started here is killed
 * when this Node process exits, even after a failure.
 */
export function startProcess(
  name: string,
  command: string,
  args: readonly string[],
  options: { log: string; env?: NodeJS.ProcessEnv; cwd?: string },
): ServerProcess {
  if (!exitHookInstalled) {
    process.on("exit", killAll);
    exitHookInstalled = true;
  }
  const fd = openSync(options.log, "a");
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ["ignore", fd, fd],
  });
  running.add(child);
  const exited = new Promise<void>((resolve) => {
    child.once("exit", () => {
      running.delete(child);
      resolve();
    });
    child.once("error", () => {
      running.delete(child);
      resolve();
    });
  });
  const tail = (lines = 20): string => {
    try {
      return readFileSync(options.log, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
    } catch {
      return "";
    }
  };
  return {
    name,
    child,
    log: options.log,
    tail,
    async stop(graceMs = 5_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Thrown when a process exits while a test waits for it to get ready. */
export function exitedEarly(server: ServerProcess): Error | undefined {
  const { exitCode, signalCode } = server.child;
  if (exitCode === null && signalCode === null) return undefined;
  return new Error(
    `${server.name} exited (${exitCode ?? signalCode}) before it was ready; its log (${server.log}) ends:\n${server.tail()}`,
  );
}
