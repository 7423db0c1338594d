// A report's front matter, wherever it sits: after a site's toolbar, breadcrumb, metadata lines or table of
// contents, in spaced letters, with or without a meeting line and a signature. What is read: the report's own
// title, its place, the year it was delivered, and where its own text begins (the front never becomes a passage).
// Order of trust for the place: title, meeting line (——2025年1月9日在××市××区第十八届人民代表大会…), signature
// (区长/县长/市长), "××人民政府", the national markers in the body (我代表国务院), then the place named most often.
// Scope words (全区, 全市, 全国) refer to the report's own place and never decide it.
import type { Block } from '../clean/index.js';
import { hasFigure } from '../clean/figures.js';
import { findPlaces, namedPlaces } from '../places/find.js';
import { gazetteer, within } from '../places/gazetteer.js';
import type { MetaCorrection, Place, PlaceRef } from '../types.js';
import { CUES } from './cues.js';
import { plansYear, PLAN_SECTION, reviewsYear, REVIEW_SECTION, TARGETS_SECTION } from './period.js';

export type { MetaCorrection };

export interface FrontMatter {
  place: PlaceRef | null;
  year: number | null;
  title: string;
  /** Index of the first block of the report's own text (blocks before it are front matter). */
  bodyStart: number;
  /** What could not be read, in words the person ingesting can act on. */
  warnings: string[];
}

const CN_DIGIT: Record<string, string> = { 〇: '0', 零: '0', Ｏ: '0', O: '0', 一: '1', 二: '2', 三: '3', 四: '4', 五: '5', 六: '6', 七: '7', 八: '8', 九: '9' };
/** The meeting line, Arabic or Chinese date (——二〇二六年一月二十七日在甘肃省十四届人民代表大会…). */
const MEETING = /(?:——|—|－－|--)?\s*([12]\d{3}|[〇零Ｏ一二三四五六七八九]{4})\s*年\s*[\d一二三四五六七八九十]{1,3}\s*月\s*[\d一二三四五六七八九十]{1,3}\s*日\s*在([^，。\n]{0,40}?)第?[一二三四五六七八九十百]+届\s*(?:全国)?人民代表大会/;
const PUBLISHED = /(?:发布时间|发布日期|时间|日期)[：:]\s*(20\d\d)[-年/.]/;
const SIGNATURE = /(?:区长|县长|市长|省长|州长|旗长|盟长|主席|总理)\s*[\u4e00-\u9fa5·]{2,4}\s*$/;
const GOVERNMENT = /([\u4e00-\u9fa5]{2,20}?)人民政府/g;
/** Titles that say what the document is but not whose: 政府工作报告, 工作报告 (a built title replaces them). */
const GENERIC_TITLE = /^(?:[\u4e00-\u9fa5]{0,2}政府)?工作报告$|^政府工作报告(?:（[^）]*）)?$/;
const BREADCRUMB = /当前位置|首页\s*[>＞»›]|[>＞»]\s*正文/;
const SALUTATION = new RegExp(CUES.front.salutation);
const DEBRIS = CUES.front.pageDebris.map((re) => new RegExp(re));
const TITLE_TAIL = new RegExp(CUES.front.titleTail);
const TITLE_CORE = CUES.front.titleCore;
const PAGE_WORDS = [...CUES.front.pageWords].sort((a, b) => b.length - a.length);
const TOP_NUMBERED = /^(?:[一二三四五六七八九十]+、|第[一二三四五六七八九十]+部分)/;

/** A line that is page debris as a whole (a time stamp, a page number, an HTML tag). */
export const isPageDebris = (text: string) => DEBRIS.some((re) => re.test(text.trim()));

const toRef = (p: Place): PlaceRef => ({ code: p.code, name: p.name, level: p.level });

function meetingYear(digits: string): number {
  return Number(/^\d+$/.test(digits) ? digits : [...digits].map((c) => CN_DIGIT[c] ?? '').join(''));
}

/** One of same-named candidates, told apart by a parent the report names anywhere; null when still ambiguous. */
function resolveNamesakes(candidates: Place[], context: Place[]): Place | null {
  if (candidates.length === 1) return candidates[0]!;
  const supported = candidates.filter((c) => context.some((o) => o !== c && within(c, o)));
  return supported.length === 1 ? supported[0]! : null;
}

