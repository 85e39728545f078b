/** What crosses to a worker to share a {@link JobQueue}: the buffer is shared, not copied. */
export interface SharedJobQueue {
  counter: SharedArrayBuffer;
  total: number;
  chunk: number;
}

/**
 * Hands out job indices 0..total-1, a chunk at a time, to every thread that
 * takes from it, through one atomic counter in shared memory: a thread that
 * is free takes the next chunk, so the work balances itself (the main thread
 * joins late, after the policy stage) without a message per chunk.
 */
export class JobQueue {
  private readonly next: Int32Array;

  constructor(private readonly shared: SharedJobQueue) {
    this.next = new Int32Array(shared.counter);
  }

  /** A queue of `total` jobs, handed out `chunk` at a time. */
  static create(total: number, chunk: number): JobQueue {
    return new JobQueue({ counter: new SharedArrayBuffer(4), total, chunk });
  }

  /** What another thread needs to take from the same queue. */
  get sharing(): SharedJobQueue {
    return this.shared;
  }

  /** The indices this thread takes, until none are left. */
  *take(): Generator<number> {
    const { total, chunk } = this.shared;
    for (;;) {
      const start = Atomics.add(this.next, 0, chunk);
      if (start >= total) return;
      for (let index = start; index < Math.min(start + chunk, total); index++) yield index;
    }
  }
}
