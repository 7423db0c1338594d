// A web page saved from a government site -> text lines: the page's text in reading order, one line per block
// element (node-html-parser), headings marked as Markdown headings so they stay headings. Scripts, styles and
// navigation elements go; breadcrumb, metadata and footer lines left in the text are dropped by src/clean.
import { parse } from 'node-html-parser';

const NOT_TEXT = 'script, style, noscript, nav, header, footer, iframe, form, select, button';

export function extractHtml(html: string): string[] {
  const root = parse(html, { comment: false });
  for (const el of root.querySelectorAll(NOT_TEXT)) el.remove();
  for (const h of root.querySelectorAll('h1, h2, h3, h4, h5, h6')) {
    const text = h.text.replace(/\s+/g, ' ').trim();
    h.set_content(text ? `\n# ${text}\n` : '');
  }
  const body = root.querySelector('body') ?? root;
  return body.structuredText.split('\n').map((l) => l.trim());
}
