// Corrections of what a report is (place, year, title), kept beside the reports in corpus/reports.json so that
// every rebuild honours them: { "<file in corpus/>": { "place": "宜君县", "year": 2025, "title": "…" } }.
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MetaCorrection } from '../types.js';

export const CORRECTIONS_FILE = 'reports.json';

export function readCorrections(corpusDir: string): Record<string, MetaCorrection> {
  const path = join(corpusDir, CORRECTIONS_FILE);
  if (!existsSync(path)) return {};
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`${path} is not valid JSON (${(err as Error).message}): fix or delete it`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error(`${path} must be an object: { "file.pdf": { "place": "…", "year": 2025, "title": "…" } }`);
  const out: Record<string, MetaCorrection> = {};
  for (const [file, value] of Object.entries(raw as Record<string, unknown>)) {
    const v = value as Record<string, unknown>;
    const ok = typeof v === 'object' && v !== null && (v.place === undefined || typeof v.place === 'string') && (v.year === undefined || Number.isInteger(v.year)) && (v.title === undefined || typeof v.title === 'string');
    if (!ok) throw new Error(`${path}: "${file}" must be { "place"?: string, "year"?: integer, "title"?: string }`);
    out[file] = v as MetaCorrection;
  }
  return out;
}

/** Record (merge) a correction for one file; an empty correction removes the entry. Writes only when it changes. */
export function writeCorrection(corpusDir: string, file: string, correction: MetaCorrection | null): void {
  const all = readCorrections(corpusDir);
  const merged = correction ? { ...all[file], ...correction } : undefined;
  if (!merged || Object.keys(merged).length === 0) {
    if (!(file in all)) return;
    delete all[file];
  } else all[file] = merged;
  const path = join(corpusDir, CORRECTIONS_FILE);
  // No corrections left: no file (an empty {} would only puzzle whoever looks into corpus/).
  if (Object.keys(all).length === 0) return void rmSync(path, { force: true });
  // A dot-named temporary file: never read as a report, and cleared by the next ingest if a kill leaves it.
  const tmp = join(corpusDir, `.${CORRECTIONS_FILE}.tmp-${process.pid}`);
  writeFileSync(tmp, `${JSON.stringify(all, null, 2)}\n`);
  renameSync(tmp, path);
}
