// Questions run concurrently. grammY's built-in long polling handles the updates of a batch one after
// another, so a handler that awaits a search would make every other user wait for it. Handlers that
// search start their work here instead and return at once; errors still reach the bot's error handler,
// and shutdown (and tests) can wait for the work in flight with idle().
export class TaskTracker {
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly onError: (err: unknown) => Promise<void> | void) {}

  get size(): number {
    return this.pending.size;
  }

  run(work: () => Promise<void>): void {
    const task: Promise<void> = (async () => {
      try {
        await work();
      } catch (err) {
        try {
          await this.onError(err);
        } catch {
          // The error handler already logs; a failure inside it must not become an unhandled rejection.
        }
      }
    })().finally(() => this.pending.delete(task));
    this.pending.add(task);
  }

  /** Resolves when no task is running, including tasks started while waiting. */
  async idle(timeoutMs = Infinity): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.pending.size > 0) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((r) => {
        if (Number.isFinite(left)) timer = setTimeout(r, left);
      });
      await Promise.race([Promise.allSettled([...this.pending]), timeout]);
      clearTimeout(timer);
    }
    return true;
  }
}
