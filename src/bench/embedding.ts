// Embedding throughput: the project's path (loadEmbedder → embed, as the index build uses it) against the
// same model in a bare onnxruntime-node session with the same tokenizer on the same passages, plus the
// levers that matter on a small machine (batch size, sorting by length, threads).
import type { Config } from '../config/index.js';
import { DEFAULT_BATCH_SIZE, DEFAULT_THREADS, type Embedder, loadEmbedder } from '../embed/index.js';
import type { Logger } from '../log.js';
import { type BareEmbedder, loadBareEmbedder, loadTokenizer, type SessionSettings } from './bare.js';
import { maxAbsDiff, median, round } from './stats.js';

export interface LeverRun {
  path: 'project' | 'bare';
  threads: number | null;
  batchSize: number;
  sorted: boolean;
  passagesPerSecond: number;
}

export interface EmbeddingResult {
  passages: number;
  meanChars: number;
  /** Loading the project's embedder (tokenizer, model file, ONNX session), seconds. */
  modelLoadS: number;
  /** The project's path with its defaults, median over rounds. */
  project: { passagesPerSecond: number; batchSize: number; threads: number };
  /** The best bare configuration found by the sweep, median over the same rounds. */
  bare: { passagesPerSecond: number; batchSize: number; threads: number; sorted: boolean };
  /** project / bare, the median of per-round ratios (each round runs both back to back). */
  ratio: number;
  rounds: number;
  /** Largest difference between a project vector and the bare one (same batches, same threads). */
  maxAbsDiff: number;
  levers: LeverRun[];
}

export interface EmbeddingOptions {
  batchSizes: number[];
  threads: number[];
  rounds: number;
  log: Logger;
}

const rate = async (n: number, work: () => Promise<unknown>) => {
  const started = performance.now();
  await work();
  return n / ((performance.now() - started) / 1000);
};

export async function benchEmbedding(config: Config, texts: string[], options: EmbeddingOptions): Promise<EmbeddingResult> {
  const { log } = options;
  const started = performance.now();
  const project = await loadEmbedder(config, { queryCache: 0 });
  const modelLoadS = (performance.now() - started) / 1000;
  const projects = new Map<number, Embedder>();
  const bare = new Map<number, BareEmbedder>();
  const tokenizer = await loadTokenizer(config);
  for (const threads of options.threads) {
    projects.set(threads, threads === DEFAULT_THREADS ? project : await loadEmbedder(config, { threads, queryCache: 0 }));
    bare.set(threads, await loadBareEmbedder(config, settingsFor(threads), tokenizer));
  }

  // Warm-up: first runs allocate ORT's arenas and JIT the tokenizer.
  for (const p of projects.values()) await p.embed(texts.slice(0, 32));
  for (const b of bare.values()) await b.embed(texts.slice(0, 32), { batchSize: 8, sorted: true });

  // The levers, one pass each.
  const levers: LeverRun[] = [];
  for (const batchSize of options.batchSizes) {
    for (const threads of options.threads) {
      const p = projects.get(threads)!;
      const b = bare.get(threads)!;
      levers.push({ path: 'project', threads, batchSize, sorted: true, passagesPerSecond: await rate(texts.length, () => p.embed(texts, { batchSize })) });
      for (const sorted of [true, false]) {
        levers.push({ path: 'bare', threads, batchSize, sorted, passagesPerSecond: await rate(texts.length, () => b.embed(texts, { batchSize, sorted })) });
      }
    }
    log.info(`embedding: batch size ${batchSize} measured`);
  }
  const best = levers.filter((l) => l.path === 'bare').reduce((a, b) => (b.passagesPerSecond > a.passagesPerSecond ? b : a));
  const bestBare = bare.get(best.threads!)!;

  // Head to head, interleaved so that load from elsewhere on the machine hits both alike.
  const projectRates: number[] = [];
  const bareRates: number[] = [];
  const ratios: number[] = [];
  for (let r = 0; r < options.rounds; r++) {
    const p = await rate(texts.length, () => project.embed(texts));
    const b = await rate(texts.length, () => bestBare.embed(texts, { batchSize: best.batchSize, sorted: best.sorted }));
    projectRates.push(p);
    bareRates.push(b);
    ratios.push(p / b);
  }

  // Same computation: with the same batches the vectors must agree to float rounding.
  const projectVectors = await project.embed(texts);
  const bareVectors = await bare.get(DEFAULT_THREADS)!.embed(texts, { batchSize: DEFAULT_BATCH_SIZE, sorted: true });
  const diff = Math.max(...projectVectors.map((v, i) => maxAbsDiff(v, bareVectors[i]!)));

  return {
    passages: texts.length,
    meanChars: round(texts.reduce((s, t) => s + [...t].length, 0) / texts.length, 1),
    modelLoadS: round(modelLoadS),
    project: { passagesPerSecond: round(median(projectRates), 1), batchSize: DEFAULT_BATCH_SIZE, threads: DEFAULT_THREADS },
    bare: { passagesPerSecond: round(median(bareRates), 1), batchSize: best.batchSize, threads: best.threads!, sorted: best.sorted },
    ratio: round(median(ratios), 3),
    rounds: options.rounds,
    maxAbsDiff: diff,
    levers: levers.map((l) => ({ ...l, passagesPerSecond: round(l.passagesPerSecond, 1) })),
  };
}

function settingsFor(threads: number): SessionSettings {
  return { intraOpNumThreads: threads, executionMode: 'sequential', graphOptimizationLevel: 'all' };
}
