// The sentence of a passage that best answers, and the figures in it, nearest the question's words first.
import { findFigures } from '../clean/figures.js';
import { type DescribedFigure, describeFigures } from '../figures/records.js';
import { tokenize } from '../index/tokenize.js';
import { findPlaces } from '../places/find.js';
import { TARGET_CUES } from '../structure/period.js';
import type { QueryUnderstanding, SearchResult } from '../types.js';
import { type FigureKind, figureKind, otherRate, type Period, spanFigure } from './cues.js';
import { remembered } from '../remember.js';

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
  /** Kind of figure asked for (growth rate, amount, share, rank), or null. */
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
  /** The single year the passage's section speaks of (structure stage), when it has one: dates a figure whose sentence names none. */
  periodYear?: number | null;
  /** The question as asked (normalised): the rate it names (赤字率) is not another (负债率). */
  question?: string;
  /** A place inside the report asked about (宁波 in 浙江's report): the figure's clause names it. */
  mustName?: string[];
  /** Is the unit a must (cues.ts unitFirm) rather than a preference? */
  unitFirm?: boolean;
  /** Words of indicators the question does not ask, set beside the ones it asks (支出 for 收入): cues.ts contrastsOf. */
  contrasts?: { asked: string; other: string }[];
  /** Is a multi-year figure (年均, 累计) asked (true), a single year's (false), or not said (null)? cues.ts askedSpan. */
  span?: boolean | null;
  /** Does the text before a figure name another place than the report's and the question's (the city in a district's report)? */
  foreignPlace?: (label: string) => boolean;
}

/**
 * The longest run of Chinese characters (4 or more) the question and the sentence share, not counting the
 * question's places, time and asking words: the indicator both name (社会消费品零售总额), or null.
 */
export function sharedName(question: string, sentence: string): string | null {
  let q = question.replace(/(?:19|20)\d\d年|去年|今年|明年|多少|是多少|几/g, '|');
  for (const m of findPlaces(q)) q = q.replace(m.text, '|');
  let best = '';
  for (const run of q.match(/[\u4e00-\u9fa5]{4,}/g) ?? []) {
    for (let i = 0; i < run.length; i++) {
      for (let j = run.length; j - i > Math.max(3, best.length); j--) {
        if (sentence.includes(run.slice(i, j))) {
          best = run.slice(i, j);
          break;
        }
      }
    }
  }
  return best || null;
}

/** Words that carry an indicator's figure on without naming another indicator (增长, 同比下降, 去年增长, 全区增长). */
const CARRY_ON = /^(?:[、和及较]|其中|全年|去年|今年|上年|当年|(?:19|20)\d\d年|全[区市省县州盟国]|同比|比上年|较上年|分别|实际|名义|年均|累计|增长|增加|增支|增收|减支|减收|增速|下降|减少|提高|提升|降低|上涨|回落|达到|达|为|突破|超过|超|增至|降至|至|到|了|约|近|左右)*$/;

/**
 * Is the figure the indicator's: its clause names the indicator ("8040套老旧小区配套" has the name after the
 * figure), or the text before it only carries the previous clause's figure on ("实现地区生产总值598.6亿元，增长6.4%").
 */
export function ofIndicator(sentence: string, figure: string, indicator: string): boolean {
  const at = sentence.indexOf(figure);
  if (at < 0) return false;
  // Not at a colon: "一般公共预算支出：21.98亿元" labels the figure after it.
  const stops = ['，', ',', '；', ';', '。', '！', '？'];
  const lastStop = (i: number) => Math.max(...stops.map((c) => sentence.lastIndexOf(c, i)));
  const start = lastStop(at - 1);
  const next = stops.map((c) => sentence.indexOf(c, at + figure.length)).filter((i) => i >= 0);
  const end = next.length ? Math.min(...next) : sentence.length;
  if (sentence.slice(start + 1, end).includes(indicator)) return true;
  const before = sentence.slice(start + 1, at);
  const cut = Math.max(0, ...findFigures(before).map((f) => before.lastIndexOf(f) + f.length));
  const carried = before.slice(cut);
  // A clause opening with its figure names what it counts after it ("330户城市燃气管道…"): not carried on.
  const namesAfter = /^[\u4e00-\u9fa5]/.test(sentence.slice(at + figure.length, end));
  if (start < 0 || !CARRY_ON.test(carried) || (carried === '' && namesAfter)) return false;
  return sentence.slice(lastStop(start - 1) + 1, start).includes(indicator);
}

/** Does the figure's own clause, up to the figure, name one of `names` (宁波…吞吐量4387万标箱, not …加注880万吨)? */
function nearName(sentence: string, figure: string, names: string[]): boolean {
  const { clause } = labelOf(sentence, figure);
  return names.some((n) => clause.includes(n));
}

