// What kind of answer a question wants (a target or a result; a rate, an amount or a share), read from the
// cue words in cues.json: data, not code, so other reports' vocabulary is one edit away.
import { readFileSync } from 'node:fs';
import { UNITS } from '../clean/figures.js';
import { QUESTION_CUES } from '../structure/period.js';

export type Period = 'plan' | 'review';
/** What a figure measures, and what a question asks for: a rate, an amount, a share, or a rank (居全国第3位, 排第几). */
export type FigureKind = 'growth' | 'amount' | 'share' | 'rank';
export type AskedKind = FigureKind;

const LISTS = ['growth', 'amount', 'share', 'notShare', 'rank', 'money', 'length', 'duration', 'span', 'spanFigure', 'generic', 'frame'] as const;
type Whole = { whole: string; askedAs: string[]; parts: string[] };
type Cues = Record<(typeof LISTS)[number] | 'target' | 'result', string[]> & { contrasts: [string, string][]; wholes: Whole[]; sameCount: string[][]; countedIn: Record<string, string[]> };

const CUES: Cues = (() => {
  const raw = JSON.parse(readFileSync(new URL('./cues.json', import.meta.url), 'utf8')) as Record<string, unknown>;
  const out = {} as Cues;
  // A list of words: what every entry of the file is made of.
  const words = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');
  const pairs = raw.contrasts ?? [];
  if (!Array.isArray(pairs) || !pairs.every((x) => words(x) && x.length === 2)) {
    throw new Error('src/search/cues.json: "contrasts" must be a list of word pairs, e.g. [["收入", "支出"]]');
  }
  out.contrasts = pairs as [string, string][];
  const wholes = raw.wholes ?? [];
  if (!Array.isArray(wholes) || !wholes.every((w) => typeof w?.whole === 'string' && words(w.askedAs) && words(w.parts))) {
    throw new Error('src/search/cues.json: "wholes" must be a list of {"whole": "进出口", "askedAs": ["外贸"], "parts": ["出口", "进口"]}');
  }
  out.wholes = wholes as Whole[];
  const same = raw.sameCount ?? [];
  if (!Array.isArray(same) || !same.every(words)) {
    throw new Error('src/search/cues.json: "sameCount" must be a list of groups of measure words, e.g. [["部", "台"]]');
  }
  out.sameCount = same as string[][];
  const counted = raw.countedIn ?? {};
  if (typeof counted !== 'object' || Array.isArray(counted) || !Object.values(counted as object).every(words)) {
    throw new Error('src/search/cues.json: "countedIn" must map a thing counted to its units, e.g. {"集装箱": ["标准箱"]}');
  }
  out.countedIn = counted as Record<string, string[]>;
  // Target and result words are the structure stage's one list of period cues (src/structure/cues.json).
  out.target = QUESTION_CUES.target;
  out.result = QUESTION_CUES.result;
  for (const key of LISTS) {
    const v = raw[key];
    if (!words(v)) throw new Error(`src/search/cues.json: "${key}" must be a list of words`);
    out[key] = v;
  }
  return out;
})();

const has = (text: string, words: string[]) => words.some((w) => text.includes(w));

/** Words about the report itself (政府工作报告里说), longest first: removed from a question's words. */
export const FRAME_WORDS: readonly string[] = [...CUES.frame].sort((a, b) => b.length - a.length);

/** Words of how a question asks (a target, a result, a growth), not of the indicator it names (follow-ups strip them). */
export const ASKING_WORDS: readonly string[] = [
  ...CUES.target,
  ...CUES.result,
  ...CUES.growth,
  // 排第几, and what is left of it once 几 is read as the measure asked (排第, 排名第).
  ...CUES.rank,
  ...CUES.rank.map((w) => w.replace(/几.*$/, '')).filter((w) => w.length >= 2),
];

/** Does the question ask for a target (plan) or for what was achieved (review)? Null when it does not say or says both. */
export function askedPeriod(question: string): Period | null {
  const plan = has(question, CUES.target);
  const review = has(question, CUES.result);
  return plan === review ? null : plan ? 'plan' : 'review';
}

