// Citations a reporter can paste: the source in words (《title》 · place · year · section · page) and a ready
// sentence, 据《title》，“verbatim sentence”. Pure functions shared by Telegram, the terminal and `ask --json`.
import type { SearchResult, Source } from '../types.js';

/** Long titles and section headings wrap on a phone: cut, marked with "…". */
const TITLE_LIMIT = 30;
const SECTION_LIMIT = 16;
/** Said next to the source of a passage read from a scan by OCR. */
const OCR_NOTE = '扫描件识别，数字请与原件核对';

const cut = (s: string, max: number) => ([...s].length > max ? [...s].slice(0, max).join('') + '…' : s);

/** Line breaks of a PDF inside a Chinese sentence are not part of it ("完成地区生产总值 3270308万元"). */
const tidy = (s: string) => s.trim().replace(/\s+(?=[^\x00-\xff])|(?<=[^\x00-\xff])\s+/g, '');

/** The heading a passage sits under, innermost first (its numbered path, else its section). */
function sectionOf(r: Pick<SearchResult, 'section' | 'sectionPath'>): string | null {
  const s = r.sectionPath?.at(-1) ?? r.section;
  return s ? tidy(s) : null;
}

/** 《title》 · place · 2024年报告 · section · 第3页: where a passage is, in words (file and lines are behind 原文). */
export function sourceInWords(source: Source, where: Pick<SearchResult, 'section' | 'sectionPath'> = { section: null }): string {
  const found = sectionOf(where);
  // A report without headings has its title as the section of its first passages: said once.
  const section = found && found !== tidy(source.title) ? found : null;
  return [
    `《${cut(tidy(source.title), TITLE_LIMIT)}》`,
    source.district,
    source.year === null ? null : `${source.year}年报告`,
    section ? cut(section, SECTION_LIMIT) : null,
    source.page === undefined ? null : `第${source.page}页`,
    source.ocr ? OCR_NOTE : null,
  ]
    .filter((p): p is string => p !== null && p !== '')
    .join(' · ');
}

/** 第5行, 第5–7行: the lines of a passage in its file. */
export const lineRange = ([a, b]: [number, number]) => (a === b ? `第${a}行` : `第${a}–${b}行`);

/** The file and its lines: 2024-chengzhong.txt 第5–7行 (where to open the original). */
export const fileLines = (source: Pick<Source, 'file' | 'lines'>) => `${source.file} ${lineRange(source.lines)}`;

/**
 * Where a passage is, in full, plain text: 《title》 · place · 2024年报告 · 第3段 · 第2页 · file 第5–7行 (· the
 * OCR note). The one source line of the 原文 card, the check card, an inline answer and the terminal; a title
 * longer than `titleLimit` is cut (a phone's line).
 */
export function sourceFull(source: Source, titleLimit = Infinity): string {
  return [
    `《${cut(source.title, titleLimit)}》`,
    source.district,
    source.year === null ? null : `${source.year}年报告`,
    `第${source.paragraph}段`,
    source.page === undefined ? null : `第${source.page}页`,
    fileLines(source),
    source.ocr ? OCR_NOTE : null,
  ]
    .filter((p): p is string => p !== null && p !== '')
    .join(' · ');
}

/** A sentence to paste into an article: 据《title》，“verbatim sentence”. */
export function citation(r: Pick<SearchResult, 'highlight' | 'source'>): string {
  return `据《${tidy(r.source.title)}》，“${tidy(r.highlight)}”`;
}
