// Warnings about corpus/ that an operator can act on: files that will never be indexed, and files far larger
// than a report (a whole archive or a data dump pasted in), which take long to embed and crowd the answers.
import { readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { CORRECTIONS_FILE } from '../corpus/corrections.js';
import { REPORT_EXTENSIONS } from '../corpus/load.js';
import { formatBytes } from '../format.js';
import { formatSeconds } from './progress.js';

/** A work report is a few hundred passages; past this many a file is probably not one report. */
export const LARGE_FILE_PASSAGES = 2000;

/** Rough passages per second on a busy 2-core machine (npm run index -- --force: 203 passages in about 14 s), for estimates. */
const TYPICAL_RATE = 15;

const FIX: Record<string, string> = {
  '.doc': 'save it as .docx or PDF',
  '.wps': 'save it as .docx or PDF',
  '.rtf': 'save it as .docx or PDF',
};

/** One warning per file in corpus/ that is not indexed because of its type, naming it and what to do. The
 * corrections file (reports.json) is the product's own, never a skipped report. */
export function unindexableFiles(corpusDir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(corpusDir);
  } catch {
    return [];
  }
  return names
    .filter((f) => !f.startsWith('.') && f !== CORRECTIONS_FILE && !REPORT_EXTENSIONS.includes(extname(f).toLowerCase()))
    .filter((f) => statSync(join(corpusDir, f), { throwIfNoEntry: false })?.isFile())
    .sort()
    .map((f) => {
      const ext = extname(f).toLowerCase();
      const fix = FIX[ext] ?? `reports must be ${REPORT_EXTENSIONS.join(', ')}: convert it or move it out of ${corpusDir}`;
      return `skipped ${f} in ${corpusDir}: ${ext ? `"${ext}" files are not read` : 'no file extension'}; ${fix}`;
    });
}

/** Rough time to embed `passages` passages on this kind of machine ("about 6 min"). */
export function embeddingEstimate(passages: number): string {
  return `about ${formatSeconds(passages / TYPICAL_RATE)}`;
}

/** A warning when one file is much larger than a report, or null. */
export function largeFileWarning(file: string, bytes: number, passages: number): string | null {
  if (passages <= LARGE_FILE_PASSAGES) return null;
  return `${file} is ${formatBytes(bytes)} with ${passages} passages, much larger than a report (a few hundred): ` +
    `embedding it takes about ${formatSeconds(passages / TYPICAL_RATE)}; if it is not a single work report, split it or move it out of the corpus`;
}
