// Corpus folder -> index on disk. Incremental: only new or changed files are embedded; a deleted file's
// passages disappear.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statfsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Config, ConfigError } from '../config/index.js';
import { readCorrections } from '../corpus/corrections.js';
import { parseReportIsolated } from '../corpus/isolated.js';
import { hashBytes, listReportFiles, type SkippedFile } from '../corpus/load.js';
import type { MetaCorrection } from '../types.js';
import type { Embedder } from '../embed/index.js';
import { extractRecords } from '../figures/records.js';
import { segmentReport } from '../passages/index.js';
import type { Passage } from '../types.js';
import { embeddingEstimate, largeFileWarning, unindexableFiles } from './corpus-check.js';
import { DiskError } from './fs-errors.js';
import { sameStamp } from './integrity.js';
import { formatBytes } from '../format.js';
import type { Progress } from './progress.js';
import { indexedText } from './indexed-text.js';
import { embedWords, indicatorWords, learnWords, onceWords, readVocabularyWords, VOCABULARY_CAP } from './vocabulary.js';
import { basePassages, buildHnsw, currentProblem, currentVersion, DEFAULT_HNSW, FORMAT_VERSION, type HnswParams, type FileStamp, type Manifest, type ManifestFile, readIndex, readManifest, type StoredIndex, writeIndex, writeSegment } from './store.js';

/**
 * Fingerprint of the code that turns files into indexed passages (loading, cleaning, structure, segmentation, places and
 * their data file, figures, the build, the indexed text and the learnt vocabulary's words). Stored in the manifest: changing that code makes the index stale, so nobody searches
 * passages cut by an older version.
 */
export const PIPELINE_FINGERPRINT = (() => {
  const src = join(dirname(fileURLToPath(import.meta.url)), '..');
  const hash = createHash('sha256');
  for (const dir of ['corpus', 'clean', 'structure', 'passages', 'places', 'figures']) {
    for (const f of readdirSync(join(src, dir)).filter((f) => /\.(ts|json)$/.test(f)).sort()) hash.update(readFileSync(join(src, dir, f)));
  }
  for (const f of ['build.ts', 'indexed-text.ts', 'vocabulary.ts', 'tokenize.ts']) hash.update(readFileSync(join(src, 'index', f)));
  return hash.digest('hex').slice(0, 16);
})();

export type { Progress };

export interface BuildOptions {
  embedder: () => Promise<Embedder>;
  onProgress?: (p: Progress) => void;
  warn?: (message: string) => void;
  /** Re-embed everything even when nothing changed. */
  force?: boolean;
  hnsw?: HnswParams;
  /**
   * Readers set this: a pending change with more passages to embed than this is left to `npm run index` (a file
   * of 90,000 passages takes hours), and a PendingBuildError says so; the reader answers from the intact version.
   */
  maxNewPassages?: number;
  /**
   * Adding and removing reports check the current version as a start does (files untouched since written are not
   * hashed) instead of hashing every file: at a million passages that is ~6 s of the 10 s an ingest may take.
   * `npm run index` leaves it unset and checks everything.
   */
  quickCheck?: boolean;
  /** Share of the full build's passages that segments (passages added, and removed) may reach before a full build; COMPACT_SHARE when unset. */
  compactShare?: number;
  /** How many segments of one tier are merged into one; MERGE_FANOUT when unset. */
  mergeFanout?: number;
}

/**
 * Reports added since the last full build are kept as segments beside it (src/index/store.ts) until their
 * passages, with those of reports removed or replaced meanwhile, pass this share of the full build's: then the
 * next change builds everything again into one (a removed passage still takes its space and counts in BM25's
 * statistics until then).
 */
export const COMPACT_SHARE = 0.2;

