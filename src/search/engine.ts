// The search function every front end shares: question -> ranked, cited, highlighted passages, or a plain
// "not found". Reads an index; building one is src/app's job (openEngine).
import { existsSync, readFileSync } from 'node:fs';
import type { Embedder } from '../embed/index.js';
import { indexedText } from '../index/indexed-text.js';
import { fiveYearSpan, periodOf } from '../structure/period.js';
import { buildLexicalIndex, type LexicalIndex, openLexicalIndex } from '../index/lexical.js';
import { currentVersion, readIndex, type StoredIndex } from '../index/store.js';
import { fullName, gazetteer } from '../places/gazetteer.js';
import type { Answer, Confidence, Engine, Passage, Place, QueryUnderstanding, ReportSummary, SearchOptions, SearchResult, StageTimings } from '../types.js';
import { findFigures } from '../clean/figures.js';
import { spanOf } from '../figures/records.js';
import { askedFigureKind, askedPeriod, askedSpan, contrastsOf, type FigureKind, figureKind, namesIndicator, type Period, spanFigure, unitFirm, unitMatcher } from './cues.js';
import { coverageOf, type DecisionModel, features, loadDecision, outcome, probability, wordCounts } from './decide.js';
import { describedOf, highlightWithKey } from './highlight.js';
import { findPlaces } from '../places/find.js';
import { lru } from '../remember.js';
import { normalizeQuestion, placesAsked, speaksOf, understand, type Synonyms } from './understand.js';
import { dot, type LearntWordsOptions, standInMemory, withLearntWords } from './vocabulary.js';

/** Ranking knobs, documented with their effect; defaults measured on the development questions (README). */
export interface RankOptions {
  /** How many candidates each retriever contributes before fusion. */
  candidates: number;
  /**
   * Weight of the lexical (BM25) side in the fusion, a weighted sum of min-max normalised scores (keeps a decisive
   * BM25 or cosine margin, which reciprocal-rank fusion lost); the dense side gets 1 - lexicalWeight.
   */
  lexicalWeight: number;
  /** Score multiplier for passages with a figure when the question asks for a number. */
  figureBoost: number;
  /** Score multiplier when a passage's year visibly contradicts the year asked about. */
  yearPenalty: number;
  /** Score multiplier when a passage is a plan and the question asks what was achieved, or the other way round. */
  periodPenalty: number;
  /**
   * Score multiplier when the question asks one year's figure and the passage's figures of the kind asked are all
   * over several years (年均, 累计, a five-year review's section), or a multi-year figure is asked and it has none.
   */
  spanPenalty: number;
  /**
   * Score multiplier raised to the share (IDF-weighted) of the question's words a passage does not name: 1 leaves
   * the fusion alone; below 1 a passage naming the indicator asked in full ("城乡居民人均可支配收入") beats a
   * neighbour naming part of it ("全体居民人均可支配收入") that the dense side finds as close.
   */
  coveragePenalty: number;
  /** The fitted decision: high / low / none (src/search/decide.ts); read from src/search/decision.json (npm run fit) at the first question when not given. */
  decision?: DecisionModel;
  /** Which retrievers to use (for the ablation in README). */
  mode: 'hybrid' | 'dense' | 'lexical';
  /** A candidate's cosine is the best of its own and its sentences' (index.sentenceVectors, filled only by the ablation src/bench/sentences.ts): no gain measured (docs/answers.md), so off. */
  sentences?: boolean;
  /** Question words in no passage stand in for by the nearest indicator words of the index (src/search/vocabulary.ts); null: off (ablation). */
  learntWords?: LearntWordsOptions | null;
}

/** The ranking weights fitted by `npm run fit -- --rank` (src/search/rank-fit.ts), with the defaults they replace. */
export const RANK_FILE = new URL('./rank.json', import.meta.url);
const RANK_WEIGHTS = ['lexicalWeight', 'figureBoost', 'yearPenalty', 'periodPenalty', 'spanPenalty', 'coveragePenalty'] as const;
export type RankWeight = (typeof RANK_WEIGHTS)[number];

function fittedRank(): Partial<Pick<RankOptions, RankWeight>> {
  if (!existsSync(RANK_FILE)) return {};
  const raw = JSON.parse(readFileSync(RANK_FILE, 'utf8')) as Record<string, unknown>;
  const out: Partial<Pick<RankOptions, RankWeight>> = {};
  for (const k of RANK_WEIGHTS) {
    const v = raw[k];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !(v > 0 && v <= 2)) throw new Error(`src/search/rank.json: "${k}" must be a number in (0, 2]: run npm run fit -- --rank to rewrite it`);
    out[k] = v;
  }
  return out;
}

export const DEFAULT_RANK: RankOptions = {
  candidates: 50,
  lexicalWeight: 0.5,
  figureBoost: 1.1,
  yearPenalty: 0.7,
  periodPenalty: 0.8,
  spanPenalty: 0.8,
  coveragePenalty: 1,
  mode: 'hybrid',
  // Chosen on the tune part's, the sample's and our own paraphrases (docs/answers.md, round 4; the phrase: round 5).
  learntWords: { similarity: 0.75, top: 2, every: true, phrase: { similarity: 0.57, top: 1, words: 0.65, unknownWords: 0.45 } },
  ...fittedRank(),
};

interface PassageFigure {
  figure: string;
  kind: FigureKind;
  span: boolean;
}

/**
 * A passage about several years: the structure stage's period has a span (过去五年, “十四五”时期, a 十五五 plan).
 * A section reviewing last year and the five years together (alsoSpan) is not: its paragraphs are already
 * told apart by the structure stage.
 */
export function passageSpan(p: Passage): boolean {
  return p.period?.span !== undefined;
}

/**
 * A passage's figures, their kind and whether each is over several years: the whole passage's period, the clause
 * before the figure (年均, 累计), or, in a section reviewing last year and the five years together, a sentence the
 * figure records read as the five years' (每年, 年均 and no single year: spanOf).
 */
function passageFigures(p: Passage, text: string, whole: boolean): PassageFigure[] {
  const five = p.period?.alsoSpan ? new Set(p.sentences.filter((s) => spanOf(s, p.period, p.source.year) !== null).flatMap((s) => findFigures(s))) : null;
  return findFigures(text).map((figure) => ({ figure, kind: figureKind(text, figure), span: whole || spanFigure(text, figure) || five?.has(figure) === true }));
}

