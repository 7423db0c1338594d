// Adding and removing reports: validate first, then write into corpus/ and update the index incrementally.
// A rejected file never reaches corpus/, so a failed ingest leaves the index as it was.
import { existsSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import type { Config } from '../config/index.js';
import { hashBytes, listReportFiles, parseReport, REPORT_EXTENSIONS } from '../corpus/load.js';
import { segmentReport } from '../passages/index.js';
import type { District } from '../types.js';
import { type BuildOptions, type BuildReport, updateIndex } from './build.js';

/** Largest report accepted (a newspaper PDF page set is a few MB). */
export const MAX_REPORT_BYTES = 20 * 1024 * 1024;

export interface IncomingFile {
  name: string;
  bytes: Uint8Array;
}

export interface ReportFacts {
  title: string;
  district: District | null;
  year: number | null;
  /** Number of pages (PDF) or null. */
  pages: number | null;
  passages: number;
  /** Pages read by OCR (scans), and those of them where almost nothing was recognised, when any. */
  ocrPages?: number[];
  blankPages?: number[];
  /** Problems found while reading it (e.g. scanned pages where almost nothing was recognised). */
  warnings?: string[];
}

export type IngestOutcome =
  | { file: string; status: 'added' | 'replaced'; facts: ReportFacts }
  | { file: string; status: 'duplicate'; duplicateOf: string }
  | { file: string; status: 'rejected'; reason: string };

/** A safe file name inside corpus/: no folders, no hidden files, an accepted extension. */
export function safeReportName(name: string): string | { reason: string } {
  const base = basename(name.replace(/\\/g, '/')).replace(/[\u0000-\u001f<>:"|?*]/g, '_').trim();
  if (!base || base.startsWith('.')) return { reason: `"${name}" is not a usable file name` };
  const ext = extname(base).toLowerCase();
  if (!REPORT_EXTENSIONS.includes(ext)) return { reason: `unsupported file type "${ext || '(none)'}": send ${REPORT_EXTENSIONS.join(', ')}` };
  return base;
}

/** Check one file without writing anything: type, size, readable text, at least one passage, not a duplicate. */
export async function validateReport(
  config: Pick<Config, 'corpusDir'>,
  file: IncomingFile,
  onProgress?: BuildOptions['onProgress'],
): Promise<IngestOutcome & { bytes?: Uint8Array }> {
  const name = safeReportName(file.name);
  if (typeof name !== 'string') return { file: file.name, status: 'rejected', reason: name.reason };
  if (file.bytes.length > MAX_REPORT_BYTES) {
    return { file: name, status: 'rejected', reason: `file is ${(file.bytes.length / 1e6).toFixed(1)} MB; the limit is ${MAX_REPORT_BYTES / 1e6} MB` };
  }
  const hash = hashBytes(file.bytes);
  for (const existing of listReportFiles(config.corpusDir)) {
    if (hashBytes(readFileSync(join(config.corpusDir, existing))) === hash) return { file: name, status: 'duplicate', duplicateOf: existing };
  }
  const parsed = await parseReport(file.bytes, name, { onOcrPage: (done, total) => onProgress?.({ phase: 'ocr', done, total, file: name }) });
  if ('reason' in parsed) return { file: name, status: 'rejected', reason: parsed.reason };
  const report = segmentReport(parsed);
  if (report.passages.length === 0) return { file: name, status: 'rejected', reason: 'no body text found (only headings or an empty document)' };
  const pages = parsed.pages ? Math.max(...parsed.pages) : null;
  const status = existsSync(join(config.corpusDir, name)) ? 'replaced' : 'added';
  const { ocrPages, blankPages, warnings } = parsed;
  const facts: ReportFacts = { title: report.title, district: report.district, year: report.year, pages, passages: report.passages.length, ...(ocrPages ? { ocrPages } : {}), ...(blankPages ? { blankPages, warnings } : {}) };
  return { file: name, status, facts, bytes: file.bytes };
}

// Ingests in one process run one at a time; readers keep using the previous index until the atomic switch.
let queue: Promise<unknown> = Promise.resolve();
function serialize<T>(job: () => Promise<T>): Promise<T> {
  const run = queue.then(job, job);
  queue = run.catch(() => undefined);
  return run;
}

/** Validate files, copy the good ones into corpus/ and update the index once. */
export function ingestReports(
  config: Pick<Config, 'corpusDir' | 'indexDir' | 'modelId'>,
  files: IncomingFile[],
  options: BuildOptions,
): Promise<{ outcomes: IngestOutcome[]; build: BuildReport | null }> {
  return serialize(async () => {
    const outcomes: IngestOutcome[] = [];
    for (const file of files) {
      const { bytes, ...outcome } = await validateReport(config, file, options.onProgress);
      if (bytes && (outcome.status === 'added' || outcome.status === 'replaced')) {
        const target = join(config.corpusDir, outcome.file);
        const tmp = join(config.corpusDir, `.${outcome.file}.tmp-${process.pid}`);
        writeFileSync(tmp, bytes);
        renameSync(tmp, target);
      }
      outcomes.push(outcome);
    }
    const changed = outcomes.some((o) => o.status === 'added' || o.status === 'replaced');
    return { outcomes, build: changed ? await updateIndex(config, options) : null };
  });
}

/** Take a report out of corpus/ and the index. */
export function removeReport(config: Pick<Config, 'corpusDir' | 'indexDir' | 'modelId'>, file: string, options: BuildOptions): Promise<BuildReport | { reason: string }> {
  return serialize(async () => {
    const name = basename(file);
    if (!listReportFiles(config.corpusDir).includes(name)) return { reason: `no report named "${name}" in the corpus` };
    unlinkSync(join(config.corpusDir, name));
    return updateIndex(config, options);
  });
}
