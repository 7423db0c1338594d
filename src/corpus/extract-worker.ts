// The reader process for src/corpus/isolated.ts: reads one file at a time with parseReport and sends back the
// lines or the reason it was skipped, and OCR progress meanwhile. Started with a heap cap
// (--max-old-space-size); it ends with its parent (when the IPC channel closes) or when it has been idle.
import { parseReport } from './load.js';
import type { InputLimits } from './limits.js';

process.on('disconnect', () => process.exit(0));
process.on('message', async (msg: { id: number; bytes: Uint8Array; file: string; limits?: Partial<InputLimits> }) => {
  const result = await parseReport(msg.bytes, msg.file, {
    ...(msg.limits ? { limits: msg.limits } : {}),
    onOcrPage: (done, total) => process.send?.({ id: msg.id, ocr: [done, total] }),
  });
  process.send?.({ id: msg.id, result });
});
