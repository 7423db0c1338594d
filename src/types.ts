// The contract shared by every stage, named for what it means to a reporter.

/** Districts the reports are about; 西宁市 is the city as a whole. */
export const DISTRICTS = ['城中区', '城西区', '城北区', '湟中区', '西宁市'] as const;
export type District = (typeof DISTRICTS)[number];

/** Where a passage comes from: enough to find it again in the original file. */
export interface Source {
  /** File name inside corpus/, e.g. "000_be770faa11c46e25.txt". */
  file: string;
  /** Title of the article or report the passage belongs to. */
  title: string;
  district: District | null;
  /** Year the report was delivered (its "今年"); its review covers year - 1. */
  year: number | null;
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
  keyFigure?: { figure: string; clause: string; year: number | null };
  section: string | null;
  passageId: number;
  source: Source;
}

export interface Answer {
  query: string;
  found: boolean;
  results: SearchResult[];
  /** Why nothing was found, in words a reporter understands (only when found is false). */
  reason?: string;
  /** What the question was understood to ask for. */
  understood: QueryUnderstanding;
  /** How well the best passage matched: dense cosine similarity and IDF-weighted share of the question's words. */
  evidence?: { similarity: number; coverage: number };
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
  district: District | null;
  /** A place named in the question that no indexed report covers (e.g. 湟源县). */
  uncoveredPlace: string | null;
  /** Year the question asks about, absolute or resolved per report from 去年/今年/明年. */
  year: { absolute: number } | { relative: -1 | 0 | 1 } | null;
  /** Does the question ask for a number (多少, 几, 比例...)? */
  wantsFigure: boolean;
  /** Words the lexical index searches for (question words and their synonyms). */
  terms: string[];
  /** The question's words, each with the alternatives (synonyms) that also count as mentioning it. */
  concepts: string[][];
}

export interface SearchOptions {
  /** Number of results (default 3). */
  top?: number;
  /** Restrict to one district (e.g. from the bot's /district command). */
  district?: District | null;
  /** Restrict to one file. */
  file?: string | null;
}

/** One indexed report, as listed by /sources. */
export interface ReportSummary {
  file: string;
  title: string;
  district: District | null;
  year: number | null;
  passages: number;
}

/** The search engine every front end (CLI, bot, bench) shares. Load once, query many times. */
export interface Engine {
  search(query: string, options?: SearchOptions): Promise<Answer>;
  /** The passage and up to `radius` neighbours on each side from the same file, in order (for "原文"). */
  context(passageId: number, radius?: number): Passage[];
  passage(id: number): Passage | undefined;
  reports(): ReportSummary[];
  /** Switch to a newer index version on disk (after an ingest), atomically for callers. True if switched. */
  reload(): Promise<boolean>;
}
