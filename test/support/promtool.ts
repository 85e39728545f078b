import { spawnSync } from "node:child_process";
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "..", "..");

/**
 * The pinned promtool that tools/promtool.sh built into .tools/bin. Throws,
 * so the suite fails rather than skips, with the command that builds it
 * when it is missing (.ci/run builds it before npm test).
 */
export function installedPromtool(): string {
  const found = spawnSync("bash", [join(ROOT, "tools", "promtool.sh"), "--installed"], { encoding: "utf8" });
  if (found.status !== 0)
    throw new Error(
      `promtool is needed for the alert rule tests: ${found.stderr.trim() || "run: bash tools/promtool.sh"}`,
    );
  return found.stdout.trim();
}

/** Runs promtool in `cwd`; its exit code and everything it printed. */
export function runPromtool(
  promtool: string,
  args: string[],
  cwd: string,
): { status: number | null; output: string } {
  const run = spawnSync(promtool, args, { cwd, encoding: "utf8", timeout: 120_000 });
  return { status: run.status, output: `${run.stdout}${run.stderr}${run.error ? String(run.error) : ""}` };
}

/**
 * A counter's samples, one a minute for `minutes` + 1 minutes, in promtool's
 * input_series notation: minute m adds `perMinute(m)` to the previous value.
 */
export function counterValues(minutes: number, perMinute: (minute: number) => number): string {
  const values = ["0"];
  let total = 0;
  for (let minute = 1; minute <= minutes; minute++) {
    total += perMinute(minute);
    values.push(String(total));
  }
  return values.join(" ");
}
