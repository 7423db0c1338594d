// Cleaned blocks -> short, sentence-aligned passages with provenance (file, title, district, year,
// paragraph, original lines).
import { cleanReport, lineAt } from '../clean/index.js';
import { hasFigure } from '../clean/figures.js';
import type { ReportFile } from '../corpus/load.js';
import { readStructure } from '../structure/index.js';
import type { MetaCorrection, Passage, ReportMeta, Source } from '../types.js';
import { type Piece, splitSentences } from './sentences.js';

export type { MetaCorrection };

/** A report after segmentation: what the index stores per file. */
export interface Report extends Omit<ReportMeta, 'passages'> {
  /** Passage ids are assigned by the index; here they count from 0 within the report. */
  passages: Passage[];
  /** What the structure stage could not read (no place, no year, a date it did not trust). */
  warnings: string[];
}

/** A passage grows sentence by sentence up to this many characters and sentences (a longer sentence stays whole). */
const MAX_CHARS = 150;
const MAX_SENTENCES = 3;

/** A statistics card: figures with no sentence or clause punctuation ("21.98亿元 较2022年15.22亿元"). */
const isStatCard = (text: string) => hasFigure(text) && !/[，。；！？,;:：、]/.test(text);

/** A card's label is its heading without decoration ("■2023年…支出" -> "2023年…支出"). */
const labelOf = (heading: string) => heading.replace(/^[\s■□●○◆◇▲△▶►★☆#*\-—]+/u, '').trim();

/** Segment one decoded report into passages. */
export function segmentReport(report: ReportFile, correction: MetaCorrection = {}): Report {
  const structure = readStructure(cleanReport(report.lines, report.pages), correction);
  const { title, place, year } = structure;
  const district = place?.name ?? null;

  const passages: Passage[] = [];
  const seen = new Set<string>();
  let paragraph = 0;

  for (const { block, heading, section, sectionPath, period } of structure.paragraphs) {
    // A statistics card means nothing without the heading that labels it: "<label>：<figures>" is its passage.
    const label = heading && isStatCard(block.text) ? labelOf(heading.text) : '';
    const labelMark = label ? lineAt(heading!, 0) : null;
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
  return { file: report.file, hash: report.hash, title, district, place, year, passages, warnings: structure.warnings };
}
