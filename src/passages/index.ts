// Cleaned blocks -> short, sentence-aligned passages with provenance (file, title, district, year,
// paragraph, original lines).
import { type Block, cleanReport, lineAt } from '../clean/index.js';
import { hasFigure } from '../clean/figures.js';
import type { ReportFile } from '../corpus/load.js';
import type { Passage, Period, ReportMeta, Source } from '../types.js';
import { type MetaCorrection, readReportMeta } from './meta.js';
import { PLAN_SECTION, REVIEW_SECTION } from './period.js';
import { type Piece, splitSentences } from './sentences.js';

export { detectReportYear, type MetaCorrection } from './meta.js';

/** A report after segmentation: what the index stores per file. */
export interface Report extends Omit<ReportMeta, 'passages'> {
  /** Passage ids are assigned by the index; here they count from 0 within the report. */
  passages: Passage[];
}

/** A passage grows sentence by sentence up to this many characters and sentences (a longer sentence stays whole). */
const MAX_CHARS = 150;
const MAX_SENTENCES = 3;

/** Numbering of a heading: 一、 (1), （一） (2), 1. (3), （1） (4); null when it is not numbered. */
function headingLevel(text: string): number | null {
  if (/^[一二三四五六七八九十]+、/.test(text)) return 1;
  if (/^[（(][一二三四五六七八九十]+[)）]/.test(text)) return 2;
  if (/^\d+[.、．](?!\d)/.test(text)) return 3;
  if (/^[（(]\d+[)）]/.test(text)) return 4;
  return null;
}


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

/** A statistics card: figures with no sentence or clause punctuation ("21.98亿元 较2022年15.22亿元"). */
const isStatCard = (text: string) => hasFigure(text) && !/[，。；！？,;:：、]/.test(text);

/** A card's label is its heading without decoration ("■2023年…支出" -> "2023年…支出"). */
const labelOf = (heading: string) => heading.replace(/^[\s■□●○◆◇▲△▶►★☆#*\-—]+/u, '').trim();

/** Segment one decoded report into passages. */
export function segmentReport(report: ReportFile, correction: MetaCorrection = {}): Report {
  const blocks = cleanReport(report.lines, report.pages);
  const { title, place, year } = readReportMeta(blocks, correction);
  const district = place?.name ?? null;

  const passages: Passage[] = [];
  const seen = new Set<string>();
  let section: string | null = null;
  let path: { level: number; text: string }[] = [];
  let heading: Block | null = null;
  let paragraph = 0;

  for (const block of blocks) {
    if (block.kind === 'heading') {
      section = block.text;
      const level = headingLevel(block.text);
      path = level === null ? [] : [...path.filter((h) => h.level < level), { level, text: block.text }];
      heading = block;
      continue;
    }
    const sectionPath = path.map((h) => h.text);
    const period = sectionPeriod(sectionPath, year);
    // A statistics card means nothing without the heading that labels it: "<label>：<figures>" is its passage.
    const label = heading && block.kind === 'body' && isStatCard(block.text) ? labelOf(heading.text) : '';
    const labelMark = label ? lineAt(heading!, 0) : null;
    heading = null;
    if (block.kind !== 'body') continue;
    paragraph++;
    let group: Piece[] = [];
    const emit = () => {
      if (group.length === 0) return;
      const first = group[0]!;
      const last = group[group.length - 1]!;
      const startMark = labelMark ?? lineAt(block, first.start);
      const endMark = lineAt(block, last.start + last.text.length - 1);
      const source: Source = { file: report.file, title, district, place, year, paragraph, lines: [startMark.line, endMark.line] };
      if (startMark.page !== undefined) source.page = startMark.page;
      if ([startMark.page, endMark.page].some((p) => p !== undefined && report.ocrPages?.includes(p))) source.ocr = true;
      const sentences = group.map((s, i) => (i === 0 && label ? `${label}：${s.text}` : s.text));
      passages.push({
        id: passages.length,
        text: sentences.join(''),
        sentences,
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
      if (group.length > 0 && (group.length >= MAX_SENTENCES || length + sentence.text.length > MAX_CHARS)) emit();
      group.push(sentence);
    }
    emit();
  }
  return { file: report.file, hash: report.hash, title, district, place, year, passages };
}
