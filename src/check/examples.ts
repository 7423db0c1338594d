// Example questions for /start, made from what is indexed: a place, a year and an indicator its report states as
// that year's result ("城中区2023年城镇新增就业多少？"), so the buttons answer whatever the newsroom holds.
import type { FigureRecord } from '../figures/records.js';
import type { FigureBook } from './index.js';

/** An indicator a reporter would name: a few Chinese characters, nothing else (no figures, no punctuation). */
const NAMEABLE = /^[\u4e00-\u9fa5]{4,8}$/;

const usable = (r: FigureRecord): r is FigureRecord & { place: string; year: number } =>
  r.place !== null && r.year !== null && !r.span && r.period === 'result' && (r.kind === 'amount' || r.kind === 'count') && NAMEABLE.test(r.indicator);

/**
 * Up to `n` questions, one place each (the places with the newest reports first), each with the indicator that the
 * most places report (地区生产总值, 城镇新增就业 rather than one report's own wording). None when nothing is usable.
 */
export function exampleQuestions(book: FigureBook, n = 3): string[] {
  const records = book.records.filter(usable);
  const placesOf = new Map<string, Set<string>>();
  for (const r of records) placesOf.set(r.indicator, (placesOf.get(r.indicator) ?? new Set()).add(r.place));
  const best = new Map<string, (typeof records)[number]>();
  for (const r of records) {
    const had = best.get(r.place);
    if (!had || placesOf.get(r.indicator)!.size > placesOf.get(had.indicator)!.size) best.set(r.place, r);
  }
  const newest = (place: string) => book.latestYear.get(place) ?? 0;
  return [...best.values()]
    .sort((a, b) => newest(b.place) - newest(a.place))
    .slice(0, n)
    .map((r) => `${r.place}${r.year}年${r.indicator}多少？`);
}
