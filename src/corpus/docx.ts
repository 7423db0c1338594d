// Text extraction from DOCX reports with mammoth, into the same shape as the plain-text loader: lines, with ''
// after every paragraph. Headings (Title, Subtitle, Heading 1-9, and the "标题 N" names of Chinese Word/WPS
// builds) become one line prefixed with '## ', which the downstream cleaner strips and treats as a section
// heading. A soft line break inside a paragraph starts a new line without a paragraph break; each table row is
// one paragraph (cells separated by a space). Empty paragraphs, images, footnotes and comments are skipped.
import mammoth from 'mammoth';
import yauzl from 'yauzl';
import { DEFAULT_LIMITS, type InputLimits } from './limits.js';
import { ExtractError } from './pdf.js';
import type { ExtractedText } from './pdf.js';

export { ExtractError } from './pdf.js';
export type { ExtractedText, ExtractErrorKind } from './pdf.js';

/** The parts of mammoth's document model read here (see mammoth/lib/documents.js). */
interface DocNode {
  type: string;
  children?: DocNode[];
  value?: string;
  styleId?: string | null;
  styleName?: string | null;
  breakType?: string;
}

const HEADING_NAME_RE = /^(?:(?:heading|标题)\s*[1-9]|title|subtitle|标题|副标题)$/iu;
const HEADING_ID_RE = /^(?:heading[1-9]|title|subtitle)$/iu;

function isHeading(p: DocNode): boolean {
  const name = p.styleName?.trim();
  if (name) return HEADING_NAME_RE.test(name);
  return HEADING_ID_RE.test(p.styleId?.trim() ?? '');
}

export async function extractDocx(bytes: Uint8Array, fileName: string, limits: Pick<InputLimits, 'docxMaxInflatedBytes' | 'docxMaxEntries'> = DEFAULT_LIMITS): Promise<ExtractedText> {
  const name = JSON.stringify(fileName);
  checkDocxBytes(bytes, fileName);
  await checkInflatedSize(bytes, fileName, limits);

  let document: DocNode | undefined;
  try {
    await mammoth.convertToHtml(
      { buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) },
      {
        // The document model (with style names) is what is read; the HTML is thrown away.
        transformDocument: (doc: DocNode) => {
          document = doc;
          return doc;
        },
        // Images are not needed: skip encoding them into the (discarded) HTML.
        convertImage: mammoth.images.imgElement(async () => ({ src: '' })),
      },
    );
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    if (/main document part|could not find file/i.test(msg)) {
      throw new ExtractError('wrong-type', fileName, `${name} is a ZIP file but not a Word document: save the report as .docx`, {
        cause: err,
      });
    }
    throw new ExtractError('corrupt', fileName, `${name} is damaged and cannot be read (${msg}): download or copy it again`, {
      cause: err,
    });
  }
  if (!document) {
    throw new ExtractError('corrupt', fileName, `${name} could not be read: download or copy it again`);
  }

  const lines: string[] = [];
  let images = 0;
  const paragraph = (texts: string[]) => {
    if (texts.length === 0) return;
    lines.push(...texts, '');
  };

  const walkBlocks = (nodes: DocNode[]) => {
    for (const node of nodes) {
      if (node.type === 'paragraph') {
        const texts = paragraphLines(node);
        if (isHeading(node)) paragraph(texts.length ? [`## ${joinCjk(texts)}`] : []);
        else paragraph(texts);
        images += countImages(node);
      } else if (node.type === 'table') {
        for (const row of node.children ?? []) {
          if (row.type !== 'tableRow') continue;
          const cells = (row.children ?? [])
            .filter((c) => c.type === 'tableCell')
            .map((c) => joinCjk(blockTexts(c.children ?? [])))
            .filter((t) => t !== '');
          paragraph(cells.length ? [cells.join(' ')] : []);
          images += countImages(row);
        }
      } else if (node.children) {
        walkBlocks(node.children);
      }
    }
  };
  walkBlocks(document.children ?? []);
  if (lines.at(-1) === '') lines.pop();

  if (lines.length === 0) {
    throw new ExtractError(
      images > 0 ? 'no-text-layer' : 'no-text',
      fileName,
      images > 0
        ? `${name} contains only images (scanned pages?), no text: run OCR first or add a text version`
        : `${name} contains no text: check that it is the right file`,
    );
  }
  return { lines };
}

function checkDocxBytes(bytes: Uint8Array, fileName: string): void {
  const name = JSON.stringify(fileName);
  if (!(bytes instanceof Uint8Array) || bytes.length === 0) {
    throw new ExtractError('corrupt', fileName, `${name} is empty: copy or download it again`);
  }
  const startsWith = (...sig: number[]) => sig.every((b, i) => bytes[i] === b);
  if (startsWith(0x50, 0x4b, 0x03, 0x04) || startsWith(0x50, 0x4b, 0x05, 0x06)) return;
  if (startsWith(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1)) {
    throw new ExtractError(
      'old-format',
      fileName,
      `${name} is an old Word 97-2003 (.doc) file or a password-protected document: open it in Word or WPS, save it as .docx without a password, and add it again`,
    );
  }
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 1024)).toString('latin1');
  if (head.includes('%PDF-')) {
    throw new ExtractError('wrong-type', fileName, `${name} is a PDF, not a DOCX file: give it the .pdf extension`);
  }
  if (head.startsWith('{\\rtf')) {
    throw new ExtractError('wrong-type', fileName, `${name} is an RTF file: save it as .docx and add it again`);
  }
  throw new ExtractError('corrupt', fileName, `${name} is not a valid DOCX file (not a ZIP archive): download or copy it again`);
}

