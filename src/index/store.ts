// The index on disk: passages, their vectors, the HNSW graph and a manifest, written as one version folder and
// switched to atomically through the CURRENT file, so readers never see half an index.
import { existsSync, linkSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import hnswlib from 'hnswlib-node';
import type { SkippedFile } from '../corpus/load.js';
import type { FigureRecord } from '../figures/records.js';
import type { Passage, ReportMeta } from '../types.js';
import { DiskError, explainFsError } from './fs-errors.js';
import { indexedText } from './indexed-text.js';
import { collectPostings, decodePostings, encodePostings, type LexicalPostings, type PostingsPart } from './lexical.js';
import { CHUNK_BYTES, readChunked, readJsonArray, writeChunked, writeJsonArray } from './large-file.js';
import { describeStoredFiles, type ExpectedShape, graphProblem, IndexDamagedError, listVersions, type StoredFiles, untouchedInFolder, versionProblem } from './integrity.js';
import { type LearntWords, mergeVocabularies, readVocabulary, readVocabularyWords, withLookup, writeVocabulary } from './vocabulary.js';
import { combinedStore, diskStore, memoryStore, type PassageFacts, type PassageStore, readLayout, writePassages } from './passage-store.js';

const { HierarchicalNSW } = hnswlib;

/** A part's learnt vocabulary as written: its words with their vectors, and its words named in one passage only. */
export type Vocabulary = LearntWords & { once: string[] };
export type Hnsw = InstanceType<typeof HierarchicalNSW>;

export const FORMAT_VERSION = 2;

/** HNSW parameters (see docs/how-it-works.md and docs/performance.md for the trade-offs). */
export interface HnswParams {
  /** Links per node: more = better recall and more memory. */
  M: number;
  /** Candidate list while building: more = better graph, slower build. */
  efConstruction: number;
  /** Candidate list while searching: more = better recall, slower queries. */
  ef: number;
}

/**
 * Tuned on synthetic archives (npm run bench, docs/performance.md, docs/scale.md): at 100,000 passages M 16 / ef 64
 * gave recall@10 0.925 against exact search, M 32 / ef 400 0.989. At a million the graph limits it: efConstruction
 * 200 levels off at 0.970 whatever the ef; efConstruction 400 and ef 800 reach 0.983 (search p95 5.8 ms), for
 * about twice the build time. At a few thousand passages the search is exact either way.
 */
export const DEFAULT_HNSW: HnswParams = { M: 32, efConstruction: 400, ef: 800 };

/** A corpus file's size, modification time and inode when its bytes were hashed (sha256): src/index/build.ts, scanCorpus. */
export interface FileStamp {
  bytes: number;
  mtimeMs: number;
  ino: number;
  sha256: string;
}

export interface ManifestFile extends ReportMeta {
  /** Passage ids of this file are [firstId, firstId + passages). */
  firstId: number;
  /** The corpus file as hashed (absent in manifests written before it was recorded): an unchanged one is not read again. */
  stamp?: FileStamp;
}

export interface Manifest {
  formatVersion: number;
  /** Fingerprint of the segmentation code that produced the passages. */
  pipeline: string;
  model: { id: string; dimension: number };
  files: ManifestFile[];
  /** Files in the corpus folder that could not be indexed, with why; unchanged ones are not retried. */
  skipped: (SkippedFile & { hash: string; stamp?: FileStamp })[];
  passageCount: number;
  builtAt: string;
  hnsw: HnswParams;
  /** Size and SHA-256 of each data file (absent in indexes written before it was recorded). */
  stored?: StoredFiles;
  /**
   * Passages added since the last full build (reports ingested), each batch in a folder of its own beside the
   * full build's files, numbered after them. Absent after a full build (`npm run index -- --force`, or when the
   * segments grow past COMPACT_SHARE of the archive).
   */
  segments?: Segment[];
  /** Ids of passages of reports removed or replaced since the last full build: still on disk, never returned. */
  removed?: number[];
}

/** One batch of passages added since the full build: ids [firstId, firstId + passages), files in `dir`. */
export interface Segment {
  dir: string;
  firstId: number;
  passages: number;
  stored: StoredFiles;
}

/** The search structure of the graph(s): hnswlib's, or the full build's and the segments' searched together. */
export type DenseGraph = Pick<Hnsw, 'searchKnn' | 'getCurrentCount' | 'setEf'>;

export interface StoredIndex {
  manifest: Manifest;
  /** Passage `id` (read from disk when not among the last few thousand read), or undefined when there is none. */
  passage: PassageStore['passage'];
  /** The unit vector of passage `id` (read from disk). */
  vector: PassageStore['vector'];
  /** Every passage at once (reads them all: for building and checking drafts, not for answering a question). */
  allPassages: PassageStore['all'];
  /** Each passage's place and file as numbers into small tables: what the place/file filter reads. */
  facts: PassageFacts;
  /** Row i: unit vectors of passage i's sentences. Not stored by the build (no gain measured): only the ablation src/bench/sentences.ts fills it, in memory. */
  sentenceVectors?: Float32Array[][];
  dense: DenseGraph;
  /** BM25 postings as the build stored them, per segment (absent in versions written before they were stored: rebuilt at open). */
  lexical?: LexicalPostings | PostingsPart[];
  /** removed[id] is 1 for a passage of a report removed or replaced since the full build (manifest.removed). */
  removed?: Uint8Array;
  /** Every figure of every passage, read as data (src/figures). */
  figures: FigureRecord[];
  /**
   * The learnt vocabulary (src/index/vocabulary.ts) as the build embedded it: the full build's words, then each
   * segment's new ones. Absent in versions written before it was stored: they answer without learnt words.
   */
  vocabulary?: LearntWords;
  /** Version folder the index was read from (changes on every build). */
  version: string;
  /** Set when the current version was damaged and this older one was read instead: what was wrong. */
  fellBackFrom?: { version: string; problem: string };
}

const CURRENT = 'CURRENT';

/** The version folder CURRENT points to, or null when there is no complete index. */
export function currentVersion(indexDir: string): string | null {
  const pointer = join(indexDir, CURRENT);
  if (!existsSync(pointer)) return null;
  const version = readFileSync(pointer, 'utf8').trim();
  return existsSync(join(indexDir, version, 'manifest.json')) ? version : null;
}

/** The manifest of the newest version that looks whole (current first, then older ones), or null. */
export function readManifest(indexDir: string): Manifest | null {
  for (const version of listVersions(indexDir, currentVersion(indexDir))) {
    const manifest = parseManifest(join(indexDir, version));
    if (manifest && !problemOf(join(indexDir, version), manifest)) return manifest;
  }
  return null;
}

function parseManifest(dir: string): Manifest | null {
  try {
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
    return m && Array.isArray(m.files) && Array.isArray(m.skipped) && m.model?.dimension > 0 ? m : null;
  } catch {
    return null;
  }
}

/** Passages linked into the graph between two progress reports. */
const GRAPH_PROGRESS_EVERY = 2000;

/** The HNSW graph of the vectors (hnswlib adds points one at a time: ~20 minutes at a million; `onProgress` hears how far). */
export function buildHnsw(vectors: Float32Array[], dimension: number, params: HnswParams, onProgress?: (done: number, total: number) => void): Hnsw {
  const index = new HierarchicalNSW('cosine', dimension);
  index.initIndex(Math.max(1, vectors.length), params.M, params.efConstruction, 100);
  vectors.forEach((v, i) => {
    index.addPoint(Array.from(v), i);
    if (onProgress && ((i + 1) % GRAPH_PROGRESS_EVERY === 0 || i + 1 === vectors.length)) onProgress(i + 1, vectors.length);
  });
  index.setEf(params.ef);
  return index;
}

/** The vectors as consecutive float32 rows, in blocks of about CHUNK_BYTES (never one buffer of the whole file). */
export function packVectors(vectors: Float32Array[], dimension: number): Buffer[] {
  const rowsPerBlock = Math.max(1, Math.floor(CHUNK_BYTES / (4 * dimension)));
  const blocks: Buffer[] = [];
  for (let from = 0; from < vectors.length; from += rowsPerBlock) {
    const rows = vectors.slice(from, from + rowsPerBlock);
    const flat = new Float32Array(rows.length * dimension);
    rows.forEach((v, i) => flat.set(v, i * dimension));
    blocks.push(Buffer.from(flat.buffer));
  }
  return blocks;
}

function unpackVectors(buf: Buffer, dimension: number): Float32Array[] {
  // A view when the buffer starts on a 4-byte boundary (reads of any size do), else a copy.
  const flat = buf.byteOffset % 4 === 0 ? new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4) : new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  const rows: Float32Array[] = [];
  for (let i = 0; i < flat.length; i += dimension) rows.push(flat.subarray(i, i + dimension));
  return rows;
}

