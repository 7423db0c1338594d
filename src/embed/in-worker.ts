// Starts the embedding worker (src/embed/worker.ts) and talks to it. The main thread of the bot then only ranks
// and replies while the other core runs the model: 500 questions at once no longer wait behind each other's
// inferences (docs/performance.md, "Load: 500 questions at once").
import { Worker } from 'node:worker_threads';
import { tsxFile } from '../tsx.js';
import type { ModelConfig, RunBatch } from './model.js';
import { ModelMissingError } from './model.js';
import type { FromWorker, ToWorker } from './worker.js';

/** The worker is gone (crashed, killed, out of memory): what was asked of it must be asked elsewhere. */
export class WorkerGoneError extends Error {}

const ENTRY = new URL(import.meta.url.endsWith('.ts') ? './worker.ts' : './worker.js', import.meta.url);

/**
 * A worker thread running `script`. Under tsx (npm start, tests) a .ts entry is loaded through tsx's own import
 * function: Node 20 does not apply the parent's --import hooks to a worker's entry module.
 */
function spawn(script: URL, workerData: unknown): Worker {
  if (!script.pathname.endsWith('.ts')) return new Worker(script, { workerData });
  const api = tsxFile('dist', 'esm', 'api', 'index.mjs');
  const boot = `import(${JSON.stringify(api)}).then((tsx) => tsx.tsImport(${JSON.stringify(script.href)}, ${JSON.stringify(script.href)}))`;
  return new Worker(boot, { eval: true, workerData });
}

/** Start the model in a worker; resolves once it is loaded (rejects with the worker's reason, ModelMissingError kept). */
export function startModelWorker(config: ModelConfig, threads: number, script: URL = ENTRY): Promise<RunBatch> {
  const worker = spawn(script, { config, threads });
  const pending = new Map<number, { resolve: (v: Float32Array[]) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  let gone: string | null = null;
  // An idle worker must not keep a finished command alive; a busy one must (its caller waits on it).
  const idle = () => pending.size === 0 && worker.unref();

  return new Promise<RunBatch>((resolveStart, rejectStart) => {
    const stop = (why: string) => {
      if (gone) return;
      gone = why;
      const err = new WorkerGoneError(`the embedding worker stopped (${why})`);
      rejectStart(err);
      for (const p of pending.values()) p.reject(err);
      pending.clear();
    };
    worker.on('error', (err) => {
      stop(String(err?.message ?? err));
      void worker.terminate();
    });
    worker.on('exit', (code) => stop(`exit code ${code}`));
    worker.on('message', (m: FromWorker) => {
      if (m.type === 'ready') {
        idle();
        return resolveStart(run);
      }
      if (m.type === 'failed') {
        gone = m.message;
        void worker.terminate();
        return rejectStart(m.missing ? new ModelMissingError(m.message) : new Error(`the embedding worker could not load the model: ${m.message}`));
      }
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      idle();
      if (m.type === 'done') p.resolve(m.vectors);
      else p.reject(new Error(m.message));
    });

    const run: RunBatch = (texts) => {
      if (gone) return Promise.reject(new WorkerGoneError(`the embedding worker stopped (${gone})`));
      const id = nextId++;
      worker.ref();
      return new Promise<Float32Array[]>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, texts } satisfies ToWorker);
      });
    };
  });
}
