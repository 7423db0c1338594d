#!/usr/bin/env node
// Rebuilds the small report fixtures in tests/fixtures/reports/ used by tests/extract.test.ts:
//
//   two-columns.pdf          3 pages, Chinese, newspaper-like: running header and "— N —" page numbers on every
//                            page, a fake-bold heading spanning both columns (drawn twice, 0.3 pt apart), a second
//                            fake-bold heading drawn character by character twice (interleaved duplicates), text
//                            flowing column 1 -> column 2 -> next page, indented paragraphs, a single-column last page.
//   two-columns.expected.json  the exact lines (and page of each line) the PDF extractor must produce.
//   letter-spaced-3col.pdf   2+ pages of three justified columns drawn character by character with loose
//                            tracking (pdfjs reports the spacing as spaces), a header with "第N版" and bare page
//                            numbers; letter-spaced-3col.expected.json holds the lines it must yield.
//   scan.pdf                 2 pages with only a drawn frame and an image: no text layer.
//   truncated.pdf            two-columns.pdf cut to 45 % of its bytes.
//   report.docx              title, headings (Heading 1/2 and a WPS-style "标题 3"), paragraphs with figures,
//                            a soft line break, an empty paragraph and a small table.
//   report.expected.json     the texts report.docx is made of.
//   images-only.docx         a DOCX whose only content is a picture (pasted scan): no text.
//
// Usage:  node scripts/make-fixtures.mjs
// Needs the dev dependencies pdfkit and docx, and a CJK TrueType font to embed (pdfkit subsets it, so only the
// glyphs used end up in the PDF). Debian: `apt-get install fonts-wqy-microhei` (or fonts-wqy-zenhei,
// fonts-noto-cjk); or point FIXTURE_FONT at a .ttf/.ttc (FIXTURE_FONT_NAME = PostScript name inside a .ttc).
// The text content is fictional ("示例区"); it only imitates the shape of a government work report.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import PDFDocument from 'pdfkit';
import {
  AlignmentType,
  Document,
  HeadingLevel,
  ImageRun,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from 'docx';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'tests', 'fixtures', 'reports');
mkdirSync(outDir, { recursive: true });

// A fixed date keeps the files byte-stable between runs (pdfkit otherwise stamps the current time).
const FIXED_DATE = new Date(Date.UTC(2024, 0, 10, 0, 0, 0));

