#!/usr/bin/env node
// Rebuilds the scanned-report fixtures in tests/fixtures/scans/ used by tests/ocr.test.ts. Every page is a picture
// of text drawn with a CJK font (no text layer), as a scanner or a phone gives it:
//
//   scan-report.pdf   2 image-only A5 pages: running header, "— N —" page numbers, a heading and paragraphs with
//                     figures; page 2 turned by 1.5° and blurred (a sloppy scan).
//   mixed.pdf         page 1 with a real text layer, page 2 an image of text: only page 2 needs OCR.
//   photo.png         a phone-like photo of part of a page: tilted by 2°, light falling off from one corner.
//   blank-scan.pdf    one scanned page with nothing on it but paper tone and a few specks.
//   scans.expected.json  the figures each page must yield, per file.
//
// Usage:  node scripts/make-ocr-fixtures.mjs
// Needs a CJK font (Debian: apt-get install fonts-wqy-microhei; or FIXTURE_FONT=/path/to/font.ttf and
// FIXTURE_FONT_NAME for a .ttc). The place ("青岚县") and all figures are invented.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCanvas, GlobalFonts } from '@napi-rs/canvas';
import PDFDocument from 'pdfkit';
import sharp from 'sharp';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'tests', 'fixtures', 'scans');
mkdirSync(outDir, { recursive: true });
const FIXED_DATE = new Date(Date.UTC(2024, 0, 10, 0, 0, 0));

