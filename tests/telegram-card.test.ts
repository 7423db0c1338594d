// The Telegram card renderer (src/present/telegram.ts): escaping, bold figures, length limit, not-found text.
import { describe, expect, it } from 'vitest';
import { splitSentences } from '../src/passages/sentences.js';
import {
  boldFigures,
  cutAtSentence,
  escapeHtml,
  headline,
  paragraphsOf,
  quoteSentences,
  renderAnswerCard,
  renderContextCard,
  renderInlineArticle,
  renderNotFoundCard,
  shortQuote,
  sourceLine,
  TELEGRAM_TEXT_LIMIT,
} from '../src/present/telegram.js';
import type { Answer, Passage, SearchResult, Source } from '../src/types.js';
import { assertWellFormedHtml } from './helpers/html.js';

const source: Source = { file: '000_be770faa11c46e25.txt', title: '城中区：开好局启新程走在前作表率', district: '城中区', year: 2024, paragraph: 4, lines: [26, 37] };

function result(over: Partial<SearchResult> = {}): SearchResult {
  const highlight = over.highlight ?? '全年城镇新增就业6725人，农村劳动力转移就业7152人次，全体居民人均可支配收入43269元，同比增长3.9%。';
  const keyFigure = { figure: '6725人', clause: '全年城镇新增就业', year: 2023 };
  return { rank: 1, score: 1, text: highlight, highlight, figures: ['6725人', '7152人次', '43269元', '3.9%'], keyFigure, section: null, passageId: 2, source, ...over };
}

function answer(results: SearchResult[], over: Partial<Answer> = {}): Answer {
  return {
    query: '城中区去年城镇新增就业多少人？',
    found: results.length > 0,
    results,
    understood: { normalized: '', district: '城中区', uncoveredPlace: null, year: { relative: -1 }, wantsFigure: true, terms: [], concepts: [] },
    tookMs: 3,
    ...over,
  };
}

describe('escaping', () => {
  it('escapes &, < and > and nothing else', () => {
    expect(escapeHtml('<b>A&B</b> "q" \'s\'')).toBe('&lt;b&gt;A&amp;B&lt;/b&gt; "q" \'s\'');
  });

  it('escapes every piece of report text in a card: quote, title, figures, query', () => {
    const hostile: Source = { ...source, title: '<script>alert(1)</script> & <b>', file: 'a<b>.txt' };
    const r = result({ highlight: '收入<b>增长</b>&达到 5<6 的 100元 *bold* _x_ [l](u)。', figures: ['100元'], source: hostile });
    const html = renderAnswerCard(answer([r], { query: '<i>&amp; 问题 *md*' }), { perPage: 3 });
    assertWellFormedHtml(html);
    expect(html).toContain('&lt;script&gt;');
    expect(html).toContain('&lt;b&gt;增长&lt;/b&gt;&amp;达到 5&lt;6');
    expect(html).toContain('<b>100元</b>');
    expect(html).toContain('&lt;i&gt;&amp;amp; 问题 *md*');
  });
});

describe('bold figures', () => {
  it('bolds each figure, longest first, without nesting', () => {
    expect(boldFigures('发放优抚资金4500余万元，另有4500元。', ['4500元', '4500余万元'])).toBe('发放优抚资金<b>4500余万元</b>，另有<b>4500元</b>。');
  });

  it('matches figures found in whitespace-free text inside spaced text', () => {
    expect(boldFigures('分配公租房 248 套。', ['248套'])).toBe('分配公租房 <b>248 套</b>。');
  });

  it('treats regex characters in figures literally', () => {
    expect(boldFigures('增长(3.9%)或3x9%', ['3.9%'])).toBe('增长(<b>3.9%</b>)或3x9%');
  });

  it('the same figures again (their pattern remembered) bold the same, whatever was matched before', () => {
    const long = `${'城乡居民收入稳步增长，'.repeat(12)}城镇新增就业6725人，${'各项工作扎实推进，'.repeat(12)}`;
    const first = [boldFigures('城镇新增就业6725人。', ['6725人']), shortQuote(long, ['6725人'])];
    expect(first[0]).toBe('城镇新增就业<b>6725人</b>。');
    expect(first[1]).toContain('6725人');
    // Again, and after the pattern was used on a longer text: no match position carried over.
    expect([boldFigures('城镇新增就业6725人。', ['6725人']), shortQuote(long, ['6725人'])]).toEqual(first);
    expect(boldFigures('6725人，又6725人', ['6725人'])).toBe('<b>6725人</b>，又<b>6725人</b>');
    expect(boldFigures('没有数字', [])).toBe('没有数字');
  });
});

