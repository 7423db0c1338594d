// BM25 over passage tokens. Small enough to rebuild at load, so it can never be stale.
import { tokenize } from './tokenize.js';

export interface LexicalIndex {
  /** Top `k` documents for the query tokens, best first. */
  search(queryTokens: string[], k: number, filter?: (doc: number) => boolean): { doc: number; score: number }[];
  /** Inverse document frequency of a token (0 for unknown tokens). */
  idf(token: string): number;
  size: number;
}

export interface Bm25Options {
  /** Term-frequency saturation: higher lets repeated words count more. */
  k1: number;
  /** Length normalisation: 0 ignores passage length, 1 fully normalises. */
  b: number;
}

export const DEFAULT_BM25: Bm25Options = { k1: 1.2, b: 0.5 };

/** The documents holding a token (ascending) and how often each holds it, in flat arrays. */
interface Posting {
  docs: Int32Array;
  tfs: Int32Array;
}

export function buildLexicalIndex(texts: string[], options: Bm25Options = DEFAULT_BM25): LexicalIndex {
  const { k1, b } = options;
  const n = texts.length;
  // Postings are collected in document order, so each list is sorted by document.
  const growing = new Map<string, { docs: number[]; tfs: number[] }>();
  const lengths = new Float64Array(n);
  texts.forEach((t, doc) => {
    const tf = new Map<string, number>();
    for (const tok of tokenize(t)) tf.set(tok, (tf.get(tok) ?? 0) + 1);
    let length = 0;
    for (const [tok, f] of tf) {
      length += f;
      let list = growing.get(tok);
      if (!list) growing.set(tok, (list = { docs: [], tfs: [] }));
      list.docs.push(doc);
      list.tfs.push(f);
    }
    lengths[doc] = length;
  });
  const postings = new Map<string, Posting>();
  for (const [tok, list] of growing) postings.set(tok, { docs: Int32Array.from(list.docs), tfs: Int32Array.from(list.tfs) });
  growing.clear();

  let total = 0;
  for (let d = 0; d < n; d++) total += lengths[d]!;
  const avgLength = total / Math.max(1, n);
  // The length-dependent part of BM25's denominator, per document.
  const norm = new Float64Array(n);
  for (let d = 0; d < n; d++) norm[d] = k1 * (1 - b + (b * lengths[d]!) / avgLength);

  const idf = (tok: string) => {
    const df = postings.get(tok)?.docs.length ?? 0;
    return df === 0 ? 0 : Math.log(1 + (n - df + 0.5) / (df + 0.5));
  };

  // Scratch space reused by every search (search is synchronous, so searches never overlap).
  const scores = new Float64Array(n);
  const touched = new Int32Array(n);
  const seen = new Uint8Array(n);

  return {
    size: n,
    idf,
    search(queryTokens, k, filter) {
      // Documents are scored in the order they are first met, and ties keep that order (as a stable sort would).
      let count = 0;
      for (const tok of new Set(queryTokens)) {
        const posting = postings.get(tok);
        if (!posting) continue;
        const w = idf(tok);
        const { docs, tfs } = posting;
        for (let i = 0; i < docs.length; i++) {
          const doc = docs[i]!;
          if (seen[doc] === 2) continue; // filtered out
          if (seen[doc] === 0) {
            if (filter && !filter(doc)) {
              seen[doc] = 2;
              touched[count++] = doc;
              continue;
            }
            seen[doc] = 1;
            touched[count++] = doc;
            scores[doc] = 0;
          }
          const f = tfs[i]!;
          scores[doc] = scores[doc]! + (w * f * (k1 + 1)) / (f + norm[doc]!);
        }
      }
      const best = topK(touched, count, k, (doc) => seen[doc] === 1, scores);
      for (let i = 0; i < count; i++) seen[touched[i]!] = 0;
      return best.map((doc) => ({ doc, score: scores[doc]! }));
    },
  };
}

/**
 * The `k` best of the first `count` entries of `candidates` that `keep` accepts: highest score first, ties in
 * the order the candidates come (so the result equals a stable sort by descending score, cut at k).
 */
function topK(candidates: Int32Array, count: number, k: number, keep: (doc: number) => boolean, scores: Float64Array): number[] {
  // A min-heap of (score, position) holding the best k seen so far; its root is the worst of them.
  const heap: number[] = [];
  const worse = (a: number, b: number) => {
    const sa = scores[candidates[a]!]!;
    const sb = scores[candidates[b]!]!;
    return sa < sb || (sa === sb && a > b);
  };
  const siftDown = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && worse(heap[l]!, heap[m]!)) m = l;
      if (r < heap.length && worse(heap[r]!, heap[m]!)) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m]!, heap[i]!];
      i = m;
    }
  };
  if (k <= 0) return [];
  for (let pos = 0; pos < count; pos++) {
    if (!keep(candidates[pos]!)) continue;
    if (heap.length < k) {
      heap.push(pos);
      for (let i = heap.length - 1; i > 0; ) {
        const parent = (i - 1) >> 1;
        if (!worse(heap[i]!, heap[parent]!)) break;
        [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
        i = parent;
      }
    } else if (worse(heap[0]!, pos)) {
      heap[0] = pos;
      siftDown(0);
    }
  }
  return heap.sort((a, b) => (worse(a, b) ? 1 : worse(b, a) ? -1 : 0)).map((pos) => candidates[pos]!);
}
