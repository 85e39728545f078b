/**
 * Calls `check` until it returns a value other than undefined, every
 * `intervalMs`, and throws after `timeoutMs` with `what` and the last error
 * `check` threw. `check` may throw to stop at once by returning a rejected
 * promise wrapped as {@link PollAbort}.
 */
export async function poll<T>(
  what: string,
  check: () => Promise<T | undefined>,
  options: { timeoutMs: number; intervalMs?: number },
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      if (error instanceof PollAbort) throw error.cause;
      last = error;
    }
    if (Date.now() > deadline) {
      const reason = last instanceof Error ? `: ${last.message}` : "";
      throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${what}${reason}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 100));
  }
}

/** Thrown inside a poll's check to stop polling and fail with `cause`. */
export class PollAbort extends Error {
  constructor(cause: Error) {
    super(cause.message, { cause });
  }
}
