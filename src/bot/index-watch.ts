// A running bot picks up a new index version (written by `npm run ingest` or `npm run index`) without a
// restart: engine.reload() is cheap when nothing changed (it compares the version CURRENT points to).
import type { Logger } from '../log.js';
import type { Engine } from '../types.js';

export interface IndexWatch {
  /** Check once now (also what the timer does). Resolves to true when the engine switched versions. */
  check(): Promise<boolean>;
  stop(): void;
}

export function watchIndex(engine: Pick<Engine, 'reload' | 'reports'>, opts: { intervalMs: number; log: Logger; onSwitch?: () => void }): IndexWatch {
  let running: Promise<boolean> | null = null;
  const check = () =>
    (running ??= engine
      .reload()
      .then((switched) => {
        if (switched) {
          opts.log.info('switched to a new index version', { reports: engine.reports().length });
          opts.onSwitch?.();
        }
        return switched;
      })
      .catch((err: unknown) => {
        // A half-written or unreadable index is the ingest's problem; keep answering from the current one.
        opts.log.warn(`could not load the new index version, still using the previous one: ${String(err)}`);
        return false;
      })
      .finally(() => (running = null)));
  const timer = setInterval(() => void check(), opts.intervalMs);
  timer.unref(); // never keeps the process alive on its own
  return { check, stop: () => clearInterval(timer) };
}

/** engine.reload(), one call at a time (so an older version is never loaded over a newer one); `onSwitch` after a switch. */
export function serialReload(engine: Pick<Engine, 'reload'>, onSwitch: () => void): () => Promise<boolean> {
  let reloading: Promise<unknown> = Promise.resolve();
  return () => {
    const run = reloading.then(async () => {
      const switched = await engine.reload();
      if (switched) onSwitch();
      return switched;
    });
    reloading = run.catch(() => undefined);
    return run;
  };
}
