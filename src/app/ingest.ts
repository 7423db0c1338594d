// Adding and removing reports: validate first, then write into corpus/ and update the index incrementally.
// A rejected file never reaches corpus/, so a failed ingest leaves the index as it was.
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import type { Config } from '../config/index.js';
import { hashBytes, listReportFiles, parseReport, REPORT_EXTENSIONS, type RejectionKind } from '../corpus/load.js';
import { writeCorrection } from '../corpus/corrections.js';
import { segmentReport } from '../passages/index.js';
import { type MetaCorrection, resolvePlaceName } from '../structure/index.js';
import { type BuildOptions, type BuildReport, updateIndex } from '../index/build.js';
import { formatBytes } from '../format.js';
import { type Held, withWriteLock } from '../index/lock.js';
import type { ReportMeta } from '../types.js';
import { describeWriter, sharingProgress } from './guarded.js';
import { extractRecords } from '../figures/records.js';

/** Largest report accepted (a newspaper PDF page set is a few MB). */
export const MAX_REPORT_BYTES = 20 * 1024 * 1024;

export interface IncomingFile {
  name: string;
  bytes: Uint8Array;
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
  return base;
}

/** What a report already in the corpus reads as (for a file sent again unchanged). */
export async function readFacts(bytes: Uint8Array, name: string, correction?: MetaCorrection): Promise<ReportFacts | null> {
  const parsed = await parseReport(bytes, name);
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
  config: Pick<Config, 'corpusDir'>,
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
  const parsed = await parseReport(file.bytes, name, { onOcrPage: (done, total) => onProgress?.({ phase: 'ocr', done, total, file: name }) });
  if ('reason' in parsed) return { file: name, status: 'rejected', kind: parsed.kind, reason: parsed.reason };
  let report: ReturnType<typeof segmentReport>;
  try {
    report = segmentReport(parsed, file.correction);
  } catch (err) {
    return { file: name, status: 'rejected', kind: 'unreadable', reason: (err as Error).message };
  }
  if (report.passages.length === 0) return { file: name, status: 'rejected', kind: 'no-text', reason: 'no body text found (only headings or an empty document)' };
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
  for (const f of readdirSync(corpusDir)) if (/^\..+\.tmp-\d+$/.test(f)) rmSync(join(corpusDir, f), { force: true });
}

/** Validate files, copy the good ones into corpus/ and update the index once. */
export function ingestReports(
  config: Pick<Config, 'corpusDir' | 'indexDir' | 'modelId'>,
  files: IncomingFile[],
  options: BuildOptions,
): Promise<{ outcomes: IngestOutcome[]; build: BuildReport | null }> {
  return serialize(config, 'ingest', options, async (held) => {
    const outcomes: IngestOutcome[] = [];
    for (const file of files) {
      const { bytes, ...outcome } = await validateReport(config, file, options.onProgress);
      if (bytes && (outcome.status === 'added' || outcome.status === 'replaced')) {
        const target = join(config.corpusDir, outcome.file);
        const tmp = join(config.corpusDir, `.${outcome.file}.tmp-${process.pid}`);
        writeFileSync(tmp, bytes);
        renameSync(tmp, target);
      }
      const kept = outcome.status === 'added' || outcome.status === 'replaced' ? outcome.file : outcome.status === 'duplicate' ? outcome.duplicateOf : null;
      if (kept && file.correction) writeCorrection(config.corpusDir, kept, file.correction);
      outcomes.push(outcome);
    }
    const changed = outcomes.some((o) => o.status === 'added' || o.status === 'replaced') || files.some((f) => f.correction);
    return { outcomes, build: changed ? await updateIndex(config, sharingProgress(options, held)) : null };
  });
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
    return updateIndex(config, sharingProgress(options, held));
  });
}

/** Take a report out of corpus/ and the index. */
export function removeReport(config: Pick<Config, 'corpusDir' | 'indexDir' | 'modelId'>, file: string, options: BuildOptions): Promise<BuildReport | { reason: string }> {
  return serialize(config, 'remove', options, async (held) => {
    const name = basename(file);
    if (!listReportFiles(config.corpusDir).includes(name)) return { reason: `no report named "${name}" in the corpus` };
    unlinkSync(join(config.corpusDir, name));
    writeCorrection(config.corpusDir, name, null);
    return updateIndex(config, sharingProgress(options, held));
  });
}
