// Answer -> Telegram HTML. Pure functions: no grammY, no I/O, so every card can be unit-tested as a string.
//
// Rules that hold for every function here:
// - every piece of report text and user text goes through escapeHtml before it meets a tag;
// - quotes are verbatim substrings of the report; where we shorten, we cut at a sentence (or clause)
//   boundary and mark the cut with "…", never paraphrase;
// - the result of every render* function is at most TELEGRAM_TEXT_LIMIT UTF-16 code units. We measure
//   the HTML source, which is never shorter than the text Telegram counts, so the bound is safe.
import { splitAt } from '../passages/sentences.js';
import { lineRange, sourceFull, sourceInWords } from './citation.js';
import { type Answer, confidenceOf, type Passage, type SearchResult, type Source } from '../types.js';
import { remembered } from '../remember.js';

/** Telegram rejects message texts longer than this (in UTF-16 code units, after entity parsing). */
export const TELEGRAM_TEXT_LIMIT = 4096;
/** Inline-mode article descriptions are shown on one or two lines; longer ones are only noise. */
const INLINE_DESCRIPTION_LIMIT = 200;
/** Keeps a quote in the answer card "short": one sentence, or the clauses around its figure. */
const QUOTE_LIMIT = 220;
/** Echoing a hostile 4096-character question back would crowd out the answer. */
const ECHO_LIMIT = 60;

const ELLIPSIS = '…';

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const escapedLength = (s: string) => escapeHtml(s).length;

// ---------------------------------------------------------------------------------------------
// Cutting text at sentence boundaries

/** Where a quote may be cut: at sentence ends, then at clause ends; a line break ends a piece too. */
const QUOTE_SENTENCE_ENDS = '。！？!?；;\n';
const QUOTE_CLAUSE_ENDS = '，,、：:' + QUOTE_SENTENCE_ENDS;
const QUOTE_CLOSERS = '”’」』）)';

export const quoteSentences = (text: string): string[] => splitAt(text, QUOTE_SENTENCE_ENDS, QUOTE_CLOSERS).map((p) => p.text);
const splitClauses = (text: string): string[] => splitAt(text, QUOTE_CLAUSE_ENDS, QUOTE_CLOSERS).map((p) => p.text);

/** Cut by code points, never inside a surrogate pair (emoji, rare CJK). */
function hardCut(text: string, max: number, measure: (s: string) => number): string {
  let out = '';
  for (const ch of text) {
    if (measure(out + ch) > max) break;
    out += ch;
  }
  return out;
}

/**
 * Longest prefix (or suffix, with from='end') of `text` made of whole sentences whose measured size,
 * plus the "…" marking the cut, is at most `max`. Falls back to whole clauses, then to characters,
 * when even the first sentence is too long. Returns the text unchanged when it already fits.
 */
export function cutAtSentence(
  text: string,
  max: number,
  { from = 'start', measure = escapedLength }: { from?: 'start' | 'end'; measure?: (s: string) => number } = {},
): string {
  if (measure(text) <= max) return text;
  const budget = max - ELLIPSIS.length;
  if (budget <= 0) return '';
  for (const split of [quoteSentences, splitClauses]) {
    const parts = split(text);
    if (from === 'end') parts.reverse();
    let kept = '';
    for (const p of parts) {
      const next = from === 'start' ? kept + p : p + kept;
      if (measure(next) > budget) break;
      kept = next;
    }
    if (kept.length > 0) return from === 'start' ? kept + ELLIPSIS : ELLIPSIS + kept;
  }
  if (from === 'end') {
    const rev = hardCut([...text].reverse().join(''), budget, (s) => measure([...s].reverse().join('')));
    return ELLIPSIS + [...rev].reverse().join('');
  }
  return hardCut(text, budget, measure) + ELLIPSIS;
}

// ---------------------------------------------------------------------------------------------
// Figures and quotes

/**
 * The engine finds figures in the sentence with whitespace removed ("248套" in "分配公租房 248套"), so
 * match them allowing whitespace between characters.
 */
function figurePattern(figures: readonly string[]): RegExp | null {
  const source = patternSource(JSON.stringify(figures));
  // A new RegExp each time: a global one keeps its lastIndex between uses.
  return source === '' ? null : new RegExp(source, 'gu');
}

