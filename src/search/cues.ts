// What kind of answer a question wants (a target or a result; a rate, an amount or a share), read from the
// cue words in cues.json: data, not code, so other reports' vocabulary is one edit away.
import { readFileSync } from 'node:fs';
import { UNITS } from '../clean/figures.js';
import { QUESTION_CUES } from '../structure/period.js';

export type Period = 'plan' | 'review';
export type FigureKind = 'growth' | 'amount' | 'share';

type Cues = Record<'target' | 'result' | FigureKind | 'money' | 'length' | 'duration', string[]>;

const CUES: Cues = (() => {
  const raw = JSON.parse(readFileSync(new URL('./cues.json', import.meta.url), 'utf8')) as Record<string, unknown>;
  const out = {} as Cues;
  // Target and result words are the structure stage's one list of period cues (src/structure/cues.json).
  out.target = QUESTION_CUES.target;
  out.result = QUESTION_CUES.result;
  for (const key of ['growth', 'amount', 'share', 'money', 'length', 'duration'] as const) {
    const v = raw[key];
    if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) throw new Error(`src/search/cues.json: "${key}" must be a list of words`);
    out[key] = v;
  }
  return out;
})();

const has = (text: string, words: string[]) => words.some((w) => text.includes(w));

/** Does the question ask for a target (plan) or for what was achieved (review)? Null when it does not say or says both. */
export function askedPeriod(question: string): Period | null {
  const plan = has(question, CUES.target);
  const review = has(question, CUES.result);
  return plan === review ? null : plan ? 'plan' : 'review';
}

/** The kind of figure asked for: a growth rate, an amount, a share, or null. Growth wins over amount ("投资增长多少"). */
export function askedFigureKind(question: string): FigureKind | null {
  if (has(question, CUES.growth)) return 'growth';
  if (has(question, CUES.share)) return 'share';
  if (has(question, CUES.amount)) return 'amount';
  return null;
}

const MEASURE = new RegExp(`(?:多少|几)(${[...UNITS].sort((a, b) => b.length - a.length).map((u) => u.replace(/[%]/g, '\\$&')).join('|')})`);

/**
 * Does a figure have the unit the question asks for? "多少户" wants 户, "花了多少钱" an amount in 元, "多长" a
 * length, "多久" a duration. Null when the question names no unit.
 */
export function unitMatcher(question: string): ((figure: string) => boolean) | null {
  // A duration first: "几天" accepts "6小时".
  if (has(question, CUES.duration)) return (f) => /(?:天|小时|年|个月|日)(?:以上|以内|以下|左右)?$/.test(f);
  const unit = MEASURE.exec(question)?.[1];
  if (unit) return (f) => f.replace(/(?:以上|以内|以下|左右)$/, '').endsWith(unit);
  if (has(question, CUES.length)) return (f) => /(?:公里|千米|米)(?:以上|以内|以下|左右)?$/.test(f);
  if (has(question, CUES.money)) return (f) => /元(?:以上|以内|以下|左右)?$/.test(f);
  return null;
}

/** The kind of a figure in its sentence: a rate after 增长/下降/提高 words, a share (%, 百分点) otherwise, else an amount. */
export function figureKind(sentence: string, figure: string): FigureKind {
  const at = sentence.indexOf(figure);
  const before = sentence.slice(Math.max(0, at - 6), Math.max(0, at));
  const percent = /[%％‰]|百分点/.test(figure);
  if (/增长|下降|提高|增幅|增速|降低|上涨|减少/.test(before) && (percent || /倍/.test(figure))) return 'growth';
  return percent ? 'share' : 'amount';
}