/** Older intact versions kept beside the current one, to fall back to when the current one is damaged. */
export const KEEP_PREVIOUS = 2;

/** Write a complete new version, then switch CURRENT to it (rename is atomic), then drop all but a few older versions. */
export async function writeIndex(indexDir: string, manifest: Manifest, passages: Passage[], vectors: Float32Array[], dense: Hnsw, figures: FigureRecord[] = [], vocabulary: Vocabulary = { words: [], vectors: [], once: [] }): Promise<string> {
  return writeVersion(indexDir, async (dir) => ({ ...manifest, stored: await writePart(dir, passages, vectors, dense, figures, vocabulary, manifest.model.dimension) }));
}

/**
 * A new version that shares every file of version `from` by hard link (same inode and time: not copied, not
 * hashed again) and adds `passages` (numbered on from its last passage) as a segment of their own, with their
 * vectors, graph, postings, figures and the vocabulary words new to `from`; `manifest` lists the files and the
 * removed passages. The newest `absorb` segments of `from` are merged into the new one (their stored passages,
 * vectors, figures and words read back, in order; one graph and one set of postings built for them all).
 */
export async function writeSegment(indexDir: string, from: string, manifest: Manifest, passages: Passage[], vectors: Float32Array[], figures: FigureRecord[], vocabulary: Vocabulary = { words: [], vectors: [], once: [] }, absorb = 0): Promise<string> {
  const previous = join(indexDir, from);
  const base = parseManifest(previous);
  if (!base?.stored) throw new IndexDamagedError(`index version ${from} has no manifest to add to: run "npm run index"`);
  const before = base.segments ?? [];
  const merged = passages.length > 0 && absorb > 0 ? before.slice(-absorb) : [];
  const kept = before.slice(0, before.length - merged.length);
  return writeVersion(indexDir, async (dir) => {
    const link = (at: string, stored: StoredFiles) => {
      mkdirSync(join(dir, at), { recursive: true });
      for (const f of Object.keys(stored)) linkSync(join(previous, at, f), join(dir, at, f));
    };
    link('.', base.stored!);
    for (const seg of kept) link(seg.dir, seg.stored);
    const segments = [...kept];
    if (passages.length > 0) {
      const old = merged.map((seg) => readPartData(join(previous, seg.dir), seg.passages, manifest.model.dimension));
      const all = {
        passages: [...old.flatMap((o) => o.passages), ...passages],
        vectors: [...old.flatMap((o) => o.vectors), ...vectors],
        figures: [...old.flatMap((o) => o.figures), ...figures],
        vocabulary: { ...mergeVocabularies([...old.map((o) => o.vocabulary), vocabulary])!, once: [...new Set([...old.flatMap((o) => o.vocabulary.once), ...vocabulary.once])] },
      };
      const name = `seg-${Math.max(0, ...before.map((seg) => Number(seg.dir.slice(4)))) + 1}`;
      mkdirSync(join(dir, name));
      const dense = buildHnsw(all.vectors, manifest.model.dimension, manifest.hnsw);
      const stored = await writePart(join(dir, name), all.passages, all.vectors, dense, all.figures, all.vocabulary, manifest.model.dimension);
      segments.push({ dir: name, firstId: merged[0]?.firstId ?? base.passageCount, passages: all.passages.length, stored });
    }
    return { ...manifest, stored: base.stored, segments };
  });
}