/** Is `figure` the level a multi-year passage says was reached (增加到, 提高至, 达) in its last year, the year asked? */
function levelReached(p: Passage, text: string, figure: string | undefined, year: number | null): boolean {
  const at = figure ? text.indexOf(figure) : -1;
  return at > 0 && year !== null && p.period?.span?.[1] === year && /(?:到|至|达)$/.test(text.slice(0, at));
}

/**
 * The single year a passage's period speaks of (last year's review, this year's plan), or null for a multi-year
 * period or none: used where the text itself names no year.
 */
export function periodYear(p: Passage): number | null {
  return p.period && !p.period.span ? p.period.year : null;
}

interface Candidate {
  id: number;
  similarity: number;
  lexical: number;
  score: number;
}

/** Everything derived from one index version; replaced as a whole when a new version is loaded. */
interface Loaded {
  index: StoredIndex;
  lexical: LexicalIndex;
  /**
   * Passages stay on disk (src/index/passage-store.ts): what ranking needs of a passage is found at its first
   * candidacy (most passages never are one) and kept in these sparse arrays. Indexed text without whitespace (for coverage).
   */
  texts: string[];
  /** Places with at least one indexed report. */
  covered: Place[];
  /** Plan or review of each passage (src/search/decide.ts features, target/result preference). */
  periods: (Period | null)[];
  /** Each passage's figures with their kind and whether they span several years, found at its first candidacy (most passages never are one). */
  figures: (PassageFigure[] | undefined)[];
  /** Does the passage sit in a section about several years (过去五年, “十四五”时期)? */
  spans: boolean[];
  /**
   * Each passage's place and file as a number into `placeCodes`/`files`: the place/file filter reads these small
   * arrays instead of every passage object (at 100,000 passages, scattered reads cost more than BM25 itself).
   */
  placeOf: Int32Array;
  placeCodes: string[];
  fileOf: Int32Array;
  files: string[];
  /**
   * For each file (as in `files`), the year of the newest report of its place: 去年/今年 are read against it, so with
   * reports of several years of one place "去年" is the year before the newest report, not every report's own.
   */
  yearBase: (number | null)[];
}

function prepare(index: StoredIndex): Loaded {
  const n = index.manifest.passageCount;
  const newest = new Map<string, number>();
  const placeKey = (f: (typeof index.manifest.files)[number]) => f.place?.code ?? f.district ?? f.file;
  for (const f of index.manifest.files) if (f.year !== null) newest.set(placeKey(f), Math.max(newest.get(placeKey(f)) ?? f.year, f.year));
  const byFile = new Map(index.manifest.files.map((f) => [f.file, f.year === null ? null : newest.get(placeKey(f))!]));
  return {
    index,
    // Stored by the build; only versions written before it was stored run jieba over every passage here.
    lexical: index.lexical ? openLexicalIndex(index.lexical, undefined, index.removed) : buildLexicalIndex(index.allPassages().map(indexedText)),
    texts: new Array(n),
    covered: coveredPlaces(index),
    periods: new Array(n),
    figures: new Array(n),
    spans: new Array(n),
    placeOf: index.facts.placeOf,
    placeCodes: index.facts.placeCodes,
    fileOf: index.facts.fileOf,
    files: index.facts.files,
    yearBase: index.facts.files.map((f) => byFile.get(f) ?? null),
  };
}

/** Read a candidate's passage, and at its first candidacy what ranking needs of it. */
function learn(state: Loaded, id: number, passages: Passage[]): void {
  const p = (passages[id] = state.index.passage(id)!);
  if (state.texts[id] !== undefined) return;
  state.texts[id] = indexedText(p).replace(/\s+/g, '');
  state.spans[id] = passageSpan(p);
  state.periods[id] = passagePeriod(state.index, id);
}

/**
 * A passage's period: its numbered section's when that says review or plan (一、2024年工作回顾), else its own
 * wording's, else that of the passages of its paragraph (the nearest before, then after): "过去一年，…" opens a
 * paragraph whose later sentences no longer say so.
 */
function passagePeriod(index: StoredIndex, i: number): Period | null {
  const own = (p: Passage) => p.period?.kind ?? periodOf(p.text);
  const p = index.passage(i)!;
  const mine = own(p);
  if (mine) return mine;
  const same = (q: Passage) => q.source.file === p.source.file && q.source.paragraph === p.source.paragraph;
  // A passage of a report removed since the full build (src/index/store.ts, segments) reads as none: a boundary.
  for (let j = i - 1; j >= 0; j--) {
    const q = index.passage(j);
    if (!q || !same(q)) break;
    if (own(q)) return own(q);
  }
  for (let j = i + 1; j < index.manifest.passageCount; j++) {
    const q = index.passage(j);
    if (!q || !same(q)) break;
    if (own(q)) return own(q);
  }
  return null;
}

/** Answers an engine opened for reporters remembers (src/app/open.ts); benchmarks of one answer's cost use none. */
export const ANSWER_MEMORY = 1000;

