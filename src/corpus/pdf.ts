// Text extraction from PDF reports with pdfjs-dist, into the same shape as the plain-text loader: visual lines
// in reading order, '' between paragraphs, plus the 1-based page of each line.
//
// What Chinese government and newspaper PDFs do, and what is done about it here:
// - several columns per page: text runs are grouped into columns by their x position (a recursive cut at
//   vertical gutters; headings that span the columns cut the page into bands first), then each column is read
//   top to bottom and columns left to right;
// - fake-bold headings drawn twice at (almost) the same spot: the second copy is dropped geometrically, and a
//   run whose characters come out doubled in half their natural width is undoubled;
// - running headers/footers and page numbers: lines in the top/bottom band of the page that repeat on most
//   pages (digits ignored), and bare page numbers ("— 3 —", "第3页", "3/20"), are dropped;
// - hyphen-free wrapping: visual lines are emitted as they are; a paragraph break '' is put where the gap is
//   clearly larger than the line spacing, where a line starts indented (Chinese paragraphs start two characters
//   in), where a short line ends a sentence, and around a change of font size (headings);
// - justified or letter-spaced Chinese lines, which pdfjs reports with spaces between the characters
//   ("人 ， 同 比 3 . 9 %"): spaces next to CJK characters are dropped and spaced-out numbers closed up;
// - pages whose text runs sideways (landscape content on a portrait page) are turned to read left to right;
//   text at other angles (diagonal watermarks, side stamps) is left out;
// - Kangxi radicals and CJK compatibility ideographs, which some PDF producers emit instead of the ordinary
//   characters that look the same, are mapped back (NFKC on those ranges only).
// - pages without a usable text layer (scans, undecodable fonts) are rendered and read by OCR (./ocr.ts); the
//   recognised lines are laid out like text runs, so columns, headers and paragraphs are handled the same way.
// Failures are ExtractError with a kind and a message that names the file and says what to do.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DEFAULT_LIMITS, type InputLimits, LimitError } from './limits.js';
import { countChars, linesToRuns, MIN_PAGE_CHARS, OCR_DPI, type OcrRun, preparePageImage, recognizeImage, renderPdfPage } from './ocr.js';

export interface ExtractedText {
  /** Text lines in reading order; '' marks a paragraph break. */
  lines: string[];
  /** 1-based page number of each line (same length as lines); omit for formats without pages. */
  pages?: number[];
  /** Pages read by OCR (their text may hold recognition errors), when any. */
  ocrPages?: number[];
  /** Lines the recogniser read, with its confidence (0..1), for checking a scan's quality. */
  ocrLines?: { page: number; text: string; confidence: number }[];
  /** Scanned pages where almost nothing was recognised (blank, or too poor to read). */
  blankPages?: number[];
  /** Problems worth telling whoever added the file (the blank pages, in words). */
  warnings?: string[];
}

/**
 * What went wrong, for the user's message (src/bot/admin-texts.ts maps each kind to its words): a scan without a
 * text layer, a scan on which OCR recognised nothing, text whose fonts cannot be decoded, no text at all, a password, an old format (.doc), content of
 * another type than the extension says, a damaged file, or a file the reader could not handle.
 */
export type ExtractErrorKind = 'no-text-layer' | 'blank-scan' | 'undecodable-text' | 'no-text' | 'password' | 'old-format' | 'wrong-type' | 'corrupt' | 'unreadable' | 'limit';

export class ExtractError extends Error {
  readonly kind: ExtractErrorKind;
  /** The file name the error is about, as passed to the extractor. */
  readonly file: string;
  constructor(kind: ExtractErrorKind, file: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ExtractError';
    this.kind = kind;
    this.file = file;
  }
}

export interface PdfExtractOptions {
  /** Called before each page read by OCR (done = pages recognised so far, total = pages to recognise). */
  onOcrPage?: (done: number, total: number) => void;
  /** Pages, OCR pages and time, and image pixels this file may take (src/corpus/limits.ts). */
  limits?: InputLimits;
}

/** Longest time recognising one page may take (the first page also loads the model). */
const OCR_PAGE_TIMEOUT_MS = 300_000;

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');

let pdfjsLoading: Promise<PdfJs> | undefined;
function loadPdfjs(): Promise<PdfJs> {
  pdfjsLoading ??= import('pdfjs-dist/legacy/build/pdf.mjs');
  return pdfjsLoading;
}

/** pdfjs' own data folders on disk (it reads them with fs in Node: nothing is fetched). */
function pdfjsAssetDirs(): { cMapUrl: string; standardFontDataUrl: string; wasmUrl: string; iccUrl: string } {
  const root = dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
  const dir = (name: string) => join(root, name) + '/';
  return { cMapUrl: dir('cmaps'), standardFontDataUrl: dir('standard_fonts'), wasmUrl: dir('wasm'), iccUrl: dir('iccs') };
}

/** Longest time one step (opening the file, reading one page) may take before giving up. */
const STEP_TIMEOUT_MS = 30_000;

