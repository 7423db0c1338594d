// Text extraction from PDF and DOCX reports (src/corpus/pdf.ts, src/corpus/docx.ts), on the fixtures that
// scripts/make-fixtures.mjs generates into tests/fixtures/reports/.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ExtractError, extractPdf } from '../src/corpus/pdf.js';
import type { ExtractedText } from '../src/corpus/pdf.js';
import { ExtractError as DocxExtractError, extractDocx } from '../src/corpus/docx.js';
import { zipOf } from '../src/drill/hostile.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'reports');
const fixture = (name: string) => new Uint8Array(readFileSync(join(dir, name)));

interface PdfExpected {
  header: string;
  headings: string[];
  paragraphs: string[];
  lines: string[];
  pages: number[];
}
const pdfExpected = JSON.parse(readFileSync(join(dir, 'two-columns.expected.json'), 'utf8')) as PdfExpected;

/** Joins the lines of each paragraph ('' separates paragraphs), as CJK text is joined downstream. */
function paragraphs(lines: string[]): string[] {
  const out: string[] = [];
  let cur = '';
  for (const l of [...lines, '']) {
    if (l === '') {
      if (cur) out.push(cur);
      cur = '';
    } else cur += l;
  }
  return out;
}

/** A scan is refused as no-text-layer, naming the file and the fix (OCR). */
async function expectScanRefused(p: Promise<unknown>, file: string): Promise<void> {
  const err = await rejection(p);
  expect(err.kind).toBe('no-text-layer');
  expect(err.message).toContain(`"${file}"`);
  expect(err.message).toMatch(/OCR/u);
}

async function rejection(p: Promise<unknown>): Promise<ExtractError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(ExtractError);
    return err as ExtractError;
  }
  throw new Error('expected the extraction to fail');
}

describe('extractPdf: two-column Chinese report', () => {
  let result: ExtractedText | undefined;
  const get = async () => (result ??= await extractPdf(fixture('two-columns.pdf'), 'two-columns.pdf'));

  it('reproduces the visual lines, paragraph breaks and pages exactly', async () => {
    const r = await get();
    expect(r.lines).toEqual(pdfExpected.lines);
    expect(r.pages).toEqual(pdfExpected.pages);
  });

  it('reads column 1 fully before column 2 (paragraphs run across columns and pages unbroken)', async () => {
    const r = await get();
    expect(paragraphs(r.lines)).toEqual([
      pdfExpected.headings[0],
      ...pdfExpected.paragraphs.slice(0, 6),
      pdfExpected.headings[1],
      ...pdfExpected.paragraphs.slice(6),
    ]);
    // Page 1: the last line of column 1 comes before the first line of column 2, which shares its baseline
    // with the first body line of column 1 (the case where interleaving would happen).
    const lastOfColumn1 = r.lines.indexOf('3200个，新建口袋公园15处。');
    const firstOfColumn2 = r.lines.indexOf('生态环境持续改善。空气质量优良');
    const firstOfColumn1 = r.lines.indexOf('过去一年，面对复杂严峻的外部环');
    expect(firstOfColumn1).toBeGreaterThan(-1);
    expect(lastOfColumn1).toBeGreaterThan(firstOfColumn1);
    expect(firstOfColumn2).toBeGreaterThan(lastOfColumn1);
    // A paragraph split between the bottom of column 2 on page 1 and the top of page 2 stays one paragraph.
    expect(paragraphs(r.lines)).toContain(pdfExpected.paragraphs[5]);
  });

  it('drops the running header and the page numbers', async () => {
    const r = await get();
    expect(r.lines.some((l) => l.includes(pdfExpected.header))).toBe(false);
    expect(r.lines.some((l) => l.includes('测试样本'))).toBe(false);
    expect(r.lines.some((l) => /^[—\s]*\d+[—\s]*$/u.test(l))).toBe(false);
    expect(r.lines.some((l) => l.includes('—'))).toBe(false);
  });

  it('keeps the page of every line', async () => {
    const r = await get();
    expect(r.pages).toHaveLength(r.lines.length);
    const pageOf = (needle: string) => r.pages![r.lines.findIndex((l) => l.includes(needle))];
    expect(pageOf('就业6725人')).toBe(1);
    expect(pageOf('改革开放纵深推进')).toBe(1);
    expect(pageOf('际利用外资1.8亿美元')).toBe(2);
    expect(pageOf('二、2024年工作安排')).toBe(2);
    expect(pageOf('各位代表')).toBe(3);
    expect(pageOf('2024年1月10日')).toBe(3);
    // Pages never go backwards.
    expect(r.pages!.every((p, i) => i === 0 || p >= r.pages![i - 1]!)).toBe(true);
  });

  it('emits each fake-bold heading once, undoubled and on its own', async () => {
    const r = await get();
    for (const heading of pdfExpected.headings) {
      expect(r.lines.filter((l) => l === heading)).toHaveLength(1);
      const i = r.lines.indexOf(heading);
      if (i > 0) expect(r.lines[i - 1]).toBe('');
      expect(r.lines[i + 1]).toBe('');
    }
    expect(r.lines.some((l) => /二二|20232023|工作回顾工作回顾|工工作作/u.test(l))).toBe(false);
  });

  it('accepts a Node Buffer as well as a Uint8Array', async () => {
    const r = await extractPdf(readFileSync(join(dir, 'two-columns.pdf')), 'two-columns.pdf');
    expect(r.lines).toEqual(pdfExpected.lines);
  });

  it('leaves the caller’s bytes untouched', async () => {
    const bytes = fixture('two-columns.pdf');
    const copy = bytes.slice();
    await extractPdf(bytes, 'two-columns.pdf');
    expect(bytes.byteLength).toBe(copy.byteLength);
    expect(Buffer.compare(Buffer.from(bytes), Buffer.from(copy))).toBe(0);
  });
});

