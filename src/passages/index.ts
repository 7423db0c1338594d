// Cleaned blocks -> short, sentence-aligned passages with provenance (file, title, district, year,
// paragraph, original lines).
import { type Block, cleanReport, lineAt } from '../clean/index.js';
import type { ReportFile } from '../corpus/load.js';
import type { Passage, Period, PlaceRef, Source } from '../types.js';
import { type MetaCorrection, readReportMeta } from './meta.js';

export { detectReportYear, type MetaCorrection } from './meta.js';

/** A report after segmentation: what the index stores per file. */
export interface Report {
  file: string;
  hash: string;
  title: string;
  /** The place's name (kept under this name for compatibility). */
  district: string | null;
  place: PlaceRef | null;
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

/** Numbering of a heading: 一、 (1), （一） (2), 1. (3), （1） (4); null when it is not numbered. */
function headingLevel(text: string): number | null {
  if (/^[一二三四五六七八九十]+、/.test(text)) return 1;
  if (/^[（(][一二三四五六七八九十]+[)）]/.test(text)) return 2;
  if (/^\d+[.、．](?!\d)/.test(text)) return 3;
  if (/^[（(]\d+[)）]/.test(text)) return 4;
  return null;
}

const REVIEW_SECTION = /回顾|过去[一五]年|工作情况|主要成绩|取得的成绩|成绩与不足|工作总结/;
const PLAN_SECTION = /安排|任务|目标|打算|计划|展望|工作思路|总体要求|预期/;

/** A section's period, from the innermost heading that says review or plan; its year from the heading or the report's. */
function sectionPeriod(path: string[], reportYear: number | null): Period | null {
  for (const heading of [...path].reverse()) {
    const review = REVIEW_SECTION.test(heading);
    const plan = PLAN_SECTION.test(heading);
    if (review === plan) continue;
    const named = /(20\d\d)\s*年/.exec(heading);
    const year = named ? Number(named[1]) : reportYear === null ? null : review ? reportYear - 1 : reportYear;
    return year === null ? null : { kind: review ? 'review' : 'plan', year };
  }
  return null;
}

/** Segment one decoded report into passages. */
export function segmentReport(report: ReportFile, options: SegmentOptions = DEFAULT_SEGMENT, correction: MetaCorrection = {}): Report {
  const blocks = cleanReport(report.lines, report.pages);
  const { title, place, year } = readReportMeta(blocks, correction);
  const district = place?.name ?? null;

  const passages: Passage[] = [];
  const seen = new Set<string>();
  let section: string | null = null;
  let path: { level: number; text: string }[] = [];
  let paragraph = 0;

  for (const block of blocks) {
    if (block.kind === 'heading') {
      section = block.text;
      const level = headingLevel(block.text);
      path = level === null ? [] : [...path.filter((h) => h.level < level), { level, text: block.text }];
      continue;
    }
    const sectionPath = path.map((h) => h.text);
    const period = sectionPeriod(sectionPath, year);
    if (block.kind !== 'body') continue;
    paragraph++;
    let group: Sentence[] = [];
    const emit = () => {
      if (group.length === 0) return;
      const first = group[0]!;
      const last = group[group.length - 1]!;
      const startMark = lineAt(block, first.start);
      const endMark = lineAt(block, last.start + last.text.length - 1);
      const source: Source = { file: report.file, title, district, place, year, paragraph, lines: [startMark.line, endMark.line] };
      if (startMark.page !== undefined) source.page = startMark.page;
      passages.push({
        id: passages.length,
        text: group.map((s) => s.text).join(''),
        sentences: group.map((s) => s.text),
        section,
        ...(sectionPath.length > 0 ? { sectionPath } : {}),
        ...(period ? { period } : {}),
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
  return { file: report.file, hash: report.hash, title, district, place, year, passages };
}
