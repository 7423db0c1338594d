// Cleaned blocks -> short, sentence-aligned passages with provenance (file, title, district, year,
// paragraph, original lines).
import { type Block, cleanReport, lineAt } from '../clean/index.js';
import type { ReportFile } from '../corpus/load.js';
import type { District, Passage, Source } from '../types.js';

/** A report after segmentation: what the index stores per file. */
export interface Report {
  file: string;
  hash: string;
  title: string;
  district: District | null;
  year: number | null;
  /** Passage ids are assigned by the index; here they count from 0 within the report. */
  passages: Passage[];
}

export interface SegmentOptions {
  /** A passage grows sentence by sentence up to this many characters (a longer sentence stays whole). */
  maxChars: number;
  maxSentences: number;
}

export const DEFAULT_SEGMENT: SegmentOptions = { maxChars: 150, maxSentences: 3 };

/** Sentence ends: Chinese and ASCII terminal punctuation, with any closing quotes/brackets that follow. */
const SENTENCE = /[^。！？；!?;…]+(?:[。！？；!?;…]+[”’"'）)」』】]*|$)|[。！？；!?;…]+[”’"'）)」』】]*/g;

export interface Sentence {
  text: string;
  start: number;
}

export function splitSentences(text: string): Sentence[] {
  return Array.from(text.matchAll(SENTENCE), (m) => ({ text: m[0], start: m.index ?? 0 })).filter((s) => s.text.trim() !== '');
}

const DISTRICT_PATTERNS: [Exclude<District, '西宁市'>, RegExp][] = [
  ['城中区', /城中区|(?<![城湟])中区/g],
  ['城西区', /城西区|(?<!城)西区/g],
  ['城北区', /城北区|(?<!城)北区/g],
  ['湟中区', /湟中/g],
];

/** The district a report is about: the one it names most (at least twice), else the city if it names it. */
export function detectDistrict(text: string): District | null {
  let best: District | null = null;
  let bestCount = 1;
  for (const [district, re] of DISTRICT_PATTERNS) {
    const count = text.match(re)?.length ?? 0;
    if (count > bestCount) [best, bestCount] = [district, count];
  }
  if (best) return best;
  return /西宁|全市|我市/.test(text) ? '西宁市' : null;
}

/**
 * The year a report was delivered. Work reports review the previous year and plan the current one, so:
 * take the latest year mentioned; if it is only ever mentioned as a year under review ("2023年以来",
 * "2023年，城中区坚持…" with no plan for it), the report is from the year after.
 */
export function detectReportYear(text: string): number | null {
  const years = [...text.matchAll(/(20[1-4]\d)\s*年|[·•]\s*(20[1-4]\d)/g)].map((m) => Number(m[1] ?? m[2]));
  if (years.length === 0) return null;
  const y = Math.max(...years);
  const plan = new RegExp(`${y}年(?:，|,)?是|${y}年(?:的)?(?:工作|目标|主要预期)|(?:谋划|干好|奋进)[·•]?${y}|${y}年\\S{0,6}这样干`);
  const review = new RegExp(`${y}年以来|${y}年(?:，|,)(?!是)|${y}年(?:全区|全市|用于)|[精彩回顾]+[·•]${y}|${y}年\\S{0,6}工作回顾`);
  return review.test(text) && !plan.test(text) ? y + 1 : y;
}

const isTitleCandidate = (b: Block) => b.kind === 'heading' && Array.from(b.text).length >= 4;

/** Segment one decoded report into passages. */
export function segmentReport(report: ReportFile, options: SegmentOptions = DEFAULT_SEGMENT): Report {
  const blocks = cleanReport(report.lines, report.pages);
  const fullText = blocks.map((b) => b.text).join('\n');
  const title = blocks.find(isTitleCandidate)?.text ?? report.file.replace(/\.[^.]+$/, '');
  const district = detectDistrict(fullText);
  const year = detectReportYear(fullText);

  const passages: Passage[] = [];
  const seen = new Set<string>();
  let section: string | null = null;
  let paragraph = 0;

  for (const block of blocks) {
    if (block.kind === 'heading') {
      section = block.text;
      continue;
    }
    if (block.kind !== 'body') continue;
    paragraph++;
    let group: Sentence[] = [];
    const emit = () => {
      if (group.length === 0) return;
      const first = group[0]!;
      const last = group[group.length - 1]!;
      const startMark = lineAt(block, first.start);
      const endMark = lineAt(block, last.start + last.text.length - 1);
      const source: Source = { file: report.file, title, district, year, paragraph, lines: [startMark.line, endMark.line] };
      if (startMark.page !== undefined) source.page = startMark.page;
      if ([startMark.page, endMark.page].some((p) => p !== undefined && report.ocrPages?.includes(p))) source.ocr = true;
      passages.push({
        id: passages.length,
        text: group.map((s) => s.text).join(''),
        sentences: group.map((s) => s.text),
        section,
        source,
      });
      group = [];
    };
    for (const sentence of splitSentences(block.text)) {
      // Verbatim repeats (PDF columns printed twice) are dropped; a passage never spans the gap they leave.
      const key = sentence.text.replace(/\s+/g, '');
      if (Array.from(key).length >= 8 && seen.has(key)) {
        emit();
        continue;
      }
      seen.add(key);
      const length = group.reduce((n, s) => n + s.text.length, 0);
      if (group.length > 0 && (group.length >= options.maxSentences || length + sentence.text.length > options.maxChars)) emit();
      group.push(sentence);
    }
    emit();
  }
  return { file: report.file, hash: report.hash, title, district, year, passages };
}
