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

/** The indicator words nearest one question word's vector, best first, at or above the similarity asked. */
export function nearestWords(vector: Float32Array, learnt: LearntWords, options: LearntWordsOptions): string[] {
  const scored: [string, number][] = [];
  learnt.vectors.forEach((v, i) => {
    const s = dot(vector, v);
    if (s >= options.similarity) scored.push([learnt.words[i]!, s]);
  });
  return scored.sort((a, b) => b[1] - a[1]).slice(0, options.top).map(([w]) => w);
}

/**
 * The question's concepts with the stand-ins of its words that no passage holds (`known` false), and the search
 * terms with them and their words. `vectorOf` embeds the unknown words (all at once). Concepts of known words are
 * unchanged, so a question the reports' words already answer reads as before.
 */
export async function withLearntWords(
  concepts: string[][],
  terms: string[],
  known: (word: string) => boolean,
  vectorsOf: (words: string[]) => Promise<Float32Array[]>,
  learnt: LearntWords,
  options: LearntWordsOptions,
): Promise<{ concepts: string[][]; terms: string[]; learnt: Record<string, string[]> }> {
  // A concept none of whose alternatives is in the index (a synonym already found one: nothing to learn); with
  // `every`, each concept's word.
  const isUnknown = (alts: string[]) => !alts.some(known);
  const asked = concepts.filter((alts) => HAN_WORD.test(alts[0]!) && (options.every || isUnknown(alts))).map((alts) => alts[0]!);
  if (asked.length === 0 || learnt.words.length === 0) return { concepts, terms, learnt: {} };
  const vectors = await vectorsOf(asked);
  const mapped: Record<string, string[]> = {};
  asked.forEach((w, i) => {
    // A near word holding the question's word (粮食总产量 for 粮食) adds nothing: a passage naming it names the word.
    const near = nearestWords(vectors[i]!, learnt, { ...options, top: learnt.words.length }).filter((n) => !n.includes(w)).slice(0, options.top);
    if (near.length > 0) mapped[w] = near;
  });
  if (Object.keys(mapped).length === 0) return { concepts, terms, learnt: {} };
  const out = concepts.map((alts) => (mapped[alts[0]!] ? [...new Set([...alts, ...mapped[alts[0]!]!])] : alts));
  // Searched: only the stand-ins of words no passage holds (a known word is searched as it is).
  const added = concepts.filter((alts) => mapped[alts[0]!] && isUnknown(alts)).flatMap((alts) => mapped[alts[0]!]!);
  return { concepts: out, terms: [...new Set([...terms, ...added, ...added.flatMap((w) => tokenize(w))])], learnt: mapped };
}