/** The place a line names (its most specific one: 鼓楼区 in 南京市鼓楼区), or the national scope. */
function placeIn(text: string, context: Place[]): Place | null {
  const g = gazetteer();
  if (g.national.reportMarkers.some((m) => text.includes(m))) return g.national;
  const named = namedPlaces(findPlaces(text));
  return named.length === 0 ? null : resolveNamesakes(named[0]!.places, context);
}

/** The level a speaker's government word names (我代表省人民政府 → a province). */
const SPEAKER_LEVEL: Record<string, Place['level'][]> = { 自治区: ['province'], 省: ['province'], 市: ['city', 'county'], 州: ['city'], 盟: ['city'], 区: ['county'], 县: ['county'], 旗: ['county'] };

const levelRank = (p: Place) => ['country', 'province', 'city', 'county'].indexOf(p.level);

/** The place named most often (at least `min` times and more than any other of its level or above). */
function mostNamed(places: (Place | null)[], min: number): Place | null {
  const counts = new Map<Place, number>();
  for (const p of places) if (p) counts.set(p, (counts.get(p) ?? 0) + 1);
  const [first, second] = [...counts].sort((a, b) => b[1] - a[1] || levelRank(b[0]) - levelRank(a[0]));
  if (!first || first[1] < min || (second && second[1] === first[1] && levelRank(second[0]) === levelRank(first[0]))) return null;
  return first[0];
}

/**
 * A title line's own title: the words that end in 工作报告, after any toolbar, breadcrumb or page header before
 * them and without the time stamp after them; null when the line is not a title (a caption such as
 * "某某同志作政府工作报告" is not: what precedes 政府 must be a year and a place).
 */
