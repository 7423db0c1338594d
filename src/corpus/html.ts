// A web page saved from a government site -> text lines: the page's text in reading order, one line per block
// element, headings marked as Markdown headings so they stay headings. Scripts, styles and navigation elements
// go; breadcrumb, metadata and footer lines left in the text are dropped by src/clean.
// htmlparser2's streaming parser: linear in the input, no tree and no recursion, so neither 80,000 unclosed tags
// nor elements nested 5,000 deep can slow it down quadratically or overflow the stack; depth and tag count are
// bounded (src/corpus/limits.ts) with a clear refusal.
import { Parser } from 'htmlparser2';
import { DEFAULT_LIMITS, type InputLimits, LimitError } from './limits.js';

const NOT_TEXT = new Set(['script', 'style', 'noscript', 'nav', 'header', 'footer', 'iframe', 'form', 'select', 'button', 'template']);
const HEADING = /^h[1-6]$/;
/** Elements that start and end a line of text. */
const BLOCK = new Set([
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hgroup', 'details', 'dialog', 'dd', 'div', 'dt', 'fieldset', 'figcaption',
  'figure', 'footer', 'form', 'table', 'td', 'tr', 'th', 'address', 'article', 'aside', 'blockquote', 'br', 'hr', 'li', 'main',
  'nav', 'ol', 'p', 'pre', 'section', 'ul', 'body', 'html', 'center', 'dl', 'caption', 'tbody', 'thead', 'tfoot',
]);

type Limits = Pick<InputLimits, 'htmlMaxDepth' | 'htmlMaxTags'>;

export function extractHtml(html: string, limits: Limits = DEFAULT_LIMITS): string[] {
  // Lines inside <body>, and all lines (a fragment without <body> is read whole).
  const body: string[] = [];
  const all: string[] = [];
  let sawBody = false;
  let inBody = 0;
  let depth = 0;
  let tags = 0;
  let hidden = 0; // inside script, style, nav…
  let inHead = 0;
  let heading: string[] | null = null;
  let block: string[] = [];
  let spaceBefore = false;
  let text = '';

  const emit = (line: string) => {
    if (!line) return;
    all.push(line);
    if (inBody > 0) body.push(line);
  };
  const endBlock = () => {
    flushText();
    if (block.length > 0) emit(block.join('').replace(/\s{2,}/g, ' ').trim());
    block = [];
    spaceBefore = false;
  };
  // One text node (htmlparser2 may deliver it in pieces): whitespace-only text only separates words.
  const flushText = () => {
    if (!text) return;
    const t = text;
    text = '';
    if (hidden > 0 || inHead > 0) return;
    if (heading) {
      heading.push(t);
      return;
    }
    if (/^\s*$/.test(t)) {
      if (block.length > 0) spaceBefore = true;
      return;
    }
    const start = t.length - t.trimStart().length;
    const end = t.trimEnd().length - 1;
    let piece = (start > 0 && /[^\S\r\n]/.test(t[start - 1]!) ? ' ' : '') + t.slice(start, end + 1) + (end < t.length - 1 && /[^\S\r\n]/.test(t[end + 1]!) ? ' ' : '');
    if (spaceBefore) {
      piece = ` ${piece}`;
      spaceBefore = false;
    }
    block.push(piece);
  };

  const parser = new Parser(
    {
      onopentag(name) {
        flushText();
        if (++tags > limits.htmlMaxTags) throw new LimitError(`the web page has more than ${limits.htmlMaxTags} tags (HTML_MAX_TAGS): save the report as text or PDF, or raise HTML_MAX_TAGS`);
        if (++depth > limits.htmlMaxDepth) throw new LimitError(`the web page nests its elements more than ${limits.htmlMaxDepth} levels deep (HTML_MAX_DEPTH): save the report as text or PDF, or raise HTML_MAX_DEPTH`);
        if (name === 'body') {
          sawBody = true;
          inBody++;
        }
        if (name === 'head' || name === 'title') inHead++;
        if (NOT_TEXT.has(name)) hidden++;
        if (BLOCK.has(name)) endBlock();
        if (HEADING.test(name) && hidden === 0 && !heading) heading = [];
      },
      ontext(t) {
        text += t;
      },
      onclosetag(name) {
        flushText();
        depth--;
        if (HEADING.test(name) && heading) {
          const h = heading.join('').replace(/\s+/g, ' ').trim();
          heading = null;
          endBlock();
          if (h) emit(`# ${h}`);
        }
        if (BLOCK.has(name)) endBlock();
        if (NOT_TEXT.has(name)) hidden--;
        if (name === 'head' || name === 'title') inHead--;
        if (name === 'body') inBody--;
      },
    },
    { decodeEntities: true, lowerCaseTags: true },
  );
  parser.write(html);
  parser.end();
  endBlock();
  return (sawBody ? body : all).flatMap((l) => l.split('\n')).map((l) => l.trim());
}
