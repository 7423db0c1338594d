// Figures as data: "3270308万元" -> 3.270308e10 元, "80%以上" -> 80 % at least, "三成" -> 30 %. The words that
// decide the reading (units, scales, qualifiers, growth and plan cues) live in cues.json.
import { readFileSync } from 'node:fs';
import Nzh from 'nzh';
import { FIGURE_TARGET_CUES } from '../structure/period.js';

interface Cues {
  units: Record<string, [string, number] | string>;
  scales: Record<string, number>;
  qualifiersBefore: Record<string, Bound>;
  qualifiersInside: Record<string, Bound>;
  qualifiersAfter: Record<string, Bound>;
  growthWords: string;
  shareWords: string;
  rankWords: string;
  indicatorStopPrefix: string;
  indicatorStopSuffix: string;
  genericIndicator: string;
  questionWords: string;
  compareCues: string;
  seriesCues: string;
  fewestCues: string;
}

export const CUES = JSON.parse(readFileSync(new URL('./cues.json', import.meta.url), 'utf8')) as Cues;

/** What a qualifier says about the true value: exactly it, about it, at least or at most it. */
export type Bound = 'exact' | 'approx' | 'atLeast' | 'atMost' | 'range';
export type FigureKind = 'amount' | 'growth' | 'share' | 'count' | 'rank';

export interface Figure {
  /** As written, with the qualifiers attached to it: "4500余万元", "80%以上", "三成". */
  figure: string;
  /** In the base unit: 3270308万元 -> 32703080000 (元). */
  value: number;
  /** Base unit: 元, 人, 人次, %, 百分点 (kept apart from %), 亩, 个… ("名" for a rank). */
  unit: string;
  kind: FigureKind;
  /** Qualifier words found around the figure (约, 超, 余, 以上, 左右…). */
  qualifiers: string[];
  bound: Bound;
  /** The value of one unit in the last written digit (327亿元 -> 1e8, 16.1% -> 0.1, 6700人 -> 100). */
  step: number;
  /** Significant digits as written (327亿元 -> 3, 6700人 -> 2). */
  significant: number;
  /** Ends in zeros before the unit (6720人, 330亿元): possibly rounded, possibly a changed digit. */
  trailingZeros: boolean;
  /** Offsets of `figure` (without the qualifiers before it) in the compacted text. */
  start: number;
  end: number;
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\%]/g, '\\$&');
const unitEntries = Object.entries(CUES.units).filter(([k]) => !k.startsWith('_')) as [string, [string, number]][];
const UNIT_ALT = unitEntries.map(([k]) => k).sort((a, b) => b.length - a.length).map(esc).join('|');
const SCALE_ALT = Object.keys(CUES.scales).sort((a, b) => b.length - a.length).join('|');
const INSIDE_ALT = Object.keys(CUES.qualifiersInside).join('|');
const AFTER_ALT = Object.keys(CUES.qualifiersAfter).join('|');
const BEFORE_ALT = Object.keys(CUES.qualifiersBefore).sort((a, b) => b.length - a.length).join('|');
// Chinese numerals only before units where reports use them (三成, 八个方面, 两项); a bare 一 is too common (一个中心).
const CN_DIGITS = '零一二两三四五六七八九十百千';
const CN_UNITS = ['成', '个百分点', '个方面', '大类', '项', '个', '批', '条', '类'].join('|');

const FIGURE = new RegExp(
  String.raw`(\d+(?:,\d{3})*(?:\.\d+)?)(${INSIDE_ALT})?(${SCALE_ALT})?(${INSIDE_ALT})?(${UNIT_ALT})(${AFTER_ALT})?` +
    String.raw`|(?<![${CN_DIGITS}])([${CN_DIGITS}]{1,4})(${CN_UNITS})(${AFTER_ALT})?` +
    String.raw`|第(\d+|[${CN_DIGITS}]{1,3})(?:位|名)` +
    // A bare count with 万/亿 and no unit ("农村贫困人口减少1386万"), only where the figure ends.
    String.raw`|(\d+(?:\.\d+)?)(${INSIDE_ALT})?(${SCALE_ALT})(${INSIDE_ALT})?(?=[，。；、,;：:）)”\s]|$|以上|左右|以内|以下)`,
  'g',
);
const BEFORE = new RegExp(`(?:${BEFORE_ALT})$`);
// "增长了5%", "增长目标是5%" are changes; "增加到1112.4亿元", "提高到15%" are the level reached.
const GROWTH = new RegExp(`(?:${CUES.growthWords})(?:的?(?:预期)?目标)?(?:了|为|是)?$`);
const RANK_BEFORE = new RegExp(`(?:${CUES.rankWords})[^，,；;。]{0,8}$`);
const SCALES = CUES.scales;
const UNITS = new Map(unitEntries);