export async function extractPdf(bytes: Uint8Array, fileName: string, options: PdfExtractOptions = {}): Promise<ExtractedText> {
  const name = JSON.stringify(fileName);
  const limits = options.limits ?? DEFAULT_LIMITS;
  checkPdfBytes(bytes, fileName);

  let pdfjs: PdfJs;
  try {
    pdfjs = await loadPdfjs();
  } catch (err) {
    throw new ExtractError('unreadable', fileName, `${name}: the PDF reader (pdfjs-dist) could not be loaded: run npm install (${errText(err)})`, { cause: err });
  }

  const pages: RawPage[] = [];
  const ocr = new OcrPages();
  let task: ReturnType<PdfJs['getDocument']> | undefined;
  // pdfjs says "Image exceeded maximum allowed size and was removed" only as a warning (console.warn): its
  // warnings are taken in here, so a page whose image was left out is refused instead of sent to OCR blank.
  const warnings: string[] = [];
  const consoleWarn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].startsWith('Warning: ')) warnings.push(args[0]);
    else consoleWarn(...args);
  };
  try {
    task = pdfjs.getDocument({
      // pdfjs may take ownership of the buffer it is given, and refuses Node Buffers: hand it a plain copy
      // (new Uint8Array(typedArray) copies; Buffer#slice would not).
      data: new Uint8Array(bytes),
      ...pdfjsAssetDirs(),
      cMapPacked: true,
      useSystemFonts: false,
      disableFontFace: true,
      isEvalSupported: false,
      stopAtErrors: false,
      verbosity: 1, // warnings, caught above
      // An embedded image larger than this is left out before it is decoded (a 20000×20000 image would take 1.6 GB).
      maxImageSize: limits.imageMaxPixels,
    });
    const doc = await withTimeout(task.promise, STEP_TIMEOUT_MS, () => timeoutError(fileName, 'open it'));
    if (doc.numPages > limits.pdfMaxPages) {
      throw new LimitError(`${name} has ${doc.numPages} pages, more than the ${limits.pdfMaxPages} allowed (PDF_MAX_PAGES): split it, or raise PDF_MAX_PAGES`);
    }
    for (let p = 1; p <= doc.numPages; p++) {
      const page = await withTimeout(doc.getPage(p), STEP_TIMEOUT_MS, () => timeoutError(fileName, `read page ${p}`));
      const viewport = page.getViewport({ scale: 1 });
      const content = await withTimeout(page.getTextContent(), STEP_TIMEOUT_MS, () => timeoutError(fileName, `read page ${p}`));
      const raw = toRawPage(pdfjs, p, viewport.transform, viewport.width, viewport.height, content.items);
      pages.push(raw);
      if (!hasTextLayer(raw.runs)) ocr.todo.push(p);
      page.cleanup();
    }
    // Pages without a text layer are rendered and recognised, one at a time (progress: page n of N).
    if (ocr.todo.length > limits.ocrMaxPages) {
      throw new LimitError(`${name} has ${ocr.todo.length} scanned pages to read by OCR, more than the ${limits.ocrMaxPages} allowed (OCR_MAX_PAGES; about 5 s a page): add a text version, or raise OCR_MAX_PAGES`);
    }
    const ocrStarted = Date.now();
    for (const [i, p] of ocr.todo.entries()) {
      if (Date.now() - ocrStarted > limits.ocrMaxSeconds * 1000) {
        throw new LimitError(`${name}: OCR took longer than ${limits.ocrMaxSeconds} s (OCR_MAX_SECONDS) after ${i} of ${ocr.todo.length} scanned pages: add a text version, or raise OCR_MAX_SECONDS`);
      }
      options.onOcrPage?.(i, ocr.todo.length);
      const page = await withTimeout(doc.getPage(p), STEP_TIMEOUT_MS, () => timeoutError(fileName, `read page ${p}`));
      const { png, scale } = await withTimeout(renderPdfPage(page, OCR_DPI), STEP_TIMEOUT_MS, () => timeoutError(fileName, `render page ${p}`));
      page.cleanup();
      if (warnings.some((w) => /Image exceeded maximum allowed size/.test(w))) {
        throw new LimitError(`${name}: page ${p} is an image of more than ${limits.imageMaxPixels} pixels (IMAGE_MAX_PIXELS), left out before decoding, so the page cannot be read: send a scan of ordinary resolution or a text version, or raise IMAGE_MAX_PIXELS`);
      }
      const raw = pages[p - 1]!;
      raw.runs = await ocr.read(p, png, scale, fileName, countChars(raw.runs) > 0);
    }
    if (ocr.todo.length) options.onOcrPage?.(ocr.todo.length, ocr.todo.length);
  } catch (err) {
    throw toExtractError(err, fileName);
  } finally {
    console.warn = consoleWarn;
    // Never let a failure to tear down replace the real outcome.
    task?.destroy().catch(() => undefined);
  }

  ocr.refuseIfBlank(pages, fileName);
  try {
    return ocr.annotate(layoutDocument(pages, fileName));
  } catch (err) {
    if (err instanceof ExtractError) throw err;
    throw new ExtractError('unreadable', fileName, `${name}: its text could not be laid out (${errText(err)}): add a text version`, {
      cause: err,
    });
  }
}

/**
 * Reads a photo or scan of one report page (PNG, JPEG, ...) by OCR: one page, laid out like a PDF page.
 * A photo that is not upright beyond a slight tilt is not turned (the recogniser reads horizontal lines only).
 */
export async function extractPageImage(bytes: Uint8Array, fileName: string, options: PdfExtractOptions = {}): Promise<ExtractedText> {
  const name = JSON.stringify(fileName);
  const limits = options.limits ?? DEFAULT_LIMITS;
  let image: Awaited<ReturnType<typeof preparePageImage>>;
  try {
    image = await preparePageImage(bytes, limits.imageMaxPixels);
  } catch (err) {
    if (/pixel limit/i.test(errText(err))) {
      throw new LimitError(`${name} is an image of more than ${limits.imageMaxPixels} pixels (IMAGE_MAX_PIXELS): send a smaller photo of the page, or raise IMAGE_MAX_PIXELS`);
    }
    throw new ExtractError('corrupt', fileName, `${name} is not a readable image (${errText(err)}): send a PNG or JPEG photo of the page`, { cause: err });
  }
  const ocr = new OcrPages();
  ocr.todo.push(1);
  options.onOcrPage?.(0, 1);
  const page: RawPage = { page: 1, width: image.width, height: image.height, runs: await ocr.read(1, image.png, 1, fileName) };
  options.onOcrPage?.(1, 1);
  ocr.refuseIfBlank([page], fileName);
  return ocr.annotate(layoutDocument([page], fileName));
}

