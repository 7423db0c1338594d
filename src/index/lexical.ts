// BM25 over passage tokens. The postings are collected once by the build and stored with the index version
// (lexical.bin, covered by the manifest's checksums), so a start reads them instead of running jieba again.
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

/**
 * What BM25 needs from the passages, independent of k1 and b: stored with each index version (lexical.bin), so
 * opening an index does not run jieba over every passage again.
 */
export interface LexicalPostings {
  /** Number of documents. */
  n: number;
  tokens: string[];
  /** The postings of tokens[t] are docs/tfs[offsets[t] .. offsets[t + 1]), documents ascending. */
  offsets: Int32Array;
  docs: Int32Array;
  tfs: Int32Array;
  /** Tokens per document. */
  lengths: Int32Array;
}

export function collectPostings(texts: string[]): LexicalPostings {
  const n = texts.length;
  // Postings are collected in document order, so each list is sorted by document.
  const growing = new Map<string, { docs: number[]; tfs: number[] }>();
  const lengths = new Int32Array(n);
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
  let total = 0;
  for (const list of growing.values()) total += list.docs.length;
  const tokens = [...growing.keys()];
  const offsets = new Int32Array(tokens.length + 1);
  const docs = new Int32Array(total);
  const tfs = new Int32Array(total);
  let at = 0;
  tokens.forEach((tok, t) => {
    const list = growing.get(tok)!;
    offsets[t] = at;
    docs.set(list.docs, at);
    tfs.set(list.tfs, at);
    at += list.docs.length;
  });
  offsets[tokens.length] = at;
  return { n, tokens, offsets, docs, tfs, lengths };
}

export function buildLexicalIndex(texts: string[], options: Bm25Options = DEFAULT_BM25): LexicalIndex {
  return openLexicalIndex(collectPostings(texts), options);
}

/** Postings of one segment of an index version, whose documents are numbered from `firstId`. */
export interface PostingsPart {
  postings: LexicalPostings;
  firstId: number;
}

/**
 * A searchable BM25 index over stored (or just collected) postings, or over the segments of a version (a report
 * added since the last full build is a segment of its own, src/index/store.ts): N, each token's document
 * frequency and the average length are summed over the segments, and each token's documents are visited in
 * ascending number, so the scores and their order equal those of one index over all passages. `removed`
 * passages (of reports taken out or replaced since the full build) are never returned; they still count in N,
 * df and the average length until the next full build.
 */
