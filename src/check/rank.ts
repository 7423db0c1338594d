// Rankings and series over the rows of one indicator (compare.ts): "哪个区去年城镇新增就业最多" gives the places'
// rows of one year, ranked, with the differences, in one unit; "城中区近五年城镇新增就业" one row per year of that
// place, result and target side by side, and the years its reports do not cover.
import Nzh from 'nzh';
import { compact, CUES } from '../figures/parse.js';
import { QUESTION_CUES } from '../structure/period.js';
import { asksForComparison, type CompareRow, compareIndicator, type Comparison } from './compare.js';
import { type FigureBook, inReportWords } from './index.js';

const SERIES = new RegExp(CUES.seriesCues);
const FEWEST = new RegExp(CUES.fewestCues);

/** Does a question ask for one place over the years (近五年, 历年, 2021年以来)? */
export const asksForSeries = (text: string) => SERIES.test(compact(text));

/** Units a 万 or 亿 reads naturally with (327.03亿元, 14.5万人); rates and counts of a few stay as they are. */
const SCALABLE = /^(?:元|美元|人|人次|户|吨|亩|平方米|千瓦时|千瓦|公顷|辆|套|头只|头|只|册|张|件|次)$/;

/** One unit for every value of a table: 亿 or 万 of the base unit when the largest value calls for it. */
export interface DisplayUnit {
  unit: string;
  scale: number;
}

export function displayUnit(values: number[], unit: string): DisplayUnit {
  const max = Math.max(0, ...values.map(Math.abs));
  if (!SCALABLE.test(unit)) return { unit, scale: 1 };
  if (max >= 1e8) return { unit: `亿${unit}`, scale: 1e8 };
  if (max >= (unit === '元' ? 1e4 : 1e5)) return { unit: `万${unit}`, scale: 1e4 };
  return { unit, scale: 1 };
}

/** 32703080000 in 亿元 -> "327.03亿元": at most two decimals, no trailing zeros. */
export function inUnit(value: number, d: DisplayUnit): string {
  const n = value / d.scale;
  return `${Number.isInteger(n) ? n : Number(n.toFixed(2))}${d.unit}`;
}

export interface RankedRow extends CompareRow {
  rank: number;
  /** The value in the table's unit ("327.03亿元"). */
  shown: string;
  /** How far below the first ("少832人"); null for the first. */
  behind: string | null;
}

export interface Ranking {
  indicator: string;
  period: CompareRow['period'];
  unit: DisplayUnit;
  rows: RankedRow[];
  /** Places' latest years differ: each row is its place's latest year (said on the card). */
  mixedYears: boolean;
  /** 最少/最低: ranked from the smallest. */
  ascending: boolean;
  /** Places whose reports give this indicator only for another year or period (a target, not a result): each place's latest such row, said on the card, not ranked. */
  unranked: (CompareRow & { shown: string })[];
}

/**
 * The places' rows of one year, ranked: the year asked (去年, 2023年), else each place's latest; results unless a
 * target is asked. Rows of another unit than the best match's never appear (compare.ts keeps one kind and unit).
 */
export function rankPlaces(book: FigureBook, query: string, comparison: Comparison = compareIndicator(book, inReportWords(compact(query), book.synonyms))): Ranking {
  const q = compact(query);
  // The question's words for a target are the structure stage's one list (src/structure/cues.json).
  const period: CompareRow['period'] = QUESTION_CUES.target.some((w) => q.includes(w)) ? 'target' : 'result';
  const year = /((?:19|20)\d\d)年/.exec(q)?.[1];
  const ascending = FEWEST.test(q);
  const candidates = comparison.rows.filter((r) => r.period === period && (!year || r.year === Number(year)));
  const latest = latestByPlace(candidates);
  const rows = [...latest.values()].sort((a, b) => (ascending ? a.value - b.value : b.value - a.value));
  // Places left out by the year or period asked are named, never dropped silently.
  const anyYear = q.replace(/去年|上年|今年|本年/g, '');
  const all = anyYear === q ? comparison : compareIndicator(book, inReportWords(anyYear, book.synonyms));
  const unranked = latestByPlace(all.rows.filter((r) => !latest.has(r.place)));
  const unit = displayUnit(rows.map((r) => r.value), rows[0]?.unit ?? '');
  const others = [...unranked.values()].filter((r) => rows.length === 0 || r.unit === rows[0]!.unit);
  const first = rows[0];
  return {
    indicator: comparison.indicator,
    period,
    unit,
    mixedYears: new Set(rows.map((r) => r.year)).size > 1,
    ascending,
    unranked: others.map((r) => ({ ...r, shown: inUnit(r.value, unit) })),
    rows: rows.map((r, i) => ({
      ...r,
      rank: i + 1,
      shown: inUnit(r.value, unit),
      behind: i === 0 || !first ? null : `${ascending ? '多' : '少'}${inUnit(Math.abs(first.value - r.value), unit)}`,
    })),
  };
}