/** Everything a segment's folder holds but its graph and postings (checked with the version already), to merge it into another. */
function readPartData(dir: string, count: number, dimension: number): { passages: Passage[]; vectors: Float32Array[]; figures: FigureRecord[]; vocabulary: Vocabulary } {
  try {
    const { passages, vectors } = readPassagesAndVectors(dir, count, dimension);
    const learnt = readVocabulary(dir, dimension) ?? { words: [], vectors: [] };
    return { passages, vectors, figures: readJsonArray<FigureRecord>(join(dir, 'figures.json')), vocabulary: { ...learnt, once: readVocabularyWords(dir).once } };
  } catch (err) {
    throw new IndexDamagedError(`the segment at ${dir} cannot be merged (${(err as Error).message}): run "npm run index" to rebuild the index`);
  }
}

/** The data files of one part of a version (the full build's, or a segment's) into `dir`; returns their sizes and checksums. */
async function writePart(dir: string, passages: Passage[], vectors: Float32Array[], dense: Hnsw, figures: FigureRecord[], vocabulary: Vocabulary, dimension: number): Promise<StoredFiles> {
  // In chunks: a million passages make files past the 2 GiB a single write can take (src/index/large-file.ts).
  // Passages are read back one at a time (src/index/passage-store.ts): passages.idx says where each one is.
  writeChunked(join(dir, 'passages.idx'), [writePassages(join(dir, 'passages.json'), passages, vectors)]);
  writeChunked(join(dir, 'vectors.f32'), packVectors(vectors, dimension));
  await dense.writeIndex(join(dir, 'dense.hnsw'));
  writeJsonArray(join(dir, 'figures.json'), figures);
  writeChunked(join(dir, 'lexical.bin'), [encodePostings(collectPostings(passages.map(indexedText)))]);
  writeVocabulary(dir, vocabulary, vocabulary.once, dimension);
  const stored = describeStoredFiles(dir);
  // hnswlib writes through a C++ stream that does not report a short write (a full disk, a file-size limit):
  // what it wrote is checked before the version can become current.
  const graph = graphProblem(readChunked(join(dir, 'dense.hnsw')), passages.length, dimension);
  if (graph) throw new DiskError(`the new index version could not be written whole (${graph}): check the free space (df -h) and run "npm run index"`, 'ENOSPC');
  return stored;
}

