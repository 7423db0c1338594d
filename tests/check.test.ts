// Checking drafts and comparing places: the figure parser, verdicts on the real corpus's stored figure records and
// on a fixture report of another place, the chat card through handleUpdate, hostile drafts, the CLI.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { compareIndicator } from '../src/check/compare.js';
import { readDrafts, scoreDrafts } from '../src/check/evaluate.js';
import { checkText, createFigureBook, type FigureBook } from '../src/check/index.js';
import { looksLikeDraft } from '../src/bot/features/check.js';
import { terminalChat } from '../src/bot/terminal-chat.js';
import { readReport } from '../src/corpus/load.js';
import { parseFigures, sameValue } from '../src/figures/parse.js';
import { describeFigures, extractRecords } from '../src/figures/records.js';
import { readIndex, type StoredIndex } from '../src/index/store.js';
import { segmentReport } from '../src/passages/index.js';
import { renderCheckCards } from '../src/present/check.js';
import { PLAIN } from '../src/present/text.js';
import { loadSynonyms } from '../src/search/understand.js';
import { buttons, createHarness } from './helpers/bot-harness.js';
import { createFakeEngine } from './helpers/fake-engine.js';
import { assertWellFormedHtml } from './helpers/html.js';
import { sampleConfig, sampleEnv } from './helpers/sample.js';

const one = (text: string) => {
  const [f] = parseFigures(text);
  if (!f) throw new Error(`no figure in ${text}`);
  return f;
};

describe('figure parser and normaliser', () => {
  it('scales 万/亿 into the base unit, so 3270308万元 = 327.0308亿元', () => {
    expect(one('3270308万元')).toMatchObject({ value: 32703080000, unit: '元', kind: 'amount', bound: 'exact' });
    expect(one('327.0308亿元').value).toBe(one('3270308万元').value);
    expect(one('731.2万人次')).toMatchObject({ value: 7312000, unit: '人次', kind: 'count' });
    expect(one('4.1万亩')).toMatchObject({ value: 41000, unit: '亩' });
    expect(one('1,200人').value).toBe(1200);
  });

  it('keeps 百分点 apart from %, and tells growth from share', () => {
    expect(one('占比提高了4.8个百分点')).toMatchObject({ value: 4.8, unit: '百分点', kind: 'growth' });
    expect(one('同比增长16.1%')).toMatchObject({ value: 16.1, unit: '%', kind: 'growth' });
    expect(one('覆盖率达93%')).toMatchObject({ value: 93, unit: '%', kind: 'share' });
    expect(sameValue(one('4.8%'), one('4.8个百分点'))).toBe(false);
  });

  it('reads qualifiers before, inside and after a figure', () => {
    expect(one('80%以上')).toMatchObject({ figure: '80%以上', bound: 'atLeast', qualifiers: ['以上'] });
    expect(one('4500余万元')).toMatchObject({ value: 45000000, bound: 'atLeast', qualifiers: ['余'] });
    expect(one('约327亿元')).toMatchObject({ bound: 'approx', qualifiers: ['约'] });
    expect(one('超100亿元')).toMatchObject({ bound: 'atLeast', qualifiers: ['超'] });
    expect(one('不少于6万平方米')).toMatchObject({ value: 60000, unit: '平方米', bound: 'atLeast', qualifiers: ['不少于'] });
    expect(one('增长6.5%左右')).toMatchObject({ bound: 'approx' });
    expect(sameValue(one('超4500万元'), one('4500万元以内'))).toBe(false);
  });

  it('reads Chinese numerals where reports use them, and ranks', () => {
    expect(one('三成')).toMatchObject({ value: 30, unit: '%' });
    expect(one('八个方面')).toMatchObject({ value: 8, unit: '个方面' });
    expect(one('两项')).toMatchObject({ value: 2, unit: '项' });
    expect(parseFigures('打造一个中心')).toEqual([]); // a bare 一 is not a figure
    expect(one('排名全省第3位')).toMatchObject({ value: 3, kind: 'rank' });
    expect(parseFigures('2023年1月7日')).toEqual([]); // years and dates are not figures
  });

  it('accepts rounding only with 3 significant digits or 约', () => {
    const report = one('3270308万元');
    expect(sameValue(one('327亿元'), report)).toBe(true);
    expect(sameValue(one('33亿元'), report)).toBe(false);
    expect(sameValue(one('16%'), one('16.1%'))).toBe(false);
    expect(sameValue(one('约6700人'), one('6725人'))).toBe(true);
    expect(sameValue(one('6700人'), one('6725人'))).toBe(false);
    expect(sameValue(one('6720人'), one('6725人'))).toBe(false); // trailing zeros: a changed digit as often as a rounding
  });

  it('finds the indicator within the clause, and the subject of a growth rate', () => {
    const [value, growth] = describeFigures('2023年全区旅游收入96.95亿元，同比增长67.83%。', null);
    expect(value).toMatchObject({ indicator: '旅游收入', writtenYear: 2023, period: 'result' });
    expect(growth).toMatchObject({ indicator: '旅游收入同比增长', kind: 'growth' });
    const [target] = describeFigures('今年力争地区生产总值增长6.5%左右。', null);
    expect(target).toMatchObject({ indicator: '地区生产总值增长', period: 'target', relativeYear: 0 });
    const [, base] = describeFigures('21.98亿元较2022年15.22亿元', null, '2023年全区一般公共预算支出');
    expect(base).toMatchObject({ indicator: '一般公共预算支出', writtenYear: 2022 });
  });

  it('reads a list of items followed by as many figures item by item, with or without 分别', () => {
    const indicators = (s: string) => describeFigures(s, null).map((d) => [d.figure, d.indicator, d.listed ?? false]);
    expect(indicators('改造老旧供水、燃气、供热管网500公里、320公里、180公里。')).toEqual([
      ['500公里', '改造老旧供水', true], // the verb stays with the first item
      ['320公里', '燃气', true],
      ['180公里', '供热管网', true],
    ]);
    expect(indicators('森林覆盖率、草地植被盖度分别达42.1%、57.3%。').map(([, i]) => i)).toEqual(['森林覆盖率', '草地植被盖度']);
    // Each figure after its own words is no list; nor are counts that differ.
    expect(indicators('城镇新增就业6200人、农村劳动力转移1.1万人。').map(([, , l]) => l)).toEqual([false, false]);
    expect(indicators('改造供水、燃气管网500公里。')[0]![2]).toBe(false);
  });
});

