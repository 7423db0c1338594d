// transformers.js 2.17.2 (pinned in package.json) gives no way to set ONNX Runtime session options, so the
// embedder loads the model file with the same helper transformers.js uses (local folder, cache or, when
// allowed, the Hugging Face hub) and creates the session itself.
declare module '@xenova/transformers/src/utils/hub.js' {
  export function getModelFile(pathOrRepoId: string, filename: string, fatal?: boolean, options?: { quantized?: boolean }): Promise<Uint8Array>;
}
