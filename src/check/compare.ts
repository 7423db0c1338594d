// One indicator across places and years: "城镇新增就业" -> a row per place, year and period, each citing its passage.
import { compact, CUES } from '../figures/parse.js';
import type { FigureRecord, Period } from '../figures/records.js';
import type { Source } from '../types.js';
import { type FigureBook, indicatorTokens, MATCH, overlap, quoteAround } from './index.js';

export interface CompareRow {
  place: string | null;
  year: number | null;
  period: Period;
  figure: string;
  value: number;
  unit: string;
  quote: string;
  source: Source;
  passageId: number;
}

export interface Comparison {
  indicator: string;
  rows: CompareRow[];
}

const COMPARE = new RegExp(CUES.compareCues);
const QUESTION = new RegExp(CUES.questionWords, 'g');
const RELATIVE = /去年|上年|今年|本年|明年/g;
const YEARS = /(?:19|20)\d\d年?/g;

/** Does a question ask to compare places or rank them (各区城镇新增就业对比, 哪个区去年新增就业最多)? */
export const asksForComparison = (text: string) => COMPARE.test(text);

/** The indicator a comparison asks about, without the cue, place, time and question words. */
export function comparedIndicator(text: string, book: FigureBook): string {
  let s = compact(text).replace(new RegExp(CUES.compareCues, 'g'), '').replace(QUESTION, '').replace(RELATIVE, '').replace(YEARS, '');
  if (book.placeWords) s = s.replace(book.placeWords, '');
  return s.replace(/[\p{P}\p{S}]+/gu, '').replace(/^(?:的|在|了)+|(?:的|是|了|有)+$/g, '');
}

/**
 * Rows of one indicator: records whose words cover the asked words (and not much else), of the kind and unit most
 * of them share, the best-matching one per place, year and period; latest year first, then the largest value.
 */
export function compareIndicator(book: FigureBook, query: string): Comparison {
  const indicator = comparedIndicator(query, book);
  const asked = indicatorTokens(indicator);
  if (asked.size === 0) return { indicator, rows: [] };
  const relative = /去年|上年/.test(query) ? -1 : /今年|本年/.test(query) ? 0 : null;
  const matches: { record: FigureRecord; score: number }[] = [];
  book.records.forEach((record, i) => {
    const words = book.tokens[i]!;
    let covered = 0;
    let total = 0;
    for (const t of asked) {
      total += book.weight(t);
      if (words.has(t)) covered += book.weight(t);
    }
    const score = overlap(asked, words, book.weight);
    if (total > 0 && covered / total >= 0.99 && score >= MATCH.minOverlap) matches.push({ record, score });
  });
  if (matches.length === 0) return { indicator, rows: [] };
  // The kind and unit of the best match: 城镇新增就业 in 人, not its growth in %.
  matches.sort((a, b) => b.score - a.score);
  const { kind, unit } = matches[0]!.record;
  const best = new Map<string, { record: FigureRecord; score: number }>();
  for (const m of matches) {
    const r = m.record;
    if (r.kind !== kind || r.unit !== unit) continue;
    if (relative !== null) {
      const latest = book.latestYear.get(r.place);
      if (latest === undefined || r.year !== latest + relative) continue;
    }
    const key = `${r.place}|${r.year}|${r.period}`;
    if (!best.has(key)) best.set(key, m);
  }
  const rows = [...best.values()].map(({ record: r }): CompareRow => {
    const passage = book.passages[r.passageId]!;
    return {
      place: r.place,
      year: r.year,
      period: r.period,
      figure: r.figure,
      value: r.value,
      unit: r.unit,
      quote: quoteAround(passage.sentences[r.sentence] ?? passage.text, r.figure),
      source: passage.source,
      passageId: passage.id,
    };
  });
  rows.sort((a, b) => (b.year ?? 0) - (a.year ?? 0) || b.value - a.value);
  return { indicator, rows };
}
