// Places named in a text or a question: every name or short form of the gazetteer, longest first; two-character
// forms only as whole words (the village word 城中村 does not name a district 城中). Same-named places are narrowed by a parent named alongside.
import type { Place } from '../types.js';
import { type Gazetteer, gazetteer, within } from './gazetteer.js';
import { jieba } from './segmenter.js';
import { remembered } from '../remember.js';

export interface Mention {
  /** The words as written (鼓楼, 宜君县). */
  text: string;
  start: number;
  /** Every place these words may mean. */
  places: Place[];
}


const known = new Map<string, boolean>();
const isWord = (name: string) => known.get(name) ?? (known.set(name, jieba().cut(name, true).length === 1), known.get(name)!);

function wordBoundaries(text: string): Set<number> {
  const cuts = new Set<number>([0]);
  let at = 0;
  for (const w of jieba().cut(text, true)) cuts.add((at += w.length));
  return cuts;
}

const SMALLER_PLACE = /[镇乡村路街]/;
// 那 opens a follow-up (那四川呢？); after a verb of going (到湖北的游客, 来北京的游客, 从武汉出发) a place starts a phrase as well.
const PHRASE_START = /[\s\p{P}和与及跟同在对于问看据那、到来去从赴往]/u;
// After a time (去年湖北, 2025年江苏, “十四五”末青海) a province's or city's short form starts one too; a county's or
// district's may be the everyday word it also is (2023年新建高标准农田).
const AFTER_TIME = /[\d年末底初]/;

/** The lengths of the names starting with each character, longest first: only those are looked up at a position. */
const lengthsCache = new WeakMap<Gazetteer, Map<string, number[]>>();
function lengthsByFirst(g: Gazetteer): Map<string, number[]> {
  let out = lengthsCache.get(g);
  if (out) return out;
  out = new Map();
  for (const name of g.names.keys()) {
    const list = out.get(name[0]!) ?? [];
    if (!list.includes(name.length)) list.push(name.length);
    out.set(name[0]!, list);
  }
  for (const list of out.values()) list.sort((a, b) => b - a);
  lengthsCache.set(g, out);
  return out;
}

/**
 * Short texts' places, remembered per gazetteer (the 4,000 most recent): a question is read for places by the bot's
 * follow-up, by the engine and for each result's key figure, and reporters ask the same things. The mentions are
 * frozen (shared between callers); each caller gets its own list.
 */
const memories = new WeakMap<Gazetteer, (text: string) => readonly Mention[]>();
const REMEMBER_UP_TO = 120;

/** Every place name in the text, left to right, the longest name at each position. */
export function findPlaces(text: string, g: Gazetteer = gazetteer()): Mention[] {
  if (text.length > REMEMBER_UP_TO) return scan(text, g);
  let memo = memories.get(g);
  if (!memo) memories.set(g, (memo = remembered(4000, (t: string) => Object.freeze(scan(t, g).map((m) => Object.freeze(m))))));
  return memo(text).slice();
}

function scan(text: string, g: Gazetteer): Mention[] {
  const out: Mention[] = [];
  const byFirst = lengthsByFirst(g);
  let cuts: Set<number> | undefined;
  for (let i = 0; i < text.length - 1; i++) {
    for (const len of byFirst.get(text[i]!) ?? []) {
      if (len > text.length - i || len < 2) continue;
      const name = text.slice(i, i + len);
      const places = g.names.get(name);
      if (!places) continue;
      if (len === 2) {
        // Two characters are often an everyday word too (新建 is also a district): only as a whole word that
        // starts a phrase (the start, after punctuation, or after 和/与/在/问…), where reporters put a place.
        const wide = places.some((p) => p.level === 'province' || p.level === 'city');
        // A province's short form that jieba cuts as a word of its own names it wherever it stands (帮我查一下江苏…,
        // 咱们湖北…): no province's name is an everyday word.
        const province = places.some((p) => p.level === 'province') && isWord(name);
        if (i > 0 && !PHRASE_START.test(text[i - 1]!) && !(wide && AFTER_TIME.test(text[i - 1]!)) && !province) continue;
        if (SMALLER_PLACE.test(text[i + len] ?? '')) continue; // 共和镇 is a town, not 共和县
        // A form jieba knows as a word must stand as a word here (城中村 is one word, not 城中 + 村).
        if (isWord(name)) {
          cuts ??= wordBoundaries(text);
          // 天津人 (its people) is one word to jieba, and names the place as 天津 + 人 does.
          const people = text[i + len] === '人' && cuts.has(i + len + 1);
          // A province's short form opens a word of its own (北京地铁, 天津港): it names the province there too.
          if (!cuts.has(i) || (!cuts.has(i + len) && !people && !province)) continue;
        }
      }
      out.push({ text: name, start: i, places });
      i += len - 1;
      break;
    }
  }
  return out;
}

/**
 * The places a text names, one list of candidates per place named: a candidate one of whose parents is also
 * named wins over its namesakes (北京市东城区); a parent named only as the parent of another is dropped.
 * Never guesses between namesakes: they stay together for the caller to decide.
 */
export function namedPlaces(mentions: Mention[], g: Gazetteer = gazetteer()): { text: string; places: Place[] }[] {
  const all = mentions.flatMap((m) => m.places);
  const narrowed = mentions.map((m) => {
    const supported = m.places.filter((c) => all.some((o) => o !== c && within(c, o, g)));
    return { text: m.text, places: supported.length > 0 ? supported : m.places };
  });
  // Drop a mention that only names the parent of another one (南京市 in 南京市鼓楼区).
  const specific = narrowed.filter((m) => !narrowed.some((o) => o !== m && o.places.some((c) => m.places.some((p) => p !== c && within(c, p, g)))));
  // One entry per distinct candidate set, the first wording kept (鼓楼区 … 鼓楼 named twice is one place).
  const seen = new Set<string>();
  return specific.filter((m) => {
    const key = m.places.map((p) => p.code).sort().join(',');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Names of the places that have an indexed report, in code order (for /district and its buttons). */
export function indexedPlaceNames(reports: readonly { district: string | null; place?: { code: string; name: string } | null }[]): string[] {
  const byName = new Map<string, string>();
  for (const r of reports) {
    const name = r.place?.name ?? r.district;
    if (name && !byName.has(name)) byName.set(name, r.place?.code ?? name);
  }
  return [...byName].sort((a, b) => a[1].localeCompare(b[1])).map(([name]) => name);
}

/** Which of `names` a user's words mean: the name itself or any of its short forms (大通 -> 大通回族土族自治县). */
export function matchPlaceName(words: string, names: readonly string[]): string | null {
  if (names.includes(words)) return words;
  for (const m of findPlaces(words)) {
    const hit = names.find((n) => m.places.some((p) => p.name === n));
    if (hit) return hit;
  }
  return null;
}