/** The words a figure stands for: its clause up to the figure, from the previous figure on when there is one. */
export function labelOf(sentence: string, figure: string): { clause: string; label: string } {
  const compact = sentence.replace(/\s+/g, '');
  const at = compact.indexOf(figure);
  if (at < 0) return { clause: '', label: '' };
  const start = Math.max(...['，', ',', '；', ';', '。', '！', '？', '：', ':'].map((c) => compact.lastIndexOf(c, at - 1)));
  const clause = compact.slice(start + 1, at);
  const cut = Math.max(0, ...findFigures(clause).map((f) => clause.lastIndexOf(f) + f.length));
  return { clause, label: clause.slice(cut) };
}

/**
 * What a figure is of: its label (labelOf), or, when that only carries an earlier figure on ("较2022年15.22亿元",
 * a statistics card's "一般公共预算支出：21.98亿元较2022年…"), its clause up to the figure, the colon's label included.
 */
function ownLabel(sentence: string, figure: string): string {
  const compact = sentence.replace(/\s+/g, '');
  const { label } = labelOf(compact, figure);
  if (!CARRY_ON.test(label.replace(/(?:19|20)\d\d年?|[：:]/g, ''))) return label;
  const at = compact.indexOf(figure);
  const start = Math.max(...['，', ',', '；', ';', '。', '！', '？'].map((c) => compact.lastIndexOf(c, at - 1)));
  return compact.slice(start + 1, at);
}

const LEVEL_NOW = /现在|目前|如今|一共|总共|总计/;
const ADDED = /新增|新开|新建|新开通|增加|增长/;
/** A round figure crossed (迈上6万亿元台阶), not the level reached that the sentence gives beside it (达到62661亿元). */
const THRESHOLD = /^(?:台阶|大关|关口)/;

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
 * A sentence's figures described (describeFigures, no place words), remembered for the 2,000 most recent
 * sentences: the same passages answer the same questions again, and each answer reads its results' sentences.
 * Frozen: shared.
 */