/** A page has a usable text layer when it holds a few characters, most of them decodable. */
function hasTextLayer(runs: Run[]): boolean {
  const text = runs.map((r) => r.text).join('').replace(/\s/gu, '');
  const undecodable = text.match(/[\uE000-\uF8FF\uFFFD\u0000-\u001F]/gu)?.length ?? 0;
  return text.length >= MIN_PAGE_CHARS && undecodable <= 0.5 * text.length;
}

/** What OCR did to one document: pages to read, their lines and confidences, and pages found (almost) blank. */
class OcrPages {
  readonly todo: number[] = [];
  private readonly lines: NonNullable<ExtractedText['ocrLines']> = [];
  private readonly blank: number[] = [];

  /** Recognises one page; `hasSomeText`: its text layer held a few characters (a cover page is not blank). */
  async read(page: number, image: Uint8Array, scale: number, fileName: string, hasSomeText = false): Promise<Run[]> {
    let runs: OcrRun[];
    try {
      const lines = await withTimeout(recognizeImage(image), OCR_PAGE_TIMEOUT_MS, () => timeoutError(fileName, `recognise page ${page}`));
      for (const l of lines) if (l.text.trim()) this.lines.push({ page, text: l.text, confidence: Math.round(l.confidence * 1000) / 1000 });
      runs = linesToRuns(lines, scale);
    } catch (err) {
      if (err instanceof ExtractError) throw err;
      throw new ExtractError('unreadable', fileName, `${JSON.stringify(fileName)}: OCR failed on page ${page} (${errText(err)}): check that npm install completed, or add a text version`, { cause: err });
    }
    if (countChars(runs) < MIN_PAGE_CHARS && !hasSomeText) this.blank.push(page);
    return dedupeFakeBold(runs.map(({ text, x, y, w, size }) => ({ text: despace(normalizeChars(text)), x, y, w, size })));
  }

  /** Refuses a scanned document in which no page has any text, naming its pages. */
  refuseIfBlank(pages: RawPage[], fileName: string): void {
    if (this.todo.length === 0 || pages.some((p) => countChars(p.runs) >= MIN_PAGE_CHARS)) return;
    const which = this.todo.length > 1 ? `pages ${this.todo.join(', ')}` : `page ${this.todo[0]}`;
    throw new ExtractError(
      'blank-scan',
      fileName,
      `${JSON.stringify(fileName)}: nothing could be recognised on scanned ${which} (blank or unreadable scan): scan it again more sharply, or add a text version`,
    );
  }

