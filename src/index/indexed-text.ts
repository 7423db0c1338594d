// What a passage is indexed under: shared by the build (embedding, BM25) and by search (BM25, coverage), so
// both read the same text. Part of the pipeline fingerprint (src/index/build.ts).
import type { Passage } from '../types.js';

/**
 * The text a passage is indexed under. Short passages (statistics cards such as "21.98亿元 较2022年15.22亿元")
 * mean nothing without their heading, so the heading is indexed with them; longer ones stand on their own
 * (headings in newspaper PDFs are often placed far from the text they belong to).
 */
export function indexedText(p: Passage): string {
  const district = p.source.district ?? '';
  const section = p.section && Array.from(p.text).length < 60 && !p.text.includes(`${p.section}：`) ? `${p.section}：` : '';
  return `${district} ${section}${p.text}`.trim();
}