export function titleIn(line: string): { title: string; place: string } | null {
  let t = line.replace(/\s+/g, '').replace(TITLE_TAIL, '');
  const at = t.indexOf(TITLE_CORE);
  if (at < 0) return null;
  let end = at + TITLE_CORE.length;
  const note = /^（(?:摘要|全文|草案|摘登|节选)）/.exec(t.slice(end));
  if (note) end += note[0].length;
  // "（全文）" says only that the page holds all of it: not part of the title.
  const keep = note && note[0] !== '（全文）' ? end : at + TITLE_CORE.length;
  // A sentence that starts with the words (政府工作报告以…为指导) is not a title line.
  if (t.slice(end).replace(/[\p{P}\s]+/gu, '') !== '') return null;
  let head = t.slice(0, at);
  // The last separator before the title ends the page's furniture (加大还原减小】, >要闻动态>, Page 2-).
  head = head.split(/[】\]>＞»›|｜/\\:：\-—<《]/).pop() ?? '';
  for (let changed = true; changed; ) {
    changed = false;
    for (const w of PAGE_WORDS) if (w.length > 1 && head.startsWith(w)) [head, changed] = [head.slice(w.length), true];
  }
  head = head.replace(/^[^\u4e00-\u9fa5\d“"]+/, '');
  const m = /^((?:19|20)\d\d年(?:度)?)?(.*?)(?:人民)?政府$/.exec(head);
  if (!m) return null;
  const place = m[2]!;
  if (place) {
    const named = findPlaces(place);
    const covered = named.reduce((n, x) => n + x.text.length, 0);
    if (named.length === 0 || covered < place.replace(/[省市县区州旗盟]/g, '').length * 0.6) return null;
  }
  // A cover of two lines, the issuer and the document (湖北省人民政府 / 政府工作报告): a title without its own year,
  // built from place and year by the caller.
  if (/人民政府政府$/.test(head)) return { title: '政府工作报告', place };
  return { title: head + t.slice(at, keep), place };
}

/** Where the report's own text begins: its salutation (各位代表：) or its first top-level numbered heading. */
function findBodyStart(blocks: Block[]): number {
  const limit = Math.min(blocks.length, 60);
  // The salutation opens the report: only before its first numbered heading (a closing 各位代表！ is no start).
  for (let i = 0; i < limit && !(blocks[i]!.kind === 'heading' && TOP_NUMBERED.test(blocks[i]!.text.trim())); i++) {
    if (SALUTATION.test(blocks[i]!.text.trim())) return i;
  }
  for (let i = 0; i < limit; i++) {
    const text = blocks[i]!.text.trim();
    if (blocks[i]!.kind === 'heading' && TOP_NUMBERED.test(text)) return i;
    // A paragraph of the report's own before any numbered heading (a page of a scan, a news copy): nothing to skip.
    if (blocks[i]!.kind === 'body' && (Array.from(text).length >= 60 || hasFigure(text)) && !titleIn(text)) return 0;
  }
  return 0;
}

/**
 * The year a report was delivered when it has no date: a plan heading naming its year (二、2018年经济社会发展总体
 * 要求) or a review heading naming the year before (一、2018年工作回顾 -> 2019); otherwise the wording (below).
 */
function yearFromHeadings(blocks: Block[]): number | null {
  for (const b of blocks) {
    if (b.kind !== 'heading' || !TOP_NUMBERED.test(b.text)) continue;
    const named = /((?:19|20)\d\d)\s*年/.exec(b.text);
    if (!named) continue;
    const y = Number(named[1]);
    const review = REVIEW_SECTION.test(b.text);
    const plan = PLAN_SECTION.test(b.text) || TARGETS_SECTION.test(b.text);
    if (plan && !review) return y;
    if (review && !plan) return y + 1;
  }
  return null;
}

const YEAR_MENTION = /(20[0-4]\d)\s*年|[·•]\s*(20[0-4]\d)/g;

/**
 * The year a report was delivered, from its wording: the most-named years and, of them, the latest, or the year
 * after when that year is only ever reviewed ("2023年以来", "2023年，…"). Long-range goals (到2035年) named
 * once or twice do not count.
 */
function yearFromWording(text: string): number | null {
  const counts = new Map<number, number>();
  for (const m of text.matchAll(YEAR_MENTION)) {
    const y = Number(m[1] ?? m[2]);
    counts.set(y, (counts.get(y) ?? 0) + 1);
  }
  if (counts.size === 0) return null;
  const top = Math.max(...counts.values());
  const y = Math.max(...[...counts].filter(([, n]) => n * 4 >= top).map(([year]) => year));
  return reviewsYear(y).test(text) && !plansYear(y).test(text) ? y + 1 : y;
}

function newestYear(text: string): number | null {
  const years = [...text.matchAll(YEAR_MENTION)].map((m) => Number(m[1] ?? m[2]));
  return years.length ? Math.max(...years) : null;
}

/** "2026年北京市政府工作报告": the title built from place and year when the report has none of its own. */
function builtTitle(place: PlaceRef | null, year: number | null): string {
  return `${year ? `${year}年` : ''}${place?.name ?? ''}政府工作报告`;
}

/** The first heading of a document that is not a report (a news article): its own title. */
function articleTitle(blocks: Block[]): string | null {
  const firstBody = blocks.findIndex((b) => b.kind === 'body');
  const heading = blocks.find(
    (b, i) => b.kind === 'heading' && (firstBody < 0 || i < firstBody || i < 3) && Array.from(b.text).length >= 4 && !BREADCRUMB.test(b.text) && !isPageDebris(b.text) && !TOP_NUMBERED.test(b.text) && !SALUTATION.test(b.text),
  );
  return heading ? heading.text : null;
}

export function readFrontMatter(blocks: Block[], correction: MetaCorrection = {}): FrontMatter {
  const warnings: string[] = [];
  const bodyStart = findBodyStart(blocks);
  const front = blocks.slice(0, bodyStart);
  const body = blocks.slice(bodyStart);
  const bodyText = body.map((b) => b.text).join('\n');
  const fullText = blocks.map((b) => b.text).join('\n');

  // The title: a 工作报告 line of the front matter, else of the last blocks (a title repeated at the end).
  // A title broken over lines (政府工作报 / 告) is read from two neighbouring lines together.
  const lines = [...front, ...body.slice(0, 3), ...body.slice(-4)].map((b) => b.text);
  const pairs = lines.slice(1).map((t, i) => lines[i]! + t);
  // One that names its place wins over a bare 政府工作报告 (a breadcrumb's last step).
  const found = [...lines, ...pairs].map((t) => titleIn(t)).filter((t) => t !== null);
  const titleLine = found.find((t) => t.place) ?? found[0] ?? null;
  // A report that opens with its salutation and has no title line (各位代表：…) has no title of its own either: a
  // heading of its body (“十四五”时期工作回顾) is no title; the title is built.
  const opensWithSalutation = bodyStart < blocks.length && SALUTATION.test(blocks[bodyStart]!.text.trim());
  const own = titleLine || opensWithSalutation ? null : articleTitle(blocks);

  let place: PlaceRef | null = null;
  if (correction.place) {
    const p = resolvePlaceName(correction.place);
    if (!p) throw new Error(`unknown place "${correction.place}" in the corrections: use a full name such as 宜君县 or a GB/T 2260 code`);
    place = toRef(p);
  } else {
    const p = detectPlace(blocks, front, titleLine?.place || own);
    place = p ? toRef(p) : null;
  }

  let year = correction.year ?? null;
  if (year === null) {
    const frontText = front.map((b) => b.text).join('\n');
    const dated = MEETING.exec(frontText) ?? MEETING.exec(fullText) ?? PUBLISHED.exec(frontText);
    const newest = newestYear(bodyText);
    const datedYear = dated ? meetingYear(dated[1]!) : null;
    // A date later than any year the text names (a page dated 2030 around a 2024 report) is the page's, not the report's.
    year = datedYear !== null && (newest === null || datedYear <= newest + 1) ? datedYear : (yearFromHeadings(body) ?? yearFromWording(bodyText));
    if (datedYear !== null && year !== datedYear) warnings.push(`the date ${datedYear} is later than any year the report names; read ${year ?? 'no year'} from its text`);
  }

  // The report's own title names its place (衢州市人民政府工作报告); one that names neither place nor year is built.
  const ownTitle = titleLine && titleLine.place && !GENERIC_TITLE.test(titleLine.title) ? titleLine.title : null;
  const generic = own !== null && GENERIC_TITLE.test(own.replace(/\s/g, ''));
  const title = correction.title ?? ownTitle ?? (titleLine || generic || own === null ? builtTitle(place, year) : own);
  if (!place) warnings.push('no place recognised: correct with --place 名称');
  if (year === null) warnings.push('no year recognised: correct with --year 年份');
  return { place, year, title, bodyStart, warnings };
}

function detectPlace(blocks: Block[], front: Block[], titlePlace: string | null): Place | null {
  const fullText = blocks.map((b) => b.text).join('\n');
  const mentions = findPlaces(fullText);
  const context = mentions.flatMap((m) => m.places);
  const meeting = MEETING.exec(fullText);
  const lines = (front.length ? front : blocks.slice(0, 12)).filter((b) => b.kind !== 'body' || b.text.length < 40).map((b) => b.text);
  const signature = lines.find((t) => SIGNATURE.test(t));
  for (const line of [titlePlace, meeting ? meeting[2]! || meeting[0] : null, signature]) {
    const place = line ? placeIn(line, context) : null;
    if (place) return place;
  }
  // "我代表国务院…": the national report speaks for the State Council in its opening.
  const opening = blocks.slice(0, 30).map((b) => b.text).find((t) => /我代表/.test(t));
  if (opening) {
    const speaker = /我代表([\u4e00-\u9fa5]{2,20}?)(?:，|,|向)/.exec(opening)?.[1];
    const place = speaker ? placeIn(speaker, context) : null;
    if (place) return place;
    // "我代表省人民政府": a province's report; its place is the province it names most (not a city it names as often).
    const level = speaker ? SPEAKER_LEVEL[/^(自治区|省|市|州|盟|区|县|旗)人民政府$/.exec(speaker)?.[1] ?? ''] : undefined;
    if (level) {
      const ofLevel = mostNamed(mentions.map((m) => resolveNamesakes(m.places, context)).filter((p) => p !== null && level.includes(p.level)), 1);
      if (ofLevel) return ofLevel;
    }
  }
  // "××人民政府": the one named most (a county's report also names its city's government).
  const governments = mostNamed([...fullText.matchAll(GOVERNMENT)].map((m) => placeIn(m[1]!, context)), 1);
  return governments ?? mostNamed(mentions.map((m) => resolveNamesakes(m.places, context)), 2);
}

/** A place from a name, short form or code; null when unknown or when namesakes make it ambiguous. */
export function resolvePlaceName(name: string): Place | null {
  const g = gazetteer();
  const byCode = g.byCode.get(name.trim());
  if (byCode) return byCode;
  if (name.trim() === g.national.name || g.national.questionWords.includes(name.trim())) return g.national;
  const named = namedPlaces(findPlaces(name.trim()));
  return named.length === 1 && named[0]!.places.length === 1 ? named[0]!.places[0]! : null;
}
