// Recognition process for src/corpus/ocr.ts (plain JS so it runs the same under tsx, vitest and node).
// A child process, not a worker thread: the recogniser's onnxruntime-node (1.20) and the embedder's (1.14) in one
// process crash it on exit, and PaddleOCR's post-processing (thresholding, contours) is synchronous JavaScript
// taking seconds per page, which here cannot stall the bot. The model is loaded on the first request and kept
// for the life of the process, which ends with its parent (when the IPC channel closes).
let ocrLoading;
process.on('disconnect', () => process.exit(0));
process.on('message', async ({ id, image }) => {
  try {
    ocrLoading ??= import('@gutenye/ocr-node').then(({ default: Ocr }) => Ocr.create());
    const ocr = await ocrLoading;
    const lines = await ocr.detect(Buffer.from(image));
    process.send({ id, lines: lines.map(({ text, mean, box }) => ({ text, confidence: mean, box })) });
  } catch (err) {
    process.send({ id, error: err instanceof Error ? err.message : String(err) });
  }
});
