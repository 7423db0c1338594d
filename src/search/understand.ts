// What a reporter's question asks for: district, year, whether a figure is wanted, and the words to search.
import { readFileSync } from 'node:fs';
import * as OpenCC from 'opencc-js/t2cn';
import { tokenize } from '../index/tokenize.js';
import type { District, QueryUnderstanding } from '../types.js';

export type Synonyms = Record<string, string[]>;

export function loadSynonyms(path: string): Synonyms {
  const raw = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  const out: Synonyms = {};
  for (const [k, v] of Object.entries(raw)) {
    if (k.startsWith('_')) continue;
    if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) throw new Error(`synonyms file ${path}: "${k}" must map to a list of words`);
    out[k] = v;
  }
  return out;
}

const toSimplified = OpenCC.Converter({ from: 'hk', to: 'cn' });

/** District names and the short forms reporters use. 城中村 (urban village) is not 城中区. */
const DISTRICT_NAMES: [District, RegExp][] = [
  ['城中区', /城中区|城中(?![村心])|(?<![城市集湟])中区/],
  ['城西区', /城西区|城西|(?<![城东南北])西区/],
  ['城北区', /城北区|城北|(?<![城东南西])北区/],
  ['湟中区', /湟中区|湟中/],
];
const DISTRICT_WORDS = /城中区|城西区|城北区|湟中区|城中(?![村心])|城西|城北|湟中|(?<![城市集湟])中区|(?<![城东南北])西区|(?<![城东南西])北区|西宁市?|全市/g;

/** Places of Qinghai a question may name; only those whose reports are indexed can be answered. */
const PLACES: [string, RegExp][] = [
  ['城东区', /城东区|城东(?![村])|(?<![城])东区/],
  ['大通县', /大通县|大通(?:回族土族自治县)?/],
  ['湟源县', /湟源县?/],
  ['海东市', /海东市?/],
  ['乐都区', /乐都区?/],
  ['平安区', /平安区/],
  ['民和县', /民和县?/],
  ['互助县', /互助县|互助土族/],
  ['化隆县', /化隆县?/],
  ['循化县', /循化县?/],
  ['门源县', /门源县?/],
  ['祁连县', /祁连县/],
  ['海晏县', /海晏县?/],
  ['刚察县', /刚察县?/],
  ['共和县', /共和县/],
  ['贵德县', /贵德县?/],
  ['格尔木市', /格尔木市?/],
  ['德令哈市', /德令哈市?/],
  ['玉树市', /玉树(?:市|州)/],
  ['果洛州', /果洛州?/],
  ['黄南州', /黄南州?/],
  ['海北州', /海北州/],
  ['海南州', /海南州/],
  ['海西州', /海西州/],
];

const RELATIVE_YEARS: [RegExp, -1 | 0 | 1][] = [
  [/去年|上一年|上年度?|过去一年/, -1],
  [/今年|本年度?|这一年|新的一年/, 0],
  [/明年|下一年/, 1],
];

const WANTS_FIGURE = /多少|几|比例|百分之|增长率|增速|多大|多高|多长|多久|多远|金额|人数|数量|规模|总额|面积|占比|增幅|降幅|排名|第几/;

export interface UnderstandContext {
  synonyms: Synonyms;
  /** Districts that have at least one indexed report. */
  covered: Set<District>;
}

/** Normalise a question: traditional -> simplified, full-width digits/letters -> ASCII, one line. */
export function normalizeQuestion(question: string): string {
  const halfWidth = question.replace(/[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
  return toSimplified(halfWidth.replace(/\s+/g, ' ').trim());
}

export function understand(question: string, ctx: UnderstandContext): QueryUnderstanding {
  const normalized = normalizeQuestion(question);
  const district = DISTRICT_NAMES.find(([, re]) => re.test(normalized))?.[0] ?? (/西宁|全市/.test(normalized) ? '西宁市' : null);
  const uncovered = PLACES.find(([name, re]) => re.test(normalized) && !ctx.covered.has(name as District))?.[0] ?? null;

  const explicit = /(20\d\d)\s*年?/.exec(normalized);
  const relative = RELATIVE_YEARS.find(([re]) => re.test(normalized))?.[1];
  const year = explicit ? { absolute: Number(explicit[1]) } : relative !== undefined ? { relative } : null;

  // Each word of the question is a concept; a synonym of it (reporter's word -> report's word) also satisfies it.
  const stripped = normalized.replace(DISTRICT_WORDS, ' ').replace(/20\d\d\s*年?|去年|今年|明年|上一年|本年度?/g, ' ');
  const words = [...new Set(tokenize(stripped))];
  const synonymKeys = Object.keys(ctx.synonyms).filter((k) => stripped.includes(k));
  // A concept is satisfied by its word or a whole synonym; the synonyms' own words (地区, 生产 of 地区生产总值) are
  // searched but do not count as mentioning the concept.
  const related = words.map((w) => synonymKeys.filter((k) => k.includes(w) || w.includes(k)).flatMap((k) => ctx.synonyms[k]!));
  const concepts = words.map((w, i) => [...new Set([w, ...related[i]!])]);
  const terms = [...new Set([...concepts.flat(), ...related.flat().flatMap((r) => tokenize(r))])];

  return { normalized, district, uncoveredPlace: uncovered, year, wantsFigure: WANTS_FIGURE.test(normalized), terms, concepts };
}