describe('answer card', () => {
  it('starts with the best figure, its district, year and context', () => {
    const html = renderAnswerCard(answer([result()]), { perPage: 3 });
    expect(html.split('\n')[0]).toBe('<b>6725人</b> · 城中区 · 2023年 · 据2024年报告 · 全年城镇新增就业');
    assertWellFormedHtml(html);
  });

  it("prefers the engine's keyFigure for the first line", () => {
    const r = result({ keyFigure: { figure: '43269元', clause: '全体居民人均可支配收入', year: 2023 } });
    expect(headline(answer([r]))).toBe('<b>43269元</b> · 城中区 · 2023年 · 据2024年报告 · 全体居民人均可支配收入');
  });

  it('has no figure line when the top highlight has no figure', () => {
    const html = renderAnswerCard(answer([result({ highlight: '坚持稳就业、促增收。', figures: [], keyFigure: undefined })]), { perPage: 3 });
    expect(html.startsWith('🔎')).toBe(true);
  });

  it('quotes verbatim with figures in bold and the source in words (file and lines are behind 原文)', () => {
    const html = renderAnswerCard(answer([result()]), { perPage: 3 });
    expect(html).toContain('<blockquote>1. 全年城镇新增就业<b>6725人</b>，农村劳动力转移就业<b>7152人次</b>');
    expect(html).toContain('📄 《城中区：开好局启新程走在前作表率》 · 城中区 · 2024年报告\n');
    expect(html).not.toContain('000_be770faa11c46e25.txt');
    const withSection = renderAnswerCard(answer([result({ sectionPath: ['一、2023年工作回顾', '（二）坚持稳就业、促增收'], source: { ...result().source, page: 3 } })]), { perPage: 3 });
    expect(withSection).toContain('📄 《城中区：开好局启新程走在前作表率》 · 城中区 · 2024年报告 · （二）坚持稳就业、促增收 · 第3页');
  });

  it('shows one page of results, numbered across pages, with a page footer', () => {
    const rs = Array.from({ length: 7 }, (_, i) => result({ rank: i + 1, passageId: i, highlight: `第${i + 1}条，新增就业${i + 1}00人。`, figures: [`${i + 1}00人`] }));
    const p1 = renderAnswerCard(answer(rs), { page: 1, perPage: 3 });
    expect(p1).toContain('<blockquote>4. ');
    expect(p1).toContain('<blockquote>6. ');
    expect(p1).not.toContain('<blockquote>7. ');
    expect(p1).toContain('第2/3页');
    expect(renderAnswerCard(answer(rs), { page: 99, perPage: 3 })).toContain('<blockquote>7. ');
  });

  it('never exceeds 4096 characters, even with huge hostile passages', () => {
    const huge = '这是一个很长的句子，包含&符号和<标签>。'.repeat(400);
    const rs = Array.from({ length: 10 }, (_, i) => result({ rank: i + 1, highlight: huge, text: huge, figures: [] }));
    const html = renderAnswerCard(answer(rs, { query: '&'.repeat(4096) }), { perPage: 10, scopeLabel: '<城中区>' });
    expect(html.length).toBeLessThanOrEqual(TELEGRAM_TEXT_LIMIT);
    assertWellFormedHtml(html);
  });

  it('falls back to the not-found card for an empty answer', () => {
    expect(renderAnswerCard(answer([], { found: false, reason: 'x' }), { perPage: 3 })).toContain('没有找到');
  });
});

describe('not-found card', () => {
  it('says so, gives the reason, suggests rephrasing, and quotes nothing', () => {
    const html = renderNotFoundCard({ query: '湟源县2023年固定资产投资增长多少？', reason: '已收录的报告不包括湟源县。' }, { scopeLabel: '城西区' });
    expect(html).toContain('没有找到能回答这个问题的原文');
    expect(html).toContain('已收录的报告不包括湟源县。');
    expect(html).toContain('换个问法');
    expect(html).toContain('/district 全部');
    expect(html).not.toContain('<blockquote>');
    assertWellFormedHtml(html);
  });
});

