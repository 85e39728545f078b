import type { ResolvedService } from "./resolved.js";

/**
 * The services of each side that are not the very object on the other side.
 * A side holds one service per environment and name, so a shared object
 * stands for the same (environment, name) on both sides, with equal settings.
 */
export function unshared(
  before: readonly ResolvedService[],
  after: readonly ResolvedService[],
): [ResolvedService[], ResolvedService[]] {
  const inBefore = new Set(before);
  const inAfter = new Set(after);
  return [before.filter((s) => !inAfter.has(s)), after.filter((s) => !inBefore.has(s))];
}
