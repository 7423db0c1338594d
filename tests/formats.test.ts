// PDF and DOCX reports go through the same cleaning, segmentation and index as text reports.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/index.js';
import { parseReport, type ReportFile } from '../src/corpus/load.js';
import { loadEmbedder } from '../src/embed/index.js';
import { updateIndex } from '../src/index/build.js';
import { segmentReport } from '../src/passages/index.js';
import { openEngine } from '../src/app/open.js';
import type { Engine } from '../src/types.js';

const fixtures = join(import.meta.dirname, 'fixtures', 'reports');
const bytes = (name: string) => new Uint8Array(readFileSync(join(fixtures, name)));
const expectedPdf = JSON.parse(readFileSync(join(fixtures, 'two-columns.expected.json'), 'utf8')) as { paragraphs: string[] };
let work: string;
let engine: Engine;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'formats-test-'));
  for (const f of ['two-columns.pdf', 'report.docx', 'scan.pdf', 'truncated.pdf']) cpSync(join(fixtures, f), join(work, 'corpus', f));
  writeFileSync(join(work, 'corpus', 'notes.rtf'), '{\\rtf1 not accepted}');
  const config = parseConfig({ CORPUS_DIR: join(work, 'corpus'), INDEX_DIR: join(work, 'index') });
  const embedder = await loadEmbedder(config);
  const report = await updateIndex(config, { embedder: async () => embedder });
  expect(report.added.sort(), JSON.stringify(report.skipped)).toEqual(['report.docx', 'two-columns.pdf']);
  expect(report.skipped.map((s) => s.file).sort()).toEqual(['scan.pdf', 'truncated.pdf']);
  engine = await openEngine(config, { embedder });
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('PDF', () => {
  it('segments columns in reading order with the page of every passage', async () => {
    const read = (await parseReport(bytes('two-columns.pdf'), 'two-columns.pdf')) as ReportFile;
    const { passages } = segmentReport(read);
    const text = passages.map((p) => p.text).join('');
    // paragraphs come out whole and in order: column 1 before column 2, page 1 before page 2
    let at = -1;
    for (const paragraph of expectedPdf.paragraphs.filter((p) => /[。！]$/.test(p))) {
      const next = text.indexOf(paragraph);
      expect(next, paragraph).toBeGreaterThan(at);
      at = next;
    }
    expect(passages.every((p) => typeof p.source.page === 'number' && p.source.page >= 1)).toBe(true);
    expect(new Set(passages.map((p) => p.source.page)).size).toBeGreaterThan(1);
    expect(text).not.toContain('示例区政府工作报告（测试样本）');
    expect(passages.map((p) => p.section)).toContain('二、2024年工作安排');
  });

  it('answers from the PDF and cites its page', async () => {
    const a = await engine.search('新增停车泊位多少个？');
    expect(a.found).toBe(true);
    expect(a.results[0]).toMatchObject({ source: { file: 'two-columns.pdf', page: expect.any(Number) } });
    expect(a.results[0]!.highlight).toContain('3200个');
  });

  it('refuses a scan where OCR recognises nothing and a corrupt file, with reasons', async () => {
    expect(await parseReport(bytes('scan.pdf'), 'scan.pdf')).toMatchObject({ file: 'scan.pdf', reason: expect.stringMatching(/nothing could be recognised/) });
    expect(await parseReport(bytes('truncated.pdf'), 'truncated.pdf')).toMatchObject({ file: 'truncated.pdf', reason: expect.any(String) });
  });
});

describe('DOCX', () => {
  it('makes headings sections and paragraphs passages', async () => {
    const read = (await parseReport(bytes('report.docx'), 'report.docx')) as ReportFile;
    const report = segmentReport(read);
    expect(report.title).toBe('2024年示例区人民政府工作报告');
    const jobs = report.passages.find((p) => p.text.includes('6725人'));
    expect(jobs?.section).toBe('一、2023年工作回顾');
    expect(jobs?.source.page).toBeUndefined();
  });

  it('answers from the DOCX', async () => {
    const a = await engine.search('城镇登记失业率控制在多少以内？');
    expect(a.found).toBe(true);
    expect(a.results.some((r) => r.source.file === 'report.docx' && r.highlight.includes('4%以内'))).toBe(true);
  });
});

it('refuses an unsupported type with the list of accepted ones', async () => {
  expect(await parseReport(new TextEncoder().encode('x'), 'notes.rtf')).toMatchObject({ reason: expect.stringMatching(/\.pdf.*\.docx/) });
});
