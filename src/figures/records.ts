// Passages -> figure records: every figure with what it counts (its indicator), the place, the year it is about,
// result or target, and the passage it comes from. Built at index time and stored with the index; a draft's
// sentences go through the same describeFigures(), so claims and records are read alike.
import { AVERAGE_WORDS, COMPARED_WITH_LAST_YEAR, FIVE_YEAR_WORDS, fiveYearSpan, MULTI_YEAR_PLAN, MULTI_YEAR_REVIEW, writtenSpan } from '../structure/period.js';
import type { Passage, Period as PassagePeriod } from '../types.js';
import { compact, CUES, type Figure, parseFigures, periodOf } from './parse.js';

export type Period = 'result' | 'target';

export interface FigureRecord extends Omit<Figure, 'start' | 'end'> {
  /** The words the figure belongs to within its clause: "城镇新增就业", "地区生产总值同比增长". */
  indicator: string;
  place: string | null;
  /** The year the figure is about (not the year of the report). */
  year: number | null;
  period: Period;
  /** First and last year of a figure over several years (a five-year total or average, 十四五时期…); absent for one year. */
  span?: [number, number];
  /** One of this year's main targets (主要预期目标). */
  mainTarget?: boolean;
  passageId: number;
  /** Index of the sentence of the passage that holds the figure (for the quote). */
  sentence: number;
}

/** A figure read in its sentence: indicator, the year written before it (if any) and the period. */
export interface DescribedFigure extends Figure {
  indicator: string;
  /** A year written before the figure in its sentence ("2023年…6725人"; "较2022年15.22亿元" only for that figure). */
  writtenYear: number | null;
  /** 今年 (0) or 去年 (-1) written in the sentence. */
  relativeYear: 0 | -1 | null;
  period: Period;
  /** One of a list of figures read item by item ("供热、燃气管网800公里、600公里"; "…分别达38.17%、60.58%"). */
  listed?: true;
}

