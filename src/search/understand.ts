// What a reporter's question asks for: district, year, whether a figure is wanted, and the words to search.
import { readFileSync } from 'node:fs';
import * as OpenCC from 'opencc-js/t2cn';
import { STOPWORDS, tokenize } from '../index/tokenize.js';
import { findPlaces, namedPlaces } from '../places/find.js';
import { gazetteer, within } from '../places/gazetteer.js';
import type { Place, PlaceRef, QueryUnderstanding } from '../types.js';
import { remembered } from '../remember.js';
import { FRAME_WORDS } from './cues.js';

export type Synonyms = Record<string, string[]>;

/**
 * The words a question is read with: the synonym file's, and the everyday words' file's (questions only; a key in
 * both gets the values of both).
 */
export function loadQuestionWords(files: { synonymsFile: string; everydayFile: string }): Synonyms {
  const out = loadSynonyms(files.synonymsFile);
  for (const [k, v] of Object.entries(loadSynonyms(files.everydayFile, 'EVERYDAY_FILE'))) out[k] = [...new Set([...(out[k] ?? []), ...v])];
  return out;
}

/** A word file ({"GDP": ["地区生产总值"]}); one that cannot be read or parsed names itself and its setting. */
export function loadSynonyms(path: string, setting = 'SYNONYMS_FILE'): Synonyms {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`word file ${path} cannot be read (${e instanceof Error ? e.message.split('\n')[0] : String(e)}): fix it or point ${setting} in .env at another`);
  }
  const out: Synonyms = {};
  for (const [k, v] of Object.entries(raw ?? {})) {
    if (k.startsWith('_')) continue;
    if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) throw new Error(`word file ${path} (${setting}): "${k}" must map to a list of words`);
    out[k] = v;
  }
  return out;
}

const toSimplified = OpenCC.Converter({ from: 'hk', to: 'cn' });

/** Words that name the report's own place without naming it: never evidence a passage lacks. */
const SCOPE_WORDS = /全[区县市省州旗国]|我[区县市省州旗国]|本[区县市省州旗]/g;

const RELATIVE_YEARS: [RegExp, -1 | 0 | 1][] = [
  [/去年|上一年|上年度?|过去一年/, -1],
  [/今年|本年度?|这一年|新的一年/, 0],
  [/明年|下一年/, 1],
];

/** The stop words of two characters or more, longest first, as they stand in a question's text. */
const QUESTION_PHRASES = new RegExp([...STOPWORDS].filter((w) => w.length >= 2).sort((a, b) => b.length - a.length).join('|'), 'g');

export const WANTS_FIGURE = /多少|几|比例|百分之|增长率|增速|多大|多高|多长|多久|多远|多快|金额|人数|数量|规模|总额|面积|占比|增幅|降幅|排名|第几/;

export interface UnderstandContext {
  synonyms: Synonyms;
  /** Places that have at least one indexed report. */
  covered: Place[];
}