describe('extractPdf: three letter-spaced columns drawn character by character', () => {
  const expected = JSON.parse(readFileSync(join(dir, 'letter-spaced-3col.expected.json'), 'utf8')) as Omit<
    PdfExpected,
    'headings'
  >;

  it('reads the three columns in order, with the right pages, and closes up the spacing', async () => {
    const r = await extractPdf(fixture('letter-spaced-3col.pdf'), 'letter-spaced-3col.pdf');
    expect(r.lines).toEqual(expected.lines);
    expect(r.pages).toEqual(expected.pages);
    expect(paragraphs(r.lines)).toEqual(expected.paragraphs);
    // pdfjs reports the tracking as spaces ("人 ， 同 比 3 . 9 %"): none may be left, figures stay whole.
    expect(r.lines.some((l) => /\s/u.test(l))).toBe(false);
    const text = r.lines.join('');
    for (const figure of ['6725人', '3.9%', '386.5亿元', '43269元', '98.5%']) expect(text).toContain(figure);
    // Header, "第N版" labels and bare page numbers are gone.
    expect(r.lines.some((l) => l.includes('测试样本') || /^第\d+版$|^\d+$/u.test(l))).toBe(false);
  });
});

describe('extractPdf: failures', () => {
  it('a scan where OCR recognises nothing throws blank-scan with the file name, the pages and the fix', async () => {
    const err = await rejection(extractPdf(fixture('scan.pdf'), 'scan.pdf'));
    expect(err.kind).toBe('blank-scan');
    expect(err.message).toContain('"scan.pdf"');
    expect(err.message).toMatch(/nothing could be recognised on scanned pages 1, 2/u);
  });

  it('a truncated file throws corrupt', async () => {
    const err = await rejection(extractPdf(fixture('truncated.pdf'), 'truncated.pdf'));
    expect(err.kind).toBe('corrupt');
    expect(err.message).toContain('"truncated.pdf"');
  });

  it('a damaged body behind a valid header and end marker throws corrupt (reported by pdfjs)', async () => {
    const whole = Buffer.from(fixture('two-columns.pdf'));
    const damaged = Buffer.concat([whole.subarray(0, Math.floor(whole.length * 0.45)), Buffer.from('\n%%EOF\n')]);
    expect((await rejection(extractPdf(new Uint8Array(damaged), 'damaged.pdf'))).kind).toBe('corrupt');
    const garbage = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(4000, 0x41), Buffer.from('\n%%EOF\n')]);
    expect((await rejection(extractPdf(new Uint8Array(garbage), 'garbage.pdf'))).kind).toBe('corrupt');
  });

  it('empty bytes and non-PDF bytes throw corrupt; a DOCX named .pdf throws wrong-type', async () => {
    expect((await rejection(extractPdf(new Uint8Array(0), 'empty.pdf'))).kind).toBe('corrupt');
    expect((await rejection(extractPdf(new TextEncoder().encode('hello'), 'hello.pdf'))).kind).toBe('corrupt');
    const err = await rejection(extractPdf(fixture('report.docx'), 'report.pdf'));
    expect(err.kind).toBe('wrong-type');
    expect(err.message).toContain('.docx');
  });
});

