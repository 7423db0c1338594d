// Opening the product: the index is built or refreshed when missing or stale (saying so, and never while another
// process writes it), then the engine reads it. The one place where the read side (search/) meets the write side (index/build).
import type { Config } from '../config/index.js';
import { type Embedder, loadEmbedder } from '../embed/index.js';
import type { BuildReport, Progress } from '../index/build.js';
import { readIndex, type StoredIndex } from '../index/store.js';
import { type Logger, silentLogger } from '../log.js';
import { ensureIndex, lockedUpdate } from './guarded.js';
import { ANSWER_MEMORY, createEngine, DEFAULT_RANK, type RankOptions } from '../search/engine.js';
import { loadQuestionWords } from '../search/understand.js';
import type { Engine } from '../types.js';

export type { Progress };

export type OpenedEngine = Engine & { rank: RankOptions; readonly index: StoredIndex; readonly embedder: Embedder };

export interface OpenOptions {
  log?: Logger;
  onProgress?: (p: Progress) => void;
  rank?: Partial<RankOptions>;
  /** Reuse an already loaded embedder (tests, benchmarks). */
  embedder?: Embedder;
  /** Load the model in a worker thread (the bot, with config.embedWorker): questions are embedded beside the ranking. */
  embedInWorker?: boolean;
  /** Answers remembered (the same question, filters and index version answered once): ANSWER_MEMORY when unset; 0 for benchmarks of one answer's cost. */
  answerMemory?: number;
}

/** Open the engine: build or refresh the index when needed (saying so), load model and index once. */
export async function openEngine(config: Config, options: OpenOptions = {}): Promise<OpenedEngine> {
  const log = options.log ?? silentLogger;
  let embedder: Promise<Embedder> | undefined = options.embedder ? Promise.resolve(options.embedder) : undefined;
  const getEmbedder = () => (embedder ??= loadEmbedder(config, { worker: options.embedInWorker ?? false, onWarning: (m) => log.warn(m) }));

  await ensureIndex(config, { log, embedder: getEmbedder, onProgress: options.onProgress, warn: (m) => log.warn(m) });
  const [model, index] = await Promise.all([getEmbedder(), readIndex(config.indexDir, { warn: (m) => log.warn(m) })]);
  const synonyms = loadQuestionWords(config);
  const words = config.learntWords === null ? null : config.learntWords === undefined ? DEFAULT_RANK.learntWords! : { ...DEFAULT_RANK.learntWords!, similarity: config.learntWords };
  const learntWords = words && !config.learntPhrases ? { ...words, phrase: undefined } : words;
  return createEngine(index, model, synonyms, { ...DEFAULT_RANK, learntWords, ...options.rank }, config.indexDir, options.answerMemory ?? ANSWER_MEMORY);
}

/**
 * Bring the index in line with corpus/ without opening an engine (npm run index): only what changed is embedded;
 * a damaged current version (sizes, checksums, counts, graph: checked on every open) is rebuilt. Queued behind any other writer.
 */
export function buildIndex(
  config: Config,
  options: { log: Logger; onProgress?: (p: Progress) => void; force?: boolean },
): Promise<BuildReport> {
  return lockedUpdate(config, 'index', {
    log: options.log,
    embedder: () => loadEmbedder(config),
    onProgress: options.onProgress,
    warn: (m) => options.log.warn(m),
    force: options.force ?? false,
  });
}