  /** Marks the extracted text as read by OCR, with a warning naming the pages found (almost) blank. */
  annotate(text: ExtractedText): ExtractedText {
    if (this.todo.length === 0) return text;
    const warnings = this.blank.length ? [`almost nothing recognised on scanned page${this.blank.length > 1 ? 's' : ''} ${this.blank.join(', ')} (blank or unreadable?): check the original`] : [];
    return { ...text, ocrPages: [...this.todo], ocrLines: this.lines, ...(warnings.length ? { blankPages: [...this.blank], warnings } : {}) };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Checks and errors
// ---------------------------------------------------------------------------------------------------------------

function checkPdfBytes(bytes: Uint8Array, fileName: string): void {
  const name = JSON.stringify(fileName);
  if (!(bytes instanceof Uint8Array) || bytes.length === 0) {
    throw new ExtractError('corrupt', fileName, `${name} is empty: copy or download it again`);
  }
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const head = buf.subarray(0, 1024);
  if (head.indexOf('%PDF-') < 0) {
    if (buf[0] === 0x50 && buf[1] === 0x4b) {
      throw new ExtractError('wrong-type', fileName, `${name} is not a PDF but a ZIP/DOCX file: give it the right extension (.docx)`);
    }
    throw new ExtractError('corrupt', fileName, `${name} is not a valid PDF (no %PDF header): check the file or download it again`);
  }
  // A download cut short has lost its end-of-file marker; pdfjs would still recover the first pages silently.
  if (buf.subarray(Math.max(0, buf.length - 65_536)).lastIndexOf('%%EOF') < 0) {
    throw new ExtractError('corrupt', fileName, `${name} is truncated or damaged (no end-of-file marker): download or copy it again`);
  }
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function timeoutError(fileName: string, what: string): ExtractError {
  return new ExtractError(
    'corrupt',
    fileName,
    `${JSON.stringify(fileName)}: gave up trying to ${what} (damaged or pathological PDF?): re-save it, e.g. print it to a new PDF`,
  );
}

function toExtractError(err: unknown, fileName: string): ExtractError {
  if (err instanceof ExtractError) return err;
  if (err instanceof LimitError) return new ExtractError('limit', fileName, err.message, { cause: err });
  const name = JSON.stringify(fileName);
  const errName = err instanceof Error ? err.name : '';
  if (errName === 'PasswordException') {
    return new ExtractError('password', fileName, `${name} is password-protected: remove the password and add it again`, { cause: err });
  }
  return new ExtractError('corrupt', fileName, `${name} is damaged and cannot be read (${errText(err)}): download or copy it again`, {
    cause: err,
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// ---------------------------------------------------------------------------------------------------------------
// Text items in a canonical frame: x to the right, y (baseline) downwards, in PDF points
// ---------------------------------------------------------------------------------------------------------------

/** One run of text as pdfjs reports it, in the page's reading frame. */
interface Run {
  text: string;
  /** Left end of the baseline. */
  x: number;
  /** Baseline, growing downwards. */
  y: number;
  /** Advance width along the baseline. */
  w: number;
  size: number;
}

interface RawPage {
  page: number;
  width: number;
  height: number;
  runs: Run[];
}

type Matrix = number[];

function toRawPage(pdfjs: PdfJs, page: number, viewportTransform: Matrix, width: number, height: number, items: unknown[]): RawPage {
  interface Placed extends Run {
    quarter: number | null;
  }
  const placed: Placed[] = [];
  for (const item of items) {
    if (!item || typeof item !== 'object' || !('str' in item) || !('transform' in item)) continue;
    const { str, transform, width: w } = item as { str: string; transform: Matrix; width: number };
    if (typeof str !== 'string' || str.trim() === '') continue;
    const m = pdfjs.Util.transform(viewportTransform, transform) as Matrix;
    const [a = 0, b = 0, c = 0, d = 0, e = 0, f = 0] = m;
    const size = Math.hypot(c, d);
    if (!(size > 0.5) || !Number.isFinite(e) || !Number.isFinite(f)) continue;
    const angle = (Math.atan2(b, a) * 180) / Math.PI;
    const q = Math.round(angle / 90);
    const quarter = Math.abs(angle - q * 90) <= 8 ? ((q % 4) + 4) % 4 : null;
    const text = despace(normalizeChars(str));
    placed.push({ text, x: e, y: f, w: Number.isFinite(w) && w > 0 ? w : estimateWidth(text, size), size, quarter });
  }

  // Text drawn in the page's main direction is read; rotated stamps, watermarks and side notes are not.
  const weight = [0, 0, 0, 0];
  for (const r of placed) if (r.quarter !== null) weight[r.quarter] = (weight[r.quarter] ?? 0) + r.text.length;
  let main = 0;
  for (let q = 1; q < 4; q++) if ((weight[q] ?? 0) > (weight[main] ?? 0)) main = q;

  // Rotate so that the main direction reads left to right (y stays downwards).
  const rad = (-main * Math.PI) / 2;
  const cos = Math.round(Math.cos(rad));
  const sin = Math.round(Math.sin(rad));
  const rot = (x: number, y: number): [number, number] => [x * cos - y * sin, x * sin + y * cos];
  const corners = [rot(0, 0), rot(width, 0), rot(0, height), rot(width, height)];
  const minX = minOf(corners, (p) => p[0]);
  const minY = minOf(corners, (p) => p[1]);
  const runs: Run[] = [];
  for (const r of placed) {
    if (r.quarter !== main) continue;
    const [x, y] = rot(r.x, r.y);
    runs.push({ text: r.text, x: x - minX, y: y - minY, w: r.w, size: r.size });
  }
  const rotated = main % 2 === 1;
  return { page, width: rotated ? height : width, height: rotated ? width : height, runs: dedupeFakeBold(runs) };
}

/** Kangxi radicals and CJK compatibility ideographs that PDFs use for ordinary characters, mapped back. */
function normalizeChars(s: string): string {
  return s.replace(/[\u2F00-\u2FDF\uF900-\uFAFF]/gu, (ch) => ch.normalize('NFKC'));
}

/**
 * pdfjs puts a space wherever glyphs are spread by more than a tenth of an em, which justified Chinese lines
 * do: "人 ， 同 比 增 长 3 . 9 %". Spaces next to CJK characters are dropped; a run of single characters
 * separated by spaces ("3 . 9 %", "4 3 2 6 9") is closed up when it is a number or the run is letter-spaced
 * (spaces between CJK characters, or between almost every pair of characters).
 */
function despace(s: string): string {
  if (!/\s/u.test(s)) return s;
  const chars = [...s.trim()];
  let cjkGaps = 0;
  // Segments of non-CJK text (with their spaces) between CJK characters.
  const parts: { cjk: boolean; text: string }[] = [];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (/\s/u.test(ch)) {
      let j = i;
      while (j + 1 < chars.length && /\s/u.test(chars[j + 1]!)) j++;
      const l = chars[i - 1];
      const r = chars[j + 1];
      if (isCjk(l) && isCjk(r)) cjkGaps++;
      if (!isCjk(l) && !isCjk(r)) parts.at(-1)!.text += ' ';
      i = j;
      continue;
    }
    const cjk = isCjk(ch);
    const last = parts.at(-1);
    if (last && !cjk && !last.cjk) last.text += ch;
    else parts.push({ cjk, text: ch });
  }
  // Letter-spaced: spaces between CJK characters, or between almost every pair of characters.
  const gaps = (s.trim().match(/\s+/gu) ?? []).length;
  const visible = chars.filter((ch) => !/\s/u.test(ch)).length;
  const letterSpaced = cjkGaps >= 2 || (gaps >= 3 && gaps >= 0.6 * (visible - 1));
  return parts
    .map(({ cjk, text }) => {
      if (cjk || !text.includes(' ')) return text;
      const tokens = text.split(' ');
      const singles = tokens.length >= 2 && tokens.every((t) => [...t].length === 1);
      return singles && (letterSpaced || /^[0-9.,%:/+-]+$/u.test(tokens.join(''))) ? tokens.join('') : text;
    })
    .join('');
}

const CJK_RE = /[\u2E80-\u2FDF\u3000-\u303F\u3040-\u30FF\u3100-\u312F\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFFEF\u201C\u201D\u2018\u2019\u2014\u2026\u00B7]/u;
const isCjk = (ch: string | undefined): boolean => ch !== undefined && CJK_RE.test(ch);

/** Rough advance width of a string: 1 em for CJK characters, about half an em for digits and Latin. */
function estimateWidth(text: string, size: number): number {
  let em = 0;
  for (const ch of text) em += isCjk(ch) ? 1 : 0.55;
  return em * size;
}

/**
 * Fake bold: the same text drawn twice at almost the same position. Whole runs drawn twice are matched by text
 * and position. When the copies are drawn character by character, pdfjs cuts them into runs that do not line up
 * ("二", "二、", "、2", ...): runs that overlap others on their row are then split into characters (positions
 * estimated from the run's width) and characters repeated at the same spot are dropped. Also undoubles a single
 * run whose characters come out doubled ("22002222", "工作回顾工作回顾") in about half the width they need.
 */
function dedupeFakeBold(input: Run[]): Run[] {
  const runs = dropCopies(input.map(undouble));
  const overlapping = new Set<Run>();
  for (const row of groupRows(runs)) {
    row.sort((a, b) => a.x - b.x);
    for (let i = 1; i < row.length; i++) {
      const r = row[i]!;
      for (let j = i - 1; j >= 0 && j >= i - 6; j--) {
        const o = row[j]!;
        if (o.x + o.w - r.x > 0.3 * Math.min(r.size, o.size) && Math.abs(o.y - r.y) <= 0.3 * r.size) {
          overlapping.add(o);
          overlapping.add(r);
        }
      }
    }
  }
  if (overlapping.size === 0) return runs;
  const chars = dropCopies([...overlapping].flatMap(splitIntoChars));
  return [...runs.filter((r) => !overlapping.has(r)), ...chars];
}

/** Drops runs that repeat an earlier run's text at (almost) the same position and size. */
function dropCopies(runs: Run[]): Run[] {
  const kept: Run[] = [];
  const byText = new Map<string, Run[]>();
  for (const run of runs) {
    const tol = Math.max(0.15 * run.size, 0.5);
    const twins = byText.get(run.text);
    const isCopy = twins?.some(
      (k) => Math.abs(k.x - run.x) <= tol && Math.abs(k.y - run.y) <= tol && Math.abs(k.size - run.size) <= 0.1 * run.size,
    );
    if (isCopy) continue;
    kept.push(run);
    if (twins) twins.push(run);
    else byText.set(run.text, [run]);
  }
  return kept;
}

/** One run per character, the run's width shared out by estimated character widths. */
function splitIntoChars(run: Run): Run[] {
  const chars = [...run.text];
  const est = estimateWidth(run.text, run.size);
  const scale = est > 0 ? run.w / est : 0;
  const out: Run[] = [];
  let x = run.x;
  for (const ch of chars) {
    const w = estimateWidth(ch, run.size) * scale;
    if (ch.trim()) out.push({ text: ch, x, y: run.y, w, size: run.size });
    x += w;
  }
  return out;
}

function undouble(run: Run): Run {
  const chars = [...run.text];
  const n = chars.length;
  // Only where the width estimate is trustworthy: CJK characters, digits and CJK punctuation.
  if (n < 4 || n % 2 !== 0 || !chars.every((ch) => isCjk(ch) || /[0-9.%]/.test(ch))) return run;
  if (run.w > 0.7 * estimateWidth(run.text, run.size)) return run;
  let perChar = true;
  for (let i = 0; i < n; i += 2) if (chars[i] !== chars[i + 1]) perChar = false;
  if (perChar) return { ...run, text: chars.filter((_, i) => i % 2 === 0).join('') };
  const half = chars.slice(0, n / 2).join('');
  if (half === chars.slice(n / 2).join('')) return { ...run, text: half };
  return run;
}

// ---------------------------------------------------------------------------------------------------------------
// Runs -> fragments (pieces of one visual line within one column)
// ---------------------------------------------------------------------------------------------------------------

/** A piece of text on a page and its box: what fragments and lines have in common. */
interface TextBox {
  text: string;
  x0: number;
  x1: number;
  /** Baseline (of the largest run). */
  y: number;
  size: number;
  top: number;
  bottom: number;
}

interface Fragment extends TextBox {
  /** Index of the visual row on its page (rows across the whole page, top to bottom). */
  row: number;
}

const boxOf = (y: number, size: number) => ({ top: y - 0.8 * size, bottom: y + 0.2 * size });
const overlapV = (a: { top: number; bottom: number }, b: { top: number; bottom: number }) =>
  Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);

/**
 * Joins two pieces of one line: a space only where there is a visible gap between two non-CJK characters.
 * `minGap` is the gap that counts as a space; in justified Chinese lines drawn character by character it is
 * raised above the spacing between the characters, so that "6 7 2 5" stays "6725".
 */
function joinPieces(left: string, right: string, gap: number, minGap: number): string {
  const l = left.at(-1);
  const r = right[0];
  const needsSpace = gap > minGap && !isCjk(l) && !isCjk(r) && !/\s/.test(l ?? ' ') && !/\s/.test(r ?? ' ');
  return needsSpace ? `${left} ${right}` : left + right;
}

/** The gap that counts as a space on a row: a quarter em, or more where CJK characters are spread out. */
function spaceGap(row: Run[], size: number): number {
  const cjkGaps: number[] = [];
  for (let i = 1; i < row.length; i++) {
    const a = row[i - 1]!;
    const b = row[i]!;
    const gap = b.x - (a.x + a.w);
    if (gap > 0 && gap < 0.7 * size && (isCjk(a.text.at(-1)) || isCjk(b.text[0]))) cjkGaps.push(gap);
  }
  const spread = cjkGaps.length >= 2 ? median(cjkGaps) : 0;
  return Math.max(0.25 * size, 1.5 * spread + 0.05 * size);
}

/** Groups items (runs or fragments) into visual rows: their vertical extents overlap by half the smaller. */
function groupRows<T extends { y: number; size: number }>(items: T[]): T[][] {
  const sorted = [...items].sort((a, b) => a.y - b.y);
  const rows: { box: { top: number; bottom: number }; size: number; items: T[] }[] = [];
  for (const it of sorted) {
    const box = boxOf(it.y, it.size);
    let home: (typeof rows)[number] | undefined;
    for (let i = rows.length - 1; i >= 0 && i >= rows.length - 3; i--) {
      const row = rows[i]!;
      if (overlapV(row.box, box) >= 0.5 * Math.min(it.size, row.size)) {
        home = row;
        break;
      }
    }
    if (home) {
      home.items.push(it);
      // The row keeps the box of its largest item: growing it with every item would chain dense pages into one row.
      if (it.size > home.size) {
        home.box = box;
        home.size = it.size;
      }
    } else {
      rows.push({ box, size: it.size, items: [it] });
    }
  }
  return rows.map((r) => r.items);
}

function toFragments(runs: Run[]): Fragment[] {
  const fragments: Fragment[] = [];
  groupRows(runs).forEach((row, rowIndex) => {
    row.sort((a, b) => a.x - b.x);
    const minGap = spaceGap(row, median(row.map((r) => r.size)));
    let cur: { text: string; x0: number; x1: number; y: number; size: number } | undefined;
    const flush = () => {
      if (!cur) return;
      const text = cur.text.trim();
      if (text) fragments.push({ ...cur, text, ...boxOf(cur.y, cur.size), row: rowIndex });
      cur = undefined;
    };
    for (const r of row) {
      if (cur) {
        const gap = r.x - cur.x1;
        // A gap wider than ~0.7 em separates pieces that may belong to different columns.
        if (gap > 0.7 * Math.max(cur.size, r.size)) {
          flush();
        } else {
          cur.text = joinPieces(cur.text, r.text, gap, minGap);
          cur.x1 = Math.max(cur.x1, r.x + r.w);
          if (r.size > cur.size) {
            cur.size = r.size;
            cur.y = r.y;
          }
          continue;
        }
      }
      cur = { text: r.text, x0: r.x, x1: r.x + r.w, y: r.y, size: r.size };
    }
    flush();
  });
  return fragments;
}

// ---------------------------------------------------------------------------------------------------------------
// Running headers, footers and page numbers
// ---------------------------------------------------------------------------------------------------------------

const PAGE_NUMBER_RE =
  /^[\s\-—–－_·•.<>〈〉《》()（）[\]【】]*(?:(?:第\s*)?\d{1,4}\s*[页版]?(?:\s*[/／]\s*\d{1,4}|\s*[，,]?\s*共\s*\d{1,4}\s*页)?|page\s*\d{1,4}(?:\s*of\s*\d{1,4})?|[ivxlc]{1,7})[\s\-—–－_·•.<>〈〉《》()（）[\]【】]*$/iu;

const BAND = 0.12;

function removeHeadersFooters(pages: { page: RawPage; fragments: Fragment[] }[]): void {
  const candidates = pages.map(({ page, fragments }) => {
    const rows = [...new Set(fragments.map((f) => f.row))].sort((a, b) => a - b);
    const edgeRows = new Set([...rows.slice(0, 2), ...rows.slice(-2)]);
    return new Set(
      fragments.filter(
        (f) => edgeRows.has(f.row) && (f.y <= BAND * page.height || f.top >= (1 - BAND) * page.height),
      ),
    );
  });
  const keyOf = (f: Fragment) => f.text.replace(/\s+/gu, '').replace(/\d+/gu, '#');
  const pagesWithKey = new Map<string, Set<number>>();
  candidates.forEach((set, i) => {
    for (const f of set) {
      const key = keyOf(f);
      const seen = pagesWithKey.get(key) ?? new Set<number>();
      seen.add(i);
      pagesWithKey.set(key, seen);
    }
  });
  const minPages = Math.max(2, Math.ceil(0.4 * pages.length));
  pages.forEach((p, i) => {
    const cands = candidates[i]!;
    const drop = new Set<Fragment>();
    for (const f of cands) {
      if ((pagesWithKey.get(keyOf(f))?.size ?? 0) >= minPages || PAGE_NUMBER_RE.test(f.text)) drop.add(f);
    }
    // A page number split into pieces ("—", "3", "—") is recognised on its whole row.
    const byRow = new Map<number, Fragment[]>();
    for (const f of cands) byRow.set(f.row, [...(byRow.get(f.row) ?? []), f]);
    for (const row of byRow.values()) {
      const rest = row.filter((f) => !drop.has(f)).sort((a, b) => a.x0 - b.x0);
      if (rest.length > 1 && PAGE_NUMBER_RE.test(rest.map((f) => f.text).join(''))) for (const f of rest) drop.add(f);
    }
    p.fragments = p.fragments.filter((f) => !drop.has(f));
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Reading order: columns and bands
// ---------------------------------------------------------------------------------------------------------------

/** Smallest / largest value of `f` over `items` (no spread: pages can hold very many items). */
function minOf<T>(items: readonly T[], f: (item: T) => number): number {
  let m = Infinity;
  for (const it of items) m = Math.min(m, f(it));
  return m;
}
function maxOf<T>(items: readonly T[], f: (item: T) => number): number {
  let m = -Infinity;
  for (const it of items) m = Math.max(m, f(it));
  return m;
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

type Split = { kind: 'columns'; left: Fragment[]; right: Fragment[] } | { kind: 'bands'; bands: Fragment[][] };

/**
 * Looks for a vertical gutter between two columns of text. Headings, headers or pictures' captions that span
 * the columns "block" the gutter; a gutter blocked by at most half of the fragments is still accepted, and the
 * blocking fragments then cut the region into horizontal bands (read top to bottom), each ordered again.
 */
function findSplit(frags: Fragment[]): Split | null {
  if (frags.length < 2 || frags.length > 20_000) return null;
  const med = median(frags.map((f) => f.size));
  const minGutter = 0.7 * med;
  const minX = minOf(frags, (f) => f.x0);
  const maxX = maxOf(frags, (f) => f.x1);
  const step = Math.max(0.5, (maxX - minX) / 4000);
  const bins = Math.ceil((maxX - minX) / step);
  if (bins < 3) return null;
  const cov = new Int32Array(bins);
  for (const f of frags) {
    const from = Math.max(0, Math.floor((f.x0 - minX) / step));
    const to = Math.min(bins, Math.ceil((f.x1 - minX) / step));
    for (let b = from; b < to; b++) cov[b]! += 1;
  }
  // Bounded work on pages with very many pieces (maps, dense tables): a few levels, the widest gaps of each.
  const levels = [...new Set(cov)]
    .sort((a, b) => a - b)
    .filter((t) => t <= frags.length - 2)
    .slice(0, 40);
  for (const t of levels) {
    const runs: [number, number][] = [];
    for (let b = 0; b < bins; ) {
      if (cov[b]! > t) {
        b++;
        continue;
      }
      const start = b;
      while (b < bins && cov[b]! <= t) b++;
      const gl = minX + start * step;
      const gr = minX + b * step;
      if (gr - gl >= minGutter && start > 0 && b < bins) runs.push([gl, gr]);
    }
    runs.sort((p, q) => q[1] - q[0] - (p[1] - p[0]));
    for (const [gl, gr] of runs.slice(0, 12)) {
      const eps = step;
      const blockers = frags.filter((f) => f.x0 < gr - eps && f.x1 > gl + eps);
      const blocking = new Set(blockers);
      const others = frags.filter((f) => !blocking.has(f));
      const left = others.filter((f) => f.x1 <= gl + eps);
      const right = others.filter((f) => f.x0 >= gr - eps);
      if (!left.length || !right.length || left.length + right.length !== others.length) continue;
      if (!isTextColumn(left, med) || !isTextColumn(right, med)) continue;
      if (!sideBySide(left, right)) continue;
      if (blockers.length === 0) return { kind: 'columns', left, right };
      const bands = cutIntoBands(frags, blockers);
      if (bands.length > 1) return { kind: 'bands', bands };
    }
  }
  return null;
}

/** Columns of running text are several characters wide; narrow table cells are not read as columns. */
function isTextColumn(frags: Fragment[], med: number): boolean {
  return median(frags.map((f) => f.x1 - f.x0)) >= 3 * med;
}

/** Two groups stand side by side when they share rows (at least two, if each has two lines or more). */
function sideBySide(left: Fragment[], right: Fragment[]): boolean {
  const need = Math.min(2, left.length, right.length);
  let shared = 0;
  for (const l of left) {
    if (right.some((r) => overlapV(l, r) > 0)) shared++;
    if (shared >= need) return true;
  }
  return false;
}

function cutIntoBands(frags: Fragment[], blockers: Fragment[]): Fragment[][] {
  const groups: { top: number; bottom: number; items: Fragment[] }[] = [];
  for (const b of [...blockers].sort((p, q) => p.top - q.top)) {
    const last = groups.at(-1);
    if (last && b.top < last.bottom) {
      last.items.push(b);
      last.bottom = Math.max(last.bottom, b.bottom);
    } else {
      groups.push({ top: b.top, bottom: b.bottom, items: [b] });
    }
  }
  // Band 2k holds what lies above blocker group k, band 2k+1 the group itself and what shares its rows.
  const bands: Fragment[][] = Array.from({ length: 2 * groups.length + 1 }, () => []);
  groups.forEach((g, k) => bands[2 * k + 1]!.push(...g.items));
  const blockerSet = new Set(blockers);
  for (const f of frags) {
    if (blockerSet.has(f)) continue;
    const k = groups.findIndex((g) => overlapV(g, f) > 0);
    if (k >= 0) {
      bands[2 * k + 1]!.push(f);
      continue;
    }
    const centre = (f.top + f.bottom) / 2;
    const above = groups.filter((g) => g.bottom <= centre).length;
    bands[2 * above]!.push(f);
  }
  return bands.filter((b) => b.length > 0);
}

/**
 * A leaf: fragments read row by row, top to bottom. `column` numbers the column the leaf was cut from: bands
 * of one region share their region's column, each side of a gutter gets a new one.
 */
interface Leaf {
  frags: Fragment[];
  column: number;
}

/** Orders a region into leaves, in reading order. */
function orderRegion(frags: Fragment[], out: Leaf[], columns: { next: number }, column: number, depth = 0): void {
  if (frags.length === 0) return;
  const split = depth < 64 ? findSplit(frags) : null;
  if (!split) {
    out.push({ frags, column });
    return;
  }
  if (split.kind === 'columns') {
    orderRegion(split.left, out, columns, columns.next++, depth + 1);
    orderRegion(split.right, out, columns, columns.next++, depth + 1);
    return;
  }
  for (const band of split.bands) {
    if (band.length === frags.length) out.push({ frags: band, column });
    else orderRegion(band, out, columns, column, depth + 1);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Lines and paragraphs
// ---------------------------------------------------------------------------------------------------------------

interface Line extends TextBox {
  page: number;
  /** The column the line was read in (see Leaf). */
  flow: number;
}

/** The lines of one column: its left and right edges and how many lines it has. */
interface Flow {
  left: number;
  right: number;
  count: number;
}

function leafToLines(frags: Fragment[], page: number, flow: number): Line[] {
  return groupRows(frags).map((row) => {
    row.sort((a, b) => a.x0 - b.x0);
    let text = '';
    let x1 = -Infinity;
    for (const f of row) {
      const gap = f.x0 - x1;
      // Pieces far apart on one row (table cells, a date set against the right margin) keep a space.
      text = !text ? f.text : gap >= 1.5 * f.size ? `${text} ${f.text}` : joinPieces(text, f.text, gap, 0.25 * f.size);
      x1 = Math.max(x1, f.x1);
    }
    const main = row.reduce((a, b) => (b.size > a.size ? b : a));
    return {
      text,
      x0: minOf(row, (f) => f.x0),
      x1,
      y: main.y,
      size: main.size,
      top: minOf(row, (f) => f.top),
      bottom: maxOf(row, (f) => f.bottom),
      page,
      flow,
    };
  });
}

/**
 * Left and right edges of a column, taken from its long lines (at least 60 % of the column's span), so that a
 * stray short piece of text (a margin note, a line number) does not make every line look indented.
 */
function flowEdges(lines: Line[]): { left: number; right: number } {
  const minX = minOf(lines, (l) => l.x0);
  const maxX = maxOf(lines, (l) => l.x1);
  const long = lines.filter((l) => l.x1 - l.x0 >= 0.6 * (maxX - minX));
  const basis = long.length ? long : lines;
  return { left: minOf(basis, (l) => l.x0), right: maxOf(basis, (l) => l.x1) };
}

/** Sentence-final punctuation, optionally followed by closing quotes or brackets. */
const ENDS_SENTENCE_RE = /[。！？!?…][”’」』）)]*$/u;

function layoutDocument(pages: RawPage[], fileName: string): ExtractedText {
  const perPage = pages.map((page) => ({ page, fragments: toFragments(page.runs) }));
  removeHeadersFooters(perPage);

  // Each line knows its column (all the bands cut from one region share it), whose edges tell indented and
  // short lines apart.
  const lines: Line[] = [];
  const columns = { next: 0 };
  for (const { page, fragments } of perPage) {
    const ordered: Leaf[] = [];
    orderRegion(fragments, ordered, columns, columns.next++);
    for (const leaf of ordered) lines.push(...leafToLines(leaf.frags, page.page, leaf.column));
  }
  const flows: Flow[] = [];
  const byColumn = new Map<number, Line[]>();
  for (const l of lines) byColumn.set(l.flow, [...(byColumn.get(l.flow) ?? []), l]);
  for (const [column, colLines] of byColumn) flows[column] = { ...flowEdges(colLines), count: colLines.length };

  checkTextLayer(lines, pages.length, fileName);

  // Typical distance between consecutive lines of one column, in units of the font size.
  const pitches: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const a = lines[i - 1]!;
    const b = lines[i]!;
    if (a.flow === b.flow && Math.abs(a.size - b.size) < 0.05 * a.size && b.y > a.y) pitches.push((b.y - a.y) / a.size);
  }
  const pitch = pitches.length >= 3 ? median(pitches) : 1.5;

  const outLines: string[] = [];
  const outPages: number[] = [];
  lines.forEach((b, i) => {
    const a = lines[i - 1];
    if (a && startsParagraph(a, b, flows, pitch)) {
      outLines.push('');
      outPages.push(a.page);
    }
    outLines.push(b.text);
    outPages.push(b.page);
  });
  return { lines: outLines, pages: outPages };
}

function startsParagraph(a: Line, b: Line, flows: Flow[], pitch: number): boolean {
  const ratio = Math.max(a.size, b.size) / Math.min(a.size, b.size);
  if (ratio > 1.15) return true;
  const la = flows[a.flow]!;
  const lb = flows[b.flow]!;
  // Indented (first line of a Chinese paragraph), centred or right-aligned within its column.
  if (lb.count >= 2 && b.x0 - lb.left >= 1.5 * b.size) return true;
  // A short line that ends a sentence closes its paragraph.
  if (la.count >= 2 && la.right - a.x1 >= 2 * a.size && ENDS_SENTENCE_RE.test(a.text)) return true;
  // A clearly larger gap than the line spacing, going down the same column.
  const sameColumn = a.page === b.page && b.y > a.y && Math.min(la.right, lb.right) - Math.max(la.left, lb.left) > 0;
  if (sameColumn && b.y - a.y > 1.3 * pitch * a.size) return true;
  return false;
}

/** Scans have no text; some PDFs have text that cannot be decoded (fonts without a Unicode mapping). */
function checkTextLayer(lines: Line[], pageCount: number, fileName: string): void {
  const name = JSON.stringify(fileName);
  let total = 0;
  let undecodable = 0;
  for (const l of lines) {
    for (const ch of l.text) {
      if (/\s/u.test(ch)) continue;
      total++;
      if (/[\uE000-\uF8FF\uFFFD\u0000-\u001F]/u.test(ch)) undecodable++;
    }
  }
  if (total === 0) {
    throw new ExtractError('no-text-layer', fileName, `${name} has no text layer (a scanned image?): run OCR first or add a text version`);
  }
  if (total < 8 * pageCount) {
    throw new ExtractError(
      'no-text-layer',
      fileName,
      `${name} has almost no text (${total} characters on ${pageCount} pages; a scanned image?): run OCR first or add a text version`,
    );
  }
  if (undecodable > 0.5 * total) {
    throw new ExtractError(
      'undecodable-text',
      fileName,
      `${name} has text that cannot be decoded (its fonts lack a Unicode mapping): run OCR first or add a text version`,
    );
  }
}