describe('verdicts on the real corpus (stored figure records)', () => {
  let index: StoredIndex;
  let book: FigureBook;
  beforeAll(async () => {
    index = await readIndex(sampleConfig().indexDir);
    book = createFigureBook(index.figures, index.allPassages(), loadSynonyms(sampleConfig().synonymsFile));
  });

  it('stores a record for every figure, with place, year, period and passage', () => {
    expect(index.figures.length).toBeGreaterThan(200);
    const r = index.figures.find((f) => f.figure === '6725人')!;
    expect(r).toMatchObject({ indicator: '城镇新增就业', place: '城中区', year: 2023, period: 'result', kind: 'count', unit: '人' });
    expect(index.passage(r.passageId)!.text).toContain('6725人');
  });

  it('a figure belongs to the place named just before it, also inside one sentence: never checked against another place', () => {
    const [first, second] = checkText(book, '城中区2023年城镇新增就业6725人，城西区城镇新增就业7000人。').claims;
    expect(first).toMatchObject({ place: '城中区', verdict: 'supported', reportFigure: '6725人' });
    expect(second!.place).toBe('城西区');
    expect(second!.source?.district ?? '城西区').toBe('城西区');
    expect(second!.reportFigure).not.toBe('6725人');
  });

  it('supported: the same value for the same indicator, place and year, after normalising units', () => {
    const [c] = checkText(book, '城中区2023年地区生产总值达到327.0308亿元。').claims;
    expect(c).toMatchObject({ verdict: 'supported', reportFigure: '3270308万元' });
    expect(c!.quote).toContain('3270308万元');
  });

  it('contradicted: another value for it, citing the report', () => {
    const [c] = checkText(book, '城中区去年城镇新增就业6752人。').claims;
    expect(c).toMatchObject({ verdict: 'contradicted', reportFigure: '6725人', year: 2023 });
    expect(c!.source?.file).toBe('000_be770faa11c46e25.txt');
  });

  it('unverified: nothing reported for it; a number that appears elsewhere never supports', () => {
    expect(checkText(book, '城中区2023年新建5G基站320个。').claims[0]).toMatchObject({ verdict: 'unverified', quote: null, source: null });
    // 6725人 is in the reports, but as 城镇新增就业 of 城中区, not as anything of 城西区.
    expect(checkText(book, '城西区2022年引进人才6725人。').claims[0]!.verdict).toBe('unverified');
    // A target is not a result: 城西区's 2023 target for GDP growth, written as a result, is not backed.
    expect(checkText(book, '城西区2023年地区生产总值增长7%。').claims[0]!.verdict).not.toBe('supported');
  });

  it('the place carries over to later sentences; 今年/去年 resolve against that place’s latest report', () => {
    // 湟中区's 2500人 and 3760个 are its 2024 tasks (section 奋进·2024), not 2023 results (issue 16).
    const { claims } = checkText(book, '湟中区今年要实现城镇新增就业2500人。新增学位3760个。');
    expect(claims.map((c) => [c.place, c.year, c.verdict])).toEqual([
      ['湟中区', 2024, 'supported'],
      ['湟中区', 2024, 'unverified'],
    ]);
    expect(checkText(book, '湟中区2023年城镇新增就业2500人。').claims[0]!.verdict).not.toBe('supported');
  });

  it('Chinese numerals in a claim: 八个方面 against the report\'s 八个方面', () => {
    expect(checkText(book, '城中区报告安排部署了八个方面的重点工作。').claims[0]).toMatchObject({ verdict: 'supported', reportFigure: '八个方面' });
    expect(checkText(book, '城中区报告安排部署了九个方面的重点工作。').claims[0]).toMatchObject({ verdict: 'contradicted', reportFigure: '八个方面' });
  });

  it('200 figures, only numbers, HTML: every figure a claim, nothing thrown', () => {
    const text = Array.from({ length: 200 }, (_, i) => `城中区2023年城镇新增就业${6625 + i}人。`).join('');
    const { claims } = checkText(book, text);
    expect(claims).toHaveLength(200);
    expect(claims.filter((c) => c.verdict === 'supported').map((c) => c.figure)).toEqual(['6725人']);
    expect(checkText(book, '6725 16.1 3270308').claims).toEqual([]);
    expect(checkText(book, '<b>城中区</b>&lt;2023年城镇新增就业6725人').claims[0]!.verdict).toBe('supported');
  });

  it('tests/check.jsonl: verdict accuracy ≥ 0.94 (measured 1.000), no wrong "supported"', () => {
    const score = scoreDrafts(book, readDrafts('tests/check.jsonl'));
    expect(score.drafts).toBe(36);
    expect(score.accuracy).toBeGreaterThanOrEqual(0.94);
    expect(score.wrongSupported).toBe(0);
  });

  it('compares an indicator across places and years, each row citing its passage', () => {
    const c = compareIndicator(book, '各区城镇新增就业对比');
    expect(c.indicator).toBe('城镇新增就业');
    expect(c.rows.map((r) => [r.place, r.year, r.figure])).toEqual([
      ['湟中区', 2024, '2500人'],
      ['城中区', 2023, '6725人'],
      ['城西区', 2022, '7557人'],
    ]);
    for (const r of c.rows) expect(index.passage(r.passageId)!.text).toContain(r.figure);
    expect(compareIndicator(book, '各区火星登陆次数对比').rows).toEqual([]);
  });
});