/** Each list of figures' (JSON) pattern source, remembered for the 2,000 most recent: the same answers are shown again. */
const patternSource = remembered(2000, (list: string): string => {
  const figures = JSON.parse(list) as string[];
  const wanted = [...new Set(figures.map((f) => f.replace(/\s+/g, '')).filter((f) => f.length > 0))];
  // Longest first, so "4500余万元" wins over "4500".
  wanted.sort((a, b) => b.length - a.length);
  return wanted.map((f) => [...f].map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('\\s*')).join('|');
});

/** Position of a figure in `text` (whitespace-tolerant), or -1. */
function indexOfFigure(text: string, figure: string): { at: number; length: number } | null {
  const re = figurePattern([figure]);
  const m = re ? re.exec(text) : null;
  return m ? { at: m.index, length: m[0].length } : null;
}

/** Escape `raw` and wrap every occurrence of a figure in <b>. Matches never overlap, so tags nest correctly. */
export function boldFigures(raw: string, figures: readonly string[]): string {
  const re = figurePattern(figures);
  if (!re) return escapeHtml(raw);
  let out = '';
  let last = 0;
  for (const m of raw.matchAll(re)) {
    if (m[0].length === 0) continue;
    out += escapeHtml(raw.slice(last, m.index)) + '<b>' + escapeHtml(m[0]) + '</b>';
    last = m.index + m[0].length;
  }
  return out + escapeHtml(raw.slice(last));
}

/**
 * A short verbatim quote of the highlight: the whole sentence when it is short, otherwise the clauses
 * around its first figure (or its first clauses), with "…" where it was cut.
 */
export function shortQuote(highlight: string, figures: readonly string[], max = QUOTE_LIMIT): string {
  const text = highlight.trim();
  if (escapedLength(text) <= max) return text;
  const clauses = splitClauses(text);
  const first = figures.map((f) => indexOfFigure(text, f)).find((x) => x !== null);
  let center = 0;
  if (first) {
    const at = first.at;
    let pos = 0;
    center = clauses.findIndex((c) => {
      pos += c.length;
      return pos > at;
    });
    if (center < 0) center = 0;
  }
  let lo = center;
  let hi = center;
  const render = (a: number, b: number) =>
    (a > 0 ? ELLIPSIS : '') + clauses.slice(a, b + 1).join('') + (b < clauses.length - 1 ? ELLIPSIS : '');
  if (escapedLength(render(lo, hi)) > max) {
    // One clause longer than the budget: fall back to a character cut around the figure's clause.
    return cutAtSentence(clauses[center] ?? text, max);
  }
  // Grow the window one clause at a time, preferring what follows (the figure's own object).
  for (;;) {
    const grewHi = hi + 1 < clauses.length && escapedLength(render(lo, hi + 1)) <= max;
    if (grewHi) hi += 1;
    const grewLo = lo > 0 && escapedLength(render(lo - 1, hi)) <= max;
    if (grewLo) lo -= 1;
    if (!grewHi && !grewLo) break;
  }
  return render(lo, hi);
}

/** The same indicator for several places, none of them asked for: say so rather than pick one. */
export function placesDifferText(places: string[]): string {
  return `这几条结果分别是${places.join('、')}的数字，问题没有写明地方：请看清各自出处，或在问题里写明是哪里。`;
}

/**
 * When a key figure is about, told apart from the report's year: "2023年 · 据2024年报告"; a target says so
 * ("2026年目标"); the report's year alone when the figure is of that year and no target.
 */
export function figureWhen(key: NonNullable<SearchResult['keyFigure']>, source: Source): string | null {
  const year = key.year === null ? null : `${key.year}年${key.target ? '目标' : ''}`;
  const report = source.year === null ? null : `据${source.year}年报告`;
  if (year === null) return key.target ? `目标${report ? ` · ${report}` : ''}` : report;
  return report && key.year !== source.year ? `${year} · ${report}` : year;
}