export interface SeriesRow {
  year: number;
  result: (CompareRow & { shown: string }) | null;
  target: (CompareRow & { shown: string }) | null;
}

export interface Series {
  indicator: string;
  place: string;
  unit: DisplayUnit;
  /** One row per year of the span asked, oldest first; a year no report of the place covers has neither. */
  rows: SeriesRow[];
  missing: number[];
}

/** How many years 近N年 asks for (近五年 -> 5), else null. */
function yearsAsked(q: string): number | null {
  const m = /近([一二三四五六七八九十两\d]+)年/.exec(q);
  if (!m) return null;
  const n = /^\d+$/.test(m[1]!) ? Number(m[1]) : Number(Nzh.cn.decodeS(m[1]!.replace("两", "二")));
  return Number.isFinite(n) && n > 0 && n <= 30 ? n : null;
}

/**
 * One place's indicator over the years: 近N年 ends at the place's latest report year (its plan), 2021年以来 starts
 * at 2021, 历年 at the earliest row. Null when the question names no indexed place.
 */
export function seriesOf(book: FigureBook, query: string): Series | null {
  const q = inReportWords(compact(query), book.synonyms);
  const place = [...book.places].sort((a, b) => b.length - a.length).find((p) => q.includes(p));
  if (!place) return null;
  const comparison = compareIndicator(book, q.replace(SERIES, ''));
  const own = comparison.rows.filter((r) => r.place === place && r.year !== null);
  const end = Math.max(book.latestYear.get(place) ?? 0, ...own.map((r) => r.year!));
  if (end <= 0) return null;
  const n = yearsAsked(q);
  const since = /((?:19|20)\d\d)年以来/.exec(q)?.[1];
  const start = n !== null ? end - n + 1 : since ? Number(since) : Math.min(end, ...own.map((r) => r.year!));
  const unit = displayUnit(own.map((r) => r.value), own[0]?.unit ?? '');
  const pick = (year: number, period: CompareRow['period']) => {
    const r = own.find((x) => x.year === year && x.period === period);
    return r ? { ...r, shown: inUnit(r.value, unit) } : null;
  };
  const rows: SeriesRow[] = [];
  for (let y = start; y <= end; y++) rows.push({ year: y, result: pick(y, 'result'), target: pick(y, 'target') });
  return { indicator: comparison.indicator, place, unit, rows, missing: rows.filter((r) => !r.result && !r.target).map((r) => r.year) };
}

/** What a comparison or series question gets instead of passages: its chart's table, or null to search it. */
export type ChartAnswer = { kind: 'series'; series: Series } | { kind: 'ranking'; ranking: Ranking };

/**
 * One place over the years when its reports give a figure for some year; else places ranked when the question asks
 * for a comparison and some figure matches; else null (the question goes to the search, whose passages may still say
 * something). The figure book is only built when the question asks for either. The bot and the terminal chat alike.
 */
export function chartAnswer(book: () => FigureBook | null, text: string): ChartAnswer | null {
  const series = asksForSeries(text);
  const comparison = asksForComparison(text);
  const figures = series || comparison ? book() : null;
  if (!figures) return null;
  const s = series ? seriesOf(figures, text.slice(0, 100)) : null;
  if (s && s.missing.length < s.rows.length) return { kind: 'series', series: s };
  const r = comparison ? rankPlaces(figures, text.slice(0, 100)) : null;
  return r && r.rows.length > 0 ? { kind: 'ranking', ranking: r } : null;
}

/** Each place's row of the latest year (the first of equal years). */
function latestByPlace(rows: CompareRow[]): Map<string | null, CompareRow> {
  const latest = new Map<string | null, CompareRow>();
  for (const r of rows) {
    const had = latest.get(r.place);
    if (!had || (r.year ?? 0) > (had.year ?? 0)) latest.set(r.place, r);
  }
  return latest;
}
