// A stand-in for src/embed/worker.ts that misbehaves as TEST_WORKER_MODE says (the real model answers otherwise):
// 'throw-at-start' (cannot start), 'die-on-3' (the thread exits at its third request), 'fail-after-1' (every
// inference after the first, the load probe, fails).
import { parentPort, workerData } from 'node:worker_threads';
import { type ModelConfig, openModel } from '../../src/embed/model.js';
import type { FromWorker, ToWorker } from '../../src/embed/worker.js';

const mode = process.env.TEST_WORKER_MODE;
if (mode === 'throw-at-start') throw new Error('test worker cannot start');
const port = parentPort!;
const { config, threads } = workerData as { config: ModelConfig; threads: number };
const run = await openModel(config, threads);
let requests = 0;
port.on('message', async ({ id, texts }: ToWorker) => {
  requests++;
  if (mode === 'die-on-3' && requests === 3) process.exit(3);
  if (mode === 'fail-after-1' && requests > 1) return port.postMessage({ type: 'error', id, message: 'test inference failure' } satisfies FromWorker);
  port.postMessage({ type: 'done', id, vectors: await run(texts) } satisfies FromWorker);
});
port.postMessage({ type: 'ready' } satisfies FromWorker);
