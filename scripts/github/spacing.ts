import type { ThrottlingOptions } from "@octokit/plugin-throttling";

/** The limiter group type the throttling plugin accepts for its `write` and `notifications` queues. */
type LimiterGroup = NonNullable<Extract<ThrottlingOptions, { onRateLimit: unknown }>["write"]>;

/**
 * A stand-in for the throttling plugin's Bottleneck groups: runs jobs one at a
 * time, at least `minTimeMs` apart. The plugin's own groups are fixed at
 * 1 s and 3 s and shared by every client in the process; ours scale with the
 * client's time unit, so tests do not sleep and clients do not share a queue.
 * Only `key(id).schedule(options, job, ...args)` is used by the plugin.
 */
export function spacedGroup(minTimeMs: number): LimiterGroup {
  let queue: Promise<unknown> = Promise.resolve();
  let lastStart = Number.NEGATIVE_INFINITY;
  const limiter = {
    schedule<R, A extends unknown[]>(
      _options: unknown,
      job: (...args: A) => Promise<R>,
      ...args: A
    ): Promise<R> {
      const run = queue.then(async () => {
        const wait = lastStart + minTimeMs - Date.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        lastStart = Date.now();
        return job(...args);
      });
      // A failed job must not block the ones queued after it.
      queue = run.catch(() => undefined);
      return run;
    },
  };
  return { key: () => limiter } as unknown as LimiterGroup;
}
