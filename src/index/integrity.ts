// Is an index version on disk whole? The manifest (written last) records each data file's size and SHA-256:
// opening checks the sizes (a stat, always), `npm run index` the checksums. A full disk, a crash of the machine or
// a killed writer leaves a truncated or missing file; a reader then falls back to an older intact version.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { formatBytes } from '../format.js';

/** The data files of a version; manifest.json is written after them and describes them. */
export const DATA_FILES = ['passages.json', 'vectors.f32', 'dense.hnsw', 'figures.json'] as const;

export interface StoredFile {
  bytes: number;
  sha256: string;
}

export type StoredFiles = Record<(typeof DATA_FILES)[number], StoredFile>;

/** An index version that cannot be used, with what is wrong and the fix. */
export class IndexDamagedError extends Error {}

export function describeStoredFiles(dir: string): StoredFiles {
  const out = {} as StoredFiles;
  for (const f of DATA_FILES) {
    const bytes = readFileSync(join(dir, f));
    out[f] = { bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
  }
  return out;
}

/** What is wrong with the data files' sizes (cheap: one stat each), or null. */
export function sizeProblem(dir: string, stored: StoredFiles | undefined): string | null {
  for (const f of DATA_FILES) {
    const path = join(dir, f);
    if (!existsSync(path)) return `${f} is missing`;
    const expected = stored?.[f]?.bytes;
    const actual = statSync(path).size;
    if (expected !== undefined && actual !== expected) return `${f} is ${formatBytes(actual)}, the manifest says ${formatBytes(expected)}`;
  }
  return null;
}

/** What is wrong with the data files' contents (reads and hashes them all), or null. */
export function checksumProblem(dir: string, stored: StoredFiles | undefined): string | null {
  const sizes = sizeProblem(dir, stored);
  if (sizes || !stored) return sizes;
  for (const f of DATA_FILES) {
    const sha = createHash('sha256').update(readFileSync(join(dir, f))).digest('hex');
    if (sha !== stored[f].sha256) return `${f} does not match its checksum`;
  }
  return null;
}

/**
 * Version folders, newest first: the one CURRENT names, then the others by build time (their names are
 * `v-<ms>-<pid>`). Folders without a manifest (a writer killed before finishing) are left out.
 */
export function listVersions(indexDir: string, current: string | null): string[] {
  if (!existsSync(indexDir)) return [];
  const built = (v: string) => Number(v.split('-')[1]) || 0;
  const others = readdirSync(indexDir)
    .filter((v) => v.startsWith('v-') && v !== current && existsSync(join(indexDir, v, 'manifest.json')))
    .sort((a, b) => built(b) - built(a));
  return current ? [current, ...others] : others;
}
