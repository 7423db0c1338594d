// What a report is, read from the report itself: its place, the year it was delivered and its title.
// Order of trust for the place: title, the meeting line (——2025年1月9日在××市××区第十八届人民代表大会…),
// the signature (区长/县长/市长), "××人民政府", then the place named most often. Scope words (全区, 全市, 我市,
// 全国) refer to the report's own place and never decide it.
import type { Block } from '../clean/index.js';
import { findPlaces, namedPlaces } from '../places/find.js';
import { gazetteer, within } from '../places/gazetteer.js';
import type { MetaCorrection, Place, PlaceRef } from '../types.js';

export type { MetaCorrection };
import { plansYear, reviewsYear } from './period.js';

export interface ReportMeta {
  place: PlaceRef | null;
  year: number | null;
  title: string;
}

/** Corrections stored beside the corpus (corpus/reports.json), applied on every build. */

const MEETING = /(?:——|—|－－|--)?\s*(20\d\d)\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*在([^，。\n]{0,40}?)第[一二三四五六七八九十百]+届\s*(?:全国)?人民代表大会/;
const PUBLISHED = /(?:发布时间|发布日期|时间|日期)[：:]\s*(20\d\d)[-年/.]/;
const SIGNATURE = /(?:区长|县长|市长|省长|州长|旗长|盟长|主席|总理)\s*[\u4e00-\u9fa5·]{2,4}\s*$/;
const GOVERNMENT = /([\u4e00-\u9fa5]{2,20}?)人民政府/g;
/** Titles that say what the document is but not whose: 政府工作报告, 工作报告 (a built title replaces them). */
const GENERIC_TITLE = /^(?:[\u4e00-\u9fa5]{0,2}政府)?工作报告$|^政府工作报告(?:（[^）]*）)?$/;
const BREADCRUMB = /当前位置|首页\s*[>＞»›]|[>＞»]\s*正文/;

const toRef = (p: Place): PlaceRef => ({ code: p.code, name: p.name, level: p.level });

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

const levelRank = (p: Place) => ['country', 'province', 'city', 'county'].indexOf(p.level);

/** The place named most often (at least `min` times and more than any other of its level or above). */
function mostNamed(places: (Place | null)[], min: number): Place | null {
  const counts = new Map<Place, number>();
  for (const p of places) if (p) counts.set(p, (counts.get(p) ?? 0) + 1);
  const [first, second] = [...counts].sort((a, b) => b[1] - a[1] || levelRank(b[0]) - levelRank(a[0]));
  if (!first || first[1] < min || (second && second[1] === first[1] && levelRank(second[0]) === levelRank(first[0]))) return null;
  return first[0];
}

function detectPlace(blocks: Block[], title: string | null): Place | null {
  const fullText = blocks.map((b) => b.text).join('\n');
  const mentions = findPlaces(fullText);
  const context = mentions.flatMap((m) => m.places);
  const meeting = MEETING.exec(fullText);
  const signature = blocks.slice(0, 12).filter((b) => b.kind !== 'body' || b.text.length < 40).map((b) => b.text).find((t) => SIGNATURE.test(t));
  for (const line of [title, meeting ? meeting[2]! || meeting[0] : null, signature]) {
    const place = line ? placeIn(line, context) : null;
    if (place) return place;
  }
  // "××人民政府": the one named most (a county's report also names its city's government).
  const governments = mostNamed([...fullText.matchAll(GOVERNMENT)].map((m) => placeIn(m[1]!, context)), 1);
  return governments ?? mostNamed(mentions.map((m) => resolveNamesakes(m.places, context)), 2);
}

/**
 * The year a report was delivered: from its meeting line or publication date when it has one; otherwise the
 * latest year mentioned, or the year after when that year is only ever reviewed ("2023年以来", "2023年，…").
 */
export function detectReportYear(text: string): number | null {
  const dated = MEETING.exec(text) ?? PUBLISHED.exec(text);
  if (dated) return Number(dated[1]);
  const years = [...text.matchAll(/(20[1-4]\d)\s*年|[·•]\s*(20[1-4]\d)/g)].map((m) => Number(m[1] ?? m[2]));
  if (years.length === 0) return null;
  const y = Math.max(...years);
  return reviewsYear(y).test(text) && !plansYear(y).test(text) ? y + 1 : y;
}

/** The document's own title: its first real heading; none, generic or a breadcrumb -> built from place and year. */
function detectTitle(blocks: Block[]): string | null {
  const heading = blocks.find((b) => b.kind === 'heading' && Array.from(b.text).length >= 4 && !BREADCRUMB.test(b.text));
  return heading ? heading.text : null;
}

function builtTitle(place: PlaceRef | null, year: number | null): string {
  return `${place?.name ?? ''}${year ? `${year}年` : ''}政府工作报告`;
}

export function readReportMeta(blocks: Block[], correction: MetaCorrection = {}): ReportMeta {
  const fullText = blocks.map((b) => b.text).join('\n');
  const own = detectTitle(blocks);
  let place: PlaceRef | null = null;
  if (correction.place) {
    const p = resolvePlaceName(correction.place);
    if (!p) throw new Error(`unknown place "${correction.place}" in the corrections: use a full name such as 宜君县 or a GB/T 2260 code`);
    place = toRef(p);
  } else {
    const p = detectPlace(blocks, own);
    place = p ? toRef(p) : null;
  }
  const year = correction.year ?? detectReportYear(fullText);
  const title = correction.title ?? (own && !GENERIC_TITLE.test(own.replace(/\s/g, '')) ? own : builtTitle(place, year));
  return { place, year, title };
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
