// The one sentence splitter: passages are cut at sentence ends, and cards cut long quotes at sentence (then
// clause) ends. Each caller says which punctuation ends a piece; closing quotes and brackets stay with the
// piece they close.

export interface Piece {
  text: string;
  /** Offset of the piece in the text it was cut from. */
  start: number;
}

/** Where passages end a sentence: Chinese and ASCII terminal punctuation (a line break is not one: lines are rejoined). */
const SENTENCE_ENDS = '。！？；!?;…';
/** Closing quotes and brackets that belong to the sentence before them. */
const CLOSERS = '”’"\'）)」』】';

const escapeClass = (chars: string) => chars.replace(/[\\\]^-]/g, '\\$&');
const patterns = new Map<string, RegExp>();

/**
 * Cut `text` after each run of `ends` (with the closers that follow), in order and without loss: the pieces
 * joined give back the text.
 */
export function splitAt(text: string, ends: string, closers = CLOSERS): Piece[] {
  const key = `${ends}\u0000${closers}`;
  let re = patterns.get(key);
  if (!re) {
    const [e, c] = [escapeClass(ends), escapeClass(closers)];
    re = new RegExp(`[^${e}]+(?:[${e}]+[${c}]*|$)|[${e}]+[${c}]*`, 'g');
    patterns.set(key, re);
  }
  return Array.from(text.matchAll(re), (m) => ({ text: m[0], start: m.index ?? 0 }));
}

/** Sentences of a passage's paragraph (blank pieces dropped). */
export function splitSentences(text: string): Piece[] {
  return splitAt(text, SENTENCE_ENDS).filter((s) => s.text.trim() !== '');
}