describe('a report of another place (fixture written for these tests)', () => {
  it('tests/check-fixture.jsonl: verdict accuracy ≥ 0.94 (measured 1.000), no wrong "supported"', async () => {
    const file = await readReport('tests/fixtures/check-corpus/linjiang-2024.md', 'linjiang-2024.md');
    if ('reason' in file) throw new Error(file.reason);
    const { passages } = segmentReport(file);
    const score = scoreDrafts(createFigureBook(extractRecords(passages), passages), readDrafts('tests/check-fixture.jsonl'));
    expect(score.drafts).toBe(18);
    expect(score.accuracy).toBeGreaterThanOrEqual(0.94);
    expect(score.wrongSupported).toBe(0);
  });
});

describe('a province with a five-year review (fixture written for these tests)', () => {
  let book: FigureBook;
  beforeAll(async () => {
    const file = await readReport('tests/fixtures/check-corpus/shanxi-2026.md', 'shanxi-2026.md');
    if ('reason' in file) throw new Error(file.reason);
    const { passages } = segmentReport(file);
    book = createFigureBook(extractRecords(passages), passages, loadSynonyms(sampleConfig().synonymsFile));
  });
  const claim = (text: string, figure?: string) => {
    const { claims } = checkText(book, text);
    return figure ? claims.find((c) => c.figure === figure)! : claims[0]!;
  };

  it('a five-year average backs the five-year claim only; the year and the five years never back each other', () => {
    expect(claim('山西“十四五”时期地区生产总值年均增长5.2%。')).toMatchObject({ verdict: 'supported', reportFigure: '5.2%' });
    expect(claim('2021年至2025年山西地区生产总值年均增长5.4%。')).toMatchObject({ verdict: 'contradicted', reportFigure: '5.2%' });
    expect(claim('山西2025年地区生产总值增长5.2%。')).toMatchObject({ verdict: 'contradicted', reportFigure: '5.4%' });
    // "从1.76万亿元增加到2.61万亿元": the level reached at the end of the five years, an amount, not a change.
    expect(claim('山西“十四五”时期地区生产总值达到2.61万亿元。')).toMatchObject({ verdict: 'supported', reportFigure: '2.61万亿元' });
  });

  it('a target written as a result (5%左右 for a year that grew 5.4%) is contradicted, never backed', () => {
    expect(claim('山西2025年地区生产总值增长5%左右。')).toMatchObject({ verdict: 'contradicted', reportFigure: '5.4%' });
    expect(claim('山西2026年地区生产总值增长目标为5%左右。').verdict).toBe('supported');
  });

  it('多/以上/超过 with a round figure is backed by an exact figure in its step, not beyond', () => {
    expect(claim('山西2025年城镇新增就业40多万人。')).toMatchObject({ verdict: 'supported', reportFigure: '47.3万人' });
    expect(claim('山西2025年财政收入超过3100亿元。').verdict).toBe('supported');
    expect(claim('山西2025年城镇新增就业50多万人。').verdict).toBe('contradicted');
  });

  it('a list joined by 和 gives each item its own growth rate', () => {
    expect(claim('山西2025年旅游总花费增长12.6%。')).toMatchObject({ verdict: 'contradicted', reportFigure: '8.9%' });
    expect(claim('山西2025年旅游总花费增长8.9%。').verdict).toBe('supported');
  });

  it('亿斤 and 万吨 compare (one weight), and another scale is contradicted', () => {
    expect(claim('山西2025年粮食产量约1502万吨。')).toMatchObject({ verdict: 'supported', reportFigure: '300.5亿斤' });
    expect(claim('山西2025年粮食产量300.5万吨。')).toMatchObject({ verdict: 'contradicted', reportFigure: '300.5亿斤' });
  });

  it('a city inside the province is its own place: its figures never back or contradict the province', () => {
    expect(claim('太原2025年城镇新增就业47.3万人。').verdict).toBe('unverified');
    expect(claim('山西2025年地区生产总值增长6.1%。')).toMatchObject({ verdict: 'contradicted', reportFigure: '5.4%' });
  });

  it('a draft line of a set names the figure its verdict is about (else its first figure)', () => {
    const line = { text: '山西2025年城镇新增就业47.3万人，粮食产量300.5万吨。', verdict: 'contradicted' as const, reportFigure: '300.5亿斤' };
    expect(scoreDrafts(book, [{ ...line, figure: '300.5万吨' }]).accuracy).toBe(1);
    expect(scoreDrafts(book, [line]).accuracy).toBe(0);
  });

  it('% for 个百分点 (or the reverse) is contradicted with the report\'s figure; a neighbouring indicator never backs', () => {
    expect(claim('山西2025年民营经济占比提高1.6%。')).toMatchObject({ verdict: 'contradicted', reportFigure: '1.6个百分点' });
    expect(claim('山西2025年民营经济占比提高1.6个百分点。').verdict).toBe('supported');
    // 登记失业率 is a neighbour of 调查失业率 (two words of three shared): its 4.5%以内 never backs the other.
    expect(claim('山西2026年城镇调查失业率目标为4.5%以内。')).toMatchObject({ verdict: 'contradicted', reportFigure: '5.5%以内' });
    expect(claim('山西2026年城镇登记失业率目标为4.5%以内。').verdict).toBe('supported');
  });

  it('reporters\' words map on both sides: 财政收入 in the report and in the draft', () => {
    expect(claim('山西2025年财政收入3106亿元。')).toMatchObject({ verdict: 'supported', reportFigure: '3106亿元' });
  });
});

