// Scale: synthetic archives of 100,000 and 1,000,000 passages. HNSW build time, size on disk, resident
// memory, dense latency and recall@10 against exact search for a sweep of ef, and (up to e2eMax passages)
// the real search path end to end over the synthetic archive.
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import hnswlib from 'hnswlib-node';
import type { Embedder } from '../embed/index.js';
import { writeChunked } from '../index/large-file.js';
import { progressMeter } from '../index/progress.js';
import { ingestReports } from '../app/ingest.js';
import { parseConfig } from '../config/index.js';
import { hashBytes } from '../corpus/load.js';
import { PIPELINE_FINGERPRINT } from '../index/build.js';
import { buildHnsw, currentVersion, type HnswParams, type Manifest, packVectors, readIndex, writeIndex } from '../index/store.js';
import type { Logger } from '../log.js';
import { createEngine, DEFAULT_RANK } from '../search/engine.js';
import type { Synonyms } from '../search/understand.js';
import type { Passage } from '../types.js';
import { type ArchiveColdStart, benchArchiveColdStart } from './cold.js';
import { collectGarbage, type MemorySample, memorySample } from './memory.js';
import { recallAtK, round, type Summary, summarize } from './stats.js';
import { perturbQueries, synthesizeCorpus, synthesizeVectors } from './synthetic.js';
import { timeQueries, type StageSummaries } from './latency.js';

const { BruteforceSearch } = hnswlib;

export interface ScaleOptions {
  sizes: number[];
  hnsw: HnswParams;
  /** ef values to sweep (recall and latency each); the configured ef is always included. */
  efSweep: number[];
  /** Noisy copies of each real question embedding used as dense queries. */
  queryCopies: number;
  /** Run the real search path end to end for sizes up to this many passages. */
  e2eMax: number;
  /** Passes over the questions for the end-to-end latency. */
  e2eRepeats: number;
  /** The report added to each end-to-end archive (ingest measurement) and questions about it with their answers. */
  ingest: { file: string; questions: { question: string; answer: string }[] };
  /** Reports added one after the other (the first as above, then copies of it under other names): the segments' merging. */
  ingests?: number;
  /** Segments of one tier merged into one (src/index/build.ts MERGE_FANOUT when unset; a large number: never). */
  mergeFanout?: number;
  workDir: string;
  log: Logger;
}

export interface EfPoint {
  ef: number;
  recallAt10: number;
  p50Ms: number;
  p95Ms: number;
}

export interface ScaleRow {
  passages: number;
  hnsw: HnswParams;
  synthesizeS: number;
  buildS: number;
  /** Bytes on disk: HNSW graph (with its own copy of the vectors), raw vectors, passages JSON (e2e sizes only). */
  disk: { dense: number; vectors: number; passages: number | null; total: number };
  /**
   * Resident set size of the bench process with the synthetic vectors and graph in memory, and what each added
   * (vectors: the synthetic vectors, and passages for end-to-end sizes; hnsw: the graph with its copy of the vectors).
   */
  memory: { rssWithIndex: number; hnsw: number; vectors: number };
  queries: number;
  /** At the configured ef. */
  dense: EfPoint;
  efSweep: EfPoint[];
  exactP50Ms: number;
  e2e: null | {
    /** Reading the index from disk (readIndex). */
    loadS: number;
    /** createEngine: the BM25 index over every passage (jieba) and per-passage lookups. */
    openS: number;
    rssWithEngine: number;
    /** What the archive added to the process (rssWithEngine minus the resident size before it was made). */
    rssAdded: number;
    total: Summary;
    stages: StageSummaries;
    /** A fresh process: start, model, index read (checksums and all), engine, first answer (src/bench/cold-probe.ts). */
    coldStart: ArchiveColdStart;
    /** One report added to the archive through the real ingest path, then its questions asked. */
    ingest: IngestRow;
  };
}

export async function benchScale(
  real: { passages: Passage[]; vectors: Float32Array[] },
  questionVectors: Float32Array[],
  questions: string[],
  embedder: Embedder,
  synonyms: Synonyms,
  options: ScaleOptions,
): Promise<ScaleRow[]> {
  const rows: ScaleRow[] = [];
  for (const size of options.sizes) {
    options.log.info(`scale: ${size.toLocaleString('en-US')} passages`);
    rows.push(await benchOneSize(real, questionVectors, questions, embedder, synonyms, size, options));
    collectGarbage();
  }
  return rows;
}