/** Text without whitespace: figures are found and cited in this form ("地区生产总值 3270308万元" has a space). */
export const compact = (text: string) => text.replace(/\s+/g, '');

function cnNumber(s: string): number | null {
  if (s === '一' || s === '零') return null;
  const n = Number(Nzh.cn.decodeS(s.replace(/两/g, '二')));
  return Number.isFinite(n) && n > 0 ? n : null;
}

/** Every figure of a text (already compacted), in order. */
export function parseFigures(text: string): Figure[] {
  const out: Figure[] = [];
  for (const m of text.matchAll(FIGURE)) {
    const start = m.index ?? 0;
    const before = text.slice(Math.max(0, start - 3), start);
    const pre = BEFORE.exec(before)?.[0];
    const qualifiers: string[] = [];
    if (pre) qualifiers.push(pre);
    let value: number;
    let unit: string;
    let step = 1;
    let significant = 1;
    let trailingZeros = false;
    let extra = '';
    if (m[1] !== undefined) {
      // A year (2023年) or a date is never a figure here: 年/月/日 are not units.
      const digits = m[1].replace(/,/g, '');
      const [base, factor] = UNITS.get(m[5]!)!;
      const scale = (m[3] ? SCALES[m[3]]! : 1) * factor;
      value = Number(digits) * scale;
      const [whole = '', fraction = ''] = digits.split('.');
      const zeros = fraction ? 0 : (/0*$/.exec(whole)?.[0].length ?? 0);
      trailingZeros = zeros > 0;
      step = (fraction ? 10 ** -fraction.length : 10 ** zeros) * scale;
      significant = (whole.replace(/^0+/, '') + fraction).replace(fraction ? /^0+/ : /0+$/, '').length;
      unit = base;
      for (const q of [m[2], m[4], m[6]]) if (q) qualifiers.push(q);
    } else if (m[7] !== undefined) {
      // A name in quotes ("两个确立", “七个专项行动”) is not a count the report gives.
      if (/[“"「『]$/.test(text.slice(Math.max(0, start - 1), start))) continue;
      // An ordinal (第二批, 第十四个五年规划, 第五条) names which one, not how many.
      if (text[start - 1] === '第') continue;
      const n = cnNumber(m[7]);
      if (n === null) continue;
      const [base, factor] = UNITS.get(m[8]!)!;
      value = n * factor;
      step = factor;
      unit = base;
      if (m[9]) qualifiers.push(m[9]);
    } else if (m[11] !== undefined) {
      const scale = SCALES[m[13]!]!;
      if (scale < 1e4) continue; // 千/百 alone are words more often than magnitudes
      value = Number(m[11]) * scale;
      const [whole = '', fraction = ''] = m[11].split('.');
      step = (fraction ? 10 ** -fraction.length : 1) * scale;
      significant = (whole.replace(/^0+/, '') + fraction).length;
      unit = '';
      for (const q of [m[12], m[14]]) if (q) qualifiers.push(q);
      const after = /^(?:以上|左右|以内|以下)/.exec(text.slice(start + m[0].length))?.[0];
      if (after) {
        qualifiers.push(after);
        extra = after;
      }
    } else {
      const n = /^\d+$/.test(m[10]!) ? Number(m[10]) : cnNumber(m[10]!);
      if (n === null || !RANK_BEFORE.test(text.slice(Math.max(0, start - 12), start))) continue;
      value = n;
      unit = '名';
    }
    const bounds = new Set(qualifiers.map((q) => CUES.qualifiersBefore[q] ?? CUES.qualifiersInside[q] ?? CUES.qualifiersAfter[q]!));
    const bound: Bound = bounds.size === 0 ? 'exact' : bounds.size === 1 ? [...bounds][0]! : 'approx';
    const lead = text.slice(Math.max(0, start - 12), start);
    const kind: FigureKind =
      unit === '名' ? 'rank'
      : unit === '百分点' || unit === '倍' ? 'growth'
      : unit === '%' ? (GROWTH.test(lead) ? 'growth' : 'share')
      : unit === '元' || unit === '美元' ? (GROWTH.test(lead) ? 'growth' : 'amount')
      : 'count';
    const figure: Figure = { figure: m[0] + extra, value: round(value), unit, kind, qualifiers, bound, step, significant, trailingZeros, start, end: start + m[0].length + extra.length };
    // A range (6%—6.5%, 4.5—5%): both ends say "somewhere in between", never one value a draft may state alone.
    const previous = out[out.length - 1];
    const bare = RANGE_START.exec(text.slice(Math.max(0, start - 12), start));
    if (previous && previous.unit === unit && RANGE_DASH.test(text.slice(previous.end, start))) {
      previous.bound = figure.bound = 'range';
      figure.kind = previous.kind;
    } else if (previous && previous.unit === unit && previous.kind === 'growth' && /^(?:、|和|及|与)$/.test(text.slice(previous.end, start))) {
      figure.kind = 'growth'; // "分别增长10.7%和9.5%": a list of growth rates
    } else if (bare && (!previous || previous.end <= start - bare[0].length)) {
      figure.bound = 'range';
      figure.figure = bare[0] + figure.figure;
      figure.start = start - bare[0].length;
      if ((unit === '%' || unit === '元' || unit === '美元') && GROWTH.test(text.slice(Math.max(0, figure.start - 12), figure.start))) figure.kind = 'growth';
    }
    out.push(figure);
  }
  return out;
}

const RANGE_DASH = /^[—\-－～~至到]{1,2}$/;
/** The bare number before a range's second end: "4.5—" in 4.5—5%. */
const RANGE_START = /(?<![\d.])\d+(?:\.\d+)?[—\-－～~至到]{1,2}$/;

const round = (x: number) => Math.round(x * 1e6) / 1e6;

/**
 * Do two figures state the same value? Equal after normalising units (3270308万元 = 327.0308亿元), with qualifiers
 * that do not disagree. A claim may round the report's figure to its own last digit ("327亿元" for 3270308万元) only
 * when it says so (约, 左右) or keeps at least 3 significant digits without trailing zeros: "16%" does not back
 * "16.1%", and "6720人" (a changed digit as often as a rounding) does not back "6725人".
 */
export function sameValue(claim: Pick<Figure, 'value' | 'unit' | 'bound' | 'step' | 'significant' | 'trailingZeros'>, report: Pick<Figure, 'value' | 'unit' | 'bound'>): boolean {
  if (claim.unit !== report.unit) return false;
  // 约/左右 rounds to the claim's last digit only when it keeps two digits: "5%左右" never backs 5.4% (that is how
  // targets are written, and a result claimed as one is wrong), "约1.2万个" backs 1.2万个.
  const rounds = (claim.bound === 'approx' && claim.significant >= 2) || (claim.significant >= 3 && !claim.trailingZeros);
  const tolerance = rounds ? claim.step / 2 : 0;
  const slack = 1e-9 * Math.max(1, Math.abs(report.value));
  if (Math.abs(claim.value - report.value) <= tolerance + slack) {
    // Same number: the qualifiers must not disagree (claim "超4500万元" vs report "4500万元以内").
    return compatibleBounds(claim.bound, report.bound);
  }
  // "1200多万人", "超过2900亿元", "4%以上" round an exact figure down to their last digit: 1244万人, 2929亿元, 4.1%
  // back them; the next step (1300万人) does not.
  if (claim.bound === 'atLeast' && report.bound === 'exact') return report.value >= claim.value - slack && report.value < claim.value + claim.step - slack;
  return false;
}

function compatibleBounds(a: Bound, b: Bound): boolean {
  if (a === 'range' || b === 'range') return a === b;
  if (a === b || a === 'approx' || b === 'approx') return true;
  // "4500余万元" in the report, "4500万元" in the draft: the draft rounds down what the report says; accepted.
  if (a === 'exact' || b === 'exact') return true;
  return false; // at least vs at most
}

/** Is this sentence a plan (target) rather than a review (result)? The structure stage's one list of cue words. */
export function periodOf(sentence: string): 'result' | 'target' {
  return FIGURE_TARGET_CUES.test(sentence) ? 'target' : 'result';
}