describe('period of a record', () => {
  it("follows a numbered section that says plan or review, before the sentence's own wording", () => {
    const lines = ['宜川县政府工作报告', '一、2024年工作回顾', '城镇新增就业3200人。', '二、2025年工作安排', '城镇新增就业3500人。'];
    const { passages } = segmentReport({ file: 'x.txt', hash: 'x', encoding: 'utf-8', lines });
    const records = extractRecords(passages).filter((r) => r.indicator.includes('城镇新增就业'));
    expect(records.map((r) => [r.figure, r.period])).toEqual([
      ['3200人', 'result'],
      ['3500人', 'target'],
    ]);
  });
});

describe('in the chat', () => {
  let index: StoredIndex;
  beforeAll(async () => {
    index = await readIndex(sampleConfig().indexDir);
  });
  // The fake engine answers questions; the stored index gives the check its figure records.
  const harness = () => createHarness(Object.assign(createFakeEngine(), { index }));
  const sent = (calls: { method: string; payload: Record<string, unknown> }[]) => calls.filter((c) => c.method === 'sendMessage');

  it('reads the configured synonyms (GDP) even when /start built the figure book first', async () => {
    // A fresh read of the index: the figure book is built once per index version, by whichever feature asks first.
    const h = createHarness(Object.assign(createFakeEngine(), { index: await readIndex(sampleConfig().indexDir) }));
    await h.command('/start');
    const html = String(sent(await h.command('/check 城中区2023年GDP同比增长16.1%。'))[0]!.payload.text);
    expect(html).toContain('✅ <b>16.1%</b>');
  });

  it('/check gives one line per claim (✅ ❌ ❓), the report figure in bold, a quote and source, and 当作问题', async () => {
    const h = harness();
    const calls = await h.command('/check 城中区去年城镇新增就业6752人，地区生产总值同比增长16.1%，新建5G基站320个。');
    const [card] = sent(calls);
    const html = String(card!.payload.text);
    assertWellFormedHtml(html);
    expect(html).toContain('❌ 6752人 → 报告为 <b>6725人</b>');
    expect(html).toContain('✅ <b>16.1%</b>');
    expect(html).toContain('❓ 320个');
    expect(html).toMatch(/<blockquote>[^<]*6725人[^<]*<\/blockquote>\n<i>《城中区：开好局启新程走在前作表率》/);
    const button = buttons(card)[0]![0]!;
    expect(button[0]).toBe('当作问题');
    // Another user in another chat cannot use it: the draft is never echoed there.
    const stranger = await h.press(button[1], { message_id: 1 }, { userId: 2002, chatId: 2002 });
    expect(h.of('answerCallbackQuery', stranger)[0]!.payload.text).toBe('这个按钮只对发出这条核对的人有效。');
    expect(sent(stranger)).toEqual([]);
    // The button asks the same text as a question instead.
    const asked = await h.press(button[1], { message_id: 1 });
    expect(h.of('answerCallbackQuery', asked)).toHaveLength(1);
    expect(sent(asked).length).toBe(1);
    expect(String(sent(asked)[0]!.payload.text)).not.toContain('核对了');
    // The draft is kept server-side as long as a card's buttons are, then the button says it expired.
    h.clock.now += h.config.sessionTtlMinutes * 60_000 + 1;
    const late = await h.press(button[1], { message_id: 1 });
    expect(h.of('answerCallbackQuery', late)[0]!.payload.text).toBe('这条核对已过期，请重新发送文字。');
    expect(sent(late)).toEqual([]);
  });

  it('a pasted draft is checked; a question is answered; a comparison question gets a table', async () => {
    const h = harness();
    expect(String(sent(await h.text('城中区去年城镇新增就业6725人。'))[0]!.payload.text)).toContain('✅ <b>6725人</b>');
    expect(String(sent(await h.text('城中区去年城镇新增就业多少人？'))[0]!.payload.text)).not.toContain('核对了');
    // A comparison is a chart: a photo whose caption is the ranked table, one button per row.
    const photo = (calls: { method: string; payload: Record<string, unknown> }[]) => calls.filter((c) => c.method === 'sendPhoto')[0]!;
    const ranked = photo(await h.text('哪个区去年新增就业最多'));
    const table = String(ranked.payload.caption);
    assertWellFormedHtml(table);
    expect(ranked.payload.parse_mode).toBe('HTML');
    expect(table).toContain('6725人');
    // 湟中区's 2500人 is its 2024 target, not last year's result: said, not ranked.
    expect(table).not.toMatch(/\d\. 湟中区/);
    expect(table).toContain('未列入：湟中区（报告只给出2024年目标：2500人）');
    expect(table).toContain('各地最新年份不同');
    const compare = photo(await h.command('/compare 城镇新增就业'));
    expect(String(compare.payload.caption)).toContain('1. 城西区 2022年 <b>7557人</b>');
    const rowButtons = buttons(compare).flat();
    expect(rowButtons.map(([l]) => l)).toEqual(['📄 1 城西区', '📄 2 城中区', '📄 3 湟中区']);
    const cited = sent(await h.press(rowButtons[1]![1], { message_id: 1 }));
    expect(String(cited[0]!.payload.text)).toContain('据《城中区：开好局启新程走在前作表率》，“全年城镇新增就业6725人');
    // One place over the years: a line chart; the years its reports lack are named.
    const series = String(photo(await h.text('城北区2021年以来一般公共预算支出')).payload.caption);
    expect(series).toContain('2022年：<b>结果 15.22亿元</b>');
    expect(series).toContain('缺少的年份：2021年、2024年');
    expect(String(sent(await h.command('/check'))[0]!.payload.text)).toContain('用法');
  });

  it('hostile drafts: 4096 characters, 200 figures, only numbers, HTML', async () => {
    const h = harness();
    const many = Array.from({ length: 200 }, (_, i) => `城中区2023年城镇新增就业${6700 + i}人。`).join('');
    const calls = sent(await h.text(many.slice(0, 4096)));
    expect(calls.length).toBeGreaterThan(1);
    for (const c of calls) {
      const html = String(c.payload.text);
      expect(html.length).toBeLessThanOrEqual(4096);
      assertWellFormedHtml(html);
    }
    const all = calls.map((c) => String(c.payload.text)).join('\n');
    expect(all.match(/^(?:❌|✅|❓) /gm)!.length).toBe(30);
    expect(all).toContain('这里只核对了前 30 个');
    expect(all).toContain('✅ <b>6725人</b>');

    const long = sent(await h.text('城中区'.repeat(1400) + '6725人')); // 4205 characters
    expect(String(long[0]!.payload.text)).toContain('太长');
    const numbers = sent(await h.text('6725 16.1 3270308'));
    expect(numbers.length).toBe(1); // not a draft (no words, no units): answered as a question
    const html = sent(await h.command('/check <b>城中区</b>2023年城镇新增就业6725人&<script>'));
    assertWellFormedHtml(String(html[0]!.payload.text));
    expect(String(html[0]!.payload.text)).not.toContain('<script>');
  });

  it('cards stay under the limit however long the quotes', () => {
    const claims = Array.from({ length: 30 }, () => ({
      sentence: 's', figure: '1人', indicator: '很长的指标'.repeat(20), place: '某区', year: 2023, period: 'result' as const,
      verdict: 'contradicted' as const, reportFigure: '2人', quote: '引文<&>'.repeat(30), passageId: 0,
      source: { file: 'a.txt', title: '标题'.repeat(40), district: null, year: 2024, paragraph: 1, lines: [1, 2] as [number, number] },
    }));
    const cards = renderCheckCards({ text: '', claims, tookMs: 0 });
    expect(cards.length).toBeGreaterThan(1);
    for (const c of cards) {
      expect(c.length).toBeLessThanOrEqual(4096);
      assertWellFormedHtml(c);
    }
  });

  it('tells drafts from questions', () => {
    expect(looksLikeDraft('城中区去年城镇新增就业6725人。')).toBe(true);
    expect(looksLikeDraft('城中区去年城镇新增就业6725人吗？')).toBe(false);
    expect(looksLikeDraft('城中区去年城镇新增就业多少人')).toBe(false);
    expect(looksLikeDraft('6725 16.1')).toBe(false);
  });

  it('the terminal chat has /check and /compare', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let text = '';
    output.on('data', (d: Buffer) => (text += d.toString('utf8')));
    const done = terminalChat(Object.assign(createFakeEngine(), { index }), sampleConfig(), { input, output, style: PLAIN });
    input.end('/check 城中区去年城镇新增就业6752人。\n/compare 城镇新增就业\n/check\n');
    await done;
    expect(text).toContain('❌ 6752人 → 报告为 【6725人】');
    expect(text).toContain('1. 城西区 2022年 7557人');
    expect(text).toContain('2. 城中区 2023年 6725人（少832人）');
    expect(text).toContain('用法：/check');
  });
});