export function createEngine(initial: StoredIndex, model: Embedder, synonyms: Synonyms, rank: RankOptions, indexDir?: string, answerMemory = 0) {
  let state = prepare(initial);
  // Question words' vectors and stand-ins for the learnt vocabulary, remembered per word (src/search/vocabulary.ts).
  const standInMemo = standInMemory((words) => model.embed(words, { batchSize: 32 }));

  const notFound = (query: string, understood: QueryUnderstanding, reason: string, started: number): Answer => ({
    query,
    found: false,
    confidence: 'none',
    results: [],
    reason,
    understood,
    tookMs: performance.now() - started,
  });

  async function search(query: string, options: SearchOptions = {}): Promise<Answer> {
    // One question is answered from one index version, even if a reload happens meanwhile.
    const loaded = state;
    const { index, lexical, texts, covered, periods, figures, spans, placeOf, placeCodes: indexedPlaces, fileOf, files, yearBase } = state;
    const base = (id: number) => yearBase[fileOf[id]!] ?? null;
    const figuresOf = (id: number) => (figures[id] ??= passageFigures(passages[id]!, texts[id]!, spans[id]!));
    // The candidates' passages, read from the index once they are candidates (learn).
    const passages: Passage[] = [];
    // A learnt stand-in weighs nothing of its own: a concept weighs what the question's word (or a synonym) does,
    // so a stand-in can make a passage cover it but never makes missing it cost more.
    const standIns = new Set<string>();
    const weight = (t: string) => (standIns.has(t) ? 0 : lexical.idf(t) || 1);
    const started = performance.now();
    const timings: StageTimings = { understand: 0, embed: 0, dense: 0, lexical: 0, rank: 0 };
    let mark = started;
    const lap = (stage: keyof StageTimings) => {
      const now = performance.now();
      timings[stage] += now - mark;
      mark = now;
    };
    const top = Math.max(1, Math.min(options.top ?? 3, 20));
    let understood = understand(query, { synonyms, covered }); // its concepts gain the learnt stand-ins below
    const asked = askedPeriod(understood.normalized);
    const kind = askedFigureKind(understood.normalized);
    const unit = unitMatcher(understood.normalized);
    const contrasts = contrastsOf(understood.normalized);
    const span = askedSpan(understood.normalized);
    const firm = unitFirm(understood.normalized);
    lap('understand');
    if (understood.normalized.replace(/[\p{P}\p{S}\s]/gu, '') === '') {
      return notFound(query, understood, '问题是空的：请输入一个关于政府工作报告的问题。', started);
    }
    const coveredList = () => `已收录的报告来自：${covered.map((p) => fullName(p)).join('、') || '（暂无）'}。`;
    if (understood.uncoveredPlace) {
      return notFound(query, understood, `已收录的报告中没有${understood.uncoveredPlace}的报告。${coveredList()}`, started);
    }
    // A place chosen in the chat (/district) wins over the places the question names.
    const scoped = options.district ? placesAsked(normalizeQuestion(options.district), covered) : null;
    if (scoped && scoped.places.length === 0) return notFound(query, understood, `已收录的报告中没有${options.district}的报告。${coveredList()}`, started);
    const placeCodes = new Set(((scoped ?? understood).places ?? []).map((p) => p.code));
    const district = scoped ? scoped.named : understood.district;
    const allowedPlace = Uint8Array.from(indexedPlaces, (code) => (placeCodes.size === 0 || placeCodes.has(code) ? 1 : 0));
    const file = options.file ? files.indexOf(options.file) : -1;
    // No filter at all when nothing is restricted: HNSW then searches without calling back into JS per node.
    const allowed =
      placeCodes.size > 0 || options.file
        ? (id: number) => allowedPlace[placeOf[id]!] === 1 && (!options.file || fileOf[id] === file)
        : undefined;

    // Retrieve from both sides, restricted to the district/file asked about.
    const k = Math.min(rank.candidates, index.manifest.passageCount);
    const candidates = new Map<number, Candidate>();
    const get = (id: number) => {
      let c = candidates.get(id);
      if (!c) candidates.set(id, (c = { id, similarity: 0, lexical: 0, score: 0 }));
      return c;
    };
    let searchTerms = understood.terms;
    // The question's vector is asked for now, so the model works on it while the question's words are matched.
    const questionVector = model.embedQuery(understood.normalized);
    questionVector.catch(() => {}); // awaited below; this only keeps a failure from counting as unhandled meanwhile
    // The index's indicator words and their vectors, embedded by the build (absent in versions written before: no stand-ins).
    const vocabulary = index.vocabulary;
    if (rank.learntWords && vocabulary) {
      // The question's words the model cannot embed now (busy, failing): this question searches without stand-ins.
      const asIs = { concepts: understood.concepts, terms: understood.terms, learnt: {} };
      const question = { text: understood.normalized, vector: () => questionVector };
      const more = await withLearntWords(understood.concepts, understood.terms, (w) => lexical.idf(w) > 0, standInMemo.standIns(vocabulary, rank.learntWords), vocabulary, rank.learntWords, question).catch(() => asIs);
      // The stand-ins are searched and count for coverage; the highlight and key figure keep the question's own words.
      if (more.concepts !== understood.concepts) {
        const own = new Set(understood.concepts.flat());
        for (const w of Object.values(more.learnt).flat()) if (!own.has(w)) standIns.add(w);
        [understood, searchTerms] = [{ ...understood, concepts: more.concepts }, more.terms];
      }
    }
    const queryVector = await questionVector;
    lap('embed');
    const fromDense = new Set<number>();
    if (rank.mode !== 'lexical') {
      const dense = index.dense.searchKnn(plainArray(queryVector), k, allowed);
      dense.neighbors.forEach((id, r) => {
        get(id).similarity = 1 - dense.distances[r]!;
        fromDense.add(id);
      });
    }
    lap('dense');
    if (rank.mode !== 'dense') {
      for (const { doc, score } of lexical.search(searchTerms, k, allowed)) get(doc).lexical = score;
    }
    for (const id of candidates.keys()) learn(loaded, id, passages);
    lap('lexical');
    for (const c of candidates.values()) if (!fromDense.has(c.id)) c.similarity = dot(queryVector, index.vector(c.id));
    if (rank.sentences && index.sentenceVectors) {
      for (const c of candidates.values()) for (const v of index.sentenceVectors[c.id] ?? []) c.similarity = Math.max(c.similarity, dot(queryVector, v));
    }
    const all = [...candidates.values()];
    const maxLexical = Math.max(0, ...all.map((c) => c.lexical));
    const sims = all.map((c) => c.similarity);
    const [minSim, maxSim] = [Math.min(...sims), Math.max(...sims)];
    const wLex = rank.mode === 'dense' ? 0 : rank.mode === 'lexical' ? 1 : rank.lexicalWeight;
    // The question's words long enough to be an indicator (占地区生产总值比重), found once for every candidate.
    const shareWords = understood.concepts.flat().filter((w) => Array.from(w).length >= 3);
    // Several years named (“十三五”期间, 2013到2017): a passage about other years contradicts them, as one year named does.
    const years = yearsAsked(understood.normalized);
    // (A passage giving a multi-year figure of the kind asked, "“十四五”时期年均增长5.5%" in last year's review, is not.)
    const contradictsOne = (id: number) => contradictsYear(passages[id]!, understood, periods[id]!, base(id));
    const spanFigureOf = (id: number) => figuresOf(id).some((f) => f.span && (!kind || f.kind === kind));
    const contradicts = years ? (id: number) => contradictsYears(passages[id]!, years, span === true && !spanFigureOf(id)) : contradictsOne;
    const coverOf = coverageOf(understood.concepts, weight);
    for (const c of all) {
      const dense = maxSim > minSim ? (c.similarity - minSim) / (maxSim - minSim) : 1;
      const lex = maxLexical > 0 ? c.lexical / maxLexical : 0;
      c.score = (1 - wLex) * dense + wLex * lex;
      if (rank.coveragePenalty !== 1) c.score *= rank.coveragePenalty ** (1 - coverOf(texts[c.id]!));
      if (understood.wantsFigure && /\d/.test(passages[c.id]!.text)) c.score *= rank.figureBoost;
      // The figure of the kind asked (a rate for 增长多少, 户 for 多少户) is there: the passage can answer.
      if ((kind || unit) && hasKind(figuresOf(c.id), kind, unit)) c.score *= rank.figureBoost;
      // One year's figure asked and the passage's figures of that kind are all five-year ones, or the other way round.
      if (span !== null && !hasSpan(figuresOf(c.id), kind, span)) c.score *= rank.spanPenalty;
      if (contradicts(c.id)) c.score *= rank.yearPenalty;
      else if (asked && periods[c.id] === (asked === 'plan' ? 'review' : 'plan')) c.score *= rank.periodPenalty;
      // "占地区生产总值比重" speaks of a share, not of the indicator itself: weaker unless a share is asked.
      if (kind !== 'share' && onlyAsShare(texts[c.id]!, shareWords)) c.score *= rank.periodPenalty;
      // Neither year nor period asked ("城镇新增就业多少人"): a reporter means what was achieved, not the plan.
      // (A year named with no period prefers its result by periodFit, among near ties only.)
      else if (!asked && !understood.year && periods[c.id] === 'plan') c.score *= Math.sqrt(rank.periodPenalty);
      const period = passages[c.id]!.period;
      if (period && span !== true) {
        // One year meant (a year, 去年/今年, a target or result with no span asked): a multi-year period (a five-year
        // review, a five-year plan) gives way to the single year's section, however its figures read.
        if (period.span && (span === false || asked)) c.score *= rank.spanPenalty;
        else if (period.span && span === null && understood.wantsFigure) c.score *= Math.sqrt(rank.spanPenalty);
      }
    }
    let ranked = [...candidates.values()].sort((a, b) => b.score - a.score);
    // A place inside a covered report (a city in its province's): only the passages that name it can answer.
    const inside = understood.inside;
    const namesInside = (id: number) => inside!.names.some((n) => texts[id]!.includes(n));
    if (inside) ranked = [...ranked.filter((c) => namesInside(c.id)), ...ranked.filter((c) => !namesInside(c.id))];
    // The name of a five-year plan asked (“十四五”期间) says when, like a year: not a word the passage must name
    // (only the first passage of a section carries its heading's “十四五” in its indexed text).
    const planWords = years ? (/“?十[一二三四五六七八九]五”?(?:时期|期间|以来)?/.exec(understood.normalized)?.[0] ?? '') : '';
    const coverConcepts = planWords ? understood.concepts.filter((alts) => !alts.every((a) => planWords.includes(a))) : understood.concepts;
    const coverOfAsked = coverageOf(coverConcepts, weight);
    const covers = (id: number) => coverOfAsked(texts[id]!);
    promoteYearMatch(ranked, contradicts, covers);
    // Several years asked (年均, “十四五”期间, 累计): a passage speaking of several years (its period's span, or a
    // 年均/累计 figure of the kind asked) before last year's, as one year asked puts the single year first.
    const multiYear = (id: number) => spans[id]! || figuresOf(id).some((f) => f.span && (!kind || f.kind === kind));
    // Years named (“十四五”的目标, “十三五”期间): the passage about exactly those years first, then one giving a
    // multi-year figure beside last year's review (“十四五”以来…年均增长 in a 2025-and-five-years section).
    const fit = years
      ? (id: number) => spanFit(passages[id]!, years) + (span === true && multiYear(id) ? 1 : 0)
      : span === true
        ? (id: number) => (multiYear(id) ? 1 : 0)
        : // One year asked, in a review of last year and the five years together: a passage whose figures are the five
          // years' (每年, 年均) fits it no better than a five-year review does.
          (id: number) => (span === false && passages[id]!.period?.alsoSpan && !hasSpan(figuresOf(id), kind, false) ? 0 : periodFit(passages[id]!, understood, asked, base(id)));
    promotePeriodMatch(ranked, fit, covers);
    // No place named and the country's report is indexed: a reporter asking "“十四五”城镇化率目标" means the country's.
    const nationalCode = gazetteer().national.code;
    if (placeCodes.size === 0 && !options.file && !understood.district && indexedPlaces.includes(nationalCode)) {
      promoteFirst(ranked, (id) => indexedPlaces[placeOf[id]!] === nationalCode && !contradicts(id), covers);
    }
    const askedCodes = new Set((understood.places ?? []).map((x) => x.code));
    // A passage's highlight and key figure, worked out when first read (the promotion below reads the first three;
    // the bot searches for four pages and shows one, and most later pages are never opened). Every value is the same
    // as if computed at once (it reads only this question's understanding and this index version).
    const shown = new Map<number, { highlight: string; figures: string[]; keyFigure?: SearchResult['keyFigure'] }>();
    const shownOf = (id: number) => {
      const done = shown.get(id);
      if (done) return done;
      const p = passages[id]!;
      const foreignPlace = (clause: string) => foreignPlaceIn(clause, p.source.place?.code ?? null, askedCodes, inside?.names);
      const { h, key } = highlightWithKey(p.sentences, understood.terms, weight, understood.wantsFigure, {
        kind, unit, terms: understood.terms, weight, year: askedYear(p, understood, base(id)), reportYear: p.source.year, asked: understood.year, period: periods[id]!, periodYear: periodYear(p), contrasts, span, foreignPlace, unitFirm: firm, question: understood.normalized,
        ...(inside ? { mustName: inside.names } : {}),
      });
      // The key figure leads the list: `figures[0]` is what a card's first line and `ask --json` readers quote.
      const out = { highlight: h.sentence, figures: key ? [key.figure, ...h.figures.filter((f) => f !== key.figure && `第${f}` !== key.figure)] : h.figures, ...(key ? { keyFigure: key } : {}) };
      shown.set(id, out);
      return out;
    };
    // A figure asked and the best passage gives none of the indicator, kind and period asked, and one of the next
    // two, of the same report, naming the question's words as fully and of no other year, does: that one first (a
    // near tie, as above).
    if (understood.wantsFigure && ranked[0] && !shownOf(ranked[0].id).keyFigure) {
      const [full, report] = [covers(ranked[0].id), fileOf[ranked[0].id]];
      const at = ranked.slice(1, 3).findIndex((c) => fileOf[c.id] === report && covers(c.id) >= full && !contradicts(c.id) && shownOf(c.id).keyFigure);
      if (at >= 0) ranked.unshift(...ranked.splice(at + 1, 1));
    }
    const best = ranked[0];
    const evidence = best ? { similarity: round(best.similarity), coverage: round(covers(best.id)) } : undefined;
    const where = district ? `${district}的报告` : '已收录的报告';
    const nothing = `${where}里没有找到能回答这个问题的段落。`;
    if (!best) {
      lap('rank');
      return { ...notFound(query, understood, nothing, started), evidence, timings };
    }
    // The name of a five-year plan asked (“十四五”期间) is a time: a passage about those years covers it as if it
    // named it (only the first passage of its section carries the heading's words).
    let featureTexts = texts;
    if (planWords) {
      featureTexts = [];
      for (const c of ranked) featureTexts[c.id] = fit(c.id) > 0 && !contradicts(c.id) ? planWords + texts[c.id]! : texts[c.id]!;
    }
    const seen = features({
      ranked,
      texts: featureTexts,
      understood,
      weight,
      // The decision was fitted on years written as digits (2023年, 去年): it reads them, not a plan's years.
      contradictsYear: contradictsOne,
      agreesYear: (id) => agreesYear(passages[id]!, understood, periods[id]!, base(id)),
      periodOf: (id) => periods[id]!,
    });
    const decider = (rank.decision ??= loadDecision());
    const p = probability(decider, seen);
    const onlyWithin = (scoped ?? understood).onlyWithin;
    // A county's passage is no confident answer about its city unless it speaks of the city (名称, 我市, 全市).
    const overPlace = onlyWithin && !speaksOf(passages[best.id]!.text, onlyWithin);
    const decided = outcome(decider, p);
    let confidence: Confidence = overPlace && decided === 'high' ? 'low' : decided;
    // Inside a covered report and its best passage does not name the place: nothing about that place.
    const insideMissing = inside !== undefined && !namesInside(best.id);
    if (insideMissing) {
      lap('rank');
      return { ...notFound(query, understood, `已收录的报告中没有${understood.district}的报告，${inside!.report}的报告里也没有提到${understood.district}。${coveredList()}`, started), evidence, decision: { probability: round(p), features: seen }, timings };
    }
    const decision = { probability: round(p), features: seen };
    if (confidence === 'none') {
      lap('rank');
      return { ...notFound(query, understood, nothing, started), evidence, decision, timings };
    }

    const results: SearchResult[] = ranked.slice(0, top).map((c, i) => {
      const p = passages[c.id]!;
      return {
        rank: i + 1,
        score: round(c.score),
        text: p.text,
        get highlight() {
          return shownOf(c.id).highlight;
        },
        get figures() {
          return shownOf(c.id).figures;
        },
        get keyFigure() {
          return shownOf(c.id).keyFigure;
        },
        section: p.section,
        ...(p.sectionPath ? { sectionPath: p.sectionPath } : {}),
        passageId: p.id,
        source: p.source,
      };
    });
    // A figure asked, and the best passage has none of the indicator, kind and period asked: no confident answer.
    // (A passage with no figure at all may say it in words, "五个方面": the decision judges that.)
    // (A count in words of the unit asked, "两年内" for 多久, "四个方面" for 几个方面, may be the answer: the decision judges.)
    const noFigure = understood.wantsFigure && confidence === 'high' && results[0] !== undefined && !results[0].keyFigure && figuresOf(ranked[0]!.id).length > 0 && !(unit && wordCounts(texts[ranked[0]!.id]!).some(unit));
    if (noFigure) confidence = 'low';
    // The report gives only the other period (a result for a target asked): shown with a note, never as the answer.
    const otherPeriod = periodNote(passages[best.id]!, periods[best.id]!, results[0]?.keyFigure, asked, understood, base(best.id));
    if (otherPeriod && confidence === 'high') confidence = 'low';
    // One year asked and the best passage speaks of several (a five-year review or plan): not the answer asked.
    // (Unless its figure is the level reached at the end of those years, the year asked: "从54万亿元增加到82.7万亿元"
    // in a review of 2013–2017 for 2017年.)
    const manyYears = span === false && confidence === 'high' && passageSpan(passages[best.id]!) && !levelReached(passages[best.id]!, texts[best.id]!, results[0]?.keyFigure?.figure, askedYear(passages[best.id]!, understood, base(best.id)));
    if (manyYears) confidence = 'low';
    // Several years asked and the best passage gives one year's figure (last year's growth for 年均增长): not the answer.
    const lead = results[0]?.keyFigure;
    const oneYear = span === true && confidence === 'high' && !passageSpan(passages[best.id]!) && !(lead ? spanFigure(results[0]!.highlight.replace(/\s+/g, ''), lead.figure) : multiYear(best.id));
    if (oneYear) confidence = 'low';
    // Years named (“十四五”时期) and the best passage is about others (the 十三五 review): not the answer asked.
    const otherYears = years !== null && confidence === 'high' && contradicts(best.id);
    if (otherYears) confidence = 'low';
    const placesDiffer = placeCodes.size !== 1 && !options.file ? differingPlaces(results.slice(0, 3), understood.concepts) : [];
    const askBack = vagueQuestion(results, understood, placeCodes.size > 0 || !!options.file, covered.length, placesDiffer);
    if (askBack) confidence = confidence === 'high' ? 'low' : confidence;
    lap('rank');
    const note =
      otherPeriod ??
      (inside ? `没有${understood.district}本身的报告，以下出自${inside.report}的报告。` : null);
    // found:false always says why, also when the closest passages are shown (low confidence).
    const reason =
      confidence !== 'low'
        ? undefined
        : askBack
          ? askBackReason(askBack, understood.district)
          : overPlace
          ? `没有收录${onlyWithin.names[0]}本级的报告，下面是其辖区报告的原文，可能相关。`
          : noFigure
            ? `最接近的原文里没有所问指标的数字（${askedWhat(kind, span)}），下面的原文可能相关。`
            : manyYears
            ? `最接近的原文说的是多年的情况，不是所问的一年，下面的原文可能相关。`
            : oneYear
            ? `最接近的原文说的是单一年份的情况，不是所问的多年合计或年均，下面的原文可能相关。`
            : otherYears
            ? `最接近的原文说的是另一段时期，不是所问的${years![0]}—${years![1]}年，下面的原文可能相关。`
            : `${where}里没有找到确定的答案：${uncertainWhy(seen, texts[best.id]!, understood.concepts, weight)}，下面的原文可能相关。`;
    return {
      query, found: confidence === 'high', confidence, results, understood, evidence, decision,
      ...(reason ? { reason } : {}), ...(note ? { note } : {}), ...(askBack ? { askBack } : {}), ...(placesDiffer.length > 1 ? { placesDiffer } : {}), tookMs: performance.now() - started, timings,
    };
  }

  function context(passageId: number, radius = 1): Passage[] {
    const { index, fileOf } = state;
    if (!index.passage(passageId)) return [];
    // A file's passages are numbered consecutively (the manifest's firstId): its neighbours in the same file.
    let from = passageId;
    let to = passageId;
    // (A replaced report's earlier passages, removed since the full build, keep its file: they read as none.)
    while (from > 0 && passageId - from < radius && fileOf[from - 1] === fileOf[passageId] && index.passage(from - 1)) from--;
    while (to + 1 < index.manifest.passageCount && to - passageId < radius && fileOf[to + 1] === fileOf[passageId] && index.passage(to + 1)) to++;
    return Array.from({ length: to - from + 1 }, (_, k) => index.passage(from + k)!);
  }

  // One list per index version (every question reads it: the places covered); frozen, as callers share it.
  let summaries: { of: typeof state; list: ReportSummary[] } | undefined;
  function reports(): ReportSummary[] {
    if (summaries?.of !== state) {
      const list = state.index.manifest.files.map(({ file, title, district, place, year, passages: n }) => Object.freeze({ file, title, district, place: place ?? null, year, passages: n }));
      summaries = { of: state, list: Object.freeze(list) as ReportSummary[] };
    }
    return summaries.list;
  }

  /** Load the version CURRENT points to if it is newer than the one in use (after an ingest). True if switched. */
  async function reload(): Promise<boolean> {
    if (!indexDir || currentVersion(indexDir) === state.index.version) return false;
    const next = await readIndex(indexDir); // a damaged new version falls back to an intact one: maybe ours
    if (next.version === state.index.version) return false;
    state = prepare(next);
    return true;
  }

  // Answers remembered per index version (the `answerMemory` most recent): reporters ask the same things at once
  // when a report comes out, and each answer is worked out once; an answer being worked out is awaited, not
  // worked out again. Callers copy what they change (follow-ups, pages), so the answer itself is shared.
  const answered = answerMemory > 0 ? lru<string, Promise<Answer>>(answerMemory) : null;
  function rememberedSearch(query: string, options: SearchOptions = {}): Promise<Answer> {
    if (!answered) return search(query, options);
    // The ranking options in the key too: fitting and evaluation change them on an open engine.
    const key = JSON.stringify([state.index.version, query, options.top ?? null, options.district ?? null, options.file ?? null, rank]);
    const known = answered.get(key);
    if (!known) {
      const pending = search(query, options);
      answered.set(key, pending);
      pending.catch(() => answered.delete(key));
      return pending;
    }
    const started = performance.now();
    // Its own time, and no stage timings: none of the stages ran for it.
    return known.then(({ timings: _worked, ...answer }) => ({ ...answer, tookMs: performance.now() - started }));
  }

  return {
    search: rememberedSearch,
    context,
    reports,
    reload,
    rank,
    /** The loaded model, for callers that add reports while running (the bot's uploads): never load it twice. */
    embedder: model,
    get index() {
      return state.index;
    },
  };
}

