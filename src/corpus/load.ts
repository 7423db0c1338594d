// Corpus files -> decoded text lines. Decoding problems skip one file with a reason; they never stop a build.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { extractDocx } from './docx.js';
import { extractHtml } from './html.js';
import { DEFAULT_LIMITS, type InputLimits, LimitError } from './limits.js';
import { ExtractError, type ExtractedText, type ExtractErrorKind, extractPageImage, extractPdf } from './pdf.js';

/** A report file as read from disk, before any cleaning. */
export interface ReportFile {
  file: string;
  /** sha256 of the file's bytes: what staleness checks compare. */
  hash: string;
  /** Lines of the original file (1-based line n is lines[n - 1]). */
  lines: string[];
  /** 1-based page of each line, for paginated formats. */
  pages?: number[];
  encoding: string;
  /** Pages read by OCR, the recognised lines with their confidence, and warnings (e.g. blank scanned pages). */
  ocrPages?: number[];
  ocrLines?: ExtractedText['ocrLines'];
  blankPages?: number[];
  warnings?: string[];
}

/** Why a file was refused, for the user's message; the English reason says the same for logs and the CLI. */
export type RejectionKind = ExtractErrorKind | 'file-name' | 'file-type' | 'too-large' | 'encoding' | 'needs-confirmation';

export interface SkippedFile {
  file: string;
  kind: RejectionKind;
  reason: string;
}

export const TEXT_EXTENSIONS = ['.txt', '.md'];
/** Every format the corpus folder accepts; all go through the same cleaning and segmentation. */
/** Web pages saved from a site: their text is taken from the markup. */
export const HTML_EXTENSIONS = ['.html', '.htm'];
/** Photos or scans of a report page, read by OCR. */
export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg'];
export const REPORT_EXTENSIONS = [...TEXT_EXTENSIONS, ...HTML_EXTENSIONS, '.pdf', '.docx', ...IMAGE_EXTENSIONS];

export function hashBytes(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Report files in a folder (sorted by name), by extension. */
export function listReportFiles(dir: string, extensions: string[] = REPORT_EXTENSIONS): string[] {
  return readdirSync(dir)
    .filter((f) => !f.startsWith('.') && extensions.includes(extname(f).toLowerCase()))
    .filter((f) => statSync(join(dir, f)).isFile())
    .sort();
}

export type Decoded = { text: string; encoding: string } | { error: string; kind: 'no-text' | 'encoding' };

/**
 * Decode report bytes: UTF-8 (with or without BOM), UTF-16 (BOM or tell-tale NUL pattern), GB18030/GBK.
 * Anything else (binary, empty) is refused with a reason.
 */
export function decodeReport(bytes: Uint8Array): Decoded {
  if (bytes.every((x) => x === 0x20 || x === 0x09 || x === 0x0a || x === 0x0d)) return { error: 'empty file (no text)', kind: 'no-text' };
  const b = bytes;
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return strictDecode(b.subarray(3), 'utf-8');
  if (b[0] === 0xff && b[1] === 0xfe) return strictDecode(b.subarray(2), 'utf-16le');
  if (b[0] === 0xfe && b[1] === 0xff) return strictDecode(b.subarray(2), 'utf-16be');

  const utf16 = guessUtf16(b);
  if (utf16) return strictDecode(b, utf16);
  if (b.includes(0)) return { error: 'binary file (contains NUL bytes), not a text report', kind: 'encoding' };

  const utf8 = strictDecode(b, 'utf-8');
  if ('text' in utf8) return utf8;
  // Not valid UTF-8: the usual suspect for Chinese text is GBK/GB18030. Accept it only if it reads as Chinese.
  const gb = strictDecode(b, 'gb18030');
  if ('text' in gb && cjkShare(gb.text) > 0.3) return gb;
  return { error: 'unknown text encoding (not UTF-8, UTF-16 or GB18030): save the file as UTF-8', kind: 'encoding' };
}

function strictDecode(bytes: Uint8Array, encoding: string): Decoded {
  try {
    const text = new TextDecoder(encoding, { fatal: true }).decode(bytes);
    if (text.trim() === '') return { error: 'empty file (no text)', kind: 'no-text' };
    if (controlShare(text) > 0.05) return { error: `binary content (decoded as ${encoding} it is mostly control characters)`, kind: 'encoding' };
    return { text, encoding };
  } catch {
    return { error: `invalid ${encoding}`, kind: 'encoding' };
  }
}

/**
 * UTF-16 without BOM: ASCII characters (digits, newlines) put a NUL in every other byte, nearly always at the
 * same parity; UTF-8 and GB18030 text never contains NUL.
 */
function guessUtf16(b: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  const n = Math.min(b.length - (b.length % 2), 65536);
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < n; i += 2) {
    if (b[i] === 0) evenNul++;
    if (b[i + 1] === 0) oddNul++;
  }
  // A CJK character may have a 00 low byte (开 is U+5F00), so compare parities instead of requiring zero.
  if (oddNul > 4 * evenNul) return 'utf-16le';
  if (evenNul > 4 * oddNul) return 'utf-16be';
  return null;
}

const CJK = /[\u3400-\u9fff]/g;
const cjkShare = (s: string) => (s.match(CJK)?.length ?? 0) / Math.max(1, s.replace(/\s/g, '').length);
const controlShare = (s: string) =>
  (s.match(/[\u0000-\u0008\u000e-\u001f\ufffd]/g)?.length ?? 0) / Math.max(1, s.length);

