// Everyday words -> the reports' own indicator words, learnt from the indexed reports with the local model.
// A question word that occurs in no indexed passage (讨回, 能活, 筹) cannot be matched by BM25 nor counted by the
// decision's coverage; its nearest indicator words by cosine (追回, 人均预期寿命, 筹集) stand in for it, as a
// synonym of src/search/synonyms.json does. No word list is written by hand: the indicators are those the figures
// stage read next to the reports' figures, and the model says which are near. The build embeds them and stores
// them with the index (src/index/vocabulary.ts): a question reads them, it never embeds the vocabulary.
import { UNITS } from '../clean/figures.js';
import { tokenize } from '../index/tokenize.js';
import { HAN_WORD, type LearntWords } from '../index/vocabulary.js';
import { lru } from '../remember.js';

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
  /**
   * Stand-ins for the question's everyday phrase, which no single word of it is near (住在城里的人占多大比例 →
   * 常住人口城镇化率, 打多少粮食 → 粮食产量): the question's own vector (embedded for the search anyway: no model
   * call of its own) against the indicator words, the nearest at cosine ≥ `similarity` (at most `top`). Each
   * stands in for the question's words whose own vectors agree with it (cosine ≥ `words`, or ≥ `unknownWords`
   * for a word no passage holds, which it is then also searched for) and, when it extends a word the question
   * names (粮食 → 粮食产量), for the question's one-character words (打, 收: the everyday verbs around that word).
   * Absent: word by word only. Fitted: docs/answers.md "Round 5: everyday phrases".
   */
  phrase?: { similarity: number; top: number; words: number; unknownWords: number };
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

/** Question words -> their stand-ins, in the same order (possibly none each); `vectors`: the words' own vectors (the phrase needs them). */
export type StandIns = ((words: string[]) => Promise<string[][]>) & { vectors: (words: string[]) => Promise<Float32Array[]> };

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
  const memory = lru<string, Remembered>(size);
  const recall = (w: string) => {
    let entry = memory.get(w);
    if (!entry) memory.set(w, (entry = {}));
    return entry;
  };
  return {
    standIns(learnt: LearntWords, options: LearntWordsOptions): StandIns {
      const near = async (words: string[]) => {
        if (learnt.words.length === 0) return words.map(() => []);
        const entries = words.map(recall);
        const known = (w: string) => learnt.vectorOf?.get(w);
        const fresh = (e: Remembered) => e.near?.of === learnt && e.near.options === options;
        // (A word twice in one question is embedded twice in its batch, as it always was: the batch shapes the vectors.)
        const todo = words.flatMap((w, i) => (!fresh(entries[i]!) && !known(w) && !entries[i]!.vector ? [{ w, e: entries[i]! }] : []));
        if (todo.length > 0) {
          const embedded = embed(todo.map((t) => t.w));
          todo.forEach(({ w, e }, i) => {
            e.vector = embedded.then((v) => v[i]!);
            e.vector.catch(() => memory.get(w) === e && memory.delete(w));
          });
        }
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
      // After `near` for the same words: remembered, no model call (a word forgotten meanwhile is embedded again).
      const vectors = (words: string[]) =>
        Promise.all(words.map(async (w) => learnt.vectorOf?.get(w) ?? (await memory.get(w)?.vector) ?? (await embed([w]))[0]!));
      return Object.assign(near, { vectors });
    },
    /** How many words are remembered (tests). */
    get size() {
      return memory.size;
    },
  };
}

/**
 * The question's concepts with the stand-ins of its words that no passage holds (`known` false), and the search
 * terms with them and their words. `standIns` finds each asked word's stand-ins (standInMemory).
 * Concepts of known words are unchanged, so a question the reports' words already answer reads as before.
 */
export async function withLearntWords(
  concepts: string[][],
  terms: string[],
  known: (word: string) => boolean,
  standIns: StandIns,
  learnt: LearntWords,
  options: LearntWordsOptions,
  question?: { text: string; vector: () => Promise<Float32Array> },
): Promise<{ concepts: string[][]; terms: string[]; learnt: Record<string, string[]> }> {
  // A concept none of whose alternatives is in the index (a synonym already found one: nothing to learn); with
  // `every`, each concept's word.
  const isUnknown = (alts: string[]) => !alts.some(known);
  const phrase = options.phrase && question ? options.phrase : undefined;
  // Every word's vector is needed to tell which words the phrase's indicator word stands in for.
  const asked = concepts.filter((alts) => HAN_WORD.test(alts[0]!) && (options.every || phrase || isUnknown(alts))).map((alts) => alts[0]!);
  if (asked.length === 0 || learnt.words.length === 0) return { concepts, terms, learnt: {} };
  const [found, questionVector] = await Promise.all([standIns(asked), phrase ? question!.vector() : undefined]);
  const mapped: Record<string, string[]> = {};
  asked.forEach((w, i) => {
    if (!options.every && !isUnknown(concepts.find((alts) => alts[0] === w)!)) return;
    // A copy: the phrase below adds to it, and `standIns` may hand out what it remembers.
    if (found[i]!.length > 0) mapped[w] = [...found[i]!];
  });
  if (phrase && questionVector) {
    const vectors = await standIns.vectors(asked);
    const vectorOf = (w: string) => learnt.vectorOf?.get(w) ?? learnt.vectors[learnt.words.indexOf(w)]!;
    // The phrase's indicator word, unless the question names it already.
    for (const near of nearestWords(questionVector, learnt, phrase).filter((n) => !question!.text.includes(n))) {
      asked.forEach((w, i) => {
        if (near.includes(w) || mapped[w]?.includes(near)) return;
        if (dot(vectors[i]!, vectorOf(near)) >= (known(w) ? phrase.words : phrase.unknownWords)) (mapped[w] ??= []).push(near);
      });
      // A unit (多少天, 几户) is what the figure is counted in, not a word of the indicator: 空气质量优良率 is no answer to 优良天数有多少天.
      if (asked.some((w) => near.includes(w))) {
        for (const alts of concepts) if (/^\p{Script=Han}$/u.test(alts[0]!) && !UNITS.includes(alts[0]!) && !alts.includes(near)) (mapped[alts[0]!] ??= []).push(near);
      }
    }
  }
  if (Object.keys(mapped).length === 0) return { concepts, terms, learnt: {} };
  const out = concepts.map((alts) => (mapped[alts[0]!] ? [...new Set([...alts, ...mapped[alts[0]!]!])] : alts));
  // Searched: only the stand-ins of words no passage holds (a known word is searched as it is).
  const added = concepts.filter((alts) => mapped[alts[0]!] && isUnknown(alts)).flatMap((alts) => mapped[alts[0]!]!);
  return { concepts: out, terms: [...new Set([...terms, ...added, ...added.flatMap((w) => tokenize(w))])], learnt: mapped };
}