/**
 * The vector as a plain array (hnswlib-node takes no typed array), by a loop: Array.from iterates and allocated a
 * result object and a boxed number per value, a tenth of all the garbage of 500 questions at once.
 */
function plainArray(v: Float32Array): number[] {
  const out = new Array<number>(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i]!;
  return out;
}

/** Places with an indexed report, as gazetteer places (a code the gazetteer lacks stands alone). */
function coveredPlaces(index: StoredIndex): Place[] {
  const g = gazetteer();
  const out = new Map<string, Place>();
  for (const f of index.manifest.files) {
    if (f.place) out.set(f.place.code, g.byCode.get(f.place.code) ?? { ...f.place, parent: null });
  }
  return [...out.values()];
}

/**
 * With no place asked for: the places of the top results that give the same indicator (their highlights mention
 * the same question words as the best one) for different places. Two or more means no single answer.
 */
function differingPlaces(results: SearchResult[], concepts: string[][]): string[] {
  const mentioned = (r: SearchResult) => concepts.filter((alts) => alts.some((a) => r.highlight.includes(a))).map((alts) => alts[0]);
  const best = results[0];
  if (!best || best.figures.length === 0) return [];
  const indicator = mentioned(best);
  if (indicator.length === 0) return [];
  const places = new Map<string, string>();
  for (const r of results) {
    const key = r.source.place?.code ?? r.source.district;
    if (!key || places.has(key) || r.figures.length === 0) continue;
    const named = mentioned(r);
    if (!indicator.every((c) => named.includes(c))) continue;
    const known = r.source.place ? gazetteer().byCode.get(r.source.place.code) : undefined;
    places.set(key, known ? fullName(known) : (r.source.district ?? key));
  }
  return [...places.values()];
}

