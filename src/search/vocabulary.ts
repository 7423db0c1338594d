// Everyday words -> the reports' own indicator words, learnt from the indexed reports with the local model.
// A question word that occurs in no indexed passage (讨回, 能活, 筹) cannot be matched by BM25 nor counted by the
// decision's coverage; its nearest indicator words by cosine (追回, 人均预期寿命, 筹集) stand in for it, as a
// synonym of src/search/synonyms.json does. No word list is written by hand: the indicators are those the figures
// stage read next to the reports' figures, and the model says which are near. The build embeds them and stores
// them with the index (src/index/vocabulary.ts): a question reads them, it never embeds the vocabulary.
import { tokenize } from '../index/tokenize.js';
import { HAN_WORD, type LearntWords } from '../index/vocabulary.js';

export type { LearntWords };

export interface LearntWordsOptions {
  /** Lowest cosine between a question word and an indicator word that may stand in for it (fitted: docs/answers.md round 4). */
  similarity: number;
  /** At most this many indicator words per question word. */
  top: number;
  /**
   * Also a word some passage holds gets its near indicator words, for the decision's coverage only (not searched):
   * 机场 counts as named by a passage saying 旅客吞吐量.
   */
  every?: boolean;
}

/** Cosine of two unit vectors (the model's are normalized). */
export function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/**
 * The vocabulary's vectors as one row-major matrix, made once per vocabulary: a question word is compared with
 * every row in one pass over one typed array instead of thousands of small ones.
 */
const matrices = new WeakMap<LearntWords, Float32Array>();
function matrixOf(learnt: LearntWords): Float32Array {
  let m = matrices.get(learnt);
  if (!m) {
    const d = learnt.vectors[0]?.length ?? 0;
    m = new Float32Array(learnt.vectors.length * d);
    learnt.vectors.forEach((v, i) => m!.set(v, i * d));
    matrices.set(learnt, m);
  }
  return m;
}

/** The indicator words nearest one question word's vector, best first, at or above the similarity asked. */
export function nearestWords(vector: Float32Array, learnt: LearntWords, options: LearntWordsOptions): string[] {
  const m = matrixOf(learnt);
  const d = vector.length;
  const scored: [string, number][] = [];
  for (let i = 0, at = 0; i < learnt.words.length; i++, at += d) {
    // The same sum in the same order as dot(): the same cosine to the last bit.
    let s = 0;
    for (let j = 0; j < d; j++) s += vector[j]! * m[at + j]!;
    if (s >= options.similarity) scored.push([learnt.words[i]!, s]);
  }
  return scored.sort((a, b) => b[1] - a[1]).slice(0, options.top).map(([w]) => w);
}

/** One question word's stand-ins: its nearest indicator words, less those holding the word itself, at most `top`. */
export function standInsOf(word: string, vector: Float32Array, learnt: LearntWords, options: LearntWordsOptions): string[] {
  // A near word holding the question's word (粮食总产量 for 粮食) adds nothing: a passage naming it names the word.
  return nearestWords(vector, learnt, { ...options, top: learnt.words.length }).filter((n) => !n.includes(word)).slice(0, options.top);
}

/** Question words -> their stand-ins, in the same order (possibly none each). */
export type StandIns = (words: string[]) => Promise<string[][]>;

/**
 * Stand-ins found afresh each time: `vectorsOf` embeds the words that are not in the vocabulary (all at once), a
 * vocabulary word has its vector already.
 */
export function standInsBy(vectorsOf: (words: string[]) => Promise<Float32Array[]>, learnt: LearntWords, options: LearntWordsOptions): StandIns {
  return async (words) => {
    if (learnt.words.length === 0) return words.map(() => []);
    const vectors = await vectorsOf(words);
    return words.map((w, i) => standInsOf(w, vectors[i]!, learnt, options));
  };
}

/** The most question words a StandInMemory keeps (least recently asked dropped first). */
export const STAND_IN_MEMORY = 5000;