/** "<b>6725人</b> · 城中区 · 2023年 · 据2024年报告 · 全年城镇新增就业", or null when the top result has no figure. */
export function headline(answer: Answer): string | null {
  // The engine picks the figure, its clause and its year (src/search/highlight.ts); the card only lays it out.
  const top = answer.results[0];
  const key = top?.keyFigure;
  if (!answer.found || !top || !key) return null;
  const context = cutAtSentence(key.clause, 40, { measure: (x) => [...x].length });
  const rest = [top.source.district, figureWhen(key, top.source), context].filter((x) => x && x.length > 0).join(' · ');
  return `<b>${escapeHtml(key.figure)}</b>` + (rest ? ` · ${escapeHtml(rest)}` : '');
}

// ---------------------------------------------------------------------------------------------
// Source lines

/** Title, district, year, paragraph, page, file and lines (and the OCR note), escaped: citation.ts sourceFull. */
export function sourceLine(source: Source, { titleLimit = 40 }: { titleLimit?: number } = {}): string {
  return escapeHtml(sourceFull(source, titleLimit));
}

// ---------------------------------------------------------------------------------------------
// Cards

export interface CardOptions {
  /** 0-based page to show. Out-of-range pages are clamped. */
  page?: number;
  perPage: number;
  /** The chat's active restriction, e.g. "城中区", shown so a narrowed search is never a surprise. */
  scopeLabel?: string | null;
  /** A line for the footer, e.g. that an update of the index is under way (plain text, escaped here). */
  notice?: string | null;
}

export function pageCount(total: number, perPage: number): number {
  return Math.max(1, Math.ceil(total / Math.max(1, perPage)));
}

export function clampPage(page: number, total: number, perPage: number): number {
  return Math.min(Math.max(0, Math.trunc(page) || 0), pageCount(total, perPage) - 1);
}

export function pageSlice<T>(items: readonly T[], page: number, perPage: number): T[] {
  const p = clampPage(page, items.length, perPage);
  return items.slice(p * perPage, p * perPage + perPage);
}

/**
 * One result: verbatim quote with bold figures in a blockquote, then its source in words (《title》 · place ·
 * year · section · page): one line on a phone. The file and its lines are on the 原文 card.
 */
export function resultBlock(result: SearchResult, n: number, uncertain = false): string {
  const quote = shortQuote(result.highlight, result.figures);
  // An uncertain result is shown as "可能相关", its figures not bolded: nothing on the card reads as the answer.
  const body = uncertain ? `可能相关：${escapeHtml(quote)}` : boldFigures(quote, result.figures);
  return `<blockquote>${n}. ${body}</blockquote>\n📄 ${escapeHtml(sourceInWords(result.source, result))}`;
}

/** Join blocks while they fit; a block that does not fit is dropped and the omission said. */
export function fitBlocks(blocks: readonly string[], limit = TELEGRAM_TEXT_LIMIT, sep = '\n\n'): string {
  const omitted = '（内容过长，已省略部分结果）';
  let out = '';
  let dropped = false;
  for (const b of blocks) {
    const next = out.length === 0 ? b : out + sep + b;
    if (next.length + sep.length + omitted.length <= limit) out = next;
    else dropped = true;
  }
  if (dropped) out = out.length === 0 ? omitted : out + sep + omitted;
  return out.length <= limit ? out : out.slice(0, limit);
}

function echo(query: string): string {
  const q = query.replace(/\s+/g, ' ').trim();
  return escapeHtml([...q].length > ECHO_LIMIT ? [...q].slice(0, ECHO_LIMIT).join('') + ELLIPSIS : q);
}

