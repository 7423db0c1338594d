// Is an index version on disk whole, and is what is read what was written? The manifest (written last) records
// each data file's size and SHA-256; every open compares sizes, checksums (sha256 runs at ~1-2 GB/s, see
// docs/faults.md for the measured cost) and the counts the files must agree on, and checks the HNSW graph's
// structure before hnswlib is allowed to load it (a damaged graph crashes hnswlib with a segmentation fault).
// A full disk, a crash, a killed writer or a flipped digit make a version damaged; readers then fall back to an
// older intact version, and a build never reuses anything from a damaged one.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, type Stats, statSync } from 'node:fs';
import { join } from 'node:path';
import { formatBytes } from '../format.js';
import { CHUNK_BYTES, hashFile, readChunked } from './large-file.js';

/** The data files of a version; manifest.json is written after them and describes them. */
export const DATA_FILES = ['passages.json', 'vectors.f32', 'dense.hnsw', 'figures.json'] as const;

export interface StoredFile {
  bytes: number;
  sha256: string;
  /** The file's modification time and inode as written (absent in manifests written before they were recorded). */
  mtimeMs?: number;
  ino?: number;
}

/**
 * Files whose every record is checked again when it is read (passages.idx holds an 8-byte SHA-256 prefix of each
 * passage and each vector row, src/index/passage-store.ts). Versions written before passages.idx read them whole
 * at open without that check, so there they are hashed at every open.
 */
export const CHECKED_PER_RECORD = ['passages.json', 'vectors.f32'] as const;

/**
 * Data files a version holds when its manifest records them: the stored BM25 postings (versions written before
 * they were stored lack it, and rebuild it in memory at open), where each passage sits in passages.json
 * (versions written before it read every passage into memory at open) and the learnt vocabulary's words and
 * vectors (src/index/vocabulary.ts; versions written before it answer without learnt words).
 */
export const OPTIONAL_FILES = ['lexical.bin', 'passages.idx', 'vocabulary.json', 'vocabulary.f32'] as const;

export type DataFile = (typeof DATA_FILES)[number] | (typeof OPTIONAL_FILES)[number];

export type StoredFiles = Record<(typeof DATA_FILES)[number], StoredFile> & Partial<Record<(typeof OPTIONAL_FILES)[number], StoredFile>>;

/** The files a version must hold: the data files, and the optional ones its manifest records. */
function filesOf(stored: StoredFiles | undefined): DataFile[] {
  return [...DATA_FILES, ...OPTIONAL_FILES.filter((f) => stored?.[f] !== undefined)];
}

/** An index version that cannot be used, with what is wrong and the fix. */
export class IndexDamagedError extends Error {}

/** SHA-256 of a buffer, fed in chunks: one update takes at most 2 GiB (the graph of a million passages is 2.3 GB). */
export function sha256(bytes: Uint8Array, chunk = CHUNK_BYTES): string {
  const hash = createHash('sha256');
  for (let at = 0; at < bytes.length; at += chunk) hash.update(bytes.subarray(at, Math.min(bytes.length, at + chunk)));
  return hash.digest('hex');
}

export function describeStoredFiles(dir: string): StoredFiles {
  const out = {} as StoredFiles;
  for (const f of [...DATA_FILES, ...OPTIONAL_FILES.filter((f) => existsSync(join(dir, f)))]) {
    const { mtimeMs, ino } = statSync(join(dir, f));
    out[f] = { ...hashFile(join(dir, f)), mtimeMs, ino };
  }
  return out;
}

/** What is wrong with the data files' sizes (cheap: one stat each), or null. */
export function sizeProblem(dir: string, stored: StoredFiles | undefined): string | null {
  for (const f of filesOf(stored)) {
    const path = join(dir, f);
    if (!existsSync(path)) return `${f} is missing`;
    const expected = stored?.[f]?.bytes;
    const actual = statSync(path).size;
    if (expected !== undefined && actual !== expected) return `${f} is ${formatBytes(actual)}, the manifest says ${formatBytes(expected)}`;
  }
  return null;
}

/** What a version's manifest says the files must hold (the subset of Manifest this module reads). */
export interface ExpectedShape {
  passageCount: number;
  model: { dimension: number };
  files: { passages: number; firstId: number }[];
  stored?: StoredFiles;
}