/**
 * Stand-ins remembered per question word, for one engine: most words recur across questions (政府工作报告's 增长,
 * 目标, 就业), so a word seen before costs no model call and no pass over the vocabulary. A word's vector (the model
 * is asked once for the new words of a question, together, as before) and its stand-ins for the vocabulary and
 * options they were found with are kept together, and dropped together; a word asked while it is still being
 * embedded for another question waits for that vector instead of embedding it again. A word of the vocabulary
 * itself has its vector there. A failed embedding is forgotten (asked again next time).
 */
export function standInMemory(embed: (words: string[]) => Promise<Float32Array[]>, size = STAND_IN_MEMORY) {
  interface Remembered {
    vector?: Promise<Float32Array>;
    near?: { of: LearntWords; options: LearntWordsOptions; words: string[] };
  }
  const memory = new Map<string, Remembered>();
  const recall = (w: string) => {
    const r = memory.get(w);
    if (r) memory.delete(w); // re-inserted as the most recently asked
    const entry = r ?? {};
    memory.set(w, entry);
    return entry;
  };
  return {
    standIns(learnt: LearntWords, options: LearntWordsOptions): StandIns {
      return async (words) => {
        if (learnt.words.length === 0) return words.map(() => []);
        const entries = words.map(recall);
        const known = (w: string) => learnt.vectorOf?.get(w);
        const fresh = (e: Remembered) => e.near?.of === learnt && e.near.options === options;
        // (A word twice in one question is embedded twice in its batch, as it always was: the batch shapes the vectors.)
        const todo = words.filter((w, i) => !fresh(entries[i]!) && !known(w) && !entries[i]!.vector);
        if (todo.length > 0) {
          const embedded = embed(todo);
          todo.forEach((w, i) => {
            const e = memory.get(w)!;
            e.vector = embedded.then((v) => v[i]!);
            e.vector.catch(() => memory.get(w) === e && memory.delete(w));
          });
        }
        while (memory.size > size) memory.delete(memory.keys().next().value!);
        const near: string[][] = [];
        for (const [i, w] of words.entries()) {
          const e = entries[i]!;
          if (!fresh(e)) {
            const vector = known(w) ?? (await e.vector!);
            if (!fresh(e)) e.near = { of: learnt, options, words: standInsOf(w, vector, learnt, options) };
          }
          near.push(e.near!.words);
        }
        return near;
      };
    },
    /** How many words are remembered (tests). */
    get size() {
      return memory.size;
    },
  };
}

/**
 * The question's concepts with the stand-ins of its words that no passage holds (`known` false), and the search
 * terms with them and their words. `standIns` finds each asked word's stand-ins (standInsBy, standInMemory).
 * Concepts of known words are unchanged, so a question the reports' words already answer reads as before.
 */
export async function withLearntWords(
  concepts: string[][],
  terms: string[],
  known: (word: string) => boolean,
  standIns: StandIns,
  options: Pick<LearntWordsOptions, 'every'>,
): Promise<{ concepts: string[][]; terms: string[]; learnt: Record<string, string[]> }> {
  // A concept none of whose alternatives is in the index (a synonym already found one: nothing to learn); with
  // `every`, each concept's word.
  const isUnknown = (alts: string[]) => !alts.some(known);
  const asked = concepts.filter((alts) => HAN_WORD.test(alts[0]!) && (options.every || isUnknown(alts))).map((alts) => alts[0]!);
  if (asked.length === 0) return { concepts, terms, learnt: {} };
  const near = await standIns(asked);
  const mapped: Record<string, string[]> = {};
  asked.forEach((w, i) => {
    if (near[i]!.length > 0) mapped[w] = near[i]!;
  });
  if (Object.keys(mapped).length === 0) return { concepts, terms, learnt: {} };
  const out = concepts.map((alts) => (mapped[alts[0]!] ? [...new Set([...alts, ...mapped[alts[0]!]!])] : alts));
  // Searched: only the stand-ins of words no passage holds (a known word is searched as it is).
  const added = concepts.filter((alts) => mapped[alts[0]!] && isUnknown(alts)).flatMap((alts) => mapped[alts[0]!]!);
  return { concepts: out, terms: [...new Set([...terms, ...added, ...added.flatMap((w) => tokenize(w))])], learnt: mapped };
}