/** The answer card for one page of an answer with results (confident, or uncertain: "可能相关"). */
export function renderAnswerCard(answer: Answer, opts: CardOptions): string {
  if (answer.results.length === 0) return renderNotFoundCard(answer, opts);
  const uncertain = confidenceOf(answer) !== 'high';
  const total = answer.results.length;
  const page = clampPage(opts.page ?? 0, total, opts.perPage);
  const pages = pageCount(total, opts.perPage);
  const blocks: string[] = [];
  const head = page === 0 && !uncertain ? headline(answer) : null;
  // Uncertain: the first page says why in words (the engine's reason), not only that it is unsure.
  const why = answer.reason ? `${escapeHtml(cutAtSentence(answer.reason, 200))}` : '下面的原文可能相关，';
  if (uncertain) blocks.push(page === 0 ? `⚠️ <b>没有找到确定的答案。</b>${why}请核对后再引用。` : `⚠️ 可能相关的原文（第${page + 1}/${pages}页）`);
  else blocks.push(head ?? (page === 0 ? '🔎 最相关的原文' : `🔎 更多原文（第${page + 1}/${pages}页）`));
  if (page === 0 && answer.understood?.readAsLabel) blocks.push(readingLine(answer.understood.readAsLabel));
  if (page === 0 && answer.placesDiffer) blocks.push(`⚠️ ${escapeHtml(placesDifferText(answer.placesDiffer))}`);
  if (page === 0 && answer.note) blocks.push(`ℹ️ ${escapeHtml(answer.note)}`);
  pageSlice(answer.results, page, opts.perPage).forEach((r, i) => blocks.push(resultBlock(r, page * opts.perPage + i + 1, uncertain)));
  const footer = [
    pages > 1 ? `第${page + 1}/${pages}页` : null,
    `问：${echo(answer.query)}`,
    opts.scopeLabel ? `限定：${escapeHtml(opts.scopeLabel)}` : null,
  ].filter(Boolean);
  blocks.push(`<i>${footer.join(' · ')}${opts.notice ? `\n${escapeHtml(opts.notice)}` : ''}</i>`);
  return fitBlocks(blocks);
}

/** How a follow-up was read, said on its card (the 按原话查 button asks it as written). */
const readingLine = (label: string) => `↪️ 按上一问理解为：${escapeHtml(label)}`;

/** Nothing found: say so, say why, suggest how to rephrase. Never quotes a passage. */
export function renderNotFoundCard(answer: Pick<Answer, 'query' | 'reason'> & { understood?: Answer['understood'] }, opts: Pick<CardOptions, 'scopeLabel' | 'notice'> = {}): string {
  const lines = ['🔍 <b>没有找到能回答这个问题的原文。</b>'];
  if (answer.understood?.readAsLabel) lines.push(readingLine(answer.understood.readAsLabel));
  if (answer.reason) lines.push(escapeHtml(cutAtSentence(answer.reason, 600)));
  if (opts.scopeLabel) {
    lines.push(`当前只在“${escapeHtml(opts.scopeLabel)}”的报告中查找；发送 /district 全部 可取消限定。`);
  }
  lines.push(
    '',
    '可以换个问法试试：',
    '• 用报告里的说法，如“城镇新增就业”“固定资产投资”“优抚资金”',
    '• 写明是哪个地方（区、县、市），发送 /district 查看已收录的地方',
    '• 写明年份：“去年”“今年”或“2023年”',
    '发送 /sources 查看已收录的报告。',
    '',
    `<i>问：${echo(answer.query)}</i>`,
  );
  if (opts.notice) lines.push(`<i>${escapeHtml(opts.notice)}</i>`);
  return fitBlocks([lines.join('\n')]);
}

// ---------------------------------------------------------------------------------------------
// Context ("原文") card

export interface ParagraphView {
  paragraph: number;
  text: string;
  lines: [number, number];
  passageIds: number[];
}

/**
 * Merge passages into whole paragraphs, in order. Consecutive passages of one paragraph may overlap by
 * whole sentences (sliding windows); the overlap is shown once.
 */
export function paragraphsOf(passages: readonly Passage[]): ParagraphView[] {
  const out: (ParagraphView & { sentences: string[] })[] = [];
  for (const p of passages) {
    const last = out[out.length - 1];
    const sentences = p.sentences.length > 0 ? p.sentences : [p.text];
    if (last && last.paragraph === p.source.paragraph) {
      let k = Math.min(last.sentences.length, sentences.length);
      while (k > 0 && last.sentences.slice(-k).join('') !== sentences.slice(0, k).join('')) k -= 1;
      last.sentences.push(...sentences.slice(k));
      last.lines = [Math.min(last.lines[0], p.source.lines[0]), Math.max(last.lines[1], p.source.lines[1])];
      last.passageIds.push(p.id);
    } else {
      out.push({ paragraph: p.source.paragraph, text: '', sentences: [...sentences], lines: [...p.source.lines], passageIds: [p.id] });
    }
  }
  return out.map(({ sentences, ...v }) => ({ ...v, text: sentences.join('') }));
}

