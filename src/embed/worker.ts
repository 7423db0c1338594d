// The embedding worker's entry: the model on its own thread, so ONNX inferences run beside the main thread's
// ranking and replies (src/embed/in-worker.ts starts it). Inferences run one at a time, in arrival order.
import { parentPort, workerData } from 'node:worker_threads';
import { type ModelConfig, ModelMissingError, openModel } from './model.js';

export type ToWorker = { id: number; texts: string[] };
export type FromWorker =
  | { type: 'ready' }
  | { type: 'failed'; message: string; missing: boolean }
  | { type: 'done'; id: number; vectors: Float32Array[] }
  | { type: 'error'; id: number; message: string };

const port = parentPort!;
const { config, threads } = workerData as { config: ModelConfig; threads: number };
const post = (m: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

try {
  const run = await openModel(config, threads);
  let queue: Promise<unknown> = Promise.resolve();
  port.on('message', ({ id, texts }: ToWorker) => {
    queue = queue.then(async () => {
      try {
        const vectors = await run(texts);
        post({ type: 'done', id, vectors }, vectors.map((v) => v.buffer as ArrayBuffer));
      } catch (err) {
        post({ type: 'error', id, message: String((err as Error)?.message ?? err) });
      }
    });
  });
  post({ type: 'ready' });
} catch (err) {
  post({ type: 'failed', message: String((err as Error)?.message ?? err), missing: err instanceof ModelMissingError });
}
