// Rankings and series as a photo caption (Telegram HTML, at most 1024 characters), terminal text and JSON; each
// row's source and ready citation behind its button (rowCitation).
import type { CompareRow } from '../check/compare.js';
import type { Ranking, Series, SeriesRow } from '../check/rank.js';
import { PERIOD } from './check.js';
import { citation, sourceInWords } from './citation.js';
import { escapeHtml } from './telegram.js';

/** Telegram's limit for a photo caption. */
const CAPTION_LIMIT = 1024;

const year = (y: number | null) => (y === null ? '' : `${y}年`);
/** "327.03亿元（原文3270308万元）" when the table's unit changed how the figure reads. */
const shownWithOriginal = (shown: string, figure: string) => (shown === figure ? shown : `${shown}（原文${figure}）`);

function fit(lines: string[], limit: number): string {
  let out = '';
  for (const l of lines) {
    if (out.length + l.length + 1 > limit - 12) return `${out}\n……其余从略`;
    out = out ? `${out}\n${l}` : l;
  }
  return out;
}

function rankingLines(r: Ranking, bold: (s: string) => string, esc: (s: string) => string): string[] {
  const what = `${r.indicator} · 各地${PERIOD[r.period]}${r.ascending ? '（从少到多）' : '排名'}（单位：${r.unit.unit || '原文单位'}）`;
  const lines = [bold(esc(what))];
  if (r.mixedYears) {
    const byYear = new Map<string, string[]>();
    for (const row of r.rows) byYear.set(year(row.year), [...(byYear.get(year(row.year)) ?? []), row.place ?? '地方不明']);
    lines.push(esc(`⚠️ 各地最新年份不同，各取其最新一年：${[...byYear].map(([y, ps]) => `${ps.join('、')}${y}`).join('；')}`));
  }
  for (const row of r.rows) {
    lines.push(`${row.rank}. ${esc(`${row.place ?? '地方不明'} ${year(row.year)}`)} ${bold(esc(shownWithOriginal(row.shown, row.figure)))}${row.behind ? esc(`（${row.behind}）`) : ''}`);
  }
  if (r.rows.length > 1) lines.push(esc(`${r.ascending ? '最少' : '最多'}：${r.rows[0]!.place ?? '地方不明'}。`));
  for (const row of r.unranked) lines.push(esc(`未列入：${row.place ?? '地方不明'}（报告只给出${year(row.year)}${PERIOD[row.period]}：${row.figure}）`));
  return lines;
}

function seriesCell(row: SeriesRow): string {
  const cells = [row.result ? `结果 ${shownWithOriginal(row.result.shown, row.result.figure)}` : null, row.target ? `目标 ${shownWithOriginal(row.target.shown, row.target.figure)}` : null].filter(Boolean);
  return cells.length > 0 ? cells.join(' · ') : '报告中没有';
}

function seriesLines(s: Series, bold: (s: string) => string, esc: (s: string) => string): string[] {
  const span = s.rows.length > 0 ? `${s.rows[0]!.year}–${s.rows.at(-1)!.year}年，` : '';
  const lines = [bold(esc(`${s.place} · ${s.indicator}`)) + esc(`（${span}单位：${s.unit.unit || '原文单位'}）`)];
  for (const row of s.rows) lines.push(`${esc(`${row.year}年：`)}${row.result || row.target ? bold(esc(seriesCell(row))) : esc(seriesCell(row))}`);
  if (s.missing.length > 0) lines.push(esc(`缺少的年份：${s.missing.map((y) => `${y}年`).join('、')}（已收录的${s.place}报告没有这些年份的数字）`));
  return lines;
}

const html = { bold: (s: string) => `<b>${s}</b>`, esc: escapeHtml };
const plain = { bold: (s: string) => s, esc: (s: string) => s };

/** The photo caption of a ranking: one line per place, ranked, in one unit; buttons carry each row's source. */
export const rankingCaption = (r: Ranking) => fit([...rankingLines(r, html.bold, html.esc), '<i>点下面的按钮看每一行的出处和引用句。</i>'], CAPTION_LIMIT);
export const seriesCaption = (s: Series) => fit([...seriesLines(s, html.bold, html.esc), '<i>点下面的按钮看每一行的出处和引用句。</i>'], CAPTION_LIMIT);

/** The rows behind a ranking's buttons (its ranked rows, then those it names but leaves out) and a series', in the caption's order. */
export const rankingRows = (r: Ranking): CompareRow[] => [...r.rows, ...r.unranked];
export const seriesRows = (s: Series): CompareRow[] => s.rows.flatMap((r) => [r.result, r.target]).filter((x): x is NonNullable<typeof x> => x !== null);

/** A button's label for a row: "1 城西区 2022年" / "2023年 结果". */
export const rowLabel = (row: CompareRow, i: number, bySeries = false) =>
  bySeries ? `📄 ${year(row.year)}${PERIOD[row.period]}` : `📄 ${i + 1} ${row.place ?? ''}`.trim();

/** What a row's button sends: the figure, its verbatim quote, its source in words, and the sentence to paste. */
export function rowCitation(row: CompareRow): string {
  return [
    `${row.place ?? '地方不明'} ${year(row.year)}${PERIOD[row.period]}：${row.figure}`,
    `“${row.quote}”`,
    `📄 ${sourceInWords(row.source)}`,
    '',
    citation({ highlight: row.quote, source: row.source }),
  ].join('\n');
}

export const renderRankingText = (r: Ranking) =>
  [...rankingLines(r, plain.bold, plain.esc), ...r.rows.map((row) => `   ${row.rank}. 出处：${sourceInWords(row.source)}`)].join('\n');
export const renderSeriesText = (s: Series) => [...seriesLines(s, plain.bold, plain.esc), ...seriesRows(s).map((row) => `   ${year(row.year)}${PERIOD[row.period]} 出处：${sourceInWords(row.source)}`)].join('\n');