/** The kind of figure asked for: a growth rate, an amount, a share, or null. Growth wins over amount ("投资增长多少"). */
export function askedFigureKind(question: string): AskedKind | null {
  // 排第几 asks a place in a ranking (居全市第2位), never the amount ranked.
  if (has(question, CUES.rank)) return 'rank';
  if (has(question, CUES.growth)) return 'growth';
  if (has(CUES.notShare.reduce((q, w) => q.split(w).join(' '), question), CUES.share)) return 'share';
  if (has(question, CUES.amount)) return 'amount';
  return null;
}

const MEASURE = new RegExp(`(?:多少|几)(${[...UNITS].sort((a, b) => b.length - a.length).map((u) => u.replace(/[%]/g, '\\$&')).join('|')})(?![A-Za-z])`);

/**
 * Does a figure have the unit the question asks for? "多少户" wants 户, "花了多少钱" an amount in 元, "多长" a
 * length, "多久" a duration. Null when the question names no unit.
 */
export function unitMatcher(question: string): ((figure: string) => boolean) | null {
  // A duration first: "几天" accepts "6小时".
  if (has(question, CUES.duration)) return (f) => /(?:天|小时|分钟|年|个月|日)(?:以上|以内|以下|左右)?$/.test(f);
  const unit = MEASURE.exec(question)?.[1];
  // A figure written in one of `units`, whatever its qualifier (500台以上).
  const inUnits = (units: string[]) => (f: string) => units.some((u) => f.replace(/(?:以上|以内|以下|左右)$/, '').endsWith(u));
  // "多少集装箱" is counted in 标准箱 (countedIn): those figures first, others still possible.
  const counted = unit ? undefined : Object.entries(CUES.countedIn).find(([thing]) => new RegExp(`(?:多少|几)${thing}`).test(question))?.[1];
  if (counted) return inUnits(counted);
  // "几个" is any count ("几个公园" -> 5处), not a percentage, an amount of money or a measure.
  if (unit === '个') return (f) => !/(?:[%％‰元米亩吨岁天时]|百分点)(?:以上|以内|以下|左右)?$/.test(f);
  // Any measure word counting the same things (部 asked, 台 given).
  if (unit) return inUnits([unit, ...CUES.sameCount.filter((g) => g.includes(unit)).flat()]);
  if (has(question, CUES.length)) return (f) => /(?:公里|千米|米)(?:以上|以内|以下|左右)?$/.test(f);
  // A money word names the unit only when an amount is asked: 收入涨了多少 asks a rate, not 元.
  const kind = askedFigureKind(question);
  if (has(question, CUES.money) && kind !== 'growth' && kind !== 'share') return (f) => /元(?:以上|以内|以下|左右)?$/.test(f);
  return null;
}

/**
 * Is the unit asked firm enough that a figure in another unit is no answer? "多少户", "多少亿元", "多久", "多长" and
 * "多少钱" are; a money word alone ("补贴" in "多少人领到补贴") and "几个" only order the figures.
 */
export function unitFirm(question: string): boolean {
  if (has(question, CUES.duration) || has(question, CUES.length)) return true;
  const unit = MEASURE.exec(question)?.[1];
  if (unit) return unit !== '个';
  return /多少钱|几块钱|花了多少|投了多少|投入多少|资金多少|金额/.test(question);
}

/**
 * The kind of a figure in its sentence: a rate after 增长/下降/提高 words, a share (%, 百分点) otherwise, else an
 * amount. A figure right after a change word is a change whatever its unit ("提高1岁" is no life expectancy); one
 * after 到/至/达 is the level reached ("城镇化率提高到66.2%" is a share).
 */
export function figureKind(sentence: string, figure: string): FigureKind {
  const at = sentence.indexOf(figure);
  const before = sentence.slice(Math.max(0, at - 6), Math.max(0, at));
  const percent = /[%％‰]|百分点/.test(figure);
  if (/第$/.test(before) && /[位名]$/.test(figure)) return 'rank';
  // The second of a pair (分别增长10.7%和9.5%) is of the first's kind.
  const pair = /(\d+(?:\.\d+)?(?:[%％‰]|个百分点))[和及与、]$/.exec(sentence.slice(Math.max(0, at - 12), at));
  if (pair && /[%％‰]|百分点/.test(figure)) return figureKind(sentence.slice(0, at - 1), pair[1]!);
  if (/(?:到|至|达|为)$/.test(before)) return percent ? 'share' : 'amount';
  if (/(?:增长|下降|提高|增加|降低|减少|上涨|缩短|延长|增幅|涨幅|降幅|增速|调增|上调|下调|提升|增)$/.test(before)) return 'growth';
  if (/增长|下降|提高|增幅|涨幅|降幅|增速|降低|上涨|减少/.test(before) && (percent || /倍/.test(figure))) return 'growth';
  return percent ? 'share' : 'amount';
}