/**
 * A question too vague to answer confidently: it names no indicator ("增长了多少？"), or names no place while the
 * library holds several and the best results come from different places. The options are what it could mean:
 * the indicators of the results' key figures, or their places.
 */
export function vagueQuestion(results: SearchResult[], u: QueryUnderstanding, placeGiven: boolean, placesIndexed: number, placesDiffer: string[]): Answer['askBack'] | undefined {
  if (results.length === 0) return undefined;
  if (!namesIndicator(u.concepts)) {
    const options = [...new Set(results.map(indicatorOption).filter((c) => c.length >= 2))].slice(0, 4);
    return { what: 'indicator', options };
  }
  if (placeGiven || placesIndexed < 2 || u.district) return undefined;
  // Only when the results give the same indicator for different places (differingPlaces): results of other
  // indicators from other reports are just weaker matches.
  return placesDiffer.length > 1 ? { what: 'place', options: placesDiffer } : undefined;
}

/** The ask-back in words; with no option to offer (a place and nothing else asked), what to add to the question. */
function askBackReason(askBack: NonNullable<Answer['askBack']>, place: string | null): string {
  if (askBack.options.length === 0) return `请说明要问${place ?? ''}的哪个指标（例如“地区生产总值增长多少”）。下面的原文可能相关。`;
  return `请说明${askBack.what === 'place' ? '地方' : '指标'}：${askBack.options.join('、')}${askBack.what === 'place' ? '的报告都有相关原文' : '都可能是所问的'}。下面的原文可能相关。`;
}

