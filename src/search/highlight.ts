// The sentence of a passage that best answers, and the figures in it, nearest the question's words first.
import { findFigures } from '../clean/figures.js';
import { TARGET_CUES } from '../structure/period.js';
import type { QueryUnderstanding, SearchResult } from '../types.js';
import { type FigureKind, figureKind, type Period } from './cues.js';

export interface Highlight {
  sentence: string;
  /** Figures of the sentence, the one closest after a question word first. */
  figures: string[];
}

/** Weighted words of the question found in a text (substring match, so it works on unsegmented Chinese). */
export function matchedWeight(text: string, terms: string[], weight: (t: string) => number): number {
  return terms.reduce((sum, t) => (text.includes(t) ? sum + weight(t) : sum), 0);
}

export function highlight(sentences: string[], terms: string[], weight: (t: string) => number, wantsFigure: boolean): Highlight {
  let best = sentences[0] ?? '';
  let bestScore = -Infinity;
  for (const s of sentences) {
    const compact = s.replace(/\s+/g, '');
    const score = matchedWeight(compact, terms, weight) + (wantsFigure && findFigures(compact).length > 0 ? 1.5 : 0);
    if (score > bestScore) [best, bestScore] = [s, score];
  }
  return { sentence: best, figures: rankFigures(best, terms) };
}

/** Order figures by distance from the nearest question word that precedes them (reports put the figure after the thing counted). */
export function rankFigures(sentence: string, terms: string[]): string[] {
  const compact = sentence.replace(/\s+/g, '');
  const figures = findFigures(compact);
  const anchors = terms.flatMap((t) => {
    const at: number[] = [];
    for (let i = compact.indexOf(t); i >= 0; i = compact.indexOf(t, i + 1)) at.push(i + t.length);
    return at;
  });
  if (anchors.length === 0) return figures;
  const distance = (f: string) => {
    const pos = compact.indexOf(f);
    const before = anchors.filter((a) => a <= pos).map((a) => pos - a);
    return before.length ? Math.min(...before) : 1000 + Math.min(...anchors.map((a) => Math.abs(a - pos)));
  };
  return [...figures].sort((a, b) => distance(a) - distance(b));
}

/** The clause (between commas) of a sentence that holds a figure: the figure's context on a card. */
export function clauseOf(sentence: string, figure: string): string {
  const compact = sentence.replace(/\s+/g, '');
  const trim = (x: string) => x.replace(/^[“”"、\s]+|[“”"、\s]+$/g, '');
  const whole = compact.split(/[，,；;。！？!?]/).find((c) => c.includes(figure)) ?? compact;
  const colon = whole.search(/[：:]/);
  const labelled = colon >= 0 && whole.indexOf(figure) > colon;
  const clause = labelled ? whole.slice(colon + 1) : whole;
  const at = clause.indexOf(figure);
  // Among other figures (a statistics card's line), the words since the previous figure say what this one is.
  const before = clause.slice(0, at);
  const cut = Math.max(0, ...findFigures(before).map((f) => before.lastIndexOf(f) + f.length));
  const since = trim(before.slice(cut));
  if (labelled) return Array.from(since).length >= 6 ? since : trim(`${trim(whole.slice(0, colon))} ${since}`);
  return cut > 0 && since ? since : trim(clause.replace(figure, ''));
}

/**
 * The year a figure is about: named in its sentence, else the year the question asks about (resolved against the
 * report's year), else the report's review year (reports mostly quote the year before), or the report's own year
 * for targets.
 */
export function yearOfFigure(sentence: string, reportYear: number | null, asked: QueryUnderstanding['year']): number | null {
  const explicit = sentence.match(/((?:19|20)\d{2})\s*年/);
  if (explicit?.[1]) return Number(explicit[1]);
  if (asked && 'absolute' in asked) return asked.absolute;
  if (reportYear === null) return null;
  if (asked) return reportYear + asked.relative;
  return TARGET_CUES.test(sentence) ? reportYear : reportYear - 1;
}

