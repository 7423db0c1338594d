// A reporter's draft -> one claim per figure, each checked against the figure records of the reports:
// supported (a report gives the same value for the same indicator, place and year), contradicted (a report gives
// another value for them) or unverified. A number that merely appears somewhere else never supports a claim.
import { tokenize } from '../index/tokenize.js';
import { compact, sameValue } from '../figures/parse.js';
import { describeFigures, type FigureRecord, type Period, placeOfPassage, placePattern, spanOf } from '../figures/records.js';
import { splitAt } from '../passages/sentences.js';
import { findPlaces } from '../places/find.js';
import { gazetteer } from '../places/gazetteer.js';
import type { Passage, Source } from '../types.js';

export type Verdict = 'supported' | 'contradicted' | 'unverified';

export interface Claim {
  sentence: string;
  figure: string;
  indicator: string;
  place: string | null;
  year: number | null;
  period: Period;
  /** The years the claim covers when it speaks of several (十四五时期…年均, 2013年至2017年). */
  span?: [number, number];
  verdict: Verdict;
  /** The report's own figure (supported or contradicted), its sentence and where it is. */
  reportFigure: string | null;
  quote: string | null;
  source: Source | null;
  passageId: number | null;
}

export interface CheckResult {
  text: string;
  claims: Claim[];
  tookMs: number;
}

/** Matching thresholds, measured on tests/check.jsonl (docs/check.md). */
export const MATCH = {
  /** Dice overlap (IDF-weighted) of indicator words needed to compare two figures at all. */
  minOverlap: 0.6,
  /** How much less than the best match the record backing a claim may overlap with it. */
  closeEnough: 0.05,
};

/** What the checker needs from one index version, prepared once (tokens, word weights, places, latest years). */
export interface FigureBook {
  records: FigureRecord[];
  passages: readonly Passage[];
  tokens: Set<string>[];
  weight: (t: string) => number;
  places: string[];
  /** The words a draft names the country by (我国, 全国…) -> the national place, when a national report is indexed. */
  aliases: Map<string, string>;
  placeWords: RegExp | null;
  /** Year of the latest report of each place (今年/去年 are read against it). */
  latestYear: Map<string | null, number>;
  /** Reporters' words -> the reports' words (GDP -> 地区生产总值), from SYNONYMS_FILE. */
  synonyms: Record<string, string[]>;
  /** Record numbers by unit and kind ("人|count"): a claim is only ever compared with figures of its own sort. */
  bySort: Map<string, number[]>;
}

const sortOf = (f: Pick<FigureRecord, 'unit' | 'kind'>) => `${f.unit}|${f.kind}`;

export function createFigureBook(records: FigureRecord[], passages: readonly Passage[], synonyms: Record<string, string[]> = {}): FigureBook {
  // Both sides in the reports' words: a report may say 财政收入 where another says 一般公共预算收入.
  const tokens = records.map((r) => indicatorTokens(inReportWords(r.indicator, synonyms, r.place)));
  const df = new Map<string, number>();
  for (const set of tokens) for (const t of set) df.set(t, (df.get(t) ?? 0) + 1);
  const n = Math.max(1, records.length);
  const weight = (t: string) => Math.log(1 + n / (df.get(t) ?? 0.5));
  const latestYear = new Map<string | null, number>();
  for (const p of passages) {
    const place = placeOfPassage(p);
    if (p.source.year !== null && p.source.year > (latestYear.get(place) ?? -Infinity)) latestYear.set(place, p.source.year);
  }
  const places = [...new Set(passages.map(placeOfPassage).filter((p): p is string => p !== null))];
  const bySort = new Map<string, number[]>();
  records.forEach((r, i) => {
    const list = bySort.get(sortOf(r));
    if (list) list.push(i);
    else bySort.set(sortOf(r), [i]);
  });
  const { national } = gazetteer();
  const aliases = new Map(places.includes(national.name) ? national.draftWords.map((w) => [w, national.name]) : []);
  return { records, passages, tokens, weight, places, aliases, placeWords: placePattern([...places, ...aliases.keys()]), latestYear, synonyms, bySort };
}

/** Content words of an indicator; figures and bare numbers never count as words here. */
export function indicatorTokens(indicator: string): Set<string> {
  return new Set(tokenize(indicator).filter((t) => !/\d/.test(t)));
}