/**
 * Segments are merged as they pile up (size-tiered, as log-structured stores do): whenever the newest
 * MERGE_FANOUT segments are of one size tier (tier k: 512·4^k to 512·4^(k+1) passages), they become one segment
 * with their stored vectors (nothing embedded again; only the merged graph is built). A search visits every
 * segment, so this keeps their number to a few per tier instead of one per report added (hundreds before the
 * compaction share of a million-passage archive). A merge never builds a segment past MERGE_MAX passages
 * (its graph takes ~1 ms a passage here); then the segments wait for the full build.
 */
export const MERGE_FANOUT = 4;
const MERGE_UNIT = 512;
const MERGE_MAX = 16384;

const tier = (passages: number) => Math.max(0, Math.floor(Math.log(passages / MERGE_UNIT) / Math.log(MERGE_FANOUT)));

/** How many of the newest segments (passage counts `sizes`, oldest first) the segment of `added` passages absorbs. */
export function segmentsToMerge(sizes: number[], added: number, fanout = MERGE_FANOUT): number {
  const run = [...sizes, added];
  let absorbed = 0;
  while (fanout >= 2 && run.length >= fanout) {
    const last = run.slice(-fanout);
    const total = last.reduce((n, x) => n + x, 0);
    if (total > MERGE_MAX || !last.every((n) => tier(n) === tier(last[0]!))) break;
    run.splice(-fanout, fanout, total);
    absorbed += fanout - 1;
  }
  return absorbed;
}

/** A corpus change too large for a reader to build before answering. */
export class PendingBuildError extends Error {}

export interface BuildReport {
  added: string[];
  changed: string[];
  removed: string[];
  unchanged: string[];
  skipped: SkippedFile[];
  passageCount: number;
  /** False when the index on disk was already up to date. */
  rebuilt: boolean;
  seconds: number;
  /** The current version was damaged and has been rebuilt: which one and what was wrong. */
  repaired?: { version: string; problem: string };
}

export type IndexStatus = { state: 'fresh' } | { state: 'missing' | 'stale'; reason: string };

interface CorpusEntry {
  file: string;
  /** Hash of the file's bytes and of its correction, if any: a new correction re-reads the file. */
  hash: string;
  path: string;
  correction?: MetaCorrection;
  stamp: FileStamp;
}

/**
 * Read every corpus file's bytes hash; a file whose size, modification time and inode are those the manifest
 * recorded with its hash is not read again. Every start checks the corpus against the index: at a million
 * passages (~4,000 reports of a few MB each) reading them all would take longer than the rest of the start.
 * Any write to a file, a copy or a new file changes its stamp, and it is read and hashed as before.
 */
function scanCorpus(corpusDir: string, known: Manifest | null = null): CorpusEntry[] {
  if (!existsSync(corpusDir)) throw new ConfigError(`no corpus folder at ${corpusDir}: create it and put the reports there, or set CORPUS_DIR`);
  const corrections = readCorrections(corpusDir);
  const stamps = new Map([...(known?.files ?? []), ...(known?.skipped ?? [])].flatMap((f) => (f.stamp ? [[f.file, f.stamp] as const] : [])));
  return listReportFiles(corpusDir).map((file) => {
    const path = join(corpusDir, file);
    const stat = statSync(path);
    const { size, mtimeMs, ino } = stat;
    const was = stamps.get(file);
    const sha256 = was && sameStamp(was, stat) ? was.sha256 : hashBytes(readFileSync(path));
    const stamp: FileStamp = { bytes: size, mtimeMs, ino, sha256 };
    const correction = corrections[file];
    if (!correction) return { file, path, hash: sha256, stamp };
    return { file, path, correction, stamp, hash: `${sha256}+${createHash('sha256').update(JSON.stringify(correction)).digest('hex').slice(0, 8)}` };
  });
}

