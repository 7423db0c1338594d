// Hostile and broken inputs for the drill and the tests, made here (no file from elsewhere): HTML nested
// thousands of levels deep, tens of thousands of unclosed tags, a DOCX that inflates to hundreds of MB, a PDF page
// holding a 20000×20000 image. Each is written as a stream so making it needs little memory.
import { closeSync, openSync, writeSync } from 'node:fs';
import { constants, crc32, createDeflate, createDeflateRaw, deflateRawSync } from 'node:zlib';

/** A short report with `levels` nested <div> around its body. */
export function deepHtml(levels: number): string {
  return `<html><head><title>青禾县政府工作报告</title></head><body><h1>青禾县2025年政府工作报告</h1>${'<div>'.repeat(levels)}<p>全县地区生产总值完成182.4亿元，同比增长6.1%。</p>${'</div>'.repeat(levels)}</body></html>`;
}

/** `count` unclosed <div>, each with a few characters of text. */
export function unclosedTags(count: number): string {
  return `<html><body>${'<div>青禾'.repeat(count)}</body></html>`;
}

interface ZipEntry {
  name: string;
  /** Raw-deflated bytes, their CRC-32 and inflated size. */
  data: Buffer;
  crc: number;
  size: number;
}

function entryOf(name: string, content: string | Buffer): ZipEntry {
  const raw = Buffer.isBuffer(content) ? content : Buffer.from(content);
  return { name, data: deflateRawSync(raw), crc: crc32(raw), size: raw.length };
}

/** A ZIP archive of the given files, deflated (for tests that need a ZIP that is not a Word document). */
export function zipOf(files: Record<string, string>): Buffer {
  return zip(Object.entries(files).map(([name, content]) => entryOf(name, content)));
}

function zip(entries: ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt32LE(e.crc >>> 0, 14);
    local.writeUInt32LE(e.data.length, 18);
    local.writeUInt32LE(e.size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(e.crc >>> 0, 16);
    central.writeUInt32LE(e.data.length, 20);
    central.writeUInt32LE(e.size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, e.data);
    centrals.push(central, name);
    offset += 30 + name.length + e.data.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}

/**
 * A DOCX whose document.xml is a short report padded with `inflatedBytes` of spaces: a few hundred KB on disk.
 * `declareSmall` writes a false, small uncompressed size into the zip, as a bomb that lies about itself would.
 */
export async function docxBomb(inflatedBytes: number, declareSmall = false): Promise<Buffer> {
  const body = `<w:body><w:p><w:r><w:t>青禾县2025年政府工作报告</w:t></w:r></w:p><w:p><w:r><w:t>全县地区生产总值完成182.4亿元。</w:t></w:r></w:p></w:body>`;
  const head = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">${body}<!--`;
  const tail = '--></w:document>';
  // document.xml = head + padding + tail, deflated as three raw-deflate pieces would not concatenate: deflate all.
  const deflate = createDeflateRaw({ level: constants.Z_BEST_COMPRESSION });
  const out: Buffer[] = [];
  deflate.on('data', (d: Buffer) => out.push(d));
  const chunk = Buffer.alloc(1 << 20, 0x20);
  let crc = crc32(head);
  deflate.write(head);
  for (let left = inflatedBytes; left > 0; left -= chunk.length) {
    const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
    crc = crc32(piece, crc);
    if (!deflate.write(piece)) await new Promise((r) => deflate.once('drain', r));
  }
  crc = crc32(tail, crc);
  deflate.write(tail);
  await new Promise((r) => deflate.end(r));
  const size = Buffer.byteLength(head) + inflatedBytes + tail.length;
  const document: ZipEntry = { name: 'word/document.xml', data: Buffer.concat(out), crc, size: declareSmall ? 4096 : size };
  return zip([
    entryOf('[Content_Types].xml', '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'),
    entryOf('_rels/.rels', '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>'),
    document,
  ]);
}

/**
 * A one-page PDF whose page is a `side`×`side` grey image (no text layer, so it goes to OCR), written to `path`.
 * The image stream is deflated row by row: a 20000×20000 page is ~400 KB on disk and 400 MB (1.6 GB as RGBA) decoded.
 */
export async function pdfWithHugeImage(path: string, side: number): Promise<void> {
  // PDF's FlateDecode is zlib-wrapped deflate.
  const deflate = createDeflate({ level: constants.Z_BEST_COMPRESSION });
  const out: Buffer[] = [];
  deflate.on('data', (d: Buffer) => out.push(d));
  const row = Buffer.alloc(side, 0xee);
  for (let y = 0; y < side; y++) if (!deflate.write(row)) await new Promise((r) => deflate.once('drain', r));
  await new Promise((r) => deflate.end(r));
  const image = Buffer.concat(out);
  const content = Buffer.from('q 595 0 0 842 0 0 cm /Im0 Do Q');
  const objects: Buffer[] = [
    Buffer.from('<< /Type /Catalog /Pages 2 0 R >>'),
    Buffer.from('<< /Type /Pages /Kids [3 0 R] /Count 1 >>'),
    Buffer.from('<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im0 5 0 R >> >> /Contents 4 0 R >>'),
    Buffer.concat([Buffer.from(`<< /Length ${content.length} >>\nstream\n`), content, Buffer.from('\nendstream')]),
    Buffer.concat([Buffer.from(`<< /Type /XObject /Subtype /Image /Width ${side} /Height ${side} /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode /Length ${image.length} >>\nstream\n`), image, Buffer.from('\nendstream')]),
  ];
  const fd = openSync(path, 'w');
  let at = 0;
  const put = (b: Buffer | string) => {
    const buf = typeof b === 'string' ? Buffer.from(b, 'latin1') : b;
    writeSync(fd, buf);
    at += buf.length;
  };
  put('%PDF-1.4\n');
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(at);
    put(`${i + 1} 0 obj\n`);
    put(o);
    put('\nendobj\n');
  });
  const xref = at;
  put(`xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`);
  put(`trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`);
  closeSync(fd);
}