const FONTS = [
  { path: process.env.FIXTURE_FONT, name: process.env.FIXTURE_FONT_NAME },
  { path: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', name: 'WenQuanYiMicroHei' },
  { path: '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc', name: 'WenQuanYiZenHei' },
  { path: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', name: 'NotoSansCJKsc-Regular' },
];
const font = FONTS.find((f) => f.path && existsSync(f.path));
if (!font) {
  console.error('[make-ocr-fixtures] no CJK font found: apt-get install fonts-wqy-microhei, or set FIXTURE_FONT');
  process.exit(1);
}
GlobalFonts.registerFromPath(font.path, 'cjk');

// A5 in points, rendered at 200 dpi.
const PAGE = { w: 420, h: 595 };
const DPI = 200;
const S = DPI / 72;
const HEADER = '青岚县人民政府工作报告';

/** A paragraph cut into lines of at most 28 characters (the first indented by two), never inside a number. */
const wrap = (text) => {
  const chars = [...text];
  const lines = [];
  while (chars.length) {
    let n = Math.min(chars.length, lines.length ? 28 : 26);
    while (n < chars.length && n > 1 && /[0-9.%]/.test(chars[n]) && /[0-9.]/.test(chars[n - 1])) n--;
    lines.push(chars.splice(0, n).join(''));
  }
  return lines;
};
const PAGES = [
  {
    heading: '一、2025年工作回顾',
    paragraphs: [
      wrap('全县地区生产总值达到186.45亿元，同比增长6.2%。城镇新增就业8736人，城镇调查失业率控制在5.1%以内。'),
      wrap('一般公共预算收入完成12.7亿元，增长8.3%。'),
    ],
    figures: ['186.45亿元', '6.2%', '8736人', '5.1%', '12.7亿元', '8.3%'],
  },
  {
    heading: '二、2026年主要目标',
    paragraphs: [wrap('粮食总产量稳定在31.2万吨以上，新建改造农村公路146公里，新增停车泊位2150个。')],
    figures: ['31.2万吨', '146公里', '2150个'],
  },
];

/** Draws one page of text (header, heading, indented paragraphs, page number) in points, on a ctx scaled to pixels. */
function drawPage(ctx, page, number) {
  ctx.fillStyle = '#111';
  ctx.font = '8px cjk';
  ctx.textAlign = 'center';
  ctx.fillText(HEADER, PAGE.w / 2, 32);
  ctx.fillText(`— ${number} —`, PAGE.w / 2, PAGE.h - 28);
  ctx.textAlign = 'left';
  let y = 90;
  ctx.font = 'bold 13px cjk';
  ctx.fillText(page.heading, 40, y);
  y += 30;
  ctx.font = '11px cjk';
  for (const para of page.paragraphs) {
    para.forEach((line, i) => {
      ctx.fillText(line, i === 0 ? 62 : 40, y, 340);
      y += 20;
    });
    y += 6;
  }
}

/** A page picture as a scanner gives it: grey JPEG, optionally turned and blurred. */
async function scanPage(draw, { angle = 0, blur = 0 } = {}) {
  const canvas = createCanvas(Math.round(PAGE.w * S), Math.round(PAGE.h * S));
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#f4f4f2';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.translate(canvas.width / 2, canvas.height / 2);
  ctx.rotate((angle * Math.PI) / 180);
  ctx.translate(-canvas.width / 2, -canvas.height / 2);
  ctx.scale(S, S);
  draw(ctx);
  let img = sharp(await canvas.encode('png')).greyscale();
  if (blur) img = img.blur(blur);
  return img.jpeg({ quality: 70 }).toBuffer();
}

function pdf(build) {
  return new Promise((resolveDoc) => {
    const doc = new PDFDocument({ autoFirstPage: false, info: { CreationDate: FIXED_DATE, ModDate: FIXED_DATE } });
    const chunks = [];
    doc.on('data', (c) => chunks.push(c));
    doc.on('end', () => resolveDoc(Buffer.concat(chunks)));
    build(doc).then(() => doc.end());
  });
}

const imagePage = (doc, jpeg) => {
  doc.addPage({ size: [PAGE.w, PAGE.h], margin: 0 });
  doc.image(jpeg, 0, 0, { width: PAGE.w, height: PAGE.h });
};

writeFileSync(
  join(outDir, 'scan-report.pdf'),
  await pdf(async (doc) => {
    imagePage(doc, await scanPage((ctx) => drawPage(ctx, PAGES[0], 1)));
    imagePage(doc, await scanPage((ctx) => drawPage(ctx, PAGES[1], 2), { angle: 1.5, blur: 1.1 }));
  }),
);

writeFileSync(
  join(outDir, 'mixed.pdf'),
  await pdf(async (doc) => {
    doc.registerFont('cjk', font.path, font.name);
    doc.addPage({ size: [PAGE.w, PAGE.h], margin: 0 });
    doc.font('cjk').fontSize(8).text(HEADER, 0, 26, { width: PAGE.w, align: 'center' });
    doc.fontSize(13).text(PAGES[0].heading, 40, 80, { lineBreak: false });
    let y = 110;
    doc.fontSize(11);
    for (const para of PAGES[0].paragraphs) {
      para.forEach((line, i) => {
        doc.text(line, i === 0 ? 62 : 40, y, { lineBreak: false });
        y += 20;
      });
      y += 6;
    }
    doc.fontSize(8).text('— 1 —', 0, PAGE.h - 34, { width: PAGE.w, align: 'center' });
    imagePage(doc, await scanPage((ctx) => drawPage(ctx, PAGES[1], 2)));
  }),
);

writeFileSync(
  join(outDir, 'blank-scan.pdf'),
  await pdf(async (doc) =>
    imagePage(
      doc,
      await scanPage((ctx) => {
        ctx.fillStyle = '#d8d8d8';
        for (const [x, y] of [[80, 140], [300, 420], [210, 260]]) ctx.fillRect(x, y, 1.2, 1.2);
      }),
    ),
  ),
);

// A phone photo of the top of page 2: 1200 x 800 px, tilted, light falling off towards the lower right.
{
  const canvas = createCanvas(1200, 800);
  const ctx = canvas.getContext('2d');
  const light = ctx.createLinearGradient(0, 0, 1200, 800);
  light.addColorStop(0, '#f2efe6');
  light.addColorStop(1, '#8d8a82');
  ctx.fillStyle = light;
  ctx.fillRect(0, 0, 1200, 800);
  ctx.translate(600, 400);
  ctx.rotate((2 * Math.PI) / 180);
  ctx.translate(-600, -400);
  ctx.fillStyle = '#2a2824';
  ctx.font = 'bold 40px cjk';
  ctx.fillText(PAGES[1].heading, 80, 180);
  ctx.font = '34px cjk';
  PAGES[1].paragraphs[0].forEach((line, i) => ctx.fillText(line, i === 0 ? 148 : 80, 300 + 70 * i, 1040));
  const png = await sharp(await canvas.encode('png')).blur(0.8).png({ compressionLevel: 9, palette: true, colours: 64 }).toBuffer();
  writeFileSync(join(outDir, 'photo.png'), png);
}

const expected = {
  'scan-report.pdf': { 1: PAGES[0].figures, 2: PAGES[1].figures },
  'mixed.pdf': { 1: PAGES[0].figures, 2: PAGES[1].figures },
  'photo.png': { 1: PAGES[1].figures },
};
writeFileSync(join(outDir, 'scans.expected.json'), JSON.stringify(expected, null, 2) + '\n');
console.log('[make-ocr-fixtures] wrote', outDir);