/** Normalise a question: traditional -> simplified, full-width digits/letters -> ASCII, one line. */
// Remembered (the 2,000 most recent): the bot's follow-up reading and the engine both normalise each question, and
// reporters ask the same things; the converter walks every character through its tables.
export const normalizeQuestion = remembered(2000, (question: string): string => {
  const halfWidth = question.replace(/[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
  return toSimplified(halfWidth.replace(/\s+/g, ' ').trim());
});

/** A place's name as the question gave it, with its parent when the question named that too (北京市东城区). */
function label(text: string, places: Place[], mentions: ReturnType<typeof findPlaces>): string {
  if (places.length !== 1) return text;
  const place = places[0]!;
  const parent = place.parent ? gazetteer().byCode.get(place.parent) : undefined;
  const parentNamed = parent && parent.level !== 'country' && mentions.some((m) => m.places.includes(parent));
  return parentNamed ? `${parent.name}${place.name}` : place.name;
}

/** A place asked that lies inside a place with a report, and is answered from that report's passages naming it. */
type Inside = NonNullable<QueryUnderstanding['inside']>;

/** The nearest place above `place` (its city, then province) with an indexed report; never the country's. */
function coveredAncestor(place: Place, covered: Place[]): Place | null {
  const g = gazetteer();
  for (let p = place.parent ? g.byCode.get(place.parent) : undefined; p && p.level !== 'country'; p = p.parent ? g.byCode.get(p.parent) : undefined) {
    const hit = covered.find((c) => c.code === p!.code);
    if (hit) return hit;
  }
  return null;
}

/** A place asked that has no report of its own, only places within it (a city, when a county of it is indexed). */
export type OnlyWithin = NonNullable<QueryUnderstanding['onlyWithin']>;

/**
 * Does a passage of a report of a place within it speak of the place asked itself: by name, or by the scope words
 * of its level (我市, 全市 for a city; not a ranking such as 全市第三)?
 */
export function speaksOf(text: string, asked: OnlyWithin): boolean {
  const scope = asked.level === 'city' ? /我市|本市|全市(?![第前排])|省会/ : asked.level === 'province' ? /我省|本省|全省(?![第前排])/ : null;
  return asked.names.some((n) => text.includes(n)) || (scope?.test(text) ?? false);
}

/**
 * The places a question restricts the search to: every place named, in any form, narrowed to the indexed
 * places it is or contains. A place named with no indexed report makes the question unanswerable (uncovered).
 */
export function placesAsked(
  normalized: string,
  covered: Place[],
): { places: PlaceRef[]; named: string | null; uncovered: string | null; national: boolean; words: string[]; onlyWithin: OnlyWithin | null; inside?: Inside } {
  const g = gazetteer();
  const mentions = findPlaces(normalized);
  let named: { text: string; places: Place[] }[] = namedPlaces(mentions);
  const nationalWord = g.national.questionWords.find((w) => normalized.includes(w));
  const nationalIndexed = covered.some((c) => c.code === g.national.code);
  const national = named.length === 0 && nationalWord !== undefined && (nationalIndexed || normalized.startsWith(nationalWord));
  if (national) named = [{ text: nationalWord, places: [g.national] }];
  const places: PlaceRef[] = [];
  let namedLabel: string | null = null;
  const notPlaces = new Set<string>();
  let onlyWithin: OnlyWithin | null = null;
  for (const group of named) {
    // A country-wide question is answered from the national report only, never from a place's.
    const hits = covered.filter((c) => group.places.some((p) => (p.level === 'country' ? c.code === p.code : within(c, p, g))));
    // A bare two-character short form of a place with no report is as likely an everyday word (新建学校 is not
    // 南昌's 新建区): it neither restricts nor makes the question unanswerable. Full names do.
    // A city's or province's short form (郑州, 四川) is not an everyday word: it names the place.
    if (hits.length === 0 && Array.from(group.text).length === 2 && !group.places.some((p) => p.name === group.text || p.level === 'city' || p.level === 'province')) {
      notPlaces.add(group.text);
      continue;
    }
    if (hits.length === 0) {
      const name = label(group.text, group.places, mentions);
      // Inside a covered place (a city of an indexed province, a district of an indexed city): that report may
      // speak of it by name. Only one named place, so the question is about that place alone.
      const host = named.length === 1 && group.places.length === 1 ? coveredAncestor(group.places[0]!, covered) : null;
      if (host) {
        const names = [...new Set([group.text, group.places[0]!.name])];
        // The place's own name stays a word of the question: the passages that answer name it.
        return { places: [{ code: host.code, name: host.name, level: host.level }], named: name, uncovered: null, national, words: [], onlyWithin: null, inside: { names, report: host.name } };
      }
      return { places: [], named: name, uncovered: name, national, words: [], onlyWithin: null };
    }
    for (const h of hits) if (!places.some((p) => p.code === h.code)) places.push({ code: h.code, name: h.name, level: h.level });
    // Namesakes (鼓楼区 of four cities) narrowed to the one indexed are that one.
    const meant = group.places.filter((p) => hits.some((h) => within(h, p, g)));
    namedLabel ??= meant.length === 1 ? meant[0]!.name : group.text;
    if (!hits.some((h) => meant.some((p) => p.code === h.code))) onlyWithin ??= { names: [...new Set([group.text, ...meant.map((p) => p.name)])], level: meant[0]!.level };
  }
  return { places, named: namedLabel, uncovered: null, national, words: mentions.map((m) => m.text).filter((w) => !notPlaces.has(w)), onlyWithin };
}

export function understand(question: string, ctx: UnderstandContext): QueryUnderstanding {
  const normalized = normalizeQuestion(question);
  // Words about the report itself (政府工作报告里说) are no words to find, and a place after them starts a phrase.
  const unframed = FRAME_WORDS.reduce((q, w) => q.split(w).join(' '), normalized);
  const asked = placesAsked(unframed, ctx.covered);

  const explicit = /(20\d\d)\s*年?/.exec(normalized);
  const relative = RELATIVE_YEARS.find(([re]) => re.test(normalized))?.[1];
  const year = explicit ? { absolute: Number(explicit[1]) } : relative !== undefined ? { relative } : null;

  // Each word of the question is a concept; a synonym of it (reporter's word -> report's word) also satisfies it.
  // Place and scope words are not: a passage need not repeat its report's place.
  let stripped = unframed;
  for (const w of [...asked.words].sort((a, b) => b.length - a.length)) stripped = stripped.split(w).join(' ');
  stripped = stripped.replace(SCOPE_WORDS, ' ').replace(/(?:20\d\d\s*年?|去年|今年|明年|上一年|本年度?)[底末初]?|现在|目前|如今|当前|眼下/g, ' ');
  if (asked.national) for (const w of gazetteer().national.questionWords) stripped = stripped.split(w).join(' ');
  // Each stretch between the words taken out is segmented alone, and so are the question's own function phrases
  // (一共, 多少): segmented together, their neighbours glue into words nobody asked (湖北到去年底 → 到底, 一共产了 → 共产).
  const words = [...new Set(stripped.replace(QUESTION_PHRASES, ' ').split(/\s+/).flatMap((chunk) => tokenize(chunk)))];
  // "全国:GDP" in the synonym file applies to country-wide questions instead of "GDP" (国内生产总值, not 地区生产总值).
  const synonymOf = (k: string) => (asked.national && ctx.synonyms[`全国:${k}`]) || ctx.synonyms[k]!;
  const synonymKeys = Object.keys(ctx.synonyms).filter((k) => !k.startsWith('全国:') && stripped.includes(k));
  // A concept is satisfied by its word or a whole synonym; the synonyms' own words (地区, 生产 of 地区生产总值) are
  // searched but do not count as mentioning the concept.
  const related = words.map((w) => synonymKeys.filter((k) => k.includes(w) || w.includes(k)).flatMap(synonymOf));
  const concepts = words.map((w, i) => [...new Set([w, ...related[i]!])]);
  const terms = [...new Set([...concepts.flat(), ...related.flat().flatMap((r) => tokenize(r))])];

  return {
    normalized,
    district: asked.named,
    places: asked.places,
    ...(asked.onlyWithin ? { onlyWithin: asked.onlyWithin } : {}),
    ...(asked.inside ? { inside: asked.inside } : {}),
    uncoveredPlace: asked.uncovered,
    year,
    wantsFigure: WANTS_FIGURE.test(normalized),
    terms,
    concepts,
  };
}
