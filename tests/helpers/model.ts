// A copy of the embedding model with its ONNX file cut to a third: what a broken download leaves behind.
import { cpSync, mkdtempSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A temporary MODEL_DIR holding the damaged copy; the caller removes it. */
export function damagedModelDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'damaged-model-'));
  const model = 'BAAI/bge-small-zh-v1.5';
  cpSync(join(import.meta.dirname, '..', '..', 'embeddings', 'models', model), join(dir, model), { recursive: true });
  const onnx = join(dir, model, 'onnx', 'model_quantized.onnx');
  truncateSync(onnx, Math.floor(statSync(onnx).size / 3));
  return dir;
}