export function openLexicalIndex(stored: LexicalPostings | PostingsPart[], options: Bm25Options = DEFAULT_BM25, removed?: Uint8Array): LexicalIndex {
  const { k1, b } = options;
  const parts = Array.isArray(stored) ? stored : [{ postings: stored, firstId: 0 }];
  const n = parts.reduce((sum, p) => Math.max(sum, p.firstId + p.postings.n), 0);
  // Each token's postings, one list per segment holding it, segments in ascending document order.
  const postings = new Map<string, Posting[]>();
  const lengths = new Float64Array(n);
  for (const { postings: part, firstId } of [...parts].sort((x, y) => x.firstId - y.firstId)) {
    part.tokens.forEach((tok, t) => {
      const from = part.offsets[t]!;
      const to = part.offsets[t + 1]!;
      let docs = part.docs.subarray(from, to);
      if (firstId > 0) docs = docs.map((d) => d + firstId);
      const list = postings.get(tok);
      const posting = { docs, tfs: part.tfs.subarray(from, to) };
      if (list) list.push(posting);
      else postings.set(tok, [posting]);
    });
    lengths.set(part.lengths, firstId);
  }

  let total = 0;
  for (let d = 0; d < n; d++) total += lengths[d]!;
  const avgLength = total / Math.max(1, n);
  // The length-dependent part of BM25's denominator, per document.
  const norm = new Float64Array(n);
  for (let d = 0; d < n; d++) norm[d] = k1 * (1 - b + (b * lengths[d]!) / avgLength);

  const idf = (tok: string) => {
    let df = 0;
    for (const p of postings.get(tok) ?? []) df += p.docs.length;
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
        const lists = postings.get(tok);
        if (!lists) continue;
        const w = idf(tok);
        for (const { docs, tfs } of lists) for (let i = 0; i < docs.length; i++) {
          const doc = docs[i]!;
          if (seen[doc] === 2) continue; // filtered out
          if (seen[doc] === 0) {
            if ((removed && removed[doc] === 1) || (filter && !filter(doc))) {
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

const MAGIC = 0x35324d42; // "BM25" read as a little-endian u32
const LAYOUT = 1;
const HEADER = 24;

/**
 * lexical.bin: a 24-byte header (magic, layout, documents, tokens, postings, bytes of the token list), the token
 * list as JSON (padded to 4 bytes), then offsets, docs, tfs and lengths as little-endian int32 arrays.
 */
export function encodePostings(p: LexicalPostings): Buffer {
  const names = Buffer.from(JSON.stringify(p.tokens), 'utf8');
  const padded = Math.ceil(names.length / 4) * 4;
  const header = Buffer.alloc(HEADER);
  [MAGIC, LAYOUT, p.n, p.tokens.length, p.docs.length, names.length].forEach((v, i) => header.writeUInt32LE(v, i * 4));
  const bytes = (a: Int32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  return Buffer.concat([header, names, Buffer.alloc(padded - names.length), bytes(p.offsets), bytes(p.docs), bytes(p.tfs), bytes(p.lengths)]);
}

/**
 * Parse lexical.bin, checking its header, sizes and token list; throws with what is wrong. `checkPostings` also
 * checks every document number and frequency (a pass over all postings, ~90 million at a million passages): left
 * out for a file untouched since it was written (src/index/integrity.ts, untouched).
 */
export function decodePostings(raw: Buffer, expectedDocs: number, { checkPostings = true } = {}): LexicalPostings {
  const bad = (what: string) => new Error(`lexical.bin is damaged (${what})`);
  if (raw.length < HEADER) throw bad('shorter than its header');
  const [magic, layout, n, vocabulary, total, nameBytes] = [0, 1, 2, 3, 4, 5].map((i) => raw.readUInt32LE(i * 4)) as [number, number, number, number, number, number];
  if (magic !== MAGIC || layout !== LAYOUT) throw bad('not a lexical index of this layout');
  if (n !== expectedDocs) throw bad(`${n} passages, the manifest says ${expectedDocs}`);
  const start = HEADER + Math.ceil(nameBytes / 4) * 4;
  if (raw.length !== start + 4 * (vocabulary + 1 + 2 * total + n)) throw bad('its size does not match its header');
  let tokens: unknown;
  try {
    tokens = JSON.parse(raw.subarray(HEADER, HEADER + nameBytes).toString('utf8'));
  } catch {
    throw bad('token list unreadable');
  }
  if (!Array.isArray(tokens) || tokens.length !== vocabulary) throw bad('token list');
  // Int32 views need 4-byte alignment: copy when the buffer does not start on one.
  const body = raw.byteOffset % 4 === 0 ? raw : Buffer.from(raw);
  const ints = new Int32Array(body.buffer, body.byteOffset + start, vocabulary + 1 + 2 * total + n);
  const offsets = ints.subarray(0, vocabulary + 1);
  const docs = ints.subarray(vocabulary + 1, vocabulary + 1 + total);
  const tfs = ints.subarray(vocabulary + 1 + total, vocabulary + 1 + 2 * total);
  const lengths = ints.subarray(vocabulary + 1 + 2 * total);
  if (offsets[0] !== 0 || offsets[vocabulary] !== total) throw bad('offsets');
  if (!checkPostings) return { n, tokens: tokens as string[], offsets, docs, tfs, lengths };
  for (let t = 0; t < vocabulary; t++) {
    if (offsets[t + 1]! < offsets[t]!) throw bad('offsets');
    for (let i = offsets[t]!; i < offsets[t + 1]!; i++) {
      if (docs[i]! < 0 || docs[i]! >= n || (i > offsets[t]! && docs[i]! <= docs[i - 1]!) || tfs[i]! < 1) throw bad(`postings of token ${t}`);
    }
  }
  return { n, tokens: tokens as string[], offsets, docs, tfs, lengths };
}
