// The contract shared by every stage, named for what it means to a reporter.

export type PlaceLevel = 'country' | 'province' | 'city' | 'county';

/** A place of China's administrative divisions (src/places): GB/T 2260 code, name, level and parent's code. */
export interface Place {
  code: string;
  name: string;
  level: PlaceLevel;
  parent: string | null;
}

/** A place as stored with a report or passage. */
export type PlaceRef = Pick<Place, 'code' | 'name' | 'level'>;

/**
 * What a passage or figure is about in time (src/structure/period.ts): last year's results (review, year); a
 * multi-year review (十四五时期, 过去五年: review with its span, year = the span's last); this year's main targets
 * (plan, targets); this year's tasks (plan); a multi-year plan (十五五: plan with its span, year = the span's first).
 */
export interface Period {
  kind: 'review' | 'plan';
  year: number;
  /** First and last year a multi-year period covers. */
  span?: [number, number];
  /** This year's main targets (主要预期目标). */
  targets?: boolean;
  /** A section that reviews last year and the five years together (一、2025年和"十四五"时期工作回顾): its paragraphs tell which. */
  alsoSpan?: [number, number];
}

/** What a person said a report is, overriding what is read from it (corpus/reports.json, `ingest --place`). */
export interface MetaCorrection {
  place?: string;
  year?: number;
  title?: string;
}

/** One report file as indexed: every other shape of report metadata is derived from this one. */
export interface ReportMeta {
  /** File name inside corpus/, e.g. "000_be770faa11c46e25.txt". */
  file: string;
  /** sha256 of the file's bytes: what staleness checks compare. */
  hash: string;
  /** Title of the article or report. */
  title: string;
  /** Name of the report's place (kept under this name for compatibility); null when not recognised. */
  district: string | null;
  /** The report's place with its code and level. */
  place?: PlaceRef | null;
  /** Year the report was delivered (its "今年"); its review covers year - 1. */
  year: number | null;
  /** How many passages it was cut into. */
  passages: number;
}

/** One indexed report, as listed by /sources. */
export type ReportSummary = Omit<ReportMeta, 'hash'>;

/** Where a passage comes from: enough to find it again in the original file. */
export interface Source extends Pick<ReportMeta, 'file' | 'title' | 'district' | 'place' | 'year'> {
  /** 1-based paragraph number within the file, after cleaning. */
  paragraph: number;
  /** 1-based first and last line in the original file. */
  lines: [number, number];
  /** Page (1-based) for paginated formats such as PDF; absent for plain text. */
  page?: number;
  /** True when the passage was read from a scan by OCR (its figures should be checked against the original). */
  ocr?: boolean;
}

/** A short, sentence-aligned piece of a report, quoted verbatim to users. */
export interface Passage {
  id: number;
  text: string;
  /** Sentences of `text`, in order; their concatenation is `text`. */
  sentences: string[];
  /** The heading the passage sits under, if any. */
  section: string | null;
  /** Numbered headings from the outermost down (一、2024年工作回顾 › （二）…), when the report has them. */
  sectionPath?: string[];
  /** Review of the previous year or plan for the report's year, when its section or wording says so. */
  period?: Period | null;
  source: Source;
}

/** One ranked answer to a question. */
export interface SearchResult {
  rank: number;
  score: number;
  /** The passage as shown to users. */
  text: string;
  /** The one sentence of the passage that best answers. */
  highlight: string;
  /** Figures (numbers with units or %) in the highlight. */
  figures: string[];
  /** The figure that best answers, the clause around it and the year it is about: a card's first line ("6725人 · 城中区 2023 全年城镇新增就业"). */
  keyFigure?: { figure: string; clause: string; year: number | null; target?: boolean };
  section: string | null;
  /** Numbered headings from the outermost down (一、2024年工作回顾 › （二）…), when the report has them. */
  sectionPath?: string[];
  passageId: number;
  source: Source;
}

/** How far to trust an answer: "high" = found; "low" = the closest passages, no certain answer; "none" = nothing relevant. */
export type Confidence = 'high' | 'low' | 'none';