/** IDF-weighted Dice overlap of two word sets (1 = the same words). */
export function overlap(a: Set<string>, b: Set<string>, weight: (t: string) => number): number {
  let both = 0;
  let total = 0;
  for (const t of a) {
    total += weight(t);
    if (b.has(t)) both += weight(t);
  }
  for (const t of b) total += weight(t);
  return total > 0 ? (2 * both) / total : 0;
}

/** A draft's sentences end at these (a line break too: drafts are pasted as lines); no closers kept with them. */
const DRAFT_SENTENCE_ENDS = '。！？!?；;\n';

/** The places a sentence names, each with where it stands (in the compact text). */
function placesIn(text: string, book: FigureBook): { at: number; place: string }[] {
  if (!book.placeWords) return [];
  book.placeWords.lastIndex = 0;
  const out: { at: number; place: string }[] = [];
  for (const m of text.matchAll(book.placeWords)) {
    const place = book.places.find((p) => p === m[0]) ?? book.places.find((p) => p.startsWith(m[0])) ?? book.aliases.get(m[0]);
    if (place) out.push({ at: m.index!, place });
  }
  // A place no indexed report is about (武汉 in a draft checked against Hubei's report, a district of a city):
  // figures about it are its own, never the reports' places'; it stands as itself, so nothing matches it.
  const covered = (at: number) => out.some((o) => o.at <= at && at < o.at + 2);
  for (const m of findPlaces(text)) {
    if (m.places.some((p) => book.places.includes(p.name)) || covered(m.start)) continue;
    out.push({ at: m.start, place: m.places[0]!.name });
  }
  return out.sort((a, b) => a.at - b.at);
}

/** Check every figure of a text against the reports. */
export function checkText(book: FigureBook, text: string, options: { maxClaims?: number } = {}): CheckResult {
  const started = performance.now();
  const claims: Claim[] = [];
  let place: string | null = null;
  let year: number | null = null;
  for (const piece of splitAt(text, DRAFT_SENTENCE_ENDS, '')) {
    if (options.maxClaims !== undefined && claims.length >= options.maxClaims) break;
    const sentence = piece.text.trim();
    if (!sentence) continue;
    const mentions = placesIn(compact(sentence), book);
    const span = spanOf(sentence, null, null);
    for (const d of describeFigures(sentence, book.placeWords)) {
      if (options.maxClaims !== undefined && claims.length >= options.maxClaims) break;
      // The place of a figure: the last one named before it in its sentence ("城中区…6725人，城西区…7557人"), else
      // the sentence's first, else the one of the sentences before. A new place drops the year.
      const named = mentions.filter((m) => m.at < d.start).at(-1)?.place ?? mentions[0]?.place ?? null;
      if (named !== null && named !== place) [place, year] = [named, null];
      // The year: written, or 今年/去年 against the place's latest report, else the year of the sentences before.
      const latest = book.latestYear.get(place);
      year = d.writtenYear ?? (d.relativeYear !== null ? (latest !== undefined ? latest + d.relativeYear : null) : year);
      // A claim over several years is about its span, never about the one year written inside it.
      const claimYear = span ? (d.period === 'target' ? span[0] : span[1]) : year;
      claims.push({ sentence, figure: d.figure, indicator: d.indicator, place, year: claimYear, period: d.period, ...(span ? { span } : {}), ...judge(book, d, place, claimYear, span) });
    }
  }
  return { text, claims, tookMs: performance.now() - started };
}

/** Words of a draft that say a figure is a target, not what it counts. */
const CLAIM_PERIOD_WORDS = /(?:预期)?目标(?:是|为)?|预期|的(?=增长|目标)/g;

type Judgement = Pick<Claim, 'verdict' | 'reportFigure' | 'quote' | 'source' | 'passageId'>;

const UNVERIFIED: Judgement = { verdict: 'unverified', reportFigure: null, quote: null, source: null, passageId: null };

