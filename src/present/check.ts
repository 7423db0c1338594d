// A checked draft and a comparison, as Telegram HTML cards, terminal text and the stable JSON of `check --json`
// and `compare --json` (documented in README; keep the shapes exactly).
import type { CompareRow, Comparison } from '../check/compare.js';
import type { CheckResult, Claim, Verdict } from '../check/index.js';
import type { Source } from '../types.js';
import { escapeHtml, sourceLine, TELEGRAM_TEXT_LIMIT } from './telegram.js';
import { sourceFull } from './citation.js';
import { type TextStyle, PLAIN } from './text.js';

/** A chat card lists at most this many claims; the rest are named in a note. */
export const MAX_CLAIMS_PER_CARD = 30;

const MARK: Record<Verdict, string> = { supported: '✅', contradicted: '❌', unverified: '❓' };
/** How a figure's period reads: a result or a target. */
export const PERIOD = { result: '结果', target: '目标' } as const;

export interface CheckJson {
  text: string;
  claims: { sentence: string; figure: string; verdict: Verdict; reportFigure: string | null; quote: string | null; source: Source | null }[];
}

export function checkToJson(result: CheckResult): CheckJson {
  return {
    text: result.text,
    claims: result.claims.map((c) => ({
      sentence: c.sentence,
      figure: c.figure,
      verdict: c.verdict,
      reportFigure: c.reportFigure,
      quote: c.quote,
      source: c.source ? { ...c.source } : null,
    })),
  };
}

export interface CompareJson {
  indicator: string;
  rows: { place: string | null; year: number | null; period: CompareRow['period']; figure: string; value: number; unit: string; quote: string; source: Source }[];
}

export function compareToJson(c: Comparison): CompareJson {
  return {
    indicator: c.indicator,
    rows: c.rows.map(({ place, year, period, figure, value, unit, quote, source }) => ({ place, year, period, figure, value, unit, quote, source: { ...source } })),
  };
}

const where = (c: Pick<Claim, 'place' | 'year'>) => [c.place, c.year === null ? null : `${c.year}年`].filter(Boolean).join(' ');

function claimBlock(c: Claim): string {
  const about = escapeHtml([c.indicator, where(c)].filter(Boolean).join(' · '));
  const head =
    c.verdict === 'contradicted'
      ? `${MARK[c.verdict]} ${escapeHtml(c.figure)} → 报告为 <b>${escapeHtml(c.reportFigure ?? '')}</b>`
      : c.verdict === 'supported'
        ? `${MARK[c.verdict]} <b>${escapeHtml(c.figure)}</b> 与报告一致`
        : `${MARK[c.verdict]} ${escapeHtml(c.figure)} 报告中没有找到`;
  const lines = [`${head}${about ? `（${about}）` : ''}`];
  if (c.quote && c.source) lines.push(`<blockquote>${escapeHtml(c.quote)}</blockquote>`, `<i>${sourceLine(c.source)}</i>`);
  return lines.join('\n');
}

/**
 * The check card: a summary line, then one block per claim (at most MAX_CLAIMS_PER_CARD), split into as many
 * messages as needed so each stays under Telegram's 4096 characters.
 */
export function renderCheckCards(result: CheckResult, limit = TELEGRAM_TEXT_LIMIT, total = result.claims.length): string[] {
  const { claims } = result;
  if (claims.length === 0) return ['这段文字里没有找到可核对的数字（数字要带单位，例如 6725人、16.1%、21.98亿元）。'];
  const count = (v: Verdict) => claims.filter((c) => c.verdict === v).length;
  const summary = `<b>核对了 ${Math.min(claims.length, MAX_CLAIMS_PER_CARD)} 个数字</b>：✅ 一致 ${count('supported')} · ❌ 不一致 ${count('contradicted')} · ❓ 报告中没有 ${count('unverified')}`;
  const blocks = claims.slice(0, MAX_CLAIMS_PER_CARD).map(claimBlock);
  if (Math.max(total, claims.length) > MAX_CLAIMS_PER_CARD) {
    blocks.push(`<i>这段文字共有 ${Math.max(total, claims.length)} 个数字，这里只核对了前 ${MAX_CLAIMS_PER_CARD} 个。请把其余部分分段发送。</i>`);
  }
  const messages: string[] = [];
  let current = summary;
  for (const block of blocks) {
    if (current.length + 2 + block.length > limit) {
      messages.push(current);
      current = block;
    } else current += `\n\n${block}`;
  }
  messages.push(current);
  return messages;
}

/** A checked draft as terminal text. */
export function renderCheckText(result: CheckResult, style: TextStyle = PLAIN): string {
  if (result.claims.length === 0) return '这段文字里没有找到可核对的数字（数字要带单位，例如 6725人、16.1%）。';
  return result.claims
    .map((c) => {
      const about = [c.indicator, where(c)].filter(Boolean).join(' · ');
      const head =
        c.verdict === 'contradicted' ? `${MARK[c.verdict]} ${c.figure} → 报告为 ${style.mark(c.reportFigure ?? '')}`
        : c.verdict === 'supported' ? `${MARK[c.verdict]} ${style.mark(c.figure)} 与报告一致`
        : `${MARK[c.verdict]} ${c.figure} 报告中没有找到`;
      const lines = [`${head}${about ? `（${about}）` : ''}`];
      if (c.quote && c.source) lines.push(`   “${c.quote}”`, `   ${sourceFull(c.source)}`);
      return lines.join('\n');
    })
    .join('\n');
}

/** A comparison as terminal text. */
export function renderCompareText(c: Comparison, style: TextStyle = PLAIN): string {
  if (c.rows.length === 0) return `报告中没有找到“${c.indicator}”的数字，无法对比。`;
  return [
    `${c.indicator}：`,
    ...c.rows.map((r) => `${[r.place ?? '（地方不明）', r.year === null ? '' : `${r.year}年`, PERIOD[r.period]].filter(Boolean).join(' · ')}：${style.mark(r.figure)}\n   “${r.quote}”\n   ${sourceFull(r.source)}`),
  ].join('\n');
}