/** Do the manifest's own numbers agree with each other and with the sizes of the files? */
export function countProblem(dir: string, m: ExpectedShape): string | null {
  if (!Number.isInteger(m.passageCount) || m.passageCount < 0) return `the manifest's passage count (${m.passageCount}) is not a count`;
  let next = 0;
  for (const f of m.files) {
    if (f.firstId !== next || !Number.isInteger(f.passages) || f.passages < 0) return 'the manifest\'s file list does not number the passages in order';
    next += f.passages;
  }
  if (next !== m.passageCount) return `the manifest's files hold ${next} passages, its passage count says ${m.passageCount}`;
  const vectorBytes = statSync(join(dir, 'vectors.f32')).size;
  if (vectorBytes !== m.passageCount * m.model.dimension * 4) {
    return `vectors.f32 holds ${vectorBytes / (4 * m.model.dimension)} vectors, the manifest says ${m.passageCount} passages`;
  }
  return null;
}

/**
 * Structural check of an hnswlib graph file (hnswlib's saveIndex layout: a 96-byte header, every element's
 * level-0 links, vector and label, then each element's upper-level links). Every neighbour id, link count,
 * level and the entry point is checked against the header, so hnswlib never follows a pointer out of its
 * arrays. Returns what is wrong, or null.
 */
export function graphProblem(bytes: Buffer, expectedCount: number, dimension: number): string | null {
  const bad = (what: string) => `dense.hnsw is damaged (${what})`;
  if (bytes.length < 96) return bad('shorter than its header');
  const u64 = (at: number) => Number(bytes.readBigUInt64LE(at));
  const offsetLevel0 = u64(0);
  const maxElements = u64(8);
  const count = u64(16);
  const perElement = u64(24);
  const labelOffset = u64(32);
  const offsetData = u64(40);
  const maxLevel = bytes.readInt32LE(48);
  const entry = bytes.readUInt32LE(52);
  const maxM = u64(56);
  const maxM0 = u64(64);
  const M = u64(72);
  if (count !== expectedCount) return `dense.hnsw holds ${count} passages, the manifest says ${expectedCount}`;
  if (offsetLevel0 !== 0 || maxElements < count) return bad('header');
  if (M < 1 || M > 10_000 || maxM !== M || maxM0 !== 2 * M) return bad('link counts in the header');
  const links0 = 4 + 4 * maxM0;
  if (offsetData !== links0 || labelOffset !== links0 + 4 * dimension || perElement !== labelOffset + 8) return bad('element layout in the header');
  if (maxLevel < 0 || maxLevel > 64) return bad(`top level ${maxLevel}`);
  if (count > 0 && entry >= count) return bad(`entry point ${entry} of ${count} passages`);
  const level0 = 96;
  if (bytes.length < level0 + count * perElement) return bad('cut short');
  // Every list starts at a multiple of 4 bytes: read the ids through a 32-bit view (a copy when unaligned).
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : Buffer.from(bytes);
  const words = new Uint32Array(aligned.buffer, aligned.byteOffset, Math.floor(aligned.length / 4));
  const neighbours = (at: number, max: number) => {
    const n = words[at / 4]! & 0xffff; // hnswlib reads the list size as an unsigned short
    if (n > max) return false;
    for (let k = 1; k <= n; k++) if (words[at / 4 + k]! >= count) return false;
    return true;
  };
  for (let i = 0; i < count; i++) {
    const at = level0 + i * perElement;
    if (!neighbours(at, maxM0)) return bad(`links of passage ${i}`);
    if (u64(at + labelOffset) >= count) return bad(`label of passage ${i}`);
  }
  const linksPerLevel = 4 + 4 * maxM;
  let at = level0 + count * perElement;
  for (let i = 0; i < count; i++) {
    if (at + 4 > bytes.length) return bad('cut short');
    const size = bytes.readUInt32LE(at);
    at += 4;
    if (size % linksPerLevel !== 0 || size / linksPerLevel > maxLevel || at + size > bytes.length) return bad(`levels of passage ${i}`);
    for (let l = 0; l < size / linksPerLevel; l++) if (!neighbours(at + l * linksPerLevel, maxM)) return bad(`upper links of passage ${i}`);
    if (i === entry && size / linksPerLevel !== maxLevel) return bad('the entry point is not on the top level');
    at += size;
  }
  if (at !== bytes.length) return bad('trailing bytes');
  return null;
}