const CLAUSE_BREAK = /[，,；;。！？!?：:（()）“”"]/;
const YEAR = /((?:19|20)\d\d)年(?!以来|以前|之前|起)/g;
// Spans first (2013年至2017年, “十四五”时期, 过去五年): what is left of them is no indicator word ("至", "时期").
const TIME_WORDS = /(?:(?:19|20)\d\d年?(?:至|到|—|－|-|~|～)(?:19|20)\d\d年|“?十[一二三四五六七八九]五”?(?:时期|期间|以来|末|期末|初)?|过去五年|五年来|五年间|(?:19|20)\d\d年(?:以来|底|末|初)?|今年|去年|上年|本年|全年|当年|过去一年|过去的一年|新的一年|同期|较同期|较上年|截至目前|[一二三四1-4]季度|上半年|下半年|\d{1,2}月(?:份|底)?)/g;
const STOP_PREFIX = new RegExp(CUES.indicatorStopPrefix);
const STOP_SUFFIX = new RegExp(CUES.indicatorStopSuffix);
const GROWTH_ONLY = new RegExp(`^(?:同比|比上年|较上年|较)?(?:年均|年平均)?(?:${CUES.growthWords})(?:了)?$`);
const GENERIC = new RegExp(CUES.genericIndicator);
/** "从10.2%下降到3.1%", "突破4000亿元、达到4211亿元": the level reached, of the same indicator as the figure before. */
const LEVEL_REACHED = new RegExp(`^[、，,]?(?:(?:${CUES.growthWords})(?:到|至)|达到|达|增至|升至|降至)$`);
const RELATIVE = /今年|本年度?|新的一年/;
/** 去年 as the year written about; 比去年/较上年 only names a comparison base. */
const LAST_YEAR = /(?<![比较同])(?:去年|上年)|过去一年|过去的一年/;

/** Strip time words, place words, punctuation, verbs and fillers from the words before or after a figure. */
function cleanIndicator(raw: string, placeWords: RegExp | null): string {
  let s = raw.replace(/^[一二三四五六七八九十]+、/, '').replace(TIME_WORDS, '');
  if (placeWords) s = s.replace(placeWords, '');
  s = s.replace(/[\p{P}\p{S}.]+|\d+(?![A-Za-z])/gu, ''); // "5G" stays a word
  for (let i = 0; i < 3; i++) s = s.replace(STOP_PREFIX, '').replace(STOP_SUFFIX, '');
  return s;
}

/**
 * The figures of one sentence, each with its indicator. `context` is a heading to fall back on (statistics cards:
 * "2023年全区一般公共预算支出" over "21.98亿元较2022年15.22亿元"). `placeWords` matches place names (removed from
 * indicators; places are resolved by the caller).
 */
export function describeFigures(sentence: string, placeWords: RegExp | null, context: string | null = null, period: Period = periodOf(compact(sentence))): DescribedFigure[] {
  const text = compact(sentence);
  const figures = parseFigures(text);
  const years = [...text.matchAll(YEAR)].map((m) => ({ year: Number(m[1]), at: m.index!, end: m.index! + m[0].length, base: /[较比与]$/.test(text.slice(0, m.index!)) }));
  const contextYear = context ? [...compact(context).matchAll(YEAR)].map((m) => Number(m[1]))[0] ?? null : null;
  const fallback = context ? cleanIndicator(compact(context), placeWords) : '';
  const relativeYear = RELATIVE.test(text) ? 0 : LAST_YEAR.test(text) ? -1 : null;
  const out: DescribedFigure[] = [];
  const listed = parallelLists(text, figures, placeWords);
  figures.forEach((f, i) => {
    const prevEnd = i > 0 ? figures[i - 1]!.end : 0;
    let clauseStart = prevEnd;
    for (let k = f.start - 1; k >= prevEnd; k--) if (CLAUSE_BREAK.test(text[k]!)) { clauseStart = k + 1; break; }
    const qualifierLength = f.qualifiers.find((q) => text.slice(f.start - q.length, f.start) === q)?.length ?? 0;
    const raw = text.slice(clauseStart, f.start - qualifierLength);
    let indicator = cleanIndicator(raw, placeWords);
    const previous = out[out.length - 1];
    if (listed.has(i)) {
      indicator = listed.get(i)!; // "清运率、无害化处理率分别达100%、96%"
    } else if (previous && (/[较比]((?:19|20)\d\d年)?$/.test(raw) || LEVEL_REACHED.test(raw) || /^[^，,；;]{0,8}、(?:达到|达|增至|升至)$/.test(raw))) {
      // "突破4000亿元、达到4211亿元", "迈上4个万亿元台阶、达14.2万亿元": the same indicator goes on.
      // "21.98亿元较2022年15.22亿元": the comparison base is the same indicator, another year.
      indicator = previous.indicator;
    } else if ([...indicator].length < 2 && fallback) {
      indicator = fallback; // a statistics card: its heading says what the figure is
    } else if ([...indicator].length < 2 || /等$/.test(raw) || f.unit === '个方面') {
      // Nothing before it ("330户城市燃气管道改造"), only examples ("…综合整治等34个重点项目开工建设"), or a count
      // of what follows ("八个方面的重点工作"): the words after it, up to the next figure or clause break.
      const next = figures[i + 1]?.start ?? text.length;
      let stop = f.end;
      while (stop < next && !CLAUSE_BREAK.test(text[stop]!)) stop++;
      const after = cleanIndicator(text.slice(f.end, stop), placeWords);
      if ([...after].length >= 2) indicator = after;
    } else if (GENERIC.test(indicator) && clauseStart - 1 > prevEnd) {
      // "教育建设方面，投入资金3.42亿元": a generic object needs the short clause before it to say what it is about.
      let k = clauseStart - 2;
      while (k >= prevEnd && !CLAUSE_BREAK.test(text[k]!)) k--;
      const lead = cleanIndicator(text.slice(k + 1, clauseStart - 1), placeWords);
      if (clauseStart - 1 - (k + 1) <= 12 && lead) indicator = lead + indicator;
    }
    if ((indicator === '' && f.kind === 'growth') || GROWTH_ONLY.test(indicator) || /^占(?!比)/.test(indicator)) {
      // "旅游收入96.95亿元，同比增长67.83%", "19.3亿元占财政总支出87.8%": growth or share of the thing counted before it.
      const subject = out.filter((o) => o.kind !== 'growth').pop()?.indicator ?? fallback;
      indicator = subject + indicator;
    }
    // The nearest year written before the figure; a comparison base ("较2022年") only for the figure right after it.
    const before = years.filter((y) => y.end <= f.start && (!y.base || f.start - y.end <= 1)).pop();
    out.push({ ...f, indicator, writtenYear: before?.year ?? contextYear, relativeYear, period, ...(listed.has(i) ? { listed: true as const } : {}) });
  });
  return out;
}

/**
 * Figures listed after 分别 ("森林覆盖率、草原综合植被覆盖度分别达38.17%、60.58%"): figure k belongs to the k-th
 * item before 分别. Returns figure index -> indicator, only when the counts agree.
 */
function parallelLists(text: string, figures: Figure[], placeWords: RegExp | null): Map<number, string> {
  const out = new Map<number, string>();
  const joined = (k: number) => k + 1 < figures.length && /^(?:、|和|及|与)$/.test(text.slice(figures[k]!.end, figures[k + 1]!.start));
  figures.forEach((f, i) => {
    // Without 分别, a run of figures after a list of as many items ("供热、燃气、排水管网800公里、600公里、300公里"),
    // the run's first figure right after the list's last item.
    const bare = !(i > 0 && joined(i - 1)) && joined(i) && /、[^、，,；;。：:]{2,12}$/.test(text.slice(Math.max(0, f.start - 13), f.start));
    const head = /分别(?:达到|达|为|是|增长|下降|提高|完成)?$/.exec(text.slice(Math.max(0, f.start - 6), f.start))?.[0] ?? (bare ? '' : null);
    if (head === null) return;
    let j = i;
    // "分别增长10.7%和9.5%": the last two may be joined by 和/及/与.
    while (joined(j)) j++;
    let start = f.start - head.length;
    const stop = i > 0 ? figures[i - 1]!.end : 0;
    while (start > stop && !CLAUSE_BREAK.test(text[start - 1]!)) start--;
    const items = text.slice(start, f.start - head.length).split('、');
    if (items.length !== j - i + 1 || (head === '' && items.some((item) => [...cleanIndicator(item, placeWords)].length < 2))) return;
    items.forEach((item, k) => out.set(i + k, cleanIndicator(item, placeWords)));
  });
  return out;
}

/** The year a report's figure is about: written, else the report's year for targets and the year before for results. */
export function yearOfRecord(d: Pick<DescribedFigure, 'writtenYear' | 'relativeYear' | 'period'>, reportYear: number | null): number | null {
  if (d.writtenYear !== null) return d.writtenYear;
  if (reportYear === null) return null;
  if (d.relativeYear !== null) return reportYear + d.relativeYear;
  return d.period === 'target' ? reportYear : reportYear - 1;
}

/** The place a passage is about. The one seam to the place model: swap this when places carry codes and levels. */
export function placeOfPassage(p: Passage): string | null {
  return p.source.district;
}

/** Words that name these places, and their short forms (城中区 -> 城中), longest first, as one pattern. */
export function placePattern(places: Iterable<string>): RegExp | null {
  const words = new Set<string>();
  for (const place of places) {
    words.add(place);
    const short = place.replace(/^(.{2,3}?)(?:维吾尔|壮族|回族)?自治区$/, '$1').replace(/[省区县市州旗镇乡]$/, '');
    if (short !== place && [...short].length >= 2) words.add(short);
  }
  if (words.size === 0) return null;
  const alt = [...words].sort((a, b) => b.length - a.length).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(alt.join('|'), 'g');
}

/** A year a sentence speaks of: not 2021年以来, not the base of a comparison (较2020年). */
const NAMED_YEAR = /(?<![较比与])(?:19|20)\d\d年(?!以来)/;

const FROM_TO = /从[^，。；]{1,24}?(?:增加|提高|提升|跃升|增长|扩大|下降|减少|降低|上升)?(?:到|至)/;

/**
 * The years a sentence's figures cover when they cover several: its section's span first (a paragraph of the
 * 十四五 review), then its own words (十四五时期, 过去五年, 2013年至2017年; 年均/累计 in a section reviewing the five
 * years too). Null for one year.
 */
export function spanOf(sentence: string, period: PassagePeriod | null | undefined, reportYear: number | null): [number, number] | null {
  const text = compact(sentence);
  const own = writtenSpan(text) ?? (MULTI_YEAR_REVIEW.test(text) || MULTI_YEAR_PLAN.test(text) ? fiveYearSpan(text) : null);
  if (own) return own;
  // A sentence of a five-year paragraph that compares with the year before (比上年, 同比) is about one year.
  // "去年底企业数量超过5200万户": one year, also in a five-year paragraph.
  if (LAST_YEAR.test(text) && !AVERAGE_WORDS.test(text)) return null;
  // A year written as the base of a comparison (较2020年, 比2020年) is where the span starts, not the year spoken of.
  if (period?.span) return (NAMED_YEAR.test(text) || COMPARED_WITH_LAST_YEAR.test(text)) && !AVERAGE_WORDS.test(text) ? null : period.span;
  const five = FIVE_YEAR_WORDS.test(text);
  // "从7248亿元提高到8865亿元" in a review of the five years too: the change over the span.
  if (period?.alsoSpan && FROM_TO.test(text)) return period.alsoSpan;
  if (period?.alsoSpan && (five || MULTI_YEAR_REVIEW.test(text) || (AVERAGE_WORDS.test(text) && !NAMED_YEAR.test(text) && !COMPARED_WITH_LAST_YEAR.test(text)))) return period.alsoSpan;
  if (five && reportYear !== null) return [reportYear - 5, reportYear - 1];
  return null;
}

/** Every figure of every passage, as records. Cheap (a few ms for hundreds of passages), so run over the whole index. */
export function extractRecords(passages: readonly Passage[], archivePlaces?: Iterable<string | null>): FigureRecord[] {
  // The places of the whole archive (a report added to it is read with the others' places, as a full build would).
  const places = placePattern(new Set([...(archivePlaces ?? []), ...passages.map(placeOfPassage)].filter((p): p is string => p !== null)));
  const records: FigureRecord[] = [];
  let carried: Period | null = null;
  let paragraph = '';
  for (const p of passages) {
    const here = `${p.source.file}#${p.source.paragraph}`;
    if (here !== paragraph) [carried, paragraph] = [null, here];
    // A short passage means nothing without its heading (statistics cards), as in the index's text.
    const context = p.section && [...p.text].length < 60 ? p.section : null;
    p.sentences.forEach((s, k) => {
      // "预期目标：地区生产总值增长7%以上；固定资产投资增长10%以上；": a target list goes on after a semicolon.
      // The section decides first (二、2025年工作安排 holds targets without cue words), the sentence second.
      const period = carried ?? (p.period ? (p.period.kind === 'plan' ? 'target' : 'result') : periodOf(compact(s)));
      carried = period === 'target' && /[；;]\s*$/.test(s) ? 'target' : null;
      const span = spanOf(s, p.period, p.source.year);
      for (const d of describeFigures(s, places, context, period)) {
        const { start: _s, end: _e, writtenYear: _w, relativeYear: _r, listed: _l, ...figure } = d;
        const year = span ? (period === 'target' ? span[0] : span[1]) : yearOfRecord(d, p.source.year);
        records.push({
          ...figure,
          place: placeOfPassage(p),
          year,
          ...(span ? { span } : {}),
          ...(p.period?.targets && period === 'target' ? { mainTarget: true } : {}),
          passageId: p.id,
          sentence: k,
        });
      }
    });
  }
  return records;
}