/**
 * What a result's key figure counts, as an option to ask back with (a button): the figure stage's indicator of that
 * figure in its clause ("企业开办由1天缩短到6小时" → 企业开办, not "缩短到"), else the clause itself; never a verb
 * alone, a dangling bracket or trailing punctuation.
 */
function indicatorOption(r: SearchResult): string {
  const key = r.keyFigure;
  if (!key) return '';
  const sentence = r.text.replace(/\s+/g, '').split(/(?<=[。！？；])/).find((x) => x.includes(key.figure)) ?? '';
  const described = describedOf(sentence);
  const own = described.find((d) => d.figure === key.figure)?.indicator;
  // Else another figure's indicator in the same clause ("企业开办由1天缩短到6小时": 6小时 alone is "缩短").
  const clause = sentence.split(/[，,；;。！？]/).find((c) => c.includes(key.figure)) ?? '';
  const named = [own, ...described.filter((d) => clause.includes(d.indicator)).map((d) => d.indicator)].find((n) => n && Array.from(n).length >= 3);
  return (named ?? key.clause)
    .replace(/^(?:全年|全区|全市|全省|全县|全国|其中|同比)+/, '')
    .slice(0, 12)
    .replace(/[（(][^）)]*$/, '')
    .replace(/[\s\p{P}]+$/u, '');
}