// ---------------------------------------------------------------------------------------------------------------
// Font
// ---------------------------------------------------------------------------------------------------------------
const FONT_CANDIDATES = [
  { path: process.env.FIXTURE_FONT, name: process.env.FIXTURE_FONT_NAME },
  { path: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', name: 'WenQuanYiMicroHei' },
  { path: '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc', name: 'WenQuanYiZenHei' },
  { path: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', name: 'NotoSansCJKsc-Regular' },
  { path: '/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc', name: 'NotoSerifCJKsc-Regular' },
];
const font = FONT_CANDIDATES.find((f) => f.path && existsSync(f.path));
if (!font) {
  console.error(
    '[make-fixtures] no CJK font found. Install one (Debian: apt-get install fonts-wqy-microhei) ' +
      'or set FIXTURE_FONT=/path/to/font.ttf (and FIXTURE_FONT_NAME for a .ttc collection).',
  );
  process.exit(1);
}

function newPdf(size) {
  const doc = new PDFDocument({
    size,
    margin: 0,
    autoFirstPage: false,
    info: { Title: 'fixture', Producer: 'make-fixtures', Creator: 'make-fixtures', CreationDate: FIXED_DATE },
  });
  doc.registerFont('cjk', font.path, font.name);
  return doc;
}

function pdfToBuffer(doc) {
  return new Promise((ok, fail) => {
    const chunks = [];
    doc.on('data', (c) => chunks.push(c));
    doc.on('end', () => ok(Buffer.concat(chunks)));
    doc.on('error', fail);
    doc.end();
  });
}

// ---------------------------------------------------------------------------------------------------------------
// two-columns.pdf
// ---------------------------------------------------------------------------------------------------------------
const PAGE_W = 420;
const PAGE_H = 310;
const MARGIN = 30;
const GUTTER = 18;
const COL_W = (PAGE_W - 2 * MARGIN - GUTTER) / 2; // 171 pt, about 17 characters at 10 pt
const BODY = 10;
const PITCH = 15; // baseline-to-baseline distance of body lines
const INDENT = 2 * BODY; // Chinese paragraphs start two characters in
const HEADER_TEXT = '示例区政府工作报告（测试样本）';

const SECTION_1 = {
  heading: '一、2023年工作回顾',
  paragraphs: [
    '过去一年，面对复杂严峻的外部环境，全区上下坚持稳中求进工作总基调，统筹推进稳增长、促改革、调结构、惠民生、防风险各项工作，经济社会发展主要目标任务圆满完成。',
    '经济运行稳中有进。全年完成地区生产总值386.5亿元，同比增长5.2%；一般公共预算收入21.3亿元，增长7.8%；社会消费品零售总额152.6亿元，增长6.1%。',
    '民生保障持续加强。全年城镇新增就业6725人，同比增长3.9%；农村劳动力转移就业7152人次；城乡居民人均可支配收入分别达到43269元和18560元。',
    '城市品质不断提升。完成老旧小区改造42个，惠及居民1.2万户；新建改建城市道路18.6公里，新增停车泊位3200个，新建口袋公园15处。',
    '生态环境持续改善。空气质量优良天数比例达到91.2%，地表水国控断面水质优良率保持100%，完成国土绿化面积2.3万亩。',
    '改革开放纵深推进。“放管服”改革持续深化，政务服务事项网上可办率达到98.5%，新增市场主体4860户，实际利用外资1.8亿美元。',
  ],
};
const SECTION_2 = {
  heading: '二、2024年工作安排',
  paragraphs: [
    '今年全区经济社会发展的主要预期目标是：地区生产总值增长5.5%左右，一般公共预算收入增长6%，城镇新增就业6800人以上，城镇登记失业率控制在4%以内。',
    '着力扩大有效投资。全年实施重点项目120个，完成固定资产投资增长8%以上，争取中央预算内投资和专项债券资金15亿元。',
    '着力办好民生实事。新建幼儿园3所、中小学2所，新增养老服务床位500张，实施城市更新项目26个，让群众生活更有品质。',
  ],
};
const CLOSING = '各位代表！新征程催人奋进，新使命重任在肩。让我们凝心聚力、实干争先，奋力完成全年各项目标任务！';
const SIGNATURE = ['示例区人民政府', '2024年1月10日'];

// Characters that must not start a line (Chinese line-breaking rule): they stay on the previous line.
const NO_LINE_START = new Set('，。、；：？！）”’》」%'.split(''));

/**
 * Wraps a paragraph into visual lines that fit `width` (first line narrower by `indent`). Numbers and Latin words
 * are never split, and punctuation that may not start a line stays with the token before it.
 */
function wrap(doc, text, width, indent, measure = (str) => doc.widthOfString(str)) {
  const tokens = [];
  for (const m of text.matchAll(/[0-9A-Za-z.%]+|[\s\S]/gu)) {
    const t = m[0];
    if (tokens.length && NO_LINE_START.has(t)) tokens[tokens.length - 1] += t;
    else tokens.push(t);
  }
  const lines = [];
  let line = '';
  const limit = () => (lines.length === 0 ? width - indent : width);
  for (const tok of tokens) {
    const fits = measure(line + tok.replace(/[，。、；：？！）”’》」]$/u, '')) <= limit();
    if (line && !fits) {
      lines.push(line);
      line = '';
    }
    line += tok;
  }
  if (line) lines.push(line);
  return lines.map((t, i) => ({ text: t, indent: i === 0 ? indent : 0 }));
}

/** Flows wrapped lines into frames (column boxes), filling each frame top to bottom. */
function flow(lines, frames) {
  const placed = [];
  let f = 0;
  let y = frames[0].top;
  for (const line of lines) {
    while (f < frames.length && y + PITCH > frames[f].bottom + 0.01) {
      f += 1;
      y = frames[f]?.top ?? 0;
    }
    if (f >= frames.length) throw new Error('fixture layout: text does not fit its frames');
    placed.push({ ...line, frame: frames[f], y });
    y += PITCH;
  }
  return placed;
}

function drawFakeBoldWhole(doc, text, size, y) {
  doc.fontSize(size);
  const x = (PAGE_W - doc.widthOfString(text)) / 2;
  doc.text(text, x, y, { lineBreak: false });
  doc.text(text, x + 0.3, y, { lineBreak: false }); // the same run again, 0.3 pt to the right
}

function drawFakeBoldPerChar(doc, text, size, y) {
  doc.fontSize(size);
  let x = (PAGE_W - doc.widthOfString(text)) / 2;
  for (const ch of text) {
    doc.text(ch, x, y, { lineBreak: false });
    doc.text(ch, x + 0.3, y + 0.2, { lineBreak: false }); // each character twice, slightly offset
    x += doc.widthOfString(ch);
  }
}

function drawHeaderFooter(doc, pageNo) {
  doc.fontSize(8);
  doc.text(HEADER_TEXT, (PAGE_W - doc.widthOfString(HEADER_TEXT)) / 2, 16, { lineBreak: false });
  doc.moveTo(MARGIN, 30).lineTo(PAGE_W - MARGIN, 30).lineWidth(0.5).stroke();
  const num = `— ${pageNo} —`;
  doc.fontSize(9);
  doc.text(num, (PAGE_W - doc.widthOfString(num)) / 2, PAGE_H - 24, { lineBreak: false });
}

async function makeTwoColumnPdf() {
  const doc = newPdf([PAGE_W, PAGE_H]);
  doc.font('cjk').fontSize(BODY);
  const col = (i, top, bottom) => ({ left: MARGIN + i * (COL_W + GUTTER), width: COL_W, top, bottom });
  const wrapAll = (paras, width) => paras.flatMap((p, k) => wrap(doc, p, width, INDENT).map((l) => ({ ...l, para: k })));

  // Page 1: heading across both columns, then section 1 flowing column 1 -> column 2; the rest continues on
  // page 2 above the second heading, balanced over two short columns.
  const BODY_BOTTOM = PAGE_H - 40;
  const s1 = wrapAll(SECTION_1.paragraphs, COL_W);
  const page1Frames = [col(0, 78, BODY_BOTTOM), col(1, 78, BODY_BOTTOM)];
  const perFrame1 = Math.floor((BODY_BOTTOM - 78) / PITCH);
  const onPage1 = s1.slice(0, 2 * perFrame1);
  const rest1 = s1.slice(2 * perFrame1);
  if (rest1.length < 2) throw new Error('fixture layout: section 1 should spill over to page 2');
  const topRows = Math.ceil(rest1.length / 2);
  const p2TopBottom = 40 + topRows * PITCH;
  const page2TopFrames = [col(0, 40, p2TopBottom), col(1, 40, p2TopBottom)];
  const heading2Y = p2TopBottom + 14;
  const s2Top = heading2Y + 36;
  const s2 = wrapAll(SECTION_2.paragraphs, COL_W);
  const page2BottomFrames = [col(0, s2Top, BODY_BOTTOM), col(1, s2Top, BODY_BOTTOM)];
  const perFrame2 = Math.floor((BODY_BOTTOM - s2Top) / PITCH);
  const onPage2 = s2.slice(0, 2 * perFrame2);
  if (s2.length > 2 * perFrame2) throw new Error('fixture layout: section 2 must fit on page 2');
  const single = { left: MARGIN, width: PAGE_W - 2 * MARGIN, top: 40, bottom: BODY_BOTTOM };

  const placedP1 = flow(onPage1, page1Frames);
  const placedP2a = flow(rest1, page2TopFrames);
  const placedP2b = flow(onPage2, page2BottomFrames);
  // Page 3: the closing words as a single full-width column, then the signature.
  const placedP3 = flow(wrap(doc, CLOSING, single.width, INDENT), [single]);

  const expected = []; // [text, page] in reading order; '' = paragraph break
  const pushPara = (page, lines) => {
    if (expected.length) expected.push(['', expected[expected.length - 1][1]]);
    for (const l of lines) expected.push([l, page]);
  };
  const drawLines = (placed, page) => {
    doc.fontSize(BODY);
    for (const l of placed) {
      doc.text(l.text, l.frame.left + l.indent, l.y, { lineBreak: false });
      if (l.indent > 0) pushPara(page, [l.text]);
      else expected.push([l.text, page]);
    }
  };

  doc.addPage();
  drawHeaderFooter(doc, 1);
  drawFakeBoldWhole(doc, SECTION_1.heading, 16, 46);
  pushPara(1, [SECTION_1.heading]);
  drawLines(placedP1, 1);

  doc.addPage();
  drawHeaderFooter(doc, 2);
  drawLines(placedP2a, 2);
  drawFakeBoldPerChar(doc, SECTION_2.heading, 16, heading2Y);
  pushPara(2, [SECTION_2.heading]);
  drawLines(placedP2b, 2);

  doc.addPage();
  drawHeaderFooter(doc, 3);
  drawLines(placedP3, 3);
  // Signature: right-aligned, after a blank gap of one and a half lines.
  let y = placedP3[placedP3.length - 1].y + PITCH * 2.5;
  doc.fontSize(BODY);
  for (const s of SIGNATURE) {
    doc.text(s, PAGE_W - MARGIN - doc.widthOfString(s), y, { lineBreak: false });
    pushPara(3, [s]);
    y += PITCH;
  }

  const bytes = await pdfToBuffer(doc);
  const lines = expected.map(([t]) => t);
  const pages = expected.map(([, p]) => p);
  return {
    bytes,
    expected: {
      note: 'Generated by scripts/make-fixtures.mjs together with two-columns.pdf: the lines extractPdf must return.',
      header: HEADER_TEXT,
      headings: [SECTION_1.heading, SECTION_2.heading],
      paragraphs: [...SECTION_1.paragraphs, ...SECTION_2.paragraphs, CLOSING, ...SIGNATURE],
      lines,
      pages,
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// letter-spaced-3col.pdf: three justified columns drawn character by character with loose tracking, as
// newspaper pages are. pdfjs reports the wide spacing as spaces ("人 ， 同 比 3 . 9 %"), which must not survive.
// ---------------------------------------------------------------------------------------------------------------
async function makeLetterSpacedPdf() {
  const W = 480;
  const H = 240;
  const M = 24;
  const GAP = 14;
  const SIZE = 9;
  const LEAD = 13;
  const TRACK = 0.16 * SIZE; // above pdfjs' 0.102 em threshold for a "space"
  const colW = (W - 2 * M - 2 * GAP) / 3;
  const doc = newPdf([W, H]);
  doc.font('cjk').fontSize(SIZE);
  const measure = (str) => doc.widthOfString(str) + TRACK * ([...str].length - 1);
  const paras = [...SECTION_1.paragraphs, ...SECTION_2.paragraphs];
  const lines = paras.flatMap((p) => {
    const ls = wrap(doc, p, colW, 2 * SIZE, measure);
    return ls.map((l, i) => ({ ...l, last: i === ls.length - 1 }));
  });
  const top = 36;
  const rows = Math.floor((H - 30 - top) / LEAD);
  const frames = [];
  for (let page = 1; page <= 3; page++) {
    for (let c = 0; c < 3; c++) frames.push({ page, left: M + c * (colW + GAP), top, bottom: top + rows * LEAD });
  }
  const expected = [];
  let f = 0;
  let row = 0;
  let page = 0;
  for (const l of lines) {
    if (row === rows) {
      f += 1;
      row = 0;
    }
    const frame = frames[f];
    if (!frame) throw new Error('letter-spaced fixture: text does not fit');
    if (frame.page !== page) {
      page = frame.page;
      doc.addPage();
      doc.fontSize(7);
      doc.text(HEADER_TEXT, M, 12, { lineBreak: false });
      const label = `第${page}版`;
      doc.text(label, W - M - doc.widthOfString(label), 12, { lineBreak: false });
      doc.text(String(page), W - M - doc.widthOfString(String(page)), H - 18, { lineBreak: false });
      doc.fontSize(SIZE);
    }
    const chars = [...l.text];
    const width = colW - l.indent;
    const natural = chars.reduce((sum, ch) => sum + doc.widthOfString(ch), 0);
    const spacing = l.last || chars.length < 2 ? TRACK : (width - natural) / (chars.length - 1);
    let x = frame.left + l.indent;
    const y = frame.top + row * LEAD;
    for (const ch of chars) {
      doc.text(ch, x, y, { lineBreak: false });
      x += doc.widthOfString(ch) + spacing;
    }
    if (l.indent > 0 && expected.length) expected.push(['', expected[expected.length - 1][1]]);
    expected.push([l.text, page]);
    row += 1;
  }
  if (page < 2) throw new Error('letter-spaced fixture: should fill at least two pages');
  return {
    bytes: await pdfToBuffer(doc),
    expected: {
      note: 'Generated by scripts/make-fixtures.mjs together with letter-spaced-3col.pdf: the lines extractPdf must return.',
      header: HEADER_TEXT,
      paragraphs: paras,
      lines: expected.map(([t]) => t),
      pages: expected.map(([, p]) => p),
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// scan.pdf: pages with a frame and a grey image, as a scanner would produce (no text operators at all)
// ---------------------------------------------------------------------------------------------------------------
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function pngChunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
/** A small greyscale PNG with stripes that look like lines of print from afar. */
function makeStripesPng(w, h) {
  const raw = Buffer.alloc((w + 1) * h);
  for (let y = 0; y < h; y++) {
    raw[y * (w + 1)] = 0; // filter: none
    for (let x = 0; x < w; x++) {
      const ink = y % 8 < 4 && x % 23 < 19 && x > 6 && x < w - 6;
      raw[y * (w + 1) + 1 + x] = ink ? 60 : 235;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(raw)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

async function makeScanPdf() {
  const doc = newPdf([PAGE_W, PAGE_H]);
  const png = makeStripesPng(120, 96);
  for (let p = 0; p < 2; p++) {
    doc.addPage();
    doc.rect(MARGIN, MARGIN, PAGE_W - 2 * MARGIN, PAGE_H - 2 * MARGIN).lineWidth(1).stroke();
    doc.image(png, MARGIN + 10, MARGIN + 10, { width: PAGE_W - 2 * MARGIN - 20 });
  }
  return pdfToBuffer(doc);
}

// ---------------------------------------------------------------------------------------------------------------
// report.docx
// ---------------------------------------------------------------------------------------------------------------
const DOCX_TEXT = {
  title: '2024年示例区人民政府工作报告',
  heading1: '一、2023年工作回顾',
  paragraphs1: [
    '过去一年，全区上下坚持稳中求进工作总基调，经济社会发展主要目标任务圆满完成。',
    '全年城镇新增就业6725人，同比增长3.9%。农村劳动力转移就业7152人次，全体居民人均可支配收入43269元。',
  ],
  heading2: '（一）城市建设',
  paragraphs2: ['完成老旧小区改造42个，惠及居民1.2万户；新建改建城市道路18.6公里。'],
  heading3: '1.生态环境',
  lineBreak: ['空气质量优良天数比例达到91.2%。', '完成国土绿化面积2.3万亩。'],
  heading1b: '二、2024年工作安排',
  paragraphs3: ['地区生产总值增长5.5%左右，城镇新增就业6800人以上，城镇登记失业率控制在4%以内。'],
  table: [
    ['指标', '2023年', '增长'],
    ['地区生产总值', '386.5亿元', '5.2%'],
  ],
};

async function makeDocx() {
  const t = DOCX_TEXT;
  const body = (text) => new Paragraph({ children: [new TextRun(text)], indent: { firstLine: 480 } });
  const cell = (text) => new TableCell({ children: [new Paragraph(text)], width: { size: 3000, type: WidthType.DXA } });
  const doc = new Document({
    creator: 'make-fixtures',
    title: 'fixture',
    // WPS and Chinese Word builds name their heading styles "标题 N"; the extractor must recognise them too.
    styles: {
      paragraphStyles: [
        { id: 'WpsHeading3', name: '标题 3', basedOn: 'Normal', next: 'Normal', run: { bold: true, size: 28 } },
      ],
    },
    sections: [
      {
        children: [
          new Paragraph({ text: t.title, heading: HeadingLevel.TITLE, alignment: AlignmentType.CENTER }),
          new Paragraph({ text: t.heading1, heading: HeadingLevel.HEADING_1 }),
          ...t.paragraphs1.map(body),
          new Paragraph(''), // an empty paragraph: must not produce extra breaks
          new Paragraph({ text: t.heading2, heading: HeadingLevel.HEADING_2 }),
          ...t.paragraphs2.map(body),
          new Paragraph({ text: t.heading3, style: 'WpsHeading3' }),
          new Paragraph({
            children: [new TextRun(t.lineBreak[0]), new TextRun({ text: t.lineBreak[1], break: 1 })],
            indent: { firstLine: 480 },
          }),
          new Paragraph({ text: t.heading1b, heading: HeadingLevel.HEADING_1 }),
          ...t.paragraphs3.map(body),
          new Table({ rows: t.table.map((r) => new TableRow({ children: r.map(cell) })) }),
        ],
      },
    ],
  });
  const buf = await Packer.toBuffer(doc, false, [CORE_XML]);
  return fixZipDates(buf);
}

/** A DOCX holding only a picture of a page, as when scanned pages are pasted into Word. */
async function makeImagesOnlyDocx() {
  const image = new ImageRun({ type: 'png', data: makeStripesPng(120, 96), transformation: { width: 360, height: 288 } });
  const doc = new Document({ creator: 'make-fixtures', sections: [{ children: [new Paragraph({ children: [image] })] }] });
  return fixZipDates(await Packer.toBuffer(doc, false, [CORE_XML]));
}

/** docProps/core.xml with fixed dates (docx stamps the current time otherwise). */
const CORE_XML = {
  path: 'docProps/core.xml',
  data:
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" ' +
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" ' +
    'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
    '<dc:title>fixture</dc:title><dc:creator>make-fixtures</dc:creator><cp:revision>1</cp:revision>' +
    `<dcterms:created xsi:type="dcterms:W3CDTF">${FIXED_DATE.toISOString()}</dcterms:created>` +
    `<dcterms:modified xsi:type="dcterms:W3CDTF">${FIXED_DATE.toISOString()}</dcterms:modified>` +
    '</cp:coreProperties>',
};

/** Sets every zip entry's DOS time/date to a fixed value so the DOCX is byte-stable between runs. */
function fixZipDates(buf) {
  const out = Buffer.from(buf);
  const DOS_TIME = 0; // 00:00:00
  const DOS_DATE = ((2024 - 1980) << 9) | (1 << 5) | 10; // 2024-01-10
  // Walk the central directory from the end-of-central-directory record (no comment is written by docx).
  const eocd = out.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error('fixZipDates: not a zip');
  const entries = out.readUInt16LE(eocd + 10);
  let p = out.readUInt32LE(eocd + 16);
  for (let i = 0; i < entries; i++) {
    if (out.readUInt32LE(p) !== 0x02014b50) throw new Error('fixZipDates: bad central directory');
    out.writeUInt16LE(DOS_TIME, p + 12);
    out.writeUInt16LE(DOS_DATE, p + 14);
    const local = out.readUInt32LE(p + 42);
    if (out.readUInt32LE(local) !== 0x04034b50) throw new Error('fixZipDates: bad local header');
    out.writeUInt16LE(DOS_TIME, local + 10);
    out.writeUInt16LE(DOS_DATE, local + 12);
    p += 46 + out.readUInt16LE(p + 28) + out.readUInt16LE(p + 30) + out.readUInt16LE(p + 32);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
const twoCol = await makeTwoColumnPdf();
writeFileSync(join(outDir, 'two-columns.pdf'), twoCol.bytes);
writeFileSync(join(outDir, 'two-columns.expected.json'), JSON.stringify(twoCol.expected, null, 2) + '\n');
const spaced = await makeLetterSpacedPdf();
writeFileSync(join(outDir, 'letter-spaced-3col.pdf'), spaced.bytes);
writeFileSync(join(outDir, 'letter-spaced-3col.expected.json'), JSON.stringify(spaced.expected, null, 2) + '\n');
writeFileSync(join(outDir, 'scan.pdf'), await makeScanPdf());
writeFileSync(join(outDir, 'truncated.pdf'), twoCol.bytes.subarray(0, Math.floor(twoCol.bytes.length * 0.45)));
writeFileSync(join(outDir, 'report.docx'), await makeDocx());
writeFileSync(join(outDir, 'images-only.docx'), await makeImagesOnlyDocx());
writeFileSync(
  join(outDir, 'report.expected.json'),
  JSON.stringify({ note: 'Generated by scripts/make-fixtures.mjs together with report.docx.', ...DOCX_TEXT }, null, 2) + '\n',
);
for (const f of ['two-columns.pdf', 'letter-spaced-3col.pdf', 'scan.pdf', 'truncated.pdf', 'report.docx', 'images-only.docx']) {
  console.log(`[make-fixtures] ${f}: ${readFileSync(join(outDir, f)).length} bytes`);
}