/** Why an index cannot be reused at all (other format, segmentation code or model), or null. */
function incompatibility(manifest: Manifest, modelId: string): string | null {
  if (manifest.formatVersion !== FORMAT_VERSION) return `index format ${manifest.formatVersion} != ${FORMAT_VERSION}`;
  if (manifest.pipeline !== PIPELINE_FINGERPRINT) return 'the segmentation code changed since the index was built';
  if (manifest.model.id !== modelId) return `index built with ${manifest.model.id}, configured model is ${modelId}`;
  return null;
}

/** The first difference between the files an index was built from and the corpus folder now, or null. */
function corpusChange(manifest: Manifest, entries: CorpusEntry[]): string | null {
  const onDisk = new Map(entries.map((e) => [e.file, e.hash]));
  const indexed = new Map([...manifest.files, ...manifest.skipped].map((f) => [f.file, f.hash]));
  for (const [file, hash] of onDisk) {
    if (!indexed.has(file)) return `new file ${file}`;
    if (indexed.get(file) !== hash) return `${file} changed`;
  }
  for (const file of indexed.keys()) if (!onDisk.has(file)) return `${file} was removed`;
  return null;
}

function statusOf(manifest: Manifest | null, entries: CorpusEntry[], config: Pick<Config, 'indexDir' | 'modelId'>): IndexStatus {
  if (!manifest) return { state: 'missing', reason: `no intact index at ${config.indexDir}` };
  const reason = incompatibility(manifest, config.modelId) ?? corpusChange(manifest, entries);
  return reason ? { state: 'stale', reason } : { state: 'fresh' };
}

/** Is the index on disk present, built by the configured model, and built from the current corpus files? */
export function indexStatus(config: Pick<Config, 'corpusDir' | 'indexDir' | 'modelId'>): IndexStatus {
  const manifest = readManifest(config.indexDir);
  return statusOf(manifest, scanCorpus(config.corpusDir, manifest), config);
}