/** Why an answer is uncertain, in words, from the features the decision saw (the strongest reason first). */
export function uncertainWhy(f: Record<string, number>, text: string, concepts: string[][], weight: (t: string) => number): string {
  if (f.yearContradicts) return '最接近的原文说的是另一个年份';
  if (f.periodConflicts) return '最接近的原文说的是另一个时期（目标与实际不同）';
  if (f.figureMissing) return '最接近的原文里没有数字';
  if (f.unitMissing || f.kindMissing) return '最接近的原文里没有所问单位或类型的数字';
  const missing = concepts.filter((alts) => !alts.some((a) => text.includes(a))).sort((a, b) => Math.max(...b.map(weight)) - Math.max(...a.map(weight)));
  if (missing[0]) return `最接近的原文没有提到“${missing[0][0]}”`;
  return '最接近的原文与问题的匹配不够确定';
}

/** What kind of figure was asked, in words for a reason ("增长率", "多年合计或年均"). */
function askedWhat(kind: FigureKind | null, span: boolean | null): string {
  const what = kind === 'growth' ? '增长率' : kind === 'share' ? '比重或比率' : kind === 'amount' ? '总量' : kind === 'rank' ? '名次' : '数字';
  return span === true ? `多年的${what}` : span === false ? `单一年份的${what}` : what;
}

/**
 * Does a clause name a place other than the report's and the question's (the city's figure in a district's
 * report)? Then the figure after it is that place's, not the report's.
 */
export function foreignPlaceIn(clause: string, reportPlace: string | null, asked: Set<string>, allowed: string[] = []): boolean {
  if (!reportPlace) return false;
  // Two characters name a place only as a city's or province's short form (新建 is a word before it is a district).
  const named = findPlaces(clause).filter((m) => Array.from(m.text).length >= 3 || m.places.some((x) => x.level === 'city' || x.level === 'province'));
  return named.some((m) => !allowed.includes(m.text) && !m.places.some((x) => x.code === reportPlace || asked.has(x.code) || allowed.includes(x.name)));
}

/** Does every word of the question (of 3 or more characters) that the passage names stand only as the base of a share (占…比重)? */
function onlyAsShare(text: string, words: string[]): boolean {
  const named = words.filter((w) => text.includes(w));
  if (named.length === 0) return false;
  const rest = text.replace(/占[^，。；、]{1,12}?的?(?:比重|比例)/g, '');
  return !named.some((w) => rest.includes(w));
}

/** Has the passage a figure of the kind asked (any, when none is) over the span asked? A passage without figures is not judged. */
function hasSpan(figures: PassageFigure[], kind: FigureKind | null, span: boolean): boolean {
  const fitting = figures.filter((f) => !kind || f.kind === kind);
  return fitting.length === 0 || fitting.some((f) => f.span === span);
}

function hasKind(figures: { figure: string; kind: FigureKind }[], kind: FigureKind | null, unit: ((f: string) => boolean) | null): boolean {
  return figures.some((f) => (!kind || f.kind === kind) && (!unit || unit(f.figure)));
}

/**
 * A best passage about another year than the one asked ("去年" answered from this year's plan) gives way to the
 * first of the next few that is not, when it mentions the question's words as fully: score margins between a
 * report's result and its target are often slim (and exaggerated by min-max fusion over few candidates).
 */
function promoteYearMatch(ranked: Candidate[], contradicts: (id: number) => boolean, covers: (id: number) => number): void {
  const best = ranked[0];
  if (!best || !contradicts(best.id)) return;
  const full = covers(best.id);
  const at = ranked.slice(1, 5).findIndex((c) => !contradicts(c.id) && covers(c.id) >= full);
  if (at >= 0) ranked.unshift(...ranked.splice(at + 1, 1));
}

/**
 * How well a passage's period fits a question meaning one year (2 best): this year's target asked and the
 * passage is among the main targets (主要预期目标) of that year (then any plan of that year); last year's result
 * asked and the passage reviews that single year, not a multi-year span; a year named with no period asked, its
 * review before its plan.
 */
export function periodFit(p: Passage, u: QueryUnderstanding, asked: Period | null, base?: number | null): number {
  const period = p.period;
  if (!period) return 0;
  const year = askedYear(p, u, base);
  const wanted = periodMeant(p, asked, year);
  if (!wanted || period.kind !== wanted || (year !== null && year !== period.year)) return 0;
  if (period.span) return 0;
  // A year named with no period asked ("2023年粮食产量是多少"): its result, in the next year's report, before its plan.
  if (!asked && wanted === 'plan' && u.year && 'absolute' in u.year) return 1;
  return wanted === 'plan' && !period.targets ? 1 : 2;
}

/**
 * The best passage fits the period meant less well (a five-year review for 去年, a task or a five-year plan
 * for 今年的目标) than one of the next few of the same report that names the question's words as fully: that
 * one comes first. Like promoteYearMatch, a reordering among near ties, not a weight.
 */
