// Figures: numbers with their unit or %, as reporters quote them ("6725人", "96.95亿元", "80%以上"), and counts in
// 万 or 亿 with none ("减少1386万").

export const UNITS = [
  '个百分点', '场次', '架次', '吨标准煤', '千瓦时', '千瓦', '兆瓦', '标准箱', '标箱', '立方米', '公斤', '斤', '艘', '架', '万平方米', '平方米', '平方公里', '公顷', '万亩', '亩', '公里', '千米', '米', '蒸吨', '吨',
  '万元', '亿元', '美元', '港元', '欧元', '元', '千克', '分钟', '班次', '颗', '万人次', '人次', '万人', '人', '万户', '户', '家', '个', '项', '件', '所', '座', '套',
  '辆', '张', '名', '处', '次', '期', '场', '条', '部', '村', '类', '头只', '头', '只', '床', '天', '小时',
  '倍', '批', '台', '栋', '间', '册', '位', '岁', '%', '％', '‰', '微克/立方米', 'P',
].sort((a, b) => b.length - a.length);

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\%]/g, '\\$&');
const NUMBER = String.raw`\d+(?:[.,]\d+)*`;
const MAGNITUDE = String.raw`(?:余|多)?[万亿千百]*(?:余|多)?`;
const QUALIFIER = '(?:以上|以内|以下|左右)?';

/** A count with 万 or 亿 and no unit, the thing counted named before it ("贫困人口减少6800多万", "1亿多"). */
const BARE_COUNT = String.raw`(?:余|多)?[万亿]+(?:余|多)?`;

/** Matches one figure; `g` so it can be used with matchAll. A unit, where one follows, belongs to the figure; a
 * number inside a name of letters and digits (P2P, PM2.5) is none. */
export const FIGURE_RE = new RegExp(`(?<![A-Za-z])${NUMBER}(?:${MAGNITUDE}(?:${UNITS.map(escape).join('|')})|${BARE_COUNT})${QUALIFIER}`, 'g');

/** Figures in a text, in order of appearance, without duplicates. */
export function findFigures(text: string): string[] {
  const compact = text.replace(/\s+/g, '');
  return [...new Set(Array.from(compact.matchAll(FIGURE_RE), (m) => m[0]))];
}

export const hasFigure = (text: string) => findFigures(text).length > 0;