interface DocxExpected {
  title: string;
  heading1: string;
  paragraphs1: string[];
  heading2: string;
  paragraphs2: string[];
  heading3: string;
  lineBreak: string[];
  heading1b: string;
  paragraphs3: string[];
  table: string[][];
}
const docxExpected = JSON.parse(readFileSync(join(dir, 'report.expected.json'), 'utf8')) as DocxExpected;

describe('extractDocx', () => {
  it('turns headings into "## " lines and every paragraph into one line followed by a break', async () => {
    const e = docxExpected;
    const r = await extractDocx(fixture('report.docx'), 'report.docx');
    expect(r.lines).toEqual([
      `## ${e.title}`,
      '',
      `## ${e.heading1}`,
      '',
      e.paragraphs1[0],
      '',
      e.paragraphs1[1],
      '',
      `## ${e.heading2}`,
      '',
      e.paragraphs2[0],
      '',
      `## ${e.heading3}`, // WPS-style heading named "标题 3"
      '',
      e.lineBreak[0], // a soft line break: a new line, same paragraph
      e.lineBreak[1],
      '',
      `## ${e.heading1b}`,
      '',
      e.paragraphs3[0],
      '',
      e.table[0]!.join(' '), // one table row per paragraph
      '',
      e.table[1]!.join(' '),
    ]);
    expect(r.pages).toBeUndefined();
    expect(r.lines.filter((l) => l.startsWith('## '))).toHaveLength(5);
    expect(r.lines.some((l) => l.includes('全年城镇新增就业6725人，同比增长3.9%。'))).toBe(true);
  });

  it('shares the ExtractError class with the PDF extractor', () => {
    expect(DocxExtractError).toBe(ExtractError);
  });

  it('a DOCX holding only a picture throws no-text-layer', async () => {
    await expectScanRefused(extractDocx(fixture('images-only.docx'), 'images-only.docx'), 'images-only.docx');
  });

  it('a truncated DOCX throws corrupt, an old .doc throws old-format, a PDF wrong-type', async () => {
    const whole = fixture('report.docx');
    expect((await rejection(extractDocx(whole.slice(0, whole.length >> 1), 'cut.docx'))).kind).toBe('corrupt');
    expect((await rejection(extractDocx(new Uint8Array(0), 'empty.docx'))).kind).toBe('corrupt');
    const ole = new Uint8Array(1024);
    ole.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
    const doc = await rejection(extractDocx(ole, 'old.doc'));
    expect(doc.kind).toBe('old-format');
    expect(doc.message).toContain('.docx');
    expect((await rejection(extractDocx(fixture('two-columns.pdf'), 'x.docx'))).kind).toBe('wrong-type');
  });

  it('a ZIP that is not a Word document throws wrong-type', async () => {
    const err = await rejection(extractDocx(zipOf({ 'hello.txt': 'hello' }), 'notes.docx'));
    expect(err.kind).toBe('wrong-type');
  });
});