/** Escape a paragraph and bold one sentence of it (the highlight), if present. */
function markSentence(text: string, sentence: string | undefined): string {
  const at = sentence ? text.indexOf(sentence) : -1;
  if (!sentence || at < 0) return escapeHtml(text);
  return escapeHtml(text.slice(0, at)) + '<b>' + escapeHtml(sentence) + '</b>' + escapeHtml(text.slice(at + sentence.length));
}

/**
 * The paragraph holding `centerId`, whole, with the paragraphs before and after it, as one message.
 * When it would not fit, the neighbours lose sentences first (the one before keeps its end, the one
 * after its beginning), then the center paragraph is cut at a sentence boundary.
 */
export function renderContextCard(passages: readonly Passage[], centerId: number, opts: { highlight?: string } = {}): string {
  const center = passages.find((p) => p.id === centerId);
  if (!center) return '这段原文已不在索引中，请重新提问。';
  const paras = paragraphsOf(passages.filter((p) => p.source.file === center.source.file));
  const ci = paras.findIndex((v) => v.passageIds.includes(centerId));
  const mid = paras[ci]!;
  const before = ci > 0 ? paras[ci - 1] : undefined;
  const after = paras[ci + 1];
  const s = center.source;
  const first = before ?? mid;
  const last = after ?? mid;
  const header =
    `📄 <b>原文</b> · ${escapeHtml([`《${s.title}》`, s.district, s.year === null ? null : `${s.year}年报告`].filter(Boolean).join(' · '))}\n` +
    `<i>${escapeHtml(`${s.file} ${lineRange([first.lines[0], last.lines[1]])}`)}</i>`;
  const label = (v: ParagraphView) => `<i>第${v.paragraph}段</i>\n`;

  const budget = TELEGRAM_TEXT_LIMIT - header.length - 200; // 200: labels, separators, tags
  const highlight = opts.highlight && mid.text.includes(opts.highlight) ? opts.highlight : undefined;
  // The center paragraph gets what it needs up to the whole budget; neighbours share the rest.
  let midText = mid.text;
  if (escapedLength(midText) + (highlight ? 7 : 0) > budget) midText = cutAtSentence(midText, budget - 7);
  const rest = budget - escapedLength(midText);
  const share = Math.max(0, Math.floor(rest / 2));
  const beforeText = before ? cutAtSentence(before.text, share, { from: 'end' }) : '';
  const afterText = after ? cutAtSentence(after.text, share) : '';

  const blocks = [header];
  if (before && beforeText) blocks.push(label(before) + escapeHtml(beforeText));
  blocks.push(label(mid) + `<blockquote>${markSentence(midText, highlight)}</blockquote>`);
  if (after && afterText) blocks.push(label(after) + escapeHtml(afterText));
  return fitBlocks(blocks);
}

// ---------------------------------------------------------------------------------------------
// Inline mode

export interface InlineArticle {
  /** "6725人 · 城中区": figure and district (or the start of the quote when it has no figure). */
  title: string;
  /** The quote, plain text. */
  description: string;
  /** What gets posted in the chat: the quote with bold figures, and its source (HTML). */
  messageHtml: string;
}

export function renderInlineArticle(result: SearchResult, uncertain = false): InlineArticle {
  const quote = shortQuote(result.highlight, result.figures);
  const figure = uncertain ? undefined : result.figures[0];
  const lead = uncertain ? '可能相关（无确定答案）' : figure ?? cutAtSentence(result.highlight, 30, { measure: (x) => [...x].length });
  const title = [lead, result.source.district, result.source.year === null ? null : `${result.source.year}年报告`]
    .filter(Boolean)
    .join(' · ');
  return {
    title,
    description: cutAtSentence(quote, INLINE_DESCRIPTION_LIMIT, { measure: (x) => x.length }),
    messageHtml: fitBlocks([
      `${uncertain ? '⚠️ 没有找到确定的答案，以下原文可能相关：\n' : ''}<blockquote>${uncertain ? escapeHtml(quote) : boldFigures(quote, result.figures)}</blockquote>\n📄 ${sourceLine(result.source)}`,
    ]),
  };
}