/** Write a new version folder with `fill`, then its manifest, switch CURRENT to it, and drop all but a few older versions. */
async function writeVersion(indexDir: string, fill: (dir: string) => Promise<Manifest>): Promise<string> {
  const version = `v-${Date.now()}-${process.pid}`;
  const dir = join(indexDir, version);
  const tmp = join(indexDir, `${CURRENT}.tmp-${process.pid}`);
  try {
    mkdirSync(indexDir, { recursive: true });
    mkdirSync(dir);
    const manifest = await fill(dir);
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
    writeFileSync(tmp, version);
    renameSync(tmp, join(indexDir, CURRENT));
  } catch (err) {
    // A failed write removes what it half-wrote: readers keep the previous version, and the disk gets its space back.
    rmSync(dir, { recursive: true, force: true });
    rmSync(tmp, { force: true });
    throw explainFsError(err, `writing the index at ${indexDir}`);
  }
  // Keep the newest older versions that look whole; drop the rest, and what killed writers left behind.
  const intact = (v: string) => {
    const m = parseManifest(join(indexDir, v));
    return m !== null && !problemOf(join(indexDir, v), m);
  };
  const keep = new Set([version, ...listVersions(indexDir, version).slice(1).filter(intact).slice(0, KEEP_PREVIOUS)]);
  for (const old of readdirSync(indexDir)) {
    if ((old.startsWith('v-') && !keep.has(old)) || old.startsWith(`${CURRENT}.tmp-`)) rmSync(join(indexDir, old), { recursive: true, force: true });
  }
  return version;
}

export class IndexMissingError extends Error {}

/**
 * Read the current version; when it is damaged, the newest older intact one (saying so through `warn`).
 * Throws IndexMissingError when there is no version, IndexDamagedError when none is intact.
 */
