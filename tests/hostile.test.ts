// Hostile and broken input files: each is refused (or read) within bounds, with one line naming the limit and
// its variable, and never takes down the process (stack overflow, quadratic parse, zip bomb, huge image).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { extractHtml } from '../src/corpus/html.js';
import { DEFAULT_LIMITS, LimitError } from '../src/corpus/limits.js';
import { parseReport } from '../src/corpus/load.js';
import { parseReportIsolated } from '../src/corpus/isolated.js';
import { deepHtml, docxBomb, pdfWithHugeImage, unclosedTags } from '../src/drill/hostile.js';
import { parseConfig } from '../src/config/index.js';

const fixtures = join(import.meta.dirname, 'fixtures', 'reports');

describe('web pages', () => {
  it('reads blocks and headings, leaves out scripts, navigation and <head>', () => {
    const lines = extractHtml('<html><head><title>标题栏</title><style>p{}</style></head><body><nav>首页 &gt; 新闻</nav><h2>一、工作回顾</h2><div>全县生产总值<b>182.4亿元</b>，增长6.1%。<script>x()</script></div><p>新建公路86公里。</p></body></html>').filter(Boolean);
    expect(lines).toEqual(['# 一、工作回顾', '全县生产总值182.4亿元，增长6.1%。', '新建公路86公里。']);
  });

  it('elements nested 5,000 levels deep: refused by the depth limit, and read without a stack overflow when it is raised', () => {
    expect(() => extractHtml(deepHtml(5000))).toThrow(LimitError);
    expect(() => extractHtml(deepHtml(5000))).toThrow(/HTML_MAX_DEPTH/);
    const lines = extractHtml(deepHtml(5000), { htmlMaxDepth: 10_000, htmlMaxTags: 100_000 }).filter(Boolean);
    expect(lines).toContain('全县地区生产总值完成182.4亿元，同比增长6.1%。');
  });

  it('80,000 unclosed tags are refused in well under a second (the tree parser used before took 82 s)', () => {
    const started = performance.now();
    expect(() => extractHtml(unclosedTags(80_000))).toThrow(/HTML_MAX_DEPTH/);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(() => extractHtml('<p>x</p>'.repeat(2000), { htmlMaxDepth: 1000, htmlMaxTags: 1000 })).toThrow(/HTML_MAX_TAGS/);
  });

  it('a hostile page in a corpus file is skipped with its reason, never thrown', async () => {
    const read = await parseReport(Buffer.from(deepHtml(5000)), 'deep.html');
    expect(read).toMatchObject({ file: 'deep.html', kind: 'limit', reason: expect.stringMatching(/HTML_MAX_DEPTH/) });
  });
});

describe('control characters', () => {
  it('a report holding ESC[2J (clear screen) or other control characters never passes them on', async () => {
    const read = await parseReport(Buffer.from('青禾县2025年政府工作报告\n\n全县地区\u001b[2J生产总值完成182.4亿元。\u0007\n'), 'esc.txt');
    expect('lines' in read && read.lines.join('\n')).toBe('青禾县2025年政府工作报告\n\n全县地区[2J生产总值完成182.4亿元。');
  });
});

describe('DOCX', () => {
  it('a DOCX that inflates past the limit is refused while inflating, before mammoth reads it', async () => {
    const bomb = await docxBomb(3 * 1024 * 1024);
    expect(bomb.length).toBeLessThan(64 * 1024);
    const read = await parseReport(bomb, 'bomb.docx', { limits: { docxMaxInflatedBytes: 1024 * 1024 } });
    expect(read).toMatchObject({ kind: 'limit', reason: expect.stringMatching(/DOCX_MAX_INFLATED_MB/) });
    // one that lies about its size in the zip is stopped by the bytes actually inflated
    const liar = await parseReport(await docxBomb(3 * 1024 * 1024, true), 'liar.docx', { limits: { docxMaxInflatedBytes: 1024 * 1024 } });
    expect(liar).toMatchObject({ kind: expect.stringMatching(/limit|corrupt/) });
    // within the limit the same file is read
    const small = await parseReport(await docxBomb(1000), 'small.docx');
    expect('lines' in small && small.lines).toContain('全县地区生产总值完成182.4亿元。');
  });

  it('an ordinary report passes the check', async () => {
    const read = await parseReport(readFileSync(join(fixtures, 'report.docx')), 'report.docx', { limits: DEFAULT_LIMITS });
    expect('lines' in read).toBe(true);
  });
});

describe('PDF and images', () => {
  it('a PDF with more pages than allowed is refused before its pages are read', async () => {
    const read = await parseReport(readFileSync(join(fixtures, 'two-columns.pdf')), 'two.pdf', { limits: { pdfMaxPages: 0 } });
    expect(read).toMatchObject({ kind: 'limit', reason: expect.stringMatching(/PDF_MAX_PAGES/) });
  });

  it('a PDF page that is one image over the pixel limit is refused, not decoded and not sent to OCR', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hostile-pdf-'));
    await pdfWithHugeImage(join(dir, 'big.pdf'), 3000);
    const started = performance.now();
    const read = await parseReport(readFileSync(join(dir, 'big.pdf')), 'big.pdf', { limits: { imageMaxPixels: 1_000_000 } });
    expect(read).toMatchObject({ kind: 'limit', reason: expect.stringMatching(/page 1 is an image of more than 1000000 pixels \(IMAGE_MAX_PIXELS\)/) });
    expect(performance.now() - started).toBeLessThan(10_000); // no OCR (the recogniser alone loads for seconds)
    rmSync(dir, { recursive: true });
  });

  it('a page image over the pixel limit is refused before it is decoded', async () => {
    const png = await sharp({ create: { width: 3000, height: 3000, channels: 3, background: '#fff' } }).png().toBuffer();
    const read = await parseReport(png, 'page.png', { limits: { imageMaxPixels: 1_000_000 } });
    expect(read).toMatchObject({ kind: 'limit', reason: expect.stringMatching(/IMAGE_MAX_PIXELS/) });
  });
});

describe('reading in a child process', () => {
  it('gives the same lines as reading in this process', async () => {
    const bytes = readFileSync(join(fixtures, 'report.docx'));
    expect(await parseReportIsolated(bytes, 'report.docx')).toEqual(await parseReport(bytes, 'report.docx'));
  });

  it('a file that exhausts the reader\'s memory cap is skipped with its reason; this process is untouched', async () => {
    const lines = Buffer.alloc(40 * 1024 * 1024, 'x\n');
    const read = await parseReportIsolated(lines, 'huge.txt', { limits: { extractMaxMemoryMb: 64 } });
    expect(read).toMatchObject({ kind: 'limit', reason: expect.stringMatching(/EXTRACT_MAX_MEMORY_MB/) });
    // the next file gets a fresh reader
    expect(await parseReportIsolated(Buffer.from('青禾县政府工作报告\n\n全县地区生产总值完成182.4亿元。'), 'ok.txt')).toMatchObject({ lines: ['青禾县政府工作报告', '', '全县地区生产总值完成182.4亿元。'] });
  });
});

describe('configuration', () => {
  it('limits come from the environment, in the units an operator uses', () => {
    expect(parseConfig({ DOCX_MAX_INFLATED_MB: '10', HTML_MAX_DEPTH: '500' }).limits).toEqual({ docxMaxInflatedBytes: 10 * 1024 * 1024, htmlMaxDepth: 500 });
    expect(parseConfig({}).limits).toEqual({});
    expect(() => parseConfig({ HTML_MAX_DEPTH: '3' })).toThrow(/HTML_MAX_DEPTH/);
  });
});