/** Bring the index in line with the corpus folder, embedding only what changed. */
export async function updateIndex(config: Pick<Config, 'corpusDir' | 'indexDir' | 'modelId'> & Partial<Pick<Config, 'limits'>>, options: BuildOptions): Promise<BuildReport> {
  const started = performance.now();
  const hnsw = options.hnsw ?? DEFAULT_HNSW;
  // The corpus is read and hashed once, and the manifest read once, for both the check and the build.
  const manifest = readManifest(config.indexDir);
  const entries = scanCorpus(config.corpusDir, manifest);
  const status = statusOf(manifest, entries, config);
  for (const w of unindexableFiles(config.corpusDir)) options.warn?.(w);
  // A damaged current version is rebuilt even when the corpus has not changed (no --force needed); every file is
  // hashed, also those a reader only checks passage by passage (a passage read as damaged names this command).
  const damage = currentProblem(config.indexDir, { full: !options.quickCheck }) ?? undefined;
  if (damage) options.warn?.(`index version ${damage.version} is damaged (${damage.problem}): rebuilding it`);
  if (status.state === 'fresh' && manifest && !options.force && !damage) {
    return {
      added: [], changed: [], removed: [], unchanged: manifest.files.map((f) => f.file),
      skipped: manifest.skipped.map(({ file, kind, reason }) => ({ file, kind, reason })),
      passageCount: manifest.passageCount, rebuilt: false, seconds: (performance.now() - started) / 1000,
    };
  }
  // Parsed reports, kept for the full build when adding them as a segment would pass COMPACT_SHARE. A segment
  // needs disk space for its own passages only (the rest is shared by hard link): checked there.
  const readCache = new Map<string, ReadOutcome>();
  const current = currentVersion(config.indexDir);
  if (manifest && current && !options.force && !damage && !incompatibility(manifest, config.modelId) && (!options.hnsw || sameHnsw(options.hnsw, manifest.hnsw))) {
    const appended = await appendSegment(config, current, manifest, entries, options, readCache);
    if (appended) return { ...appended, seconds: (performance.now() - started) / 1000 };
  }
  // A disk too full for even the files kept from now is found before any file is read (OCR takes minutes).
  const kept = manifest ? manifest.files.filter((f) => entries.some((e) => e.file === f.file)).reduce((n, f) => n + f.passages, 0) : 0;
  diskCheck(config.indexDir, versionBytes(manifest, kept));
  let previous: StoredIndex | null = null;
  if (manifest && !options.force && !incompatibility(manifest, config.modelId)) {
    try {
      previous = await readIndex(config.indexDir, { skip: damage?.version });
    } catch {
      previous = null;
    }
  }
  const before = new Map(previous?.manifest.files.map((f) => [f.file, f]) ?? []);
  const skippedBefore = new Map(previous?.manifest.skipped.map((s) => [s.file, s]) ?? []);
  const report: BuildReport = { added: [], changed: [], removed: [], unchanged: [], skipped: [], passageCount: 0, rebuilt: false, seconds: 0 };
  for (const f of before.keys()) if (!entries.some((e) => e.file === f)) report.removed.push(f);
  const skippedNow: Manifest['skipped'] = [];

  // Segment every file (cheap); reuse stored passages and vectors of unchanged files.
  type Part = { meta: Omit<ManifestFile, 'firstId'>; passages: Passage[]; vectors: (Float32Array | null)[] };
  const parts: Part[] = [];
  for (const [i, entry] of entries.entries()) {
    options.onProgress?.({ phase: 'read', done: i + 1, total: entries.length, file: entry.file });
    const old = before.get(entry.file);
    if (previous && old && old.hash === entry.hash) {
      report.unchanged.push(entry.file);
      const ids = Array.from({ length: old.passages }, (_, k) => old.firstId + k);
      parts.push({ meta: { ...stripFirstId(old), stamp: entry.stamp }, passages: ids.map((id) => previous!.passage(id)!), vectors: ids.map((id) => previous!.vector(id)) });
      continue;
    }
    const knownBad = skippedBefore.get(entry.file);
    if (knownBad && knownBad.hash === entry.hash) {
      report.skipped.push({ file: entry.file, kind: knownBad.kind, reason: knownBad.reason });
      skippedNow.push({ ...knownBad, stamp: entry.stamp });
      continue;
    }
    const read = readCache.get(entry.file) ?? (await readReport(entry, config, options));
    if ('skipped' in read) {
      report.skipped.push(read.skipped);
      skippedNow.push({ ...read.skipped, hash: entry.hash, stamp: entry.stamp });
      continue;
    }
    const segmented = read.segmented;
    (old ? report.changed : report.added).push(entry.file);
    const { passages, ...meta } = segmented;
    parts.push({ meta: { ...meta, hash: entry.hash, stamp: entry.stamp, passages: passages.length }, passages, vectors: passages.map(() => null) });
  }

  // A full disk is found before minutes of embedding, not after: the new version needs about as many bytes
  // per passage as the current one.
  diskCheck(config.indexDir, versionBytes(manifest, parts.reduce((n, p) => n + p.passages.length, 0)));

  const todo = parts.flatMap((part) => part.passages.map((p, k) => ({ part, k, text: indexedText(p) }))).filter(({ part, k }) => part.vectors[k] === null);
  if (options.maxNewPassages !== undefined && todo.length > options.maxNewPassages) {
    throw new PendingBuildError(`${todo.length} new passages wait to be embedded (${embeddingEstimate(todo.length)}): run "npm run index" to add them`);
  }

  // Embed what is new.
  const embedder = await options.embedder();
  if (todo.length > 0) {
    const vectors = await embedder.embed(
      todo.map((t) => t.text),
      { onBatch: (done) => options.onProgress?.({ phase: 'embed', done, total: todo.length }) },
    );
    todo.forEach((t, i) => (t.part.vectors[t.k] = vectors[i]!));
  }

  // Renumber passages globally and write a new version.
  const passages: Passage[] = [];
  const vectors: Float32Array[] = [];
  const files: ManifestFile[] = [];
  for (const part of parts) {
    files.push({ ...part.meta, firstId: passages.length });
    part.passages.forEach((p, k) => {
      passages.push({ ...p, id: passages.length });
      vectors.push(part.vectors[k]!);
    });
  }
  // Linking passages into the graph takes minutes only for large archives (~20 minutes at a million): reported from
  // GRAPH_PROGRESS_FROM passages on, with its rate and the time left.
  const dense = buildHnsw(vectors, embedder.dimension, hnsw, vectors.length >= GRAPH_PROGRESS_FROM ? (done, total) => options.onProgress?.({ phase: 'graph', done, total }) : undefined);
  options.onProgress?.({ phase: 'write', done: 0, total: 1 });
  const written: Manifest = {
    formatVersion: FORMAT_VERSION,
    pipeline: PIPELINE_FINGERPRINT,
    model: { id: embedder.modelId, dimension: embedder.dimension },
    files,
    skipped: skippedNow,
    passageCount: passages.length,
    builtAt: new Date().toISOString(),
    hnsw,
  };
  // Figure records are re-read from all passages on every build (milliseconds), so their ids always match. Their
  // indicator words are embedded here, once per build, for the learnt vocabulary (src/index/vocabulary.ts).
  // A word of the previous version keeps its vector; the new ones are embedded together, as an ingest does.
  const records = extractRecords(passages);
  const learnt = await learnWords(records, embedder, previous?.vocabulary?.vectorOf);
  const vocabulary = { ...learnt, once: onceWords(records) };
  await writeIndex(config.indexDir, written, passages, vectors, dense, records, vocabulary);
  options.onProgress?.({ phase: 'write', done: 1, total: 1 });
  return { ...report, passageCount: passages.length, rebuilt: true, seconds: (performance.now() - started) / 1000, ...(damage ? { repaired: damage } : {}) };
}