export async function readIndex(indexDir: string, opts: { warn?: (message: string) => void; skip?: string } = {}): Promise<StoredIndex> {
  const current = currentVersion(indexDir);
  const versions = listVersions(indexDir, current).filter((v) => v !== opts.skip);
  if (versions.length === 0) throw new IndexMissingError(`no index at ${indexDir}: run "npm run index"`);
  let first: { version: string; problem: string } | undefined;
  if (!current) first = { version: 'CURRENT', problem: 'CURRENT names no complete version' };
  if (current && opts.skip === current) first = { version: current, problem: 'its checksums do not match' };
  for (const version of versions) {
    try {
      const index = await readVersion(indexDir, version);
      if (!first) return index;
      opts.warn?.(`index version ${first.version} is damaged (${first.problem}): answering from the previous version ${version}; run "npm run index" to repair`);
      index.fellBackFrom = first; // not a spread: that would parse the figures now
      return index;
    } catch (err) {
      if (!(err instanceof IndexDamagedError)) throw err;
      first ??= { version, problem: err.message };
    }
  }
  throw new IndexDamagedError(`the index at ${indexDir} is damaged (${first!.version}: ${first!.problem}) and no intact older version is left: run "npm run index" to rebuild it`);
}

/** Passages of the full build's files (the version folder itself), before the segments. */
export function basePassages(m: Pick<Manifest, 'passageCount' | 'segments'>): number {
  return m.passageCount - (m.segments ?? []).reduce((n, seg) => n + seg.passages, 0);
}

/** What the files of one part (the full build's, or a segment's) must hold. */
function partShape(m: Manifest, count: number, stored: StoredFiles | undefined): ExpectedShape {
  return { passageCount: count, model: m.model, files: [{ passages: count, firstId: 0 }], ...(stored ? { stored } : {}) };
}

/** Do the manifest's segments, removed passages and files' ranges agree with each other and its passage count? */
function rangeProblem(m: Manifest): string | null {
  let next = basePassages(m);
  if (!Number.isInteger(next) || next < 0) return 'the manifest\'s segments hold more passages than its passage count';
  for (const seg of m.segments ?? []) {
    if (!/^seg-\d+$/.test(seg.dir) || seg.firstId !== next || !Number.isInteger(seg.passages) || seg.passages < 1 || !seg.stored) return 'the manifest\'s segments do not number the passages in order';
    next += seg.passages;
  }
  if ((m.removed ?? []).some((id) => !Number.isInteger(id) || id < 0 || id >= m.passageCount)) return 'the manifest\'s removed passages are outside its passages';
  const ranges = [...m.files].sort((a, b) => a.firstId - b.firstId);
  let end = 0;
  for (const f of ranges) {
    if (!Number.isInteger(f.firstId) || !Number.isInteger(f.passages) || f.passages < 0 || f.firstId < end || f.firstId + f.passages > m.passageCount) return 'the manifest\'s file list does not number the passages in order';
    end = f.firstId + f.passages;
  }
  return null;
}

/**
 * Everything that can be wrong with a version folder whose manifest parsed: its own files (versionProblem), and
 * for a version with segments each segment's files and the manifest's ranges.
 */
export function problemOf(dir: string, m: Manifest, options: { full?: boolean } = {}): string | null {
  if (!m.segments?.length && !m.removed?.length) return versionProblem(dir, m, options);
  const ranges = rangeProblem(m);
  if (ranges) return ranges;
  const own = versionProblem(dir, partShape(m, basePassages(m), m.stored), options);
  if (own) return own;
  for (const seg of m.segments ?? []) {
    const problem = versionProblem(join(dir, seg.dir), partShape(m, seg.passages, seg.stored), options);
    if (problem) return `${seg.dir}/${problem}`;
  }
  return null;
}

interface Part {
  store: PassageStore;
  dense: Hnsw;
  lexical?: LexicalPostings;
  figures: () => FigureRecord[];
  vocabulary: LearntWords | null;
  firstId: number;
  count: number;
}