/** Split decoded text into lines the way editors number them. */
export function splitLines(text: string): string[] {
  const lines = text.split(/\r\n|\r|\n/);
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Read one plain-text report; returns a reason instead of throwing for undecodable files. */
export function readTextReport(path: string, file: string): ReportFile | SkippedFile {
  return decodeTextReport(readFileSync(path), file);
}

function decodeTextReport(bytes: Uint8Array, file: string): ReportFile | SkippedFile {
  const decoded = decodeReport(bytes);
  if ('error' in decoded) return { file, kind: decoded.kind, reason: decoded.error };
  return { file, hash: hashBytes(bytes), lines: splitLines(decoded.text), encoding: decoded.encoding };
}

export interface ParseOptions {
  /** Progress of OCR on scanned pages: page `done` of `total` recognised. */
  onOcrPage?: (done: number, total: number) => void;
  /** Bounds on the work this file may cause (defaults: src/corpus/limits.ts; overrides: src/config). */
  limits?: Partial<InputLimits>;
}

/**
 * Read a report of any accepted format from its bytes: text is decoded, PDF and DOCX are extracted to lines
 * (PDF with a page per line), scanned pages and page images are read by OCR. Problems (blank scan, corrupt
 * file, wrong encoding) come back as a reason.
 */
export async function parseReport(bytes: Uint8Array, file: string, options: ParseOptions = {}): Promise<ReportFile | SkippedFile> {
  // Whatever a file does to a reader (a limit, a bug it triggers, a stack overflow) skips that file with a reason:
  // one bad file never stops a build or the answers.
  try {
    const read = await parseAny(bytes, file, options);
    // Control characters in a report (ESC[2J clears a terminal) never reach a passage, a terminal or a chat.
    if ('lines' in read) read.lines = read.lines.map((l) => l.replace(CONTROL, ''));
    return read;
  } catch (err) {
    if (err instanceof LimitError) return { file, kind: 'limit', reason: err.message };
    if (err instanceof ExtractError) return { file, kind: err.kind, reason: err.message };
    return { file, kind: 'unreadable', reason: `could not read it (${(err as Error)?.message ?? String(err)}): check that it opens, or save it again as text or PDF` };
  }
}

/** C0 and C1 control characters other than tab (line breaks are already split off). */
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g;

async function parseAny(bytes: Uint8Array, file: string, options: ParseOptions): Promise<ReportFile | SkippedFile> {
  const limits: InputLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const ext = extname(file).toLowerCase();
  if (TEXT_EXTENSIONS.includes(ext)) return decodeTextReport(bytes, file);
  if (HTML_EXTENSIONS.includes(ext)) {
    const decoded = decodeReport(bytes);
    if ('error' in decoded) return { file, kind: decoded.kind, reason: decoded.error };
    const lines = extractHtml(decoded.text, limits);
    if (lines.every((l) => l === '')) return { file, kind: 'no-text', reason: 'no text found in the web page' };
    return { file, hash: hashBytes(bytes), lines, encoding: `html/${decoded.encoding}` };
  }
  if (ext !== '.pdf' && ext !== '.docx' && !IMAGE_EXTENSIONS.includes(ext)) {
    return { file, kind: 'file-type', reason: `unsupported file type "${ext || '(none)'}": use ${REPORT_EXTENSIONS.join(', ')}` };
  }
  const hash = hashBytes(bytes);
  // OCR takes seconds per page: a file just validated (ingest) is not recognised again when it is indexed.
  const cached = recognised.get(`${hash}\n${file}`);
  if (cached) return cached;
  try {
    const extracted =
      ext === '.pdf'
        ? // pdfjs refuses Node Buffers and may detach what it is given: hand it a plain copy.
          await extractPdf(new Uint8Array(bytes), file, { ...options, limits })
        : ext === '.docx'
          ? await extractDocx(bytes, file, limits)
          : await extractPageImage(bytes, file, { ...options, limits });
    if (extracted.lines.every((l) => l.trim() === '')) return { file, kind: 'no-text', reason: 'no text found in the document' };
    const { lines, pages, ocrPages, ocrLines, blankPages, warnings } = extracted;
    const ocr = ocrPages ? { ocrPages, ocrLines, ...(blankPages ? { blankPages, warnings } : {}) } : {};
    const report: ReportFile = { file, hash, lines, ...(pages ? { pages } : {}), encoding: ext.slice(1), ...ocr };
    if (ocrPages) remember(`${hash}\n${file}`, report);
    return report;
  } catch (err) {
    if (err instanceof ExtractError || err instanceof LimitError) throw err;
    return { file, kind: 'unreadable', reason: `could not read ${ext.slice(1).toUpperCase()}: ${(err as Error).message}` };
  }
}

/** The last few reports read by OCR, by hash and name. */
const recognised = new Map<string, ReportFile>();
function remember(key: string, report: ReportFile): void {
  recognised.delete(key);
  recognised.set(key, report);
  while (recognised.size > 8) recognised.delete(recognised.keys().next().value!);
}

export async function readReport(path: string, file: string, options: ParseOptions = {}): Promise<ReportFile | SkippedFile> {
  return parseReport(readFileSync(path), file, options);
}
