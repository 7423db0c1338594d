// Checking a draft, warm: texts of five sentences (five drafts of tests/check.jsonl in a row, each window once)
// checked `repeats` times against the figure records of the loaded index. The figure book is built once per
// index version, as in the bot, so it is built before timing.
import { readDrafts } from '../check/evaluate.js';
import { checkText, figureBookOf } from '../check/index.js';
import { type Summary, summarize } from './stats.js';

export interface CheckLatency {
  texts: number;
  sentencesPerText: number;
  repeats: number;
  /** Figures checked per text, on average. */
  claimsPerText: number;
  /** Wall time of one checkText call, milliseconds. */
  total: Summary;
}

export function benchCheck(engine: object, synonyms: Record<string, string[]>, draftFile: string, repeats: number): CheckLatency {
  const book = figureBookOf(engine, synonyms);
  if (!book) throw new Error('bench check: the engine has no stored index with figure records');
  const drafts = readDrafts(draftFile).map((d) => d.text);
  const texts = drafts.map((_, i) => Array.from({ length: 5 }, (_, k) => drafts[(i + k) % drafts.length]).join(''));
  for (const t of texts) checkText(book, t); // warm-up: JIT, jieba's dictionary
  const times: number[] = [];
  let claims = 0;
  for (let r = 0; r < repeats; r++) {
    for (const t of texts) {
      const started = performance.now();
      claims += checkText(book, t).claims.length;
      times.push(performance.now() - started);
    }
  }
  return { texts: texts.length, sentencesPerText: 5, repeats, claimsPerText: claims / times.length, total: summarize(times) };
}