/** Archives from this many passages report the graph's progress. */
export const GRAPH_PROGRESS_FROM = 20_000;

/** Bytes a version of `passages` passages takes, from the current version's size per passage (8 KB when unknown). */
function versionBytes(manifest: Manifest | null, passages: number): number {
  const stored = manifest?.stored ? Object.values(manifest.stored).reduce((n, f) => n + f.bytes, 0) : 0;
  const perPassage = stored > 0 && manifest!.passageCount > 0 ? stored / manifest!.passageCount : 8192;
  return Math.ceil(perPassage * passages * 1.1) + 64 * 1024;
}

function diskCheck(indexDir: string, needed: number): void {
  const free = freeBytes(indexDir);
  if (free !== null && free < needed) {
    throw new DiskError(`disk full (ENOSPC) at the index folder: the new version needs about ${formatBytes(needed)}, ${formatBytes(free)} are free: free some space (df -h) and run the command again`, 'ENOSPC');
  }
}

/** Free bytes for this user on the file system holding `dir` (or its nearest existing parent), or null. */
function freeBytes(dir: string): number | null {
  let at = dir;
  while (!existsSync(at) && dirname(at) !== at) at = dirname(at);
  try {
    const fs = statfsSync(at);
    return fs.bavail * fs.bsize;
  } catch {
    return null;
  }
}

function stripFirstId(f: ManifestFile): Omit<ManifestFile, 'firstId'> {
  const { firstId: _, ...rest } = f;
  return rest;
}

type ReadOutcome = { segmented: ReturnType<typeof segmentReport> } | { skipped: SkippedFile };