describe('CLI', () => {
  const root = join(import.meta.dirname, '..');
  const run = (script: string, args: string[]) =>
    promisify(execFile)(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'src', 'cli', script), ...args], { cwd: root, env: { ...process.env, ...sampleEnv(), LOG_LEVEL: 'warn' } });

  it('check --json prints exactly one object of the documented shape', async () => {
    const { stdout } = await run('check.ts', ['--json', '城中区去年城镇新增就业6752人。']);
    const out = JSON.parse(stdout);
    expect(Object.keys(out)).toEqual(['text', 'claims']);
    expect(out.claims[0]).toMatchObject({ figure: '6752人', verdict: 'contradicted', reportFigure: '6725人' });
    expect(Object.keys(out.claims[0])).toEqual(['sentence', 'figure', 'verdict', 'reportFigure', 'quote', 'source']);
    expect(Object.keys(out.claims[0].source)).toEqual(['file', 'title', 'district', 'place', 'year', 'paragraph', 'lines']);
  }, 30_000);

  it('compare --json prints rows of place, year, period, figure, value, unit, quote, source', async () => {
    const { stdout } = await run('compare.ts', ['--json', '城镇新增就业']);
    const out = JSON.parse(stdout);
    expect(out.indicator).toBe('城镇新增就业');
    expect(Object.keys(out.rows[0])).toEqual(['place', 'year', 'period', 'figure', 'value', 'unit', 'quote', 'source']);
    expect(out.rows[0]).toMatchObject({ place: '湟中区', year: 2024, period: 'target', figure: '2500人', value: 2500, unit: '人' });
  }, 30_000);

  it('a missing text is one usage line, not a stack trace', async () => {
    const err = await run('check.ts', []).catch((e: { code: number; stderr: string }) => e);
    expect((err as { code: number }).code).toBe(2);
    expect((err as { stderr: string }).stderr).toContain('please give the text to check');
  }, 30_000);
});