/** The year a figure's own clause names right before it ("较2022年15.22亿元" -> 2022), or null. */
function namedYearOf(sentence: string, figure: string): number | null {
  const compact = sentence.replace(/\s+/g, '');
  const at = compact.indexOf(figure);
  if (at < 0) return null;
  const clauseStart = Math.max(...['，', ',', '；', ';', '。', '：', '、'].map((c) => compact.lastIndexOf(c, at)));
  const before = compact.slice(clauseStart + 1, at);
  const years = [...before.matchAll(/((?:19|20)\d{2})年/g)];
  const last = years[years.length - 1];
  // The year dates this figure only when no other figure stands between them ("较2022年15.22亿元 同比增长44.4%").
  return last && !/\d/.test(before.slice(last.index! + last[0].length)) ? Number(last[1]) : null;
}

export interface KeyFigureContext {
  /** Kind of figure asked for (growth rate, amount, share), or null. */
  kind: FigureKind | null;
  /** Does a figure have the unit asked for ("多少户" -> 户)? Null when the question names none. */
  unit: ((figure: string) => boolean) | null;
  terms: string[];
  weight: (t: string) => number;
  /** Year asked about, resolved against the passage's report, or null. */
  year: number | null;
  reportYear: number | null;
  asked: QueryUnderstanding['year'];
  /** The passage's period (plan of the report's year, review of the year before), when known. */
  period: Period | null;
}

/** Weight of the question's words in the clause holding a figure: the clause that talks about what was asked. */
function clauseWeight(sentence: string, figure: string, terms: string[], weight: (t: string) => number): number {
  const compact = sentence.replace(/\s+/g, '');
  const at = compact.indexOf(figure);
  if (at < 0) return 0;
  const stops = /[，,；;。！？!?：:]/;
  let a = at;
  while (a > 0 && !stops.test(compact[a - 1]!)) a--;
  let b = at + figure.length;
  while (b < compact.length && !stops.test(compact[b]!)) b++;
  const clause = compact.slice(a, b).replace(figure, ' ');
  // Result words ("缩短到6小时", "达到96%") mark the figure that answers; "由1天" is where it started.
  const reached = /(?:到|至|达)$/.test(compact.slice(Math.max(0, at - 1), at)) ? 0.5 : 0;
  return matchedWeight(clause, terms, weight) + reached;
}

/**
 * The figure a card leads with: never one its clause dates to another year than the one asked, and of the kind
 * asked (a growth question leads with the rate, an amount question with the amount, a share question with the
 * share); among equals, the one nearest the question's words (the highlight's order).
 */
export function keyFigure(h: Highlight, ctx: KeyFigureContext): SearchResult['keyFigure'] | undefined {
  const dated = h.figures.map((figure) => ({ figure, year: namedYearOf(h.sentence, figure) }));
  const inYear = ctx.year === null ? dated.filter((d) => d.year === null || dated.every((o) => o.year !== null)) : dated.filter((d) => d.year === null || d.year === ctx.year);
  let pool = inYear.length ? inYear : dated;
  const compact = h.sentence.replace(/\s+/g, '');
  // Narrow by kind, then by unit, keeping the pool whenever a narrowing would leave nothing.
  const narrow = (keep: (f: string) => boolean) => {
    const kept = pool.filter((d) => keep(d.figure));
    if (kept.length) pool = kept;
  };
  if (ctx.kind) narrow((f) => figureKind(compact, f) === ctx.kind);
  if (ctx.unit) narrow(ctx.unit);
  // Then the figure whose clause holds most of the question's words; ties keep the highlight's order (nearest first).
  const scored = pool.map((d, i) => ({ d, i, w: clauseWeight(h.sentence, d.figure, ctx.terms, ctx.weight) }));
  scored.sort((x, y) => y.w - x.w || x.i - y.i);
  const lead = scored[0]?.d;
  if (!lead) return undefined;
  // A passage's own period dates its figures before the question does: a 2023 result asked as "今年" stays 2023.
  const periodYear = ctx.reportYear === null || !ctx.period || /(?:19|20)\d{2}\s*年/.test(h.sentence) ? null : ctx.period === 'plan' ? ctx.reportYear : ctx.reportYear - 1;
  const year = lead.year ?? periodYear ?? yearOfFigure(h.sentence, ctx.reportYear, ctx.asked);
  return { figure: lead.figure, clause: clauseOf(h.sentence, lead.figure), year };
}