/** Read and cut one corpus file into passages, or why it is skipped (warnings through options.warn). */
async function readReport(entry: CorpusEntry, config: Partial<Pick<Config, 'limits'>>, options: BuildOptions): Promise<ReadOutcome> {
  // Read in a child process with a heap cap (src/corpus/isolated.ts): a file that exhausts it is skipped.
  const read = await parseReportIsolated(readFileSync(entry.path), entry.file, {
    limits: config.limits,
    onOcrPage: (done, total) => options.onProgress?.({ phase: 'ocr', done, total, file: entry.file }),
  });
  if ('warnings' in read) for (const w of read.warnings ?? []) options.warn?.(`${entry.file}: ${w}`);
  let segmented: ReturnType<typeof segmentReport> | null = null;
  let failure: string | null = null;
  try {
    segmented = 'reason' in read ? null : segmentReport(read, entry.correction);
  } catch (err) {
    options.warn?.(`${entry.file}: ${(err as Error).message}; its correction is ignored`);
    try {
      segmented = 'reason' in read ? null : segmentReport(read);
    } catch (again) {
      // One file the segmentation cannot handle is skipped (and not retried until it changes); the rest is built.
      failure = `could not be cut into passages (${(again as Error)?.message ?? String(again)}): save it again as text or PDF`;
    }
  }
  if (!segmented || segmented.passages.length === 0) {
    const skipped: SkippedFile = 'reason' in read ? read : { file: entry.file, kind: failure ? 'unreadable' : 'no-text', reason: failure ?? 'no passages (no body text found)' };
    options.warn?.(`skipped ${skipped.file}: ${skipped.reason}`);
    return { skipped };
  }
  const large = largeFileWarning(entry.file, statSync(entry.path).size, segmented.passages.length);
  if (large) options.warn?.(large);
  return { segmented };
}

const sameHnsw = (a: HnswParams, b: HnswParams) => a.M === b.M && a.efConstruction === b.efConstruction && a.ef === b.ef;

/**
 * Add the reports new or changed since `version` as a segment of their own, without rebuilding: passages keep
 * their ids, the new ones are numbered after the last, the passages of removed or replaced reports are listed as
 * removed, and every file of `version` is shared by hard link (src/index/store.ts, writeSegment). Returns null
 * when the change is one for a full build: the segments and removed passages would pass COMPACT_SHARE of the full
 * build's passages, or the version predates passages.idx or the stored postings.
 */