export interface Answer {
  query: string;
  /** True exactly when confidence is "high". */
  found: boolean;
  /** Set by the engine; an answer without it (older fixtures) reads as "high" when found, else "none". */
  confidence?: Confidence;
  results: SearchResult[];
  /** Why nothing was found, in words a reporter understands (only when found is false). */
  reason?: string;
  /** No place was named and the top results give the same indicator for different places: none of them is "the" answer. */
  placesDiffer?: string[];
  /** What the question was understood to ask for. */
  understood: QueryUnderstanding;
  /** How well the best passage matched: dense cosine similarity and IDF-weighted share of the question's words. */
  evidence?: { similarity: number; coverage: number };
  /** The fitted decision (src/search/decide.ts): probability that the top 3 hold the answer, and the features it saw. */
  decision?: { probability: number; features: Record<string, number> };
  /**
   * The question is too vague to answer: no place in a library of several places, or no indicator ("增长了多少？").
   * The card asks back "请说明地方/指标" with these options as buttons; never a confident figure.
   */
  askBack?: { what: 'place' | 'indicator'; options: string[] };
  /** Said on the card when the report answers another period than the one asked ("报告只给出2023年的实际值：…"). */
  note?: string;
  tookMs: number;
  /** Milliseconds spent per stage (for benchmarks and logs). */
  timings?: StageTimings;
}

export interface StageTimings {
  understand: number;
  embed: number;
  dense: number;
  lexical: number;
  /** Fusion, found decision and highlighting. */
  rank: number;
}

export interface QueryUnderstanding {
  /** The question after normalisation (traditional -> simplified, synonyms expanded). */
  normalized: string;
  /** Name of the place the question restricts the search to (the first, when it names several). */
  district: string | null;
  /** Indexed places the question restricts the search to (their reports and those of places within them). */
  places?: PlaceRef[];
  /** The place asked has no report of its own, only places within it do: their figures are not its figures. */
  onlyWithin?: { names: string[]; level: PlaceLevel };
  /**
   * The place asked has no report of its own but lies inside a place that has one (a city in its province's
   * report): answered from passages of that report that name it, labelled with whose report it is.
   */
  inside?: { names: string[]; report: string };
  /** A place named in the question that no indexed report covers (e.g. 北京市东城区). */
  uncoveredPlace: string | null;
  /** Year the question asks about, absolute or resolved per report from 去年/今年/明年. */
  year: { absolute: number } | { relative: -1 | 0 | 1 } | null;
  /** Does the question ask for a number (多少, 几, 比例...)? */
  wantsFigure: boolean;
  /** Words the lexical index searches for (question words and their synonyms). */
  terms: string[];
  /** The question's words, each with the alternatives (synonyms) that also count as mentioning it. */
  concepts: string[][];
  /** In a chat: what a follow-up took from the chat's last question (null: read as written). */
  carried?: Carried | null;
  /** The whole question a follow-up was read as ("城西区2023年城镇新增就业多少？"). */
  readAs?: string;
  /** The same in short, for the card: "城西区 · 城镇新增就业 · 2023年". */
  readAsLabel?: string;
}

/** The pieces a follow-up took from the chat's last question, as that question named them. */
export interface Carried {
  place?: string;
  indicator?: string;
  year?: string;
  period?: 'plan' | 'review';
  kind?: 'growth' | 'amount' | 'share' | 'rank';
}

export interface SearchOptions {
  /** Number of results (default 3). */
  top?: number;
  /** Restrict to one place, by name, short form or code (e.g. from the bot's /district command). */
  district?: string | null;
  /** Restrict to one file. */
  file?: string | null;
}

/** The search engine every front end (CLI, bot, bench) shares. Load once, query many times. */
export interface Engine {
  search(query: string, options?: SearchOptions): Promise<Answer>;
  /** The passage and up to `radius` neighbours on each side from the same file, in order (for "原文"). */
  context(passageId: number, radius?: number): Passage[];
  reports(): ReportSummary[];
  /** Switch to a newer index version on disk (after an ingest), atomically for callers. True if switched. */
  reload(): Promise<boolean>;
}

/** The answer's confidence, also for answers built without one. */
export const confidenceOf = (a: Pick<Answer, 'found' | 'confidence'>): Confidence => a.confidence ?? (a.found ? 'high' : 'none');