export const describedOf = remembered(2000, (sentence: string): readonly Readonly<DescribedFigure>[] =>
  Object.freeze(describeFigures(sentence, null).map((d) => Object.freeze(d))),
);

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
  // What the figure stands for decides before anything else, and strictly: a figure of another indicator (支出 for
  // 收入), another place, another kind (an amount for a rate, a change for a level) or unit is no answer, so the
  // card then has no headline rather than a wrong one.
  const strict = (keep: (f: string) => boolean) => {
    pool = pool.filter((d) => keep(d.figure));
  };
  const contrasts = ctx.contrasts ?? [];
  if (contrasts.length) {
    strict((f) => {
      const label = ownLabel(compact, f);
      return !contrasts.some((c) => label.includes(c.other) && !label.includes(c.asked));
    });
  }
  if (ctx.mustName) strict((f) => nearName(compact, f, ctx.mustName!));
  // A list read item by item ("供热、燃气、排水管网800公里、600公里、300公里"): a question naming one item's own
  // words (老燃气管子) takes that item's figure, not the first of the list; the item is what the figure counts.
  const items = ctx.question ? describedOf(compact).filter((d) => d.listed && pool.some((p) => p.figure === d.figure)) : [];
  // (One indicator asked: a question asking for several, "…多少套、…多少个", names more than one.)
  const several = ctx.question !== undefined && /[、]|分别|多少.*(?:多少|几)|几.*多少/.test(ctx.question);
  let byList = false;
  if (items.length > 0) {
    // An item is named by its first word of its own: the words after it may be the whole list's (对东盟、欧盟进出口:
    // 进出口 is read with the last item, but it is every item's), and the question's synonyms name it too (GDP).
    const own = (d: (typeof items)[number]) => tokenize(d.indicator).filter((w) => w.length >= 2 && !items.some((o) => o !== d && o.indicator.includes(w)));
    const firsts = items.map((d) => own(d)[0]);
    const named = items.filter((_, i) => firsts[i] !== undefined && (ctx.question!.includes(firsts[i]!) || ctx.terms.includes(firsts[i]!)));
    byList = named.length > 0 && named.length < items.length;
    if (byList) strict((f) => !items.some((d) => d.figure === f) || named.some((d) => d.figure === f));
    // A list of parts none of which is asked (对东盟、欧盟进出口分别增长… for 进出口总额): its figures are the parts'.
    else if (named.length === 0 && items.length >= 2 && !several && firsts.every((w) => w !== undefined)) strict((f) => !items.some((d) => d.figure === f));
  }
  // The sentence names the indicator as the question does and gives it a figure: a figure in a clause of another
  // indicator ("拉动消费215亿元" beside "社会消费品零售总额增长2%") is not its, whatever its kind.
  const indicator = ctx.question && !several ? sharedName(ctx.question, compact) : null;
  // (A rank follows its indicator's clause: "旅游人数731.2万人次，居全市第2位".)
  if (indicator && !byList && ctx.kind !== 'rank' && dated.some((d) => ofIndicator(compact, d.figure, indicator))) strict((f) => ofIndicator(compact, f, indicator));
  if (ctx.question) strict((f) => !otherRate(ctx.question!, labelOf(compact, f).label));
  if (ctx.foreignPlace) strict((f) => !ctx.foreignPlace!(labelOf(compact, f).clause));
  if (ctx.kind) strict((f) => figureKind(compact, f) === ctx.kind);
  // No kind asked ("GDP是多少", "人均预期寿命是多少岁"): never a change ("提高1岁"); an amount before a share.
  else {
    // A question with a change word of its own ("涨多少", "多了多少") may want the change.
    const change = /涨|增|多了|提高|提升|降|减|少了|升|上调/.test(ctx.question ?? '');
    (change ? narrow : strict)((f) => figureKind(compact, f) !== 'growth');
    narrow((f) => figureKind(compact, f) === 'amount');
    // The level now (现在一共多长): the total reached before what was added this year ("新增里程30公里，总里程达909公里").
    if (!change && LEVEL_NOW.test(ctx.question ?? '')) narrow((f) => !ADDED.test(labelOf(compact, f).label));
  }
  // A rate asked ("收入增长多少") needs no 元: the unit then only orders.
  if (ctx.unit) (ctx.unitFirm && ctx.kind !== 'growth' && ctx.kind !== 'share' && ctx.kind !== 'rank' ? strict : narrow)(ctx.unit);
  if (ctx.span === false) strict((f) => !spanFigure(compact, f));
  else if (ctx.span === true) narrow((f) => spanFigure(compact, f));
  narrow((f) => !THRESHOLD.test(compact.slice(compact.indexOf(f) + f.length)));
  // Then the figure whose clause holds most of the question's words; ties keep the highlight's order (nearest first).
  const scored = pool.map((d, i) => ({ d, i, w: clauseWeight(h.sentence, d.figure, ctx.terms, ctx.weight) }));
  scored.sort((x, y) => y.w - x.w || x.i - y.i);
  const lead = scored[0]?.d;
  if (!lead) return undefined;
  // A passage's own period dates its figures before the question does: a 2023 result asked as "今年" stays 2023.
  const periodYear = /(?:19|20)\d{2}\s*年/.test(h.sentence) ? null : ctx.periodYear ?? (ctx.reportYear === null || !ctx.period ? null : ctx.period === 'plan' ? ctx.reportYear : ctx.reportYear - 1);
  const year = lead.year ?? periodYear ?? yearOfFigure(h.sentence, ctx.reportYear, ctx.asked);
  // A target: the passage is a plan, or (its period unknown) its sentence says 目标/预期/力争 and dates it to the report's year.
  const target = ctx.period === 'plan' || (ctx.period === null && TARGET_CUES.test(h.sentence) && (year === null || year === ctx.reportYear));
  const item = items.find((d) => d.figure === lead.figure)?.indicator;
  // A rank is shown as written, 第2位 (2位 alone reads as two people).
  const figure = figureKind(compact, lead.figure) === 'rank' && compact.includes(`第${lead.figure}`) ? `第${lead.figure}` : lead.figure;
  return { figure, clause: item && item.length >= 2 ? item : clauseOf(h.sentence, lead.figure), year, ...(target ? { target: true } : {}) };
}

/**
 * The highlight and key figure of a passage: the best sentence's, or when that has no figure of the indicator and
 * kind asked, the next sentence naming the question's words that has one (a passage gives 年均 and last year's
 * rate in two sentences).
 */
export function highlightWithKey(
  sentences: string[],
  terms: string[],
  weight: (t: string) => number,
  wantsFigure: boolean,
  ctx: KeyFigureContext,
): { h: Highlight; key: SearchResult['keyFigure'] | undefined } {
  const h = highlight(sentences, terms, weight, wantsFigure);
  const key = keyFigure(h, ctx);
  if (key || !wantsFigure) return { h, key };
  // The other sentence must name the indicator as fully as the best one: "进出口总额增长18.2%" asked as 总额 has no
  // amount, and "有进出口实绩企业1357家" in the next sentence is not one.
  const named = (s: string) => (ctx.question ? sharedName(ctx.question, s.replace(/\s+/g, ''))?.length ?? 0 : 0);
  const bestNamed = named(h.sentence);
  const others = sentences
    .filter((s) => s !== h.sentence && findFigures(s.replace(/\s+/g, '')).length > 0 && named(s) >= bestNamed)
    .map((s) => ({ s, w: matchedWeight(s.replace(/\s+/g, ''), terms, weight) }))
    .filter((x) => x.w > 0)
    .sort((a, b) => b.w - a.w);
  for (const { s } of others) {
    const alt = { sentence: s, figures: rankFigures(s, terms) };
    const k = keyFigure(alt, ctx);
    if (k) return { h: alt, key: k };
  }
  return { h, key };
}