function promotePeriodMatch(ranked: Candidate[], fit: (id: number) => number, covers: (id: number) => number): void {
  const best = ranked[0];
  if (!best) return;
  const own = fit(best.id);
  const full = covers(best.id);
  // The best-fitting of them (the first among equals): a year's review before its plan, both before a span.
  let at = -1;
  ranked.slice(1, 5).forEach((c, i) => {
    if (fit(c.id) > (at < 0 ? own : fit(ranked[at + 1]!.id)) && covers(c.id) >= full) at = i;
  });
  if (at >= 0) ranked.unshift(...ranked.splice(at + 1, 1));
}

/**
 * The year a question asks about; 去年/今年/明年 resolved against `base`, the newest report year of the passage's
 * place (its own report's year when that is the only one); null when none is asked.
 */
function askedYear(p: Passage, u: QueryUnderstanding, base: number | null = p.source.year): number | null {
  if (!u.year) return null;
  return 'absolute' in u.year ? u.year.absolute : base !== null ? base + u.year.relative : null;
}

/** The period a question means of a passage's report: the one asked, else its plan for the report's year, its review for the year before. */
function periodMeant(p: Passage, asked: Period | null, year: number | null): Period | null {
  return asked ?? (year === null || p.source.year === null ? null : year === p.source.year ? 'plan' : year === p.source.year - 1 ? 'review' : null);
}

/**
 * When the best passage answers another period than the one asked (a result for a target question, or the other
 * way round), the card says so instead of presenting it as the answer.
 */
function periodNote(p: Passage, period: Period | null, key: SearchResult['keyFigure'], asked: Period | null, u: QueryUnderstanding, base: number | null): string | null {
  const wanted = periodMeant(p, asked, askedYear(p, u, base));
  if (!wanted || !period || period === wanted) return null;
  const year = p.source.year === null ? key?.year ?? null : period === 'plan' ? p.source.year : p.source.year - 1;
  const what = period === 'review' ? '实际值' : '目标';
  const figure = key ? `${key.figure}（${key.clause}）` : p.sentences[0] ?? '';
  return `报告只给出${year === null ? '' : `${year}年的`}${what}：${figure}`;
}

/**
 * The years a question names as a span: a five-year plan (“十三五”期间 -> 2016–2020) or a written range (2013到2017);
 * null when it names none.
 */
export function yearsAsked(question: string): [number, number] | null {
  const m = /((?:19|20)\d\d)\s*年?\s*(?:到|至|-|—|~|～)\s*((?:19|20)\d\d)/.exec(question);
  if (m && Number(m[2]) > Number(m[1])) return [Number(m[1]), Number(m[2])];
  return /十[一二三四五六七八九]五/.test(question) ? fiveYearSpan(question) : null;
}

/**
 * A passage whose period is about other years than the span asked: a multi-year period that is another span
 * (the 2018–2022 review for “十三五”), a single year outside it (this year's plan for “十四五”的目标), or, when the
 * whole span is asked (“十三五”期间…多少, 年均), a single year's section that does not review the span alongside.
 * A passage with no period is not judged.
 */
export function contradictsYears(p: Passage, years: [number, number], whole = false): boolean {
  const period = p.period;
  if (!period) return false;
  const same = (s: [number, number] | undefined) => s !== undefined && s[0] === years[0] && s[1] === years[1];
  if (period.span) return !same(period.span);
  if (period.year < years[0] || period.year > years[1]) return true;
  return whole && !same(period.alsoSpan);
}

/** How well a passage's period fits the years named (2: a period over exactly those years; 0: any other). */
export function spanFit(p: Passage, years: [number, number]): number {
  const s = p.period?.span;
  return s && s[0] === years[0] && s[1] === years[1] ? 2 : 0;
}

/**
 * The first of the next four passages that is `wanted` (the best is not) and names the question's words as fully
 * comes first: like promoteYearMatch, a reordering among near ties, not a weight.
 */
function promoteFirst(ranked: Candidate[], wanted: (id: number) => boolean, covers: (id: number) => number): void {
  const best = ranked[0];
  if (!best || wanted(best.id)) return;
  const full = covers(best.id);
  const at = ranked.slice(1, 5).findIndex((c) => wanted(c.id) && covers(c.id) >= full);
  if (at >= 0) ranked.unshift(...ranked.splice(at + 1, 1));
}

/** Years a passage names (its section included); "2023年以来" is a span, not a year. */
// (Worked out once per passage object: the year checks read them for every candidate of every question.)
const yearsNamed = new WeakMap<Passage, number[]>();
function namedYears(p: Passage): number[] {
  let years = yearsNamed.get(p);
  if (!years) yearsNamed.set(p, (years = [...`${p.section ?? ''}${p.text}`.matchAll(/(20\d\d)\s*年(?!以来)/g)].map((m) => Number(m[1]))));
  return years;
}

/** A passage that names the year asked about, or (naming none) is the plan or review of exactly that year. */
function agreesYear(p: Passage, u: QueryUnderstanding, period: Period | null, base?: number | null): boolean {
  const target = askedYear(p, u, base);
  if (target === null) return false;
  const named = namedYears(p);
  if (named.length > 0) return named.includes(target);
  // The structure stage's period dates the passage (a multi-year one agrees with no single year).
  if (p.period) return periodYear(p) === target;
  return p.source.year !== null && ((period === 'plan' && target === p.source.year) || (period === 'review' && target === p.source.year - 1));
}

/** A passage that names a year, none of which is the one asked about (resolved against its report's year). */
export function contradictsYear(p: Passage, u: QueryUnderstanding, period: Period | null, base?: number | null): boolean {
  const target = askedYear(p, u, base);
  if (target === null) return false;
  const named = namedYears(p);
  if (named.length > 0) return !named.includes(target);
  // No year in the text: the structure stage's period (一、2024年工作回顾, a five-year review's span) names it;
  // else plans are about the report's own year, the review about the year before.
  if (p.period) return p.period.span ? target < p.period.span[0] || target > p.period.span[1] : target !== p.period.year;
  if (p.source.year === null) return false;
  if (period === 'plan') return target !== p.source.year;
  if (period === 'review') return target !== p.source.year - 1;
  return target !== p.source.year && target !== p.source.year - 1;
}

const round = (x: number) => Math.round(x * 1000) / 1000;