async function benchOneSize(
  real: { passages: Passage[]; vectors: Float32Array[] },
  questionVectors: Float32Array[],
  questions: string[],
  embedder: Embedder,
  synonyms: Synonyms,
  size: number,
  options: ScaleOptions,
): Promise<ScaleRow> {
  const { log } = options;
  const dir = join(options.workDir, `scale-${size}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const before = memorySample();

  const started = performance.now();
  const corpus = size <= options.e2eMax ? synthesizeCorpus(real.passages, real.vectors, size) : { vectors: synthesizeVectors(real.passages, real.vectors, size) };
  const synthesizeS = (performance.now() - started) / 1000;
  log.info(`scale ${size}: synthesized in ${synthesizeS.toFixed(1)} s`);
  const graph = await measureGraph(corpus, questionVectors, dir, before, options);

  // The real path: read the index from disk as the bot does, open the engine, ask the real questions.
  let e2e: ScaleRow['e2e'] = null;
  if ('passages' in corpus) {
    corpus.passages.length = 0;
    corpus.vectors.length = 0;
    collectGarbage();
    let t = performance.now();
    const index = await readIndex(dir);
    const loadS = (performance.now() - t) / 1000;
    t = performance.now();
    const engine = createEngine(index, embedder, synonyms, DEFAULT_RANK);
    const openS = (performance.now() - t) / 1000;
    const rssWithEngine = memorySample().rss;
    log.info(`scale ${size}: index read in ${loadS.toFixed(1)} s, engine opened in ${openS.toFixed(1)} s; querying…`);
    const timed = await timeQueries(engine, questions, options.e2eRepeats);
    log.info(`scale ${size}: cold start of a fresh process, 3 runs…`);
    const coldStart = await benchArchiveColdStart(dir, questions[0]!, 3);
    log.info(`scale ${size}: cold start ${coldStart.runs.join(', ')} s; ${JSON.stringify(coldStart.phases)}`);
    log.info(`scale ${size}: adding ${basename(options.ingest.file)} through the ingest path…`);
    const ingest = await benchIngest(dir, embedder, synonyms, options, questions);
    log.info(`scale ${size}: ${JSON.stringify(ingest)}`);
    e2e = { loadS: round(loadS), openS: round(openS), rssWithEngine, rssAdded: rssWithEngine - before.rss, total: timed.total, stages: timed.stages, coldStart, ingest };
  }
  rmSync(dir, { recursive: true, force: true });
  return { passages: size, hnsw: options.hnsw, synthesizeS: round(synthesizeS), ...graph, e2e };
}

type GraphFigures = Pick<ScaleRow, 'buildS' | 'disk' | 'memory' | 'queries' | 'dense' | 'efSweep' | 'exactP50Ms'>;

/** Build the HNSW graph, write it, and measure it against exact search; the graph is dropped on return. */
async function measureGraph(
  corpus: { vectors: Float32Array[]; passages?: Passage[]; manifest?: Manifest },
  questionVectors: Float32Array[],
  dir: string,
  before: MemorySample,
  options: ScaleOptions,
): Promise<GraphFigures> {
  const { hnsw, log } = options;
  const { vectors } = corpus;
  const dim = vectors[0]!.length;
  const afterVectors = memorySample();
  log.info(`scale ${vectors.length}: building HNSW (M ${hnsw.M}, efConstruction ${hnsw.efConstruction})…`);
  const started = performance.now();
  // Progress with the time left, as `npm run index` reports it, every 30 s (the million takes ~20 minutes).
  const meter = progressMeter();
  let said = 0;
  const dense = buildHnsw(vectors, dim, hnsw, (done, total) => {
    const line = meter({ phase: 'graph', done, total });
    if (line && (performance.now() - said > 30_000 || done === total)) {
      said = performance.now();
      log.info(`scale ${total}: ${line}`);
    }
  });
  const buildS = (performance.now() - started) / 1000;
  const afterHnsw = memorySample();
  log.info(`scale ${vectors.length}: HNSW built in ${buildS.toFixed(1)} s`);

  // On disk: the project's own format when there are passages, else the graph and the raw vectors alone.
  let disk: ScaleRow['disk'];
  if (corpus.passages && corpus.manifest) {
    const version = await writeIndex(dir, { ...corpus.manifest, hnsw }, corpus.passages, vectors, dense);
    const sizes = fileSizes(join(dir, version));
    disk = { dense: sizes['dense.hnsw'] ?? 0, vectors: sizes['vectors.f32'] ?? 0, passages: sizes['passages.json'] ?? 0, total: sum(Object.values(sizes)) };
  } else {
    await dense.writeIndex(join(dir, 'dense.hnsw'));
    writeChunked(join(dir, 'vectors.f32'), packVectors(vectors, dim));
    const sizes = fileSizes(dir);
    disk = { dense: sizes['dense.hnsw'] ?? 0, vectors: sizes['vectors.f32'] ?? 0, passages: null, total: sum(Object.values(sizes)) };
  }

  // Quality and speed against exact search, over noisy copies of the real questions' embeddings.
  const queries = perturbQueries(questionVectors, options.queryCopies, 0.2, 7);
  const exact = exactTopK(vectors, queries, 10);
  log.info(`scale ${vectors.length}: exact search ${exact.p50Ms.toFixed(1)} ms per query (p50)`);
  const efs = [...new Set([...options.efSweep, hnsw.ef])].sort((a, b) => a - b);
  const efSweep = efs.map((ef) => {
    const point = measureEf(dense, queries, exact.ids, ef);
    log.info(`scale ${vectors.length}: ef ${ef}: recall@10 ${point.recallAt10}, p50 / p95 ${point.p50Ms} / ${point.p95Ms} ms`);
    return point;
  });
  log.info(`scale ${vectors.length}: on disk ${JSON.stringify(disk)}; resident ${JSON.stringify(memorySample())}`);
  return {
    buildS: round(buildS),
    disk,
    memory: { rssWithIndex: afterHnsw.rss, hnsw: afterHnsw.rss - afterVectors.rss, vectors: afterVectors.rss - before.rss },
    queries: queries.length,
    dense: efSweep.find((p) => p.ef === hnsw.ef)!,
    efSweep,
    exactP50Ms: round(exact.p50Ms, 1),
  };
}

function exactTopK(vectors: Float32Array[], queries: Float32Array[], k: number): { ids: number[][]; p50Ms: number } {
  const dim = vectors[0]!.length;
  const exact = new BruteforceSearch('cosine', dim);
  exact.initIndex(vectors.length);
  vectors.forEach((v, i) => exact.addPoint(Array.from(v), i));
  const times: number[] = [];
  const ids = queries.map((q) => {
    const t = performance.now();
    const r = exact.searchKnn(Array.from(q), k);
    times.push(performance.now() - t);
    return r.neighbors;
  });
  return { ids, p50Ms: summarize(times).p50 };
}

function measureEf(dense: InstanceType<typeof hnswlib.HierarchicalNSW>, queries: Float32Array[], exact: number[][], ef: number): EfPoint {
  dense.setEf(ef);
  const arrays = queries.map((q) => Array.from(q));
  for (const q of arrays.slice(0, 20)) dense.searchKnn(q, 10); // warm the caches
  const times: number[] = [];
  const found = arrays.map((q) => {
    const t = performance.now();
    const r = dense.searchKnn(q, 10);
    times.push(performance.now() - t);
    return r.neighbors;
  });
  const s = summarize(times);
  return { ef, recallAt10: round(recallAtK(found, exact, 10), 4), p50Ms: round(s.p50, 3), p95Ms: round(s.p95, 3) };
}

function fileSizes(dir: string): Record<string, number> {
  return Object.fromEntries(readdirSync(dir).map((f) => [f, statSync(join(dir, f)).size]));
}

const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);


export interface IngestRow {
  file: string;
  passagesBefore: number;
  /** Passages of the report added. */
  added: number;
  /** Seconds from the call to ingestReports to the new version written (validation, embedding, segment, switch). */
  seconds: number;
  /** Of which updateIndex (reading the report again, embedding, writing the segment). */
  buildS: number;
  /** Was it added as a segment (no rebuild)? */
  segment: boolean;
  /** Questions about the report whose first result comes from it and holds the answer. */
  answered: number;
  asked: number;
  /** With --ingests N: the seconds of each later ingest, the segments' passages after the last, and warm latency then. */
  after?: { ingests: number; seconds: number[]; segments: number[]; warm: { p50: number; p95: number } };
}

/**
 * One report added to a synthetic archive through the real ingest path (ingestReports: validation, the write
 * lock, updateIndex), timed, then questions about it asked of the new version. The synthetic archive is made to
 * look built by this code from a corpus folder: a small stand-in file per synthetic report, its hash and stamp
 * in the manifest, the pipeline fingerprint and the model's id.
 */
async function benchIngest(indexDir: string, embedder: Embedder, synonyms: Synonyms, options: ScaleOptions, questions: string[]): Promise<IngestRow> {
  const { ingest } = options;
  const corpusDir = join(dirname(indexDir), `${basename(indexDir)}-corpus`);
  mkdirSync(corpusDir, { recursive: true });
  const version = currentVersion(indexDir)!;
  const manifestPath = join(indexDir, version, 'manifest.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
  const files = manifest.files.map((f) => {
    const path = join(corpusDir, f.file);
    const bytes = Buffer.from(`synthetic report ${f.file}\n`);
    writeFileSync(path, bytes);
    const { size, mtimeMs, ino } = statSync(path);
    const sha256 = hashBytes(bytes);
    return { ...f, hash: sha256, stamp: { bytes: size, mtimeMs, ino, sha256 } };
  });
  writeFileSync(manifestPath, JSON.stringify({ ...manifest, files, pipeline: PIPELINE_FINGERPRINT, model: { ...manifest.model, id: embedder.modelId } }, null, 2));
  const config = parseConfig({ CORPUS_DIR: corpusDir, INDEX_DIR: indexDir });
  const build = { embedder: async () => embedder, ...(options.mergeFanout ? { mergeFanout: options.mergeFanout } : {}) };
  const report = readFileSync(ingest.file);
  const started = performance.now();
  const { outcomes, build: built } = await ingestReports(config, [{ name: basename(ingest.file), bytes: new Uint8Array(report) }], build);
  const seconds = (performance.now() - started) / 1000;
  const added = outcomes[0]?.status === 'added' ? outcomes[0].facts.passages : 0;
  const index = await readIndex(indexDir);
  const engine = createEngine(index, embedder, synonyms, DEFAULT_RANK);
  let answered = 0;
  for (const { question, answer } of ingest.questions) {
    const top = (await engine.search(question)).results[0];
    if (top?.source.file === basename(ingest.file) && (top.highlight.includes(answer) || top.figures.includes(answer))) answered++;
  }
  // More reports, one ingest each (copies of the same report, a line added so that none is a duplicate: what is
  // measured is the segments, not the text).
  const more: number[] = [];
  for (let k = 2; k <= (options.ingests ?? 1); k++) {
    const bytes = new Uint8Array(Buffer.concat([report, Buffer.from(`\n副本${k}。\n`)]));
    const t = performance.now();
    await ingestReports(config, [{ name: basename(ingest.file).replace(/(\.\w+)$/, `-copy-${k}$1`), bytes }], build);
    more.push(round((performance.now() - t) / 1000, 2));
  }
  let after: IngestRow['after'];
  if (more.length > 0) {
    const last = await readIndex(indexDir);
    const timed = await timeQueries(createEngine(last, embedder, synonyms, DEFAULT_RANK), questions, options.e2eRepeats);
    after = { ingests: more.length + 1, seconds: more, segments: last.manifest.segments?.map((seg) => seg.passages) ?? [], warm: { p50: timed.total.p50, p95: timed.total.p95 } };
  }
  rmSync(corpusDir, { recursive: true, force: true });
  return {
    file: basename(ingest.file), passagesBefore: manifest.passageCount, added, seconds: round(seconds, 2), buildS: round(built?.seconds ?? 0, 2),
    segment: (index.manifest.segments?.length ?? 0) > 0, answered, asked: ingest.questions.length, ...(after ? { after } : {}),
  };
}