/** One version folder, parsed defensively: every way it can be damaged becomes an IndexDamagedError. */
async function readVersion(indexDir: string, version: string): Promise<StoredIndex> {
  const dir = join(indexDir, version);
  const manifest = parseManifest(dir);
  if (!manifest) throw new IndexDamagedError('manifest.json is unreadable');
  // Checksums, counts and the graph's structure first: hnswlib must never see a damaged graph.
  const problem = problemOf(dir, manifest);
  if (problem) throw new IndexDamagedError(problem);
  const segments = manifest.segments ?? [];
  if (segments.length === 0 && !manifest.removed?.length) {
    const part = await readPart(dir, manifest, manifest.passageCount, manifest.stored, 0);
    return {
      manifest, passage: part.store.passage, vector: part.store.vector, allPassages: part.store.all, facts: part.store, dense: part.dense, lexical: part.lexical, version,
      ...(part.vocabulary ? { vocabulary: withLookup(part.vocabulary) } : {}),
      get figures() {
        return part.figures();
      },
    };
  }
  const parts = [await readPart(dir, manifest, basePassages(manifest), manifest.stored, 0)];
  for (const seg of segments) parts.push(await readPart(join(dir, seg.dir), manifest, seg.passages, seg.stored, seg.firstId));
  const removed = new Uint8Array(manifest.passageCount);
  for (const id of manifest.removed ?? []) removed[id] = 1;
  // hnswlib leaves marked points out of every search (in memory only: the files are not written).
  for (const part of parts) for (const id of manifest.removed ?? []) if (id >= part.firstId && id < part.firstId + part.count) part.dense.markDelete(id - part.firstId);
  const store = combinedStore(parts.map(({ store, firstId }) => ({ store, firstId })), removed);
  let figures: FigureRecord[] | undefined;
  const vocabulary = mergeVocabularies(parts.map((p) => p.vocabulary));
  return {
    manifest, passage: store.passage, vector: store.vector, allPassages: store.all, facts: store, version, removed,
    dense: combinedDense(parts),
    ...(vocabulary ? { vocabulary } : {}),
    ...(parts.every((p) => p.lexical) ? { lexical: parts.map((p) => ({ postings: p.lexical!, firstId: p.firstId })) } : {}),
    get figures() {
      return (figures ??= parts.flatMap((p) => p.figures()).filter((r) => removed[r.passageId] !== 1));
    },
  };
}

/**
 * The graphs of the full build and of the segments searched as one: each returns its nearest (labels numbered
 * within it), merged by distance. Within a segment of a few hundred passages the search is exact.
 */
function combinedDense(parts: Part[]): DenseGraph {
  return {
    getCurrentCount: () => parts.reduce((n, p) => n + p.dense.getCurrentCount(), 0),
    setEf: (ef) => parts.forEach((p) => p.dense.setEf(ef)),
    searchKnn(query, k, filter) {
      const found: { id: number; distance: number }[] = [];
      for (const { dense, firstId, count } of parts) {
        if (count === 0) continue;
        const r = dense.searchKnn(query, Math.min(k, count), filter ? (label: number) => filter(label + firstId) : undefined);
        r.neighbors.forEach((label, i) => found.push({ id: label + firstId, distance: r.distances[i]! }));
      }
      found.sort((a, b) => a.distance - b.distance || a.id - b.id);
      const best = found.slice(0, k);
      return { neighbors: best.map((f) => f.id), distances: best.map((f) => f.distance) };
    },
  };
}