function judge(
  book: FigureBook,
  claim: Pick<FigureRecord, 'value' | 'unit' | 'bound' | 'step' | 'significant' | 'trailingZeros' | 'kind' | 'indicator' | 'period'>,
  place: string | null,
  year: number | null,
  span: [number, number] | null = null,
): Judgement {
  // "地区生产总值的增长目标是": the period words said it is a target; the indicator is what is counted.
  const words = indicatorTokens(inReportWords(claim.indicator.replace(CLAIM_PERIOD_WORDS, ''), book.synonyms, place));
  if (words.size === 0) return UNVERIFIED;
  // Same kind of figure about the same thing, place, period and year; without a year, the latest one that has it.
  const matching = (sort: string, keep: (r: FigureRecord) => boolean = () => true) => {
    const out: { record: FigureRecord; score: number }[] = [];
    for (const i of book.bySort.get(sort) ?? []) {
      const record = book.records[i]!;
      if (!keep(record) || record.period !== claim.period) continue;
      // One year's figure never backs a five-year claim, nor a five-year total or average a claim about one year.
      if (String(record.span ?? '') !== String(span ?? '')) continue;
      if ((place !== null && record.place !== place) || (year !== null && record.year !== year)) continue;
      const score = overlap(words, book.tokens[i]!, book.weight);
      if (score >= MATCH.minOverlap) out.push({ record, score });
    }
    return out;
  };
  let candidates = matching(sortOf(claim));
  // "提高1.43%" where the report says 1.43个百分点 (or the reverse): the same number in the other unit of change
  // is the report's figure, and the draft's unit is wrong.
  const twin = claim.kind === 'growth' ? (claim.unit === '%' ? sortOf({ unit: '百分点', kind: 'growth' }) : claim.unit === '百分点' ? sortOf({ unit: '%', kind: 'growth' }) : null) : null;
  if (candidates.length === 0 && twin) candidates = matching(twin, (r) => Math.abs(r.value - claim.value) < 1e-9);
  if (year === null && candidates.length > 0) {
    const latest = Math.max(...candidates.map((c) => c.record.year ?? -Infinity));
    candidates = candidates.filter((c) => (c.record.year ?? -Infinity) === latest);
  }
  if (candidates.length === 0) return UNVERIFIED;
  candidates.sort((a, b) => b.score - a.score);
  // The figure backing a claim must be about the thing claimed as closely as the best match ("太原市地区生产总值增长6.1%"
  // in a province's report never backs the province's growth, whose own record matches the claim better).
  const same = candidates.find((c) => c.score >= candidates[0]!.score - MATCH.closeEnough && sameValue(claim, c.record));
  if (same) return cite(book, same.record, 'supported');
  // Contradicted only when the best match is clear: with no place named, another place's figure proves nothing.
  if (place === null && new Set(candidates.map((c) => c.record.place)).size > 1) return UNVERIFIED;
  return cite(book, candidates[0]!.record, 'contradicted');
}

/** A draft's indicator in the reports' words: "GDP增长" -> "地区生产总值增长". */
export function inReportWords(indicator: string, synonyms: Record<string, string[]>, place: string | null = null): string {
  let out = indicator;
  for (const [key, [plain]] of Object.entries(synonyms)) {
    if (key.includes(':')) continue;
    // "全国:GDP": the words of that place's reports (国内生产总值) before the general ones (地区生产总值).
    const reportWord = (place !== null ? synonyms[`${place}:${key}`]?.[0] : undefined) ?? plain;
    if (reportWord && out.includes(key) && !out.includes(reportWord)) out = out.replace(key, reportWord);
  }
  return out;
}

function cite(book: FigureBook, record: FigureRecord, verdict: Verdict): Judgement {
  const passage = book.passages[record.passageId]!;
  const sentence = passage.sentences[record.sentence] ?? passage.text;
  return { verdict, reportFigure: record.figure, quote: quoteAround(sentence, record.figure), source: passage.source, passageId: passage.id };
}

/** The clause(s) around a figure, at most ~80 characters, cut at punctuation. */
export function quoteAround(sentence: string, figure: string, max = 80): string {
  const text = sentence.trim();
  if ([...text].length <= max) return text;
  const at = Math.max(0, text.indexOf(figure));
  let start = at;
  while (start > 0 && at - start < max / 2 && !/[，,；;。：:]/.test(text[start - 1]!)) start--;
  let end = at + figure.length;
  while (end < text.length && end - start < max && !/[，,；;。]/.test(text[end]!)) end++;
  return `${start > 0 ? '…' : ''}${text.slice(start, end)}${end < text.length ? '…' : ''}`;
}

const books = new WeakMap<object, FigureBook>();

/**
 * The figure book of an engine's current index version (built once per version, with the synonyms of whichever
 * caller comes first: so every caller passes the configured ones), or null for an engine that has no stored index
 * (a test double).
 */
export function figureBookOf(engine: object, synonyms: Record<string, string[]>): FigureBook | null {
  const index = (engine as { index?: { figures?: FigureRecord[]; allPassages: () => Passage[] } }).index;
  if (!index?.figures) return null;
  let book = books.get(index);
  if (!book) books.set(index, (book = createFigureBook(index.figures, index.allPassages(), synonyms)));
  return book;
}
