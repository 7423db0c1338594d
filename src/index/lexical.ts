// BM25 over passage tokens. Small enough to rebuild at load, so it can never be stale.
import { tokenize } from './tokenize.js';

export interface LexicalIndex {
  /** Top `k` documents for the query tokens, best first. */
  search(queryTokens: string[], k: number, filter?: (doc: number) => boolean): { doc: number; score: number }[];
  /** Inverse document frequency of a token (0 for unknown tokens). */
  idf(token: string): number;
  /** Does document `doc` contain the token? */
  has(doc: number, token: string): boolean;
  size: number;
}

export interface Bm25Options {
  /** Term-frequency saturation: higher lets repeated words count more. */
  k1: number;
  /** Length normalisation: 0 ignores passage length, 1 fully normalises. */
  b: number;
}

export const DEFAULT_BM25: Bm25Options = { k1: 1.2, b: 0.5 };

export function buildLexicalIndex(texts: string[], options: Bm25Options = DEFAULT_BM25): LexicalIndex {
  const docs = texts.map((t) => {
    const tf = new Map<string, number>();
    for (const tok of tokenize(t)) tf.set(tok, (tf.get(tok) ?? 0) + 1);
    let length = 0;
    for (const n of tf.values()) length += n;
    return { tf, length };
  });
  const postings = new Map<string, number[]>();
  docs.forEach((d, i) => {
    for (const tok of d.tf.keys()) {
      let list = postings.get(tok);
      if (!list) postings.set(tok, (list = []));
      list.push(i);
    }
  });
  const n = docs.length;
  const avgLength = docs.reduce((s, d) => s + d.length, 0) / Math.max(1, n);
  const idf = (tok: string) => {
    const df = postings.get(tok)?.length ?? 0;
    return df === 0 ? 0 : Math.log(1 + (n - df + 0.5) / (df + 0.5));
  };
  const { k1, b } = options;
  return {
    size: n,
    idf,
    has: (doc, tok) => docs[doc]?.tf.has(tok) ?? false,
    search(queryTokens, k, filter) {
      const scores = new Map<number, number>();
      for (const tok of new Set(queryTokens)) {
        const w = idf(tok);
        for (const doc of postings.get(tok) ?? []) {
          if (filter && !filter(doc)) continue;
          const d = docs[doc]!;
          const f = d.tf.get(tok)!;
          const s = (w * f * (k1 + 1)) / (f + k1 * (1 - b + (b * d.length) / avgLength));
          scores.set(doc, (scores.get(doc) ?? 0) + s);
        }
      }
      return [...scores].map(([doc, score]) => ({ doc, score })).sort((x, y) => y.score - x.score).slice(0, k);
    },
  };
}
