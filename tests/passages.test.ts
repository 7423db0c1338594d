import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanReport } from '../src/clean/index.js';
import { findFigures } from '../src/clean/figures.js';
import { listReportFiles, readTextReport, type ReportFile } from '../src/corpus/load.js';
import { segmentReport } from '../src/passages/index.js';
import { splitSentences } from '../src/passages/sentences.js';
import { SAMPLE_DIR } from './helpers/sample.js';

const corpusDir = SAMPLE_DIR;
const reports = listReportFiles(corpusDir).map((f) => readTextReport(join(corpusDir, f), f) as ReportFile);
/** The comparison the question set uses: no whitespace, no Markdown emphasis. */
const compact = (s: string) => s.replace(/\s+/g, '').replace(/\*\*|__/g, '').replace(/^#+/gm, '');

describe('passages of the real corpus', () => {
  it('reads all five reports', () => {
    expect(reports.map((r) => r.file)).toHaveLength(5);
    expect(reports.every((r) => 'lines' in r)).toBe(true);
  });

  it.each(reports.map((r) => [r.file, r] as const))('every passage of %s is traceable to exactly its lines', (_file, report) => {
    const { passages } = segmentReport(report);
    expect(passages.length).toBeGreaterThan(10);
    for (const p of passages) {
      const [first, last] = p.source.lines;
      expect(first).toBeGreaterThanOrEqual(1);
      expect(last).toBeLessThanOrEqual(report.lines.length);
      expect(first).toBeLessThanOrEqual(last);
      const span = (a: number, b: number) => compact(report.lines.slice(a - 1, b).join('\n'));
      // A statistics card is quoted as "<label>：<figures>": the label is its heading's text, the "：" ours.
      const text = p.section && p.text.includes(`：`) && p.text.startsWith(p.section.replace(/^[■\s]+/, '')) ? p.text.replace('：', '') : p.text;
      expect(span(first, last), `passage ${p.id}: ${p.text}`).toContain(compact(text));
      // tight: dropping the first or the last line loses part of the passage
      if (last > first) {
        expect(span(first + 1, last)).not.toContain(compact(text));
        expect(span(first, last - 1)).not.toContain(compact(text));
      }
      expect(p.sentences.join('')).toBe(p.text);
    }
  });

  it('keeps passages short and never cuts a figure from its sentence', () => {
    for (const report of reports) {
      const { passages } = segmentReport(report);
      const paragraphText = cleanReport(report.lines, report.pages).filter((b) => b.kind === 'body').map((b) => b.text).join('');
      for (const p of passages) {
        expect(p.sentences.length).toBeLessThanOrEqual(3);
        if (p.sentences.length > 1) expect(p.text.length).toBeLessThanOrEqual(150);
      }
      // every figure of the report is found whole inside a single passage
      for (const figure of findFigures(paragraphText)) {
        expect(passages.some((p) => p.text.includes(figure)), `${report.file}: ${figure}`).toBe(true);
      }
    }
  });

  it('does not make passages of headings, and keeps them as sections', () => {
    const r001 = segmentReport(reports[1]!);
    expect(r001.passages.some((p) => p.text.includes('2022年城西区工作回顾'))).toBe(false);
    expect(r001.passages.some((p) => p.section === '2023年城西区这样干')).toBe(true);
    const r003 = segmentReport(reports[3]!);
    const card = r003.passages.find((p) => p.text.includes('21.98亿元'));
    expect(card?.section).toBe('2023年全区一般公共预算支出');
    // the card's label is part of its passage, so the quote says what the figures are
    expect(card?.text).toBe('2023年全区一般公共预算支出：21.98亿元较2022年15.22亿元 同比增长44.4%增支6.76亿元');
  });

  it('detects title, district and report year of each report', () => {
    const meta = reports.map((r) => segmentReport(r)).map(({ file, title, district, year }) => ({ file: file.slice(0, 3), title, district, year }));
    expect(meta).toEqual([
      { file: '000', title: '城中区：开好局启新程走在前作表率', district: '城中区', year: 2024 },
      { file: '001', title: '城西区：勇争先当表率书写高质量发展新篇章', district: '城西区', year: 2023 },
      { file: '002', title: '坚定信心抢抓机遇学习落实两会精神', district: '城中区', year: 2024 },
      { file: '003', title: '以实干实绩展现北区担当', district: '城北区', year: 2024 },
      { file: '004', title: '步履铿锵踏浪前行湟中区砥砺奋进开新篇', district: '湟中区', year: 2024 },
    ]);
  });
});

describe('segmentation helpers', () => {
  it('splits sentences at Chinese and ASCII terminal punctuation, keeping closing quotes', () => {
    expect(splitSentences('他说：“今年要干好。”全年完成7557人！增长10%以上;目标达成？').map((s) => s.text)).toEqual([
      '他说：“今年要干好。”',
      '全年完成7557人！',
      '增长10%以上;',
      '目标达成？',
    ]);
  });
  it('dates a report by the year it plans, not the year it reviews', () => {
    const detectReportYear = (text: string) => segmentReport({ file: 'x.txt', hash: '', lines: [text], encoding: 'utf-8' }).year;
    expect(detectReportYear('2023年，城中区坚持稳中求进，全年新增就业6725人。')).toBe(2024);
    expect(detectReportYear('2022年工作回顾。2023年，是全面贯彻党的二十大精神的开局之年。')).toBe(2023);
    expect(detectReportYear('报告谋划2024年工作。2023年以来成效好。')).toBe(2024);
    expect(detectReportYear('没有年份')).toBeNull();
  });
});

// Keep the fixture reader honest: the corpus copy must be byte-identical to what it claims to be.
it('corpus files are UTF-8 text', () => {
  for (const f of listReportFiles(corpusDir)) expect(() => new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(join(corpusDir, f)))).not.toThrow();
});
