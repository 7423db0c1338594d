// Adding and removing reports: validate first, then write into corpus/ and update the index incrementally.
// A rejected file never reaches corpus/, so a failed ingest leaves the index as it was.
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import type { Config } from '../config/index.js';
import { parseReportIsolated } from '../corpus/isolated.js';
import { hashBytes, listReportFiles, REPORT_EXTENSIONS, type RejectionKind } from '../corpus/load.js';
import { writeCorrection } from '../corpus/corrections.js';
import { segmentReport } from '../passages/index.js';
import { type MetaCorrection, resolvePlaceName } from '../structure/index.js';
import { type BuildOptions, type BuildReport, updateIndex } from '../index/build.js';
import { formatBytes } from '../format.js';
import { explainFsError } from '../index/fs-errors.js';
import { embeddingEstimate } from '../index/corpus-check.js';
import { DEFAULT_LIMITS } from '../corpus/limits.js';
import { type Held, withWriteLock } from '../index/lock.js';
import type { ReportMeta } from '../types.js';
import { describeWriter, sharingProgress } from './guarded.js';
import { extractRecords } from '../figures/records.js';

/** Largest report accepted (a newspaper PDF page set is a few MB). */
export const MAX_REPORT_BYTES = 20 * 1024 * 1024;

export interface IncomingFile {
  name: string;
  bytes: Uint8Array;
  /** The person adding it confirmed a file with more passages than a report has (`ingest --yes`). */
  confirmed?: boolean;
  /** Place, year or title given by the person adding the report: stored in corpus/reports.json, honoured by every rebuild. */
  correction?: MetaCorrection;
}

/** What an admin is told about a report that was accepted. */
export interface ReportFacts extends Pick<ReportMeta, 'title' | 'district' | 'place' | 'year' | 'passages'> {
  /** Number of pages (PDF) or null. */
  pages: number | null;
  /** Pages read by OCR (scans), and those of them where almost nothing was recognised, when any. */
  ocrPages?: number[];
  blankPages?: number[];
  /** Problems found while reading it (e.g. scanned pages where almost nothing was recognised, no place or year). */
  warnings?: string[];
  /** How many figures it gives (figure records). */
  figures?: number;
}

export type IngestOutcome =
  | { file: string; status: 'added' | 'replaced'; facts: ReportFacts }
  | { file: string; status: 'duplicate'; duplicateOf: string }
  | { file: string; status: 'rejected'; kind: RejectionKind; reason: string };