/** The files of one part of a version (the full build's in the folder itself, or a segment's), checked already. */
async function readPart(dir: string, manifest: Manifest, count: number, stored: StoredFiles | undefined, firstId: number): Promise<Part> {
  // hnswlib reads the graph on a thread of its own (the largest file: 2.3 GB at a million passages) while this
  // thread reads the passage layout and the postings.
  const dense = new HierarchicalNSW('cosine', manifest.model.dimension);
  const graphRead = dense.readIndex(join(dir, 'dense.hnsw'), true).then(
    () => null,
    (err: unknown) => new IndexDamagedError(`dense.hnsw is unreadable (${(err as Error).message})`),
  );
  let store: PassageStore;
  let lexical: LexicalPostings | undefined;
  let vocabulary: LearntWords | null = null;
  try {
    if (stored?.['vocabulary.json'] && stored['vocabulary.f32']) vocabulary = readVocabulary(dir, manifest.model.dimension);
    store = stored?.['passages.idx'] ? openStore(dir, count, stored, manifest.model.dimension) : readWholeStore(dir, count, manifest.model.dimension);
    if (stored?.['lexical.bin']) {
      try {
        lexical = decodePostings(readChunked(join(dir, 'lexical.bin')), count, { checkPostings: !untouchedInFolder(dir, 'lexical.bin', stored) });
      } catch (err) {
        throw new IndexDamagedError((err as Error).message);
      }
    }
  } finally {
    // Never leave hnswlib reading while the caller moves on (to an older version, or an error).
    const failed = await graphRead;
    if (failed) throw failed;
  }
  if (dense.getCurrentCount() !== count) throw new IndexDamagedError(`dense.hnsw holds ${dense.getCurrentCount()} passages, the manifest says ${count}`);
  dense.setEf(manifest.hnsw.ef);
  // The figure records (~210 bytes a passage in real reports, ~0.2 GB at a million) are parsed when /check or
  // /compare first needs them, not at every start. The file was checked with the others (hashed when written to
  // since the build), so a record that cannot be parsed later is damage on disk: the fix is the same.
  let figures: FigureRecord[] | undefined;
  const readFigures = () => {
    try {
      return (figures ??= readJsonArray<FigureRecord>(join(dir, 'figures.json')));
    } catch (err) {
      throw new IndexDamagedError(`${join(dir, 'figures.json')} is unreadable (${(err as Error).message}): run "npm run index" to rebuild the index`);
    }
  };
  return { store, dense, lexical, figures: readFigures, vocabulary, firstId, count };
}

/** Passages and vectors stay on disk; passages.idx (checked with the other files) says where each one is. */
function openStore(dir: string, count: number, stored: StoredFiles, dimension: number): PassageStore {
  const passagesPath = join(dir, 'passages.json');
  let layout: ReturnType<typeof readLayout>;
  try {
    layout = readLayout(readChunked(join(dir, 'passages.idx')), count, stored['passages.json'].bytes);
  } catch (err) {
    throw new IndexDamagedError((err as Error).message);
  }
  return diskStore({ passages: passagesPath, vectors: join(dir, 'vectors.f32') }, layout, dimension, () => readJsonArray<Passage>(passagesPath));
}

/** A version written before passages.idx: every passage parsed and every vector read into memory, as before. */
function readWholeStore(dir: string, count: number, dimension: number): PassageStore {
  const { passages, vectors } = readPassagesAndVectors(dir, count, dimension);
  return memoryStore(passages, vectors);
}

/** Every passage and vector of a part's folder, as many as the manifest says (IndexDamagedError otherwise). */
function readPassagesAndVectors(dir: string, count: number, dimension: number): { passages: Passage[]; vectors: Float32Array[] } {
  let passages: Passage[];
  try {
    passages = readJsonArray<Passage>(join(dir, 'passages.json'));
  } catch (err) {
    throw new IndexDamagedError(`passages.json is unreadable (${(err as Error).message})`);
  }
  const raw = readChunked(join(dir, 'vectors.f32'));
  if (raw.byteLength % (4 * dimension) !== 0) throw new IndexDamagedError('vectors.f32 is cut short');
  const vectors = unpackVectors(raw, dimension);
  if (!Array.isArray(passages) || passages.length !== count || vectors.length !== count) {
    throw new IndexDamagedError(`${passages.length} passages and ${vectors.length} vectors where the manifest says ${count}`);
  }
  return { passages, vectors };
}

/**
 * What is wrong with the version CURRENT names (sizes, checksums, counts, graph), or null when it is whole (or
 * there is no index at all).
 */
export function currentProblem(indexDir: string, options: { full?: boolean } = {}): { version: string; problem: string } | null {
  const current = currentVersion(indexDir);
  if (!current) return listVersions(indexDir, null).length > 0 || existsSync(join(indexDir, CURRENT)) ? { version: 'CURRENT', problem: 'CURRENT names no complete version' } : null;
  const dir = join(indexDir, current);
  const manifest = parseManifest(dir);
  if (!manifest) return { version: current, problem: 'manifest.json is unreadable' };
  const problem = problemOf(dir, manifest, options);
  return problem ? { version: current, problem } : null;
}
