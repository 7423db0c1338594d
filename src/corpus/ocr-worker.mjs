// Recognition thread for src/corpus/ocr.ts (plain JS so it runs the same under tsx, vitest and node).
// PaddleOCR's post-processing (thresholding, contours) is synchronous JavaScript taking seconds per page: here it
// cannot stall the bot. The model is loaded on the first request and kept for the life of the thread.
import { parentPort } from 'node:worker_threads';

let ocrLoading;
parentPort.on('message', async ({ id, image }) => {
  try {
    ocrLoading ??= import('@gutenye/ocr-node').then(({ default: Ocr }) => Ocr.create());
    const ocr = await ocrLoading;
    const lines = await ocr.detect(Buffer.from(image));
    parentPort.postMessage({ id, lines: lines.map(({ text, mean, box }) => ({ text, confidence: mean, box })) });
  } catch (err) {
    parentPort.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
});