/** A safe file name inside corpus/: no folders, no hidden files, an accepted extension. */
export function safeReportName(name: string): string | { kind: RejectionKind; reason: string } {
  const base = basename(name.replace(/\\/g, '/')).replace(/[\u0000-\u001f<>:"|?*]/g, '_').trim();
  if (!base || base.startsWith('.')) return { kind: 'file-name', reason: `"${name}" is not a usable file name` };
  const ext = extname(base).toLowerCase();
  if (!REPORT_EXTENSIONS.includes(ext)) return { kind: 'file-type', reason: `unsupported file type "${ext || '(none)'}": send ${REPORT_EXTENSIONS.join(', ')}` };
  return shortened(base);
}

/** Longest name kept in corpus/, in bytes: file systems allow 255, and the temporary copy adds a prefix and suffix. */
export const MAX_NAME_BYTES = 200;

/** A name cut to MAX_NAME_BYTES at a character boundary, keeping its extension ("很长的标题….pdf"). */
function shortened(name: string): string {
  if (Buffer.byteLength(name) <= MAX_NAME_BYTES) return name;
  const ext = extname(name);
  let stem = '';
  for (const ch of name.slice(0, name.length - ext.length)) {
    if (Buffer.byteLength(stem + ch + '…' + ext) > MAX_NAME_BYTES) break;
    stem += ch;
  }
  return `${stem}…${ext}`;
}

/** What a report already in the corpus reads as (for a file sent again unchanged). */
export async function readFacts(bytes: Uint8Array, name: string, correction?: MetaCorrection, limits?: Config['limits']): Promise<ReportFacts | null> {
  const parsed = await parseReportIsolated(bytes, name, limits ? { limits } : {});
  if ('reason' in parsed) return null;
  try {
    const report = segmentReport(parsed, correction);
    return { title: report.title, district: report.district, place: report.place, year: report.year, pages: parsed.pages ? Math.max(...parsed.pages) : null, passages: report.passages.length, figures: extractRecords(report.passages).length, ...(report.warnings.length ? { warnings: report.warnings } : {}) };
  } catch {
    return null;
  }
}

/** Check one file without writing anything: type, size, readable text, at least one passage, not a duplicate. */
export async function validateReport(
  config: Pick<Config, 'corpusDir'> & Partial<Pick<Config, 'limits'>>,
  file: IncomingFile,
  onProgress?: BuildOptions['onProgress'],
): Promise<IngestOutcome & { bytes?: Uint8Array }> {
  const name = safeReportName(file.name);
  if (typeof name !== 'string') return { file: file.name, status: 'rejected', ...name };
  if (file.bytes.length > MAX_REPORT_BYTES) {
    return { file: name, status: 'rejected', kind: 'too-large', reason: `file is ${formatBytes(file.bytes.length)}; the limit is ${formatBytes(MAX_REPORT_BYTES)}` };
  }
  const hash = hashBytes(file.bytes);
  for (const existing of listReportFiles(config.corpusDir)) {
    if (hashBytes(readFileSync(join(config.corpusDir, existing))) === hash) return { file: name, status: 'duplicate', duplicateOf: existing };
  }
  // Read in a child process (src/corpus/isolated.ts): the bot keeps answering meanwhile, and its memory stays flat.
  const parsed = await parseReportIsolated(file.bytes, name, { limits: config.limits, onOcrPage: (done, total) => onProgress?.({ phase: 'ocr', done, total, file: name }) });
  if ('reason' in parsed) return { file: name, status: 'rejected', kind: parsed.kind, reason: parsed.reason };
  let report: ReturnType<typeof segmentReport>;
  try {
    report = segmentReport(parsed, file.correction);
  } catch (err) {
    return { file: name, status: 'rejected', kind: 'unreadable', reason: (err as Error).message };
  }
  if (report.passages.length === 0) return { file: name, status: 'rejected', kind: 'no-text', reason: 'no body text found (only headings or an empty document)' };
  // A file far larger than a report takes long to embed (and holds the write lock meanwhile): asked first.
  const confirmOver = config.limits?.passagesConfirmOver ?? DEFAULT_LIMITS.passagesConfirmOver;
  if (report.passages.length > confirmOver && !file.confirmed) {
    return {
      file: name, status: 'rejected', kind: 'needs-confirmation',
      reason: `${report.passages.length} passages, far more than a report (a few hundred; PASSAGES_CONFIRM_OVER is ${confirmOver}); embedding them takes ${embeddingEstimate(report.passages.length)}: if it is one report, add it with "npm run ingest -- --yes FILE", otherwise split it`,
    };
  }
  const pages = parsed.pages ? Math.max(...parsed.pages) : null;
  const status = existsSync(join(config.corpusDir, name)) ? 'replaced' : 'added';
  const { ocrPages, blankPages, warnings } = parsed;
  const allWarnings = [...(blankPages ? (warnings ?? []) : []), ...report.warnings];
  const facts: ReportFacts = {
    title: report.title, district: report.district, place: report.place, year: report.year, pages, passages: report.passages.length,
    figures: extractRecords(report.passages).length,
    ...(ocrPages ? { ocrPages } : {}), ...(blankPages ? { blankPages } : {}), ...(allWarnings.length ? { warnings: allWarnings } : {}),
  };
  return { file: name, status, facts, bytes: file.bytes };
}

// Ingests run one at a time: in one process through this queue, across processes through the index's write
// lock (they queue behind each other). Readers keep using the previous index until the atomic switch.
let queue: Promise<unknown> = Promise.resolve();
function serialize<T>(config: Pick<Config, 'corpusDir' | 'indexDir'>, task: string, options: BuildOptions, job: (held: Held) => Promise<T>): Promise<T> {
  const locked = () =>
    withWriteLock(config.indexDir, task, async (held) => {
      removeLeftovers(config.corpusDir);
      return job(held);
    }, { onWait: (w) => options.warn?.(`waiting for ${describeWriter(w)} to finish with the index`) });
  const run = queue.then(locked, locked);
  queue = run.catch(() => undefined);
  return run;
}

/** Temporary copies a killed ingest left in corpus/ (never read as reports: their names start with a dot). */
function removeLeftovers(corpusDir: string): void {
  if (!existsSync(corpusDir)) return;
  for (const f of readdirSync(corpusDir)) {
    if (/^\..+\.tmp-\d+$/.test(f)) rmSync(join(corpusDir, f), { force: true });
    // A replaced report's backup: put back when the replacement never arrived, else dropped.
    const backup = /^\.(.+)\.bak-\d+$/.exec(f);
    if (backup) {
      const target = join(corpusDir, backup[1]!);
      if (existsSync(target)) rmSync(join(corpusDir, f), { force: true });
      else if (!/^[0-9a-f]{32}$/.test(backup[1]!)) renameSync(join(corpusDir, f), target); // a hashed name is left for the operator
    }
  }
}

/**
 * Build options for a change to the corpus (add, correct, remove): progress shared with waiting readers, and the
 * current version checked as a start checks it (src/index/build.ts quickCheck), not hashed whole.
 */
const changeOptions = (options: BuildOptions, held: Held): BuildOptions => ({ ...sharingProgress(options, held), quickCheck: true });

/** Validate files, copy the good ones into corpus/ and update the index once. */
export function ingestReports(
  config: Pick<Config, 'corpusDir' | 'indexDir' | 'modelId'>,
  files: IncomingFile[],
  options: BuildOptions,
): Promise<{ outcomes: IngestOutcome[]; build: BuildReport | null }> {
  return serialize(config, 'ingest', options, async (held) => {
    const outcomes: IngestOutcome[] = [];
    // What this ingest wrote into corpus/, undone when the index cannot be updated (a full disk, a read-only
    // folder): a file left in corpus/ without its index would make every later start try to build it again.
    const undo: (() => void)[] = [];
    const done: (() => void)[] = [];
    try {
      for (const file of files) {
        const { bytes, ...outcome } = await validateReport(config, file, options.onProgress);
        if (bytes && (outcome.status === 'added' || outcome.status === 'replaced')) {
          const target = join(config.corpusDir, outcome.file);
          const tmp = join(config.corpusDir, tempName(outcome.file, 'tmp'));
          try {
            writeFileSync(tmp, bytes);
          } catch (err) {
            rmSync(tmp, { force: true }); // what a full disk let through is not left behind
            throw err;
          }
          if (existsSync(target)) {
            const backup = join(config.corpusDir, tempName(outcome.file, 'bak'));
            renameSync(target, backup);
            undo.push(() => renameSync(backup, target));
            done.push(() => rmSync(backup, { force: true }));
          } else {
            undo.push(() => rmSync(target, { force: true }));
          }
          renameSync(tmp, target);
        }
        const kept = outcome.status === 'added' || outcome.status === 'replaced' ? outcome.file : outcome.status === 'duplicate' ? outcome.duplicateOf : null;
        if (kept && file.correction) writeCorrection(config.corpusDir, kept, file.correction);
        outcomes.push(outcome);
      }
      const changed = outcomes.some((o) => o.status === 'added' || o.status === 'replaced') || files.some((f) => f.correction);
      const build = changed ? await updateIndex(config, changeOptions(options, held)) : null;
      for (const d of done) d();
      return { outcomes, build };
    } catch (err) {
      for (const u of undo.reverse()) {
        try {
          u();
        } catch {
          // best effort: removeLeftovers finishes the job at the next write
        }
      }
      throw explainFsError(err, 'adding the report');
    }
  });
}

/**
 * A hidden temporary name beside `file` in corpus/ that fits the file system's 255-byte limit: a legal long name
 * plus a prefix and suffix would not (ENAMETOOLONG), so the name is shortened to a hash then.
 */
function tempName(file: string, kind: 'tmp' | 'bak'): string {
  const name = `.${file}.${kind}-${process.pid}`;
  return Buffer.byteLength(name) <= 255 ? name : `.${hashBytes(Buffer.from(file)).slice(0, 32)}.${kind}-${process.pid}`;
}

/**
 * A place or a year as a person gives it (`ingest --place/--year`, the bot's 更正 buttons), as a correction; null
 * when it is not one: an unknown or ambiguous place name, a year that is not 20xx.
 */
export function correctionOf(field: 'place' | 'year', value: string): MetaCorrection | null {
  if (field === 'year') return /^20\d\d$/.test(value.trim()) ? { year: Number(value.trim()) } : null;
  const place = resolvePlaceName(value);
  return place ? { place: place.code } : null;
}

/** Correct what a report in corpus/ is (stored in corpus/reports.json like `ingest --place`), then update the index. */
export function correctReport(config: Pick<Config, 'corpusDir' | 'indexDir' | 'modelId'>, file: string, correction: MetaCorrection, options: BuildOptions): Promise<BuildReport | { reason: string }> {
  return serialize(config, 'correct', options, async (held) => {
    if (!listReportFiles(config.corpusDir).includes(file)) return { reason: `no report named "${file}" in the corpus` };
    writeCorrection(config.corpusDir, file, correction);
    return updateIndex(config, changeOptions(options, held));
  });
}

/** Take a report out of corpus/ and the index. */
export function removeReport(config: Pick<Config, 'corpusDir' | 'indexDir' | 'modelId'>, file: string, options: BuildOptions): Promise<BuildReport | { reason: string }> {
  return serialize(config, 'remove', options, async (held) => {
    const name = basename(file);
    if (!listReportFiles(config.corpusDir).includes(name)) return { reason: `no report named "${name}" in the corpus` };
    unlinkSync(join(config.corpusDir, name));
    writeCorrection(config.corpusDir, name, null);
    return updateIndex(config, changeOptions(options, held));
  });
}
