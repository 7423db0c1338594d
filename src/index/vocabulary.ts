// The learnt vocabulary's words and vectors (src/search/vocabulary.ts), computed and embedded when the index is
// built and stored beside the passages: a question then reads them with the version instead of parsing every
// figure record and embedding every indicator word at the first question (~2 s for 18 reports, minutes for a
// large archive). Each part of a version (the full build's folder, each segment's) holds its own words: a
// segment holds only the words its reports add.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Embedder } from '../embed/index.js';
import type { FigureRecord } from '../figures/records.js';
import { IndexDamagedError } from './integrity.js';
import { tokenize } from './tokenize.js';

export interface LearntWords {
  /** Indicator words of the index, each in at least two passages. */
  words: string[];
  /** Their unit vectors, in the same order. */
  vectors: Float32Array[];
  /** Each word's vector by the word. */
  vectorOf?: Map<string, Float32Array>;
}

export const VOCABULARY_WORDS = 'vocabulary.json';
export const VOCABULARY_VECTORS = 'vocabulary.f32';

/** A word the vocabulary may hold: two to eight Chinese characters. */
export const HAN_WORD = /^\p{Script=Han}{2,8}$/u;

/**
 * At most this many words: every question word is compared with every vocabulary vector (~1 ms per 1,000 words
 * and question word, measured: docs/answers.md round 4). 18 whole reports (3,690 passages) have 1,366 words; the
 * count grows about as passages^0.6, so ~9,600 words at 100,000 passages and ~37,000 at a million, which would
 * cost tens of milliseconds a question. Past the cap the words named in the most passages are kept.
 */
export const VOCABULARY_CAP = 3000;

/** In how many passages each indicator word of the records is named: the indicator itself and its words, Chinese only. */
export function wordPassages(records: Pick<FigureRecord, 'indicator' | 'passageId'>[]): Map<string, number> {
  const passages = new Map<string, Set<number>>();
  for (const r of records) {
    for (const w of new Set([r.indicator, ...tokenize(r.indicator)])) {
      if (!HAN_WORD.test(w)) continue;
      let set = passages.get(w);
      if (!set) passages.set(w, (set = new Set()));
      set.add(r.passageId);
    }
  }
  return new Map([...passages].map(([w, s]) => [w, s.size]));
}

/**
 * The indicator words of a set of figure records: each record's indicator ("粮食总产量") and its words (粮食,
 * 总产量), two to eight Chinese characters, named in at least `minPassages` passages (a word of one passage is
 * more likely that passage's own phrase than an indicator); past `cap` words, those named in the most passages.
 * For a segment: words in `known` are left out before the cap (the version has them), and a word in `once` (named
 * in one passage of the version) counts one passage more.
 */
export function indicatorWords(records: Pick<FigureRecord, 'indicator' | 'passageId'>[], minPassages = 2, cap = VOCABULARY_CAP, known: Set<string> = new Set(), once: Set<string> = new Set()): string[] {
  const words = [...wordPassages(records)].map(([w, n]) => [w, n + (once.has(w) ? 1 : 0)] as const).filter(([w, n]) => n >= minPassages && !known.has(w));
  const kept = words.length <= cap ? words : words.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, cap);
  return kept.map(([w]) => w).sort();
}

/** Words the records name in one passage only, less those in `known` or `once` already: a second passage later makes them indicator words. */
export function onceWords(records: Pick<FigureRecord, 'indicator' | 'passageId'>[], known: Set<string> = new Set(), once: Set<string> = new Set()): string[] {
  return [...wordPassages(records)].filter(([w, n]) => n === 1 && !known.has(w) && !once.has(w)).map(([w]) => w).sort();
}

/**
 * Embed words as the vocabulary does (batches of 32: at build, ~2 s for the 1,400 words of 18 whole reports). A
 * word of `reuse` (the previous version's vocabulary) keeps its vector: only new words are embedded, all at once,
 * as an ingest embeds a segment's new words, so a full build and segments give a word the same vector.
 */
export async function embedWords(words: string[], model: Pick<Embedder, 'embed'>, reuse?: Map<string, Float32Array>): Promise<LearntWords> {
  const todo = words.filter((w) => !reuse?.has(w));
  const fresh = todo.length > 0 ? await model.embed(todo, { batchSize: 32 }) : [];
  const vectorOf = new Map(todo.map((w, i) => [w, fresh[i]!]));
  return withLookup({ words, vectors: words.map((w) => vectorOf.get(w) ?? reuse!.get(w)!) });
}

/** The indicator words of `records`, embedded. */
export async function learnWords(records: Pick<FigureRecord, 'indicator' | 'passageId'>[], model: Pick<Embedder, 'embed'>, reuse?: Map<string, Float32Array>): Promise<LearntWords> {
  return embedWords(indicatorWords(records), model, reuse);
}

export function withLookup(learnt: LearntWords): LearntWords {
  return { ...learnt, vectorOf: new Map(learnt.words.map((w, i) => [w, learnt.vectors[i]!])) };
}

/**
 * Write the words and `once` (JSON: { words, once }) and the words' vectors (float32 rows) into a part's folder.
 * `once`: words named in one passage only, kept so that an ingest counts a second passage as a full build would.
 */
export function writeVocabulary(dir: string, learnt: LearntWords, once: string[], dimension: number): void {
  const flat = new Float32Array(learnt.words.length * dimension);
  learnt.vectors.forEach((v, i) => flat.set(v, i * dimension));
  writeFileSync(join(dir, VOCABULARY_WORDS), JSON.stringify({ words: learnt.words, once }));
  writeFileSync(join(dir, VOCABULARY_VECTORS), Buffer.from(flat.buffer, flat.byteOffset, flat.byteLength));
}

/** The words and once-named words a part's folder holds (no vectors: what an ingest needs to know which words are new). */
export function readVocabularyWords(dir: string): { words: string[]; once: string[] } {
  const read = JSON.parse(readFileSync(join(dir, VOCABULARY_WORDS), 'utf8')) as { words?: unknown; once?: unknown };
  const list = (x: unknown): x is string[] => Array.isArray(x) && x.every((w) => typeof w === 'string');
  if (!list(read?.words) || !list(read.once)) throw new IndexDamagedError(`${VOCABULARY_WORDS} is not two lists of words`);
  return { words: read.words, once: read.once };
}

/** A part's words and vectors (checked with the other data files already), or null for a version written before they were stored. */
export function readVocabulary(dir: string, dimension: number): LearntWords | null {
  if (!existsSync(join(dir, VOCABULARY_WORDS))) return null;
  let words: string[];
  try {
    words = readVocabularyWords(dir).words;
  } catch (err) {
    throw new IndexDamagedError(`${VOCABULARY_WORDS} is unreadable (${(err as Error).message})`);
  }
  const raw = readFileSync(join(dir, VOCABULARY_VECTORS));
  if (raw.byteLength !== words.length * dimension * 4) throw new IndexDamagedError(`${VOCABULARY_VECTORS} holds ${raw.byteLength / (4 * dimension)} vectors, ${VOCABULARY_WORDS} ${words.length} words`);
  const flat = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  return { words, vectors: words.map((_, i) => flat.subarray(i * dimension, (i + 1) * dimension)) };
}

/** The words of every part, the full build's first, as one vocabulary (a segment holds only words new to the parts before it). */
export function mergeVocabularies(parts: (LearntWords | null)[]): LearntWords | undefined {
  if (parts.some((p) => p === null)) return undefined;
  return withLookup({ words: parts.flatMap((p) => p!.words), vectors: parts.flatMap((p) => p!.vectors) });
}
