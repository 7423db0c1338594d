// Text -> normalized sentence embeddings, locally (no network at query time).
import type { Config } from '../config/index.js';
import { startModelWorker, WorkerGoneError } from './in-worker.js';
import { assertModelPresent, ModelMissingError, openModel, type RunBatch } from './model.js';

export interface Embedder {
  modelId: string;
  dimension: number;
  /** Embeds texts in batches (sorted by length so padding stays small); returns unit vectors in input order. */
  embed(texts: string[], options?: { batchSize?: number; onBatch?: (done: number) => void }): Promise<Float32Array[]>;
  /** Embeds one question (with bge's retrieval instruction when configured). */
  embedQuery(question: string): Promise<Float32Array>;
}

/** bge-zh's recommended prefix for short queries retrieving passages. */
export const BGE_QUERY_INSTRUCTION = '为这个句子生成表示以用于检索相关文章：';

/** Passages per inference when indexing. Vectors depend slightly on it (activations are quantized per batch). */
export const DEFAULT_BATCH_SIZE = 8;

/**
 * ONNX Runtime threads per inference. One: on a 2-core machine shared with other work, two threads made both
 * indexing and questions up to twice as slow whenever the other core was busy (the runtime's helper thread
 * spins and waits), and gained only ~10–40 % when it was idle (docs/performance.md).
 */
export const DEFAULT_THREADS = 1;

/** Question embeddings remembered (least recently used dropped first): reporters ask the same things. */
export const DEFAULT_QUERY_CACHE = 1000;

export interface EmbedderOptions {
  threads?: number;
  /** Size of the question cache; 0 turns it off. */
  queryCache?: number;
  /**
   * Run the model in a worker thread (the bot: EMBED_WORKER). Vectors are the same bit for bit. If the worker
   * cannot start, or stops later, the model is loaded on this thread and nothing asked is lost (`onWarning` says so).
   */
  worker?: boolean;
  /** The worker's entry (tests give one that fails). */
  workerScript?: URL;
  onWarning?: (message: string) => void;
}

export { ModelMissingError };

export async function loadEmbedder(
  config: Pick<Config, 'modelDir' | 'modelId' | 'allowRemoteModels' | 'queryInstruction'>,
  options: EmbedderOptions = {},
): Promise<Embedder> {
  assertModelPresent(config);
  const model = { modelDir: config.modelDir, modelId: config.modelId, allowRemoteModels: config.allowRemoteModels };
  const threads = options.threads ?? DEFAULT_THREADS;
  let here: Promise<RunBatch> | undefined;
  /** The model on this thread, yielding to the event loop before each inference (a run blocks the thread it is on). */
  const onThisThread: RunBatch = async (texts) => {
    const run = await (here ??= openModel(model, threads));
    await new Promise<void>((resolve) => setImmediate(resolve));
    return run(texts);
  };
  let run = onThisThread;
  if (options.worker) {
    const warn = options.onWarning ?? (() => {});
    try {
      const inWorker = await startModelWorker(model, threads, options.workerScript);
      let warned = false;
      run = async (texts) => {
        try {
          return await inWorker(texts);
        } catch (err) {
          if (!(err instanceof WorkerGoneError)) throw err;
          if (!warned) warn(`${err.message}: questions are now embedded on the main thread (answers unchanged, slower under load); restart to get the worker back`);
          warned = true;
          return onThisThread(texts);
        }
      };
    } catch (err) {
      if (err instanceof ModelMissingError) throw err;
      warn(`${(err as Error).message}: embedding on the main thread instead (answers unchanged, slower under load)`);
    }
  }
  const [probe] = await run(['测试']);
  const dimension = probe!.length;

  const cacheSize = options.queryCache ?? DEFAULT_QUERY_CACHE;
  const cache = new Map<string, Promise<Float32Array>>();
  const embedOne = async (text: string) => (await run([text]))[0]!;

  return {
    modelId: config.modelId,
    dimension,
    async embed(texts, { batchSize = DEFAULT_BATCH_SIZE, onBatch } = {}) {
      const order = texts.map((t, i) => [t.length, i] as const).sort((a, b) => a[0] - b[0]).map(([, i]) => i);
      const result: Float32Array[] = new Array(texts.length);
      for (let b = 0; b < order.length; b += batchSize) {
        const ids = order.slice(b, b + batchSize);
        const vectors = await run(ids.map((i) => texts[i]!));
        ids.forEach((id, k) => (result[id] = vectors[k]!));
        onBatch?.(Math.min(b + batchSize, order.length));
      }
      return result;
    },
    async embedQuery(question) {
      const text = config.queryInstruction ? BGE_QUERY_INSTRUCTION + question : question;
      if (cacheSize <= 0) return embedOne(text);
      let vector = cache.get(text);
      if (vector) cache.delete(text); // re-inserted below as the most recently used
      else {
        vector = embedOne(text);
        vector.catch(() => cache.delete(text));
      }
      cache.set(text, vector);
      if (cache.size > cacheSize) cache.delete(cache.keys().next().value!);
      // A copy, so no caller can change what the next one gets.
      return (await vector).slice();
    },
  };
}