/**
 * Each contrast the question names one side of ("收入" asked, "支出" the other): a figure labelled with the other
 * side, and not with the word asked, answers another indicator. So does one labelled with a part of a whole asked.
 */
export function contrastsOf(question: string): { asked: string; other: string }[] {
  const out: { asked: string; other: string }[] = [];
  for (const [a, b] of CUES.contrasts) {
    if (question.includes(a) && !question.includes(b)) out.push({ asked: a, other: b });
    else if (question.includes(b) && !question.includes(a)) out.push({ asked: b, other: a });
  }
  for (const { whole, askedAs, parts } of CUES.wholes) {
    const rest = question.split(whole).join(' ');
    if (askedAs.some((w) => question.includes(w)) && !parts.some((p) => rest.includes(p))) for (const p of parts) out.push({ asked: whole, other: p });
  }
  return out;
}

/**
 * Does the question ask for a figure over several years (年均, 五年, 十四五期间, "2013到2017")? True; a single year
 * (去年, 2023年, 今年目标) false; null when it does not say.
 */
export function askedSpan(question: string): boolean | null {
  if (has(ratesOnly(question), CUES.span) || /(?:19|20)\d\d\s*年?\s*(?:到|至|-|—|~)\s*(?:19|20)\d\d/.test(question)) return true;
  if (/(?:19|20)\d\d|去年|今年|明年|上一年|过去一年/.test(question)) return false;
  return null;
}

/**
 * 年均 names several years only before a change (年均增长, 年均提高, 年均新增); before a level it is part of the
 * indicator's name (细颗粒物年均浓度, 年均气温), one year's figure: such a 年均 is dropped before looking for span words.
 */
const ratesOnly = (text: string) => text.replace(/年均(?!实际|增|提|降|下降|减|递|新增|达)/g, '');

/** Is a figure one over several years: its clause, up to the figure, says 年均, 累计, 五年, 十四五…? */
export function spanFigure(sentence: string, figure: string): boolean {
  const at = sentence.indexOf(figure);
  if (at < 0) return false;
  const start = Math.max(...['，', ',', '；', ';', '。', '！', '？'].map((c) => sentence.lastIndexOf(c, at)));
  // A level reached ("从…增加到13697.5亿元") is the end of the span, a single year's figure.
  if (/(?:到|至|达|为)$/.test(sentence.slice(Math.max(0, at - 2), at))) return false;
  if (has(ratesOnly(sentence.slice(start + 1, at)), CUES.spanFigure)) return true;
  // A sentence opened by a short time phrase ("五年来，", "“十四五”时期，") speaks of the span throughout.
  const opening = /^[^，,；;。]{0,12}[，,]/.exec(sentence)?.[0] ?? '';
  return opening.length > 0 && at >= opening.length && has(ratesOnly(opening), CUES.spanFigure);
}

/**
 * Rates the question names ("赤字率") and a figure's label names instead ("负债率"): a label naming another rate and
 * not the one asked is another indicator.
 */
export function otherRate(question: string, label: string): boolean {
  const rates = (t: string) => [...t.matchAll(/[\u4e00-\u9fa5]{1,4}?率/g)].map((m) => m[0]);
  const asked = rates(question).filter((r) => r.length >= 2 && !/^(?:增长|增速|比)率$/.test(r));
  if (asked.length === 0) return false;
  const named = rates(label).filter((r) => r.length >= 2);
  return named.length > 0 && !named.some((r) => asked.some((a) => r.endsWith(a.slice(-2)) || a.endsWith(r.slice(-2))));
}

/** Does the question name an indicator: a concept beyond the generic question words (增长, 多少, 目标…)? */
export function namesIndicator(concepts: string[][]): boolean {
  const generic = new Set(CUES.generic);
  return concepts.some((alts) => alts.some((a) => !generic.has(a) && !/^[\d.]+$/.test(a)));
}