const verified = new Map<string, { signature: string; problem: string | null }>();

/**
 * Is this file untouched since it was written and checked (the same size, modification time and inode as the
 * manifest records)? Then an open neither hashes it nor checks its structure: at a million passages that is the
 * whole ~5.7 GB a start would otherwise read and hash, the 2.3 GB graph twice (once here, once by hnswlib). Any
 * write to a file (a changed digit, an overwritten entry point, a copy) changes its time or inode, and it is
 * hashed and checked as before, the graph's structure before hnswlib may read it. Damage that keeps the time (a
 * flipped bit on disk) is found when a passage or vector is read (its SHA-256 prefix), and `npm run index`
 * (full: true) hashes and checks everything. A file a new version shares with the previous one by hard link keeps
 * its inode and time, so it is not hashed again either.
 */
export function untouched(f: DataFile, stat: Stats, stored: StoredFiles | undefined): boolean {
  if ((CHECKED_PER_RECORD as readonly string[]).includes(f) && stored?.['passages.idx'] === undefined) return false;
  return sameStamp(stored?.[f], stat);
}

/** The same size, modification time and inode as recorded (a file written, copied or replaced since has another). */
export function sameStamp(was: { bytes: number; mtimeMs?: number; ino?: number } | undefined, stat: Pick<Stats, 'size' | 'mtimeMs' | 'ino'>): boolean {
  if (was?.mtimeMs === undefined || was.ino === undefined) return false;
  return was.mtimeMs === stat.mtimeMs && was.ino === stat.ino && was.bytes === stat.size;
}

/** Is this file of the version folder untouched since it was written (see untouched)? */
export function untouchedInFolder(dir: string, f: DataFile, stored: StoredFiles | undefined): boolean {
  const path = join(dir, f);
  return existsSync(path) && untouched(f, statSync(path), stored);
}

/**
 * Everything that can be wrong with a version folder whose manifest parsed: sizes, checksums, counts and the
 * graph's structure. Remembered per folder while no file's size or mtime changes, so a process that checks a
 * version several times (status, then open) hashes it once. `full`: hash every file, also those untouched since
 * they were written whose records are checked when read (CHECKED_PER_RECORD): what `npm run index` does.
 */
export function versionProblem(dir: string, manifest: ExpectedShape, { full = false } = {}): string | null {
  const sizes = sizeProblem(dir, manifest.stored);
  if (sizes) return sizes;
  // A segment's folder (src/index/store.ts) has no manifest of its own: its version's names it.
  const stats = new Map([...(existsSync(join(dir, 'manifest.json')) ? ['manifest.json'] : []), ...filesOf(manifest.stored)].map((f) => [f, statSync(join(dir, f))]));
  const signature = [...stats.values()].map((s) => `${s.size}:${s.mtimeMs}:${s.ino}`).join('|');
  const key = `${dir}${full ? ' (full)' : ''}`;
  const known = verified.get(key);
  if (known?.signature === signature) return known.problem;
  // A quick check of the same files that passed (npm run index reads the manifest first) leaves a full one only
  // the files it skipped to hash: sizes, the other checksums, counts and the graph are known good.
  const quick = full ? verified.get(dir) : undefined;
  const quickPassed = quick?.signature === signature && quick.problem === null;
  // Each file is read once, in chunks: its checksum, then (the graph, held whole) its structure. Files untouched
  // since they were written are neither hashed nor checked, except by a full check.
  let graph: Buffer | undefined;
  let problem: string | null = null;
  for (const f of filesOf(manifest.stored)) {
    const path = join(dir, f);
    const skipped = untouched(f, stats.get(f)!, manifest.stored);
    if (full ? quickPassed && !skipped : skipped) continue;
    const bytes = f === 'dense.hnsw' ? readChunked(path) : undefined;
    const sum = bytes ? sha256(bytes) : hashFile(path).sha256;
    if (manifest.stored && sum !== manifest.stored[f]!.sha256) {
      problem = `${f} does not match its checksum`;
      break;
    }
    if (bytes) graph = bytes;
  }
  // The counts are cheap and always checked (a manifest edited by hand); the graph's structure whenever it was read.
  if (!quickPassed) problem ??= countProblem(dir, manifest);
  if (graph) problem ??= graphProblem(graph, manifest.passageCount, manifest.model.dimension);
  verified.set(key, { signature, problem });
  return problem;
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