/**
 * A zip bomb (a small DOCX whose entries inflate to gigabytes) is refused before mammoth reads it: every entry
 * is inflated once as a stream and its bytes counted, stopping as soon as the total passes the limit. The sizes
 * the zip declares are compared first (a cheap refusal) but not trusted: yauzl fails an entry that inflates past
 * its declared size.
 */
async function checkInflatedSize(bytes: Uint8Array, fileName: string, limits: Pick<InputLimits, 'docxMaxInflatedBytes' | 'docxMaxEntries'>): Promise<void> {
  const name = JSON.stringify(fileName);
  const max = limits.docxMaxInflatedBytes;
  const tooBig = (what: string) =>
    new ExtractError('limit', fileName, `${name} ${what}, more than the ${Math.round(max / 1048576)} MB allowed (DOCX_MAX_INFLATED_MB): it is probably not a plain report; save it again from Word or WPS, or raise DOCX_MAX_INFLATED_MB`);
  const damaged = (err: unknown) =>
    new ExtractError('corrupt', fileName, `${name} is damaged and cannot be read (${err instanceof Error ? err.message : String(err)}): download or copy it again`, { cause: err });
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.fromBuffer(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), { lazyEntries: true, validateEntrySizes: true }, (err, z) => (err || !z ? reject(damaged(err)) : resolve(z))),
  );
  // A DOCX holds a few dozen parts; thousands of entries is a bomb of another kind.
  if (zip.entryCount > limits.docxMaxEntries) {
    zip.close();
    throw new ExtractError('limit', fileName, `${name} holds ${zip.entryCount} parts, more than the ${limits.docxMaxEntries} a document has: save it again from Word or WPS`);
  }
  let declared = 0;
  let inflated = 0;
  await new Promise<void>((resolve, reject) => {
    let failed = false;
    const fail = (err: Error) => {
      if (failed) return;
      failed = true;
      zip.close();
      reject(err);
    };
    zip.on('error', (err: Error) => fail(damaged(err)));
    zip.on('end', () => resolve());
    zip.on('entry', (entry: yauzl.Entry) => {
      if (entry.fileName.endsWith('/')) return zip.readEntry();
      declared += entry.uncompressedSize;
      if (declared > max) return fail(tooBig(`says it expands to ${Math.round(declared / 1048576)} MB`));
      zip.openReadStream(entry, (err, stream) => {
        if (err || !stream) return fail(damaged(err));
        stream.on('data', (chunk: Buffer) => {
          inflated += chunk.length;
          if (inflated > max) {
            stream.destroy();
            fail(tooBig(`expands to more than ${Math.round(max / 1048576)} MB`));
          }
        });
        stream.on('error', (e: Error) => fail(damaged(e)));
        stream.on('end', () => zip.readEntry());
      });
    });
    zip.readEntry();
  });
}

/** The visual lines of one paragraph: its text split at soft line breaks, trimmed, empty ones dropped. */
function paragraphLines(p: DocNode): string[] {
  const parts: string[] = [''];
  const walk = (node: DocNode) => {
    switch (node.type) {
      case 'text':
        parts[parts.length - 1] += node.value ?? '';
        return;
      case 'tab':
        parts[parts.length - 1] += ' ';
        return;
      case 'break':
        if (node.breakType === 'line' || node.breakType === undefined) parts.push('');
        return;
      case 'noteReference':
      case 'commentReference':
      case 'comment':
      case 'note':
      case 'image':
      case 'checkbox':
        return;
      default:
        for (const child of node.children ?? []) walk(child);
    }
  };
  for (const child of p.children ?? []) walk(child);
  return parts.map((t) => t.replace(/\s+/gu, (ws) => (ws.includes('\n') ? ' ' : ws)).trim()).filter((t) => t !== '');
}

/** All lines of the paragraphs (and nested tables) inside a table cell. */
function blockTexts(nodes: DocNode[]): string[] {
  const out: string[] = [];
  for (const node of nodes) {
    if (node.type === 'paragraph') out.push(...paragraphLines(node));
    else if (node.children) out.push(...blockTexts(node.children));
  }
  return out;
}

const CJK_RE = /[\u2E80-\u9FFF\uF900-\uFAFF\uFF00-\uFFEF\u3000-\u303F]/u;

/** Joins pieces of one logical line: no space between CJK text, one space between Latin words. */
function joinCjk(pieces: string[]): string {
  let out = '';
  for (const piece of pieces) {
    if (!out) out = piece;
    else if (CJK_RE.test(out.at(-1) ?? '') || CJK_RE.test(piece[0] ?? '')) out += piece;
    else out += ` ${piece}`;
  }
  return out;
}

function countImages(node: DocNode): number {
  if (node.type === 'image') return 1;
  return (node.children ?? []).reduce((n, c) => n + countImages(c), 0);
}