async function appendSegment(
  config: Pick<Config, 'indexDir'> & Partial<Pick<Config, 'limits'>>,
  version: string,
  manifest: Manifest,
  entries: CorpusEntry[],
  options: BuildOptions,
  readCache: Map<string, ReadOutcome>,
): Promise<BuildReport | null> {
  if (!manifest.stored?.['passages.idx'] || !manifest.stored['lexical.bin'] || !manifest.stored['vocabulary.json']) return null;
  const before = new Map(manifest.files.map((f) => [f.file, f]));
  const skippedBefore = new Map(manifest.skipped.map((s) => [s.file, s]));
  const report: BuildReport = { added: [], changed: [], removed: [], unchanged: [], skipped: [], passageCount: 0, rebuilt: true, seconds: 0 };
  const removed = new Set(manifest.removed ?? []);
  const drop = (f: ManifestFile) => {
    for (let k = 0; k < f.passages; k++) removed.add(f.firstId + k);
  };
  for (const f of manifest.files) {
    if (!entries.some((e) => e.file === f.file)) {
      report.removed.push(f.file);
      drop(f);
    }
  }
  const files: ManifestFile[] = [];
  const skippedNow: Manifest['skipped'] = [];
  const added: { file: ManifestFile; passages: Passage[] }[] = [];
  let next = manifest.passageCount;
  for (const [i, entry] of entries.entries()) {
    options.onProgress?.({ phase: 'read', done: i + 1, total: entries.length, file: entry.file });
    const old = before.get(entry.file);
    if (old && old.hash === entry.hash) {
      report.unchanged.push(entry.file);
      files.push({ ...old, stamp: entry.stamp });
      continue;
    }
    if (old) drop(old);
    const knownBad = skippedBefore.get(entry.file);
    if (knownBad && knownBad.hash === entry.hash) {
      report.skipped.push({ file: entry.file, kind: knownBad.kind, reason: knownBad.reason });
      skippedNow.push({ ...knownBad, stamp: entry.stamp });
      continue;
    }
    const read = await readReport(entry, config, options);
    readCache.set(entry.file, read);
    if ('skipped' in read) {
      report.skipped.push(read.skipped);
      skippedNow.push({ ...read.skipped, hash: entry.hash, stamp: entry.stamp });
      continue;
    }
    (old ? report.changed : report.added).push(entry.file);
    const { passages, ...meta } = read.segmented;
    const file: ManifestFile = { ...meta, hash: entry.hash, stamp: entry.stamp, passages: passages.length, firstId: next };
    files.push(file);
    added.push({ file, passages: passages.map((p, k) => ({ ...p, id: next + k })) });
    next += passages.length;
  }
  const fresh = added.flatMap((a) => a.passages);
  const segmented = (manifest.segments ?? []).reduce((n, seg) => n + seg.passages, 0) + fresh.length;
  if (segmented + removed.size > (options.compactShare ?? COMPACT_SHARE) * basePassages(manifest)) return null;
  if (options.maxNewPassages !== undefined && fresh.length > options.maxNewPassages) {
    throw new PendingBuildError(`${fresh.length} new passages wait to be embedded (${embeddingEstimate(fresh.length)}): run "npm run index" to add them`);
  }
  const sizes = (manifest.segments ?? []).map((seg) => seg.passages);
  const absorb = fresh.length > 0 ? segmentsToMerge(sizes, fresh.length, options.mergeFanout) : 0;
  diskCheck(config.indexDir, versionBytes(manifest, fresh.length + sizes.slice(sizes.length - absorb).reduce((n, x) => n + x, 0)));
  let vectors: Float32Array[] = [];
  if (fresh.length > 0) {
    const embedder = await options.embedder();
    if (embedder.modelId !== manifest.model.id || embedder.dimension !== manifest.model.dimension) return null;
    vectors = await embedder.embed(fresh.map(indexedText), { onBatch: (done) => options.onProgress?.({ phase: 'embed', done, total: fresh.length }) });
  }
  // The new passages' figures, read with the places of the whole archive as a full build reads them; their
  // indicator words the version's vocabulary lacks are embedded (a few, not the whole vocabulary), up to
  // VOCABULARY_CAP in all. Counted in the new passages only: a word of one passage before and one new passage
  // waits for the next full build.
  const records = extractRecords(fresh, files.map((f) => f.district));
  const parts = [version, ...(manifest.segments ?? []).map((seg) => join(version, seg.dir))].map((at) => readVocabularyWords(join(config.indexDir, at)));
  const known = new Set(parts.flatMap((p) => p.words));
  const once = new Set(parts.flatMap((p) => p.once));
  const newWords = indicatorWords(records, 2, Math.max(0, VOCABULARY_CAP - known.size), known, once);
  const learnt = newWords.length > 0 ? await embedWords(newWords, await options.embedder()) : { words: [], vectors: [] };
  const vocabulary = { ...learnt, once: onceWords(records, known, once) };
  options.onProgress?.({ phase: 'write', done: 0, total: 1 });
  const written: Manifest = {
    formatVersion: FORMAT_VERSION,
    pipeline: PIPELINE_FINGERPRINT,
    model: manifest.model,
    files,
    skipped: skippedNow,
    passageCount: next,
    builtAt: new Date().toISOString(),
    hnsw: manifest.hnsw,
    ...(removed.size > 0 ? { removed: [...removed].sort((a, b) => a - b) } : {}),
  };
  await writeSegment(config.indexDir, version, written, fresh, vectors, records, vocabulary, absorb);
  options.onProgress?.({ phase: 'write', done: 1, total: 1 });
  return { ...report, passageCount: next - removed.size };
}
