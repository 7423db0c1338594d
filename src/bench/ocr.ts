// OCR throughput: text PDF pages (the extraction fixtures: dense two- and three-column Chinese pages) rendered
// as a scanner would give them and recognised through the product's path (render at OCR_DPI, recognition process).
// Also measures how long the main thread is held meanwhile (the bot must keep answering) and how many of the
// page's numbers the recogniser gets exactly (against the page's own text layer).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../config/index.js';
import { OCR_DPI, recognizeImage, renderPdfPage } from '../corpus/ocr.js';
import type { Logger } from '../log.js';

export interface OcrBenchResult {
  pages: number;
  dpi: number;
  /** Starting the recognition process and loading the models (first, blank page: nothing else in the bench uses OCR). */
  modelLoadS: number;
  /** Render + recognition per page, median and worst. */
  pageMedianS: number;
  pageMaxS: number;
  pagesPerMinute: number;
  /** Longest the main thread was held (event-loop delay) while pages were recognised. */
  maxEventLoopDelayMs: number;
  /** Numbers of the text layer found verbatim in the recognised text. */
  numbers: number;
  numbersFound: number;
}

const FIXTURES = ['tests/fixtures/reports/two-columns.pdf', 'tests/fixtures/reports/letter-spaced-3col.pdf'];
const NUMBER_RE = /\d+(?:\.\d+)?%?/gu;

export async function benchOcr(log: Logger, dpi = OCR_DPI): Promise<OcrBenchResult> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const { createCanvas } = await import('@napi-rs/canvas');
  const blank = createCanvas(320, 320);
  const ctx = blank.getContext('2d');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, 320, 320);
  let t = performance.now();
  await recognizeImage(new Uint8Array(await blank.encode('png')));
  const modelLoadS = (performance.now() - t) / 1000;

  // Event-loop delay: a 20 ms timer that fires late tells how long the main thread was busy.
  let maxDelay = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    maxDelay = Math.max(maxDelay, now - last - 20);
    last = now;
  }, 20);
  const times: number[] = [];
  let numbers = 0;
  let found = 0;
  try {
    for (const file of FIXTURES) {
      const doc = await pdfjs.getDocument({ data: new Uint8Array(readFileSync(join(ROOT, file))), verbosity: 0, isEvalSupported: false }).promise;
      for (let p = 1; p <= doc.numPages; p++) {
        const page = await doc.getPage(p);
        const layer = (await page.getTextContent()).items.map((i) => ('str' in i ? i.str : '')).join('').replace(/\s+/gu, '');
        t = performance.now();
        last = t;
        const { png } = await renderPdfPage(page, dpi);
        const lines = await recognizeImage(png);
        times.push((performance.now() - t) / 1000);
        const read = lines.map((l) => l.text).join('').replace(/\s+/gu, '');
        for (const n of layer.match(NUMBER_RE) ?? []) {
          numbers++;
          if (read.includes(n)) found++;
        }
        log.info(`OCR page ${times.length}: ${times.at(-1)!.toFixed(1)} s, ${lines.length} lines`);
      }
      await doc.destroy();
    }
  } finally {
    clearInterval(timer);
  }
  const sorted = [...times].sort((a, b) => a - b);
  const total = times.reduce((a, b) => a + b, 0);
  return {
    pages: times.length,
    dpi,
    modelLoadS,
    pageMedianS: sorted[sorted.length >> 1]!,
    pageMaxS: sorted.at(-1)!,
    pagesPerMinute: (60 * times.length) / total,
    maxEventLoopDelayMs: Math.round(maxDelay),
    numbers,
    numbersFound: found,
  };
}