describe('cutting', () => {
  it('cuts quotes at line breaks but not at "…", unlike passages (same splitter, its own punctuation)', () => {
    const text = '第一段完成了。\n第二段……还在继续”；最后';
    expect(quoteSentences(text)).toEqual(['第一段完成了。\n', '第二段……还在继续”；', '最后']);
    expect(splitSentences(text).map((s) => s.text)).toEqual(['第一段完成了。', '\n第二段……', '还在继续”；', '最后']);
    expect(quoteSentences(text).join('')).toBe(text);
  });

  it('cuts at a sentence boundary and marks the cut', () => {
    expect(cutAtSentence('第一句。第二句很长很长。第三句。', 8, { measure: (s) => s.length })).toBe('第一句。…');
    expect(cutAtSentence('第一句。第二句。第三句。', 8, { from: 'end', measure: (s) => s.length })).toBe('…第三句。');
  });

  it('falls back to clauses, then characters, and never splits an emoji', () => {
    expect(cutAtSentence('甲乙丙，丁戊己，庚辛壬。', 9, { measure: (s) => s.length })).toBe('甲乙丙，丁戊己，…');
    const cut = cutAtSentence('😀'.repeat(10), 5, { measure: (s) => s.length });
    expect(cut).toBe('😀😀…');
  });

  it('measures escaped length by default', () => {
    const cut = cutAtSentence('&&&&。&&&&。', 30);
    expect(escapeHtml(cut).length).toBeLessThanOrEqual(30);
    expect(cut).toBe('&&&&。…');
  });

  it('keeps a long quote short, around its figure', () => {
    const long = '前面的话很多很多，'.repeat(30) + '全年城镇新增就业6725人，' + '后面的话也很多，'.repeat(30) + '。';
    const q = shortQuote(long, ['6725人'], 120);
    expect(q).toContain('全年城镇新增就业6725人');
    expect(q.startsWith('…') && q.endsWith('…')).toBe(true);
    expect(q.length).toBeLessThanOrEqual(120);
    expect(long).toContain(q.slice(1, -1)); // verbatim
  });
});

describe('source line', () => {
  it('includes the page for paginated formats', () => {
    expect(sourceLine({ ...source, page: 3, lines: [5, 5] })).toContain('第3页 · 000_be770faa11c46e25.txt 第5行');
  });
});

describe('context card', () => {
  const p = (id: number, paragraph: number, sentences: string[]): Passage => ({
    id,
    text: sentences.join(''),
    sentences,
    section: null,
    source: { ...source, paragraph, lines: [paragraph * 10, paragraph * 10 + 5] },
  });

  it('merges passages into whole paragraphs, showing overlaps once', () => {
    const paras = paragraphsOf([p(1, 3, ['甲。', '乙。']), p(2, 3, ['乙。', '丙。']), p(3, 4, ['丁。'])]);
    expect(paras.map((x) => x.text)).toEqual(['甲。乙。丙。', '丁。']);
    expect(paras[0]!.passageIds).toEqual([1, 2]);
  });

  it('shows the paragraph with its neighbours and bolds the highlight', () => {
    const html = renderContextCard([p(1, 3, ['前一段。']), p(2, 4, ['本段开头。', '关键句<&>。']), p(3, 5, ['后一段。'])], 2, { highlight: '关键句<&>。' });
    assertWellFormedHtml(html);
    expect(html).toContain('<i>第3段</i>\n前一段。');
    expect(html).toContain('<blockquote>本段开头。<b>关键句&lt;&amp;&gt;。</b></blockquote>');
    expect(html).toContain('第5段');
    expect(html).toContain('第30–55行');
  });

  it('stays under the limit by trimming neighbours first', () => {
    const long = Array.from({ length: 300 }, (_, i) => `第${i}句话。`);
    const html = renderContextCard([p(1, 3, long), p(2, 4, ['中心段落。']), p(3, 5, long)], 2);
    expect(html.length).toBeLessThanOrEqual(TELEGRAM_TEXT_LIMIT);
    expect(html).toContain('中心段落。');
    expect(html).toMatch(/<i>第3段<\/i>\n…第\d+句话。.*第299句话。\n/); // the paragraph before keeps its end
    expect(html).toMatch(/<i>第5段<\/i>\n第0句话。.*句话。…$/); // the one after keeps its beginning
    assertWellFormedHtml(html);
  });
});

describe('inline article', () => {
  it('titles with the figure and district, describes with the quote, sends quote plus source', () => {
    const a = renderInlineArticle(result());
    expect(a.title).toBe('6725人 · 城中区 · 2024年报告');
    expect(a.description).toContain('全年城镇新增就业6725人');
    expect(a.messageHtml).toContain('<b>6725人</b>');
    expect(a.messageHtml).toContain('000_be770faa11c46e25.txt 第26–37行');
    assertWellFormedHtml(a.messageHtml);
  });
});

describe('citation', () => {
  it('is 据《title》，“the highlight”, PDF line breaks inside Chinese removed, the same in ask --json', async () => {
    const { citation } = await import('../src/present/citation.js');
    const { toJson } = await import('../src/present/json.js');
    const r = result({ highlight: '完成地区生产总值 3270308万元\n规模以上工业总产值。' });
    expect(citation(r)).toBe('据《城中区：开好局启新程走在前作表率》，“完成地区生产总值3270308万元规模以上工业总产值。”');
    expect(toJson(answer([r])).results[0]!.citation).toBe(citation(r));
  });
});
