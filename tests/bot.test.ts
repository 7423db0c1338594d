// Bot behaviour without network: real updates through bot.handleUpdate, every outgoing API call recorded
// by a transformer. The engine is the in-memory test double (tests/helpers/fake-engine.ts); the assertions
// are on what the bot does with its answers (the cards, buttons, sessions and refusals it sends), never on
// the double's own matching or wording: the real engine through the bot is in bot-e2e.test.ts.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECK_EVERY_MS } from '../src/bot/update-notice.js';
import { REPORT_EXTENSIONS } from '../src/corpus/load.js';
import { BOT_INFO } from '../src/bot/bot-info.js';
import { decodeCallback } from '../src/bot/callback-data.js';
import { MAX_PAGES } from '../src/bot/question.js';
import { refusalText } from '../src/bot/access.js';
import { EXAMPLE_QUESTIONS, helpText, sourcesText, TEXT } from '../src/bot/texts.js';
import { escapeHtml, renderAnswerCard, renderContextCard, renderInlineArticle, renderNotFoundCard } from '../src/present/telegram.js';
import type { Answer } from '../src/types.js';
import { indexedPlaceNames } from '../src/places/find.js';
import { type ApiCall, assertWellFormedHtml, buttons, checkAll, createHarness, type Harness, holdWriteLock, only, text } from './helpers/bot-harness.js';
import { createFakeEngine } from './helpers/fake-engine.js';

/** The session id behind a card's buttons (read off its 👍 button). */
const sidOf = (card: ApiCall) => /^f:([^:]+):u:\d+$/.exec(buttons(card).flat().find(([t]) => t.startsWith('👍'))![1])![1]!;

/** An answer card (not a refusal or a hint): it carries 👍 / 👎. */
const isAnswerCard = (c: ApiCall) => buttons(c).flat().some(([t]) => t.startsWith('👍'));

/** The keyboard an answer card must carry on `page`: pager, one 原文 button per result, 👍 / 👎. */
function expectedKeyboard(answer: Answer, sid: string, page: number, perPage: number): [string, string][][] {
  const pages = Math.ceil(answer.results.length / perPage);
  const pager: [string, string][] = [
    ...(page > 0 ? [['◀ 上一页', `p:${sid}:${page - 1}`] as [string, string]] : []),
    [`${page + 1}/${pages}`, 'n'],
    ...(page < pages - 1 ? [['下一页 ▶', `p:${sid}:${page + 1}`] as [string, string]] : []),
  ];
  const sources = answer.results.slice(page * perPage, (page + 1) * perPage).map((r, i): [string, string] => [`📄 原文 ${page * perPage + i + 1}`, `c:${sid}:${r.passageId}`]);
  const cites = answer.results.slice(page * perPage, (page + 1) * perPage).map((_, i): [string, string] => [`📋 引用 ${page * perPage + i + 1}`, `q:${sid}:${page * perPage + i}`]);
  return [
    ...(pages > 1 ? [pager] : []),
    sources,
    ...(answer.found ? [cites] : []),
    [
      ['👍 有用', `f:${sid}:u:${page}`],
      ['👎 没用', `f:${sid}:d:${page}`],
    ],
  ];
}

describe('questions', () => {
  it("answers with the card of the engine's answer, typing first, and the card's keyboard", async () => {
    const engine = createFakeEngine();
    const h = createHarness(engine);
    const perPage = h.config.resultsPerPage;
    const calls = await h.text('城中区去年城镇新增就业多少人？');
    expect(calls[0]?.method).toBe('sendChatAction');
    expect(calls[0]?.payload.action).toBe('typing');
    // One search, for every page a reporter may turn to.
    expect(engine.calls).toEqual([{ query: '城中区去年城镇新增就业多少人？', options: { top: perPage * MAX_PAGES, district: null, file: null } }]);
    const answer = engine.answers[0]!;
    const card = only(calls);
    expect(card.payload).toMatchObject({ parse_mode: 'HTML', link_preview_options: { is_disabled: true } });
    expect(card.payload.reply_parameters).toBeUndefined(); // a private chat: no quote of the question
    expect(text(card)).toBe(renderAnswerCard(answer, { page: 0, perPage, scopeLabel: null }));
    // The source in words; the file and its lines are behind 原文.
    expect(text(card)).toContain(`📄 《${answer.results[0]!.source.title}》 · 城中区 · 2024年报告`);
    expect(text(card)).not.toContain(answer.results[0]!.source.file);
    expect(buttons(card)).toEqual(expectedKeyboard(answer, sidOf(card), 0, perPage));
    expect(h.sessions.size).toBe(1);
    checkAll(calls);
  });

  it('logs every question with a hashed user id, found or not, the number of results and latency', async () => {
    const engine = createFakeEngine();
    const h = createHarness(engine);
    await h.text('城中区去年城镇新增就业多少人？', { userId: 555 });
    await h.text('湟源县2023年固定资产投资增长多少？', { userId: 555 });
    const { entries } = await h.queryLog.read();
    expect(entries.map((e) => [e.via, e.query, e.found, e.results])).toEqual([
      ['private', '城中区去年城镇新增就业多少人？', true, engine.answers[0]!.results.length],
      ['private', '湟源县2023年固定资产投资增长多少？', false, 0],
    ]);
    expect(entries[1]!.reason).toBe(engine.answers[1]!.reason);
    for (const e of entries) {
      expect(e.user).toMatch(/^[0-9a-f]{64}$/);
      expect(e.latencyMs).toBeGreaterThanOrEqual(0);
    }
  });

  it("says plainly when nothing is found, with the engine's reason, quoting nothing and offering no buttons", async () => {
    const engine = createFakeEngine();
    const h = createHarness(engine);
    const calls = await h.text('湟源县2023年固定资产投资增长多少？');
    const answer = engine.answers[0]!;
    const html = text(only(calls));
    expect(html).toBe(renderNotFoundCard(answer, { scopeLabel: null }));
    expect(html).toContain(escapeHtml(answer.reason!));
    expect(html).not.toContain('<blockquote>');
    expect(buttons(only(calls))).toEqual([]);
    expect(h.sessions.size).toBe(0); // nothing to page through
  });

  it('says in the footer that an update is under way while a writer holds the index, checking at most every 2 s', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bot-updating-'));
    const h = createHarness(createFakeEngine(), { INDEX_DIR: dir });
    const card = async (q: string) => text((await h.text(q)).find((c) => c.method === 'sendMessage'));
    expect(await card('城中区去年城镇新增就业多少人？')).not.toContain(TEXT.updating);
    const { release, writing } = await holdWriteLock(dir);
    try {
      expect(await card('城中区去年城镇新增就业多少人？')).not.toContain(TEXT.updating); // checked under 2 s ago
      h.clock.now += CHECK_EVERY_MS;
      const html = await card('城中区去年城镇新增就业多少人？');
      expect(html).toMatch(new RegExp(`<i>问：[^<]*\\n${TEXT.updating}</i>$`));
      assertWellFormedHtml(html);
      expect(await card('湟源县2023年固定资产投资增长多少？')).toContain(TEXT.updating); // the not-found card too
    } finally {
      release();
      await writing;
    }
    h.clock.now += CHECK_EVERY_MS;
    expect(await card('城中区去年城镇新增就业多少人？')).not.toContain(TEXT.updating);
  });

  it("passes the question on as written, without the bot's mention and extra spaces", async () => {
    const engine = createFakeEngine();
    const h = createHarness(engine);
    await h.text('@report_qa_bot   城中區去年\n城鎮新增就業多少人？ ');
    expect(engine.calls.map((c) => c.query)).toEqual(['城中區去年 城鎮新增就業多少人？']);
  });

  it('serves concurrent questions from many users without one blocking the others', async () => {
    const engine = createFakeEngine();
    engine.delayMs = 200;
    const h = createHarness(engine);
    const started = Date.now();
    await Promise.all(Array.from({ length: 10 }, (_, i) => h.text('城中区去年城镇新增就业多少人？', { userId: 2000 + i })));
    expect(Date.now() - started).toBeLessThan(1500); // sequential would be ≥ 2000 ms
    expect(h.of('sendMessage')).toHaveLength(10);
  });
});

describe('pagination and 原文', () => {
  async function firstCard(failures: Parameters<typeof createHarness>[2] = []) {
    const engine = createFakeEngine();
    const h = createHarness(engine, {}, failures);
    const card = only(await h.text('城镇新增就业多少人？'));
    const answer = engine.answers[0]!;
    expect(answer.results.length).toBeGreaterThan(h.config.resultsPerPage); // more than one page
    return { h, engine, card, answer, sid: sidOf(card), perPage: h.config.resultsPerPage };
  }

  it('turns pages by editing the card from the stored answer, never searching again, and always answers the callback', async () => {
    const { h, engine, card, answer, sid, perPage } = await firstCard();
    const next = buttons(card).flat().find(([t]) => t.includes('下一页'))!;
    expect(next[1]).toBe(`p:${sid}:1`);
    const calls = await h.press(next[1], { message_id: 1 });
    const edit = h.of('editMessageText', calls)[0]!;
    expect(edit.payload.message_id).toBe(1);
    expect(text(edit)).toBe(renderAnswerCard(answer, { page: 1, perPage, scopeLabel: null }));
    expect(text(edit)).toContain(`<blockquote>${perPage + 1}. `);
    expect(buttons(edit)).toEqual(expectedKeyboard(answer, sid, 1, perPage));
    expect(engine.calls).toHaveLength(1);
    expect(h.of('answerCallbackQuery', calls)).toHaveLength(1);
    checkAll(calls);
  });

  it('shows the last page for a page number past the end, and answers the page indicator silently', async () => {
    const { h, card, answer, sid, perPage } = await firstCard();
    const last = Math.ceil(answer.results.length / perPage) - 1;
    const far = await h.press(`p:${sid}:999`, { message_id: 1 });
    expect(text(h.of('editMessageText', far)[0])).toBe(renderAnswerCard(answer, { page: last, perPage, scopeLabel: null }));
    const indicator = buttons(card).flat().find(([, d]) => d === 'n')!;
    const calls = await h.press(indicator[1], { message_id: 1 });
    expect(calls.map((c) => c.method)).toEqual(['answerCallbackQuery']);
    expect(calls[0]!.payload.text).toBeUndefined();
  });

  it('sends the paragraph with its neighbours for 原文, and moves between paragraphs', async () => {
    const { h, engine, card, answer } = await firstCard();
    const [label, data] = buttons(card).flat().find(([t]) => t.includes('原文 1'))!;
    expect(label).toBe('📄 原文 1');
    const first = answer.results[0]!;
    const calls = await h.press(data, { message_id: 1 });
    const ctxCard = only(calls);
    expect(text(ctxCard)).toBe(renderContextCard(engine.context(first.passageId, 6), first.passageId, { highlight: first.highlight }));
    expect(text(ctxCard)).toContain('<b>原文</b>');
    expect(text(ctxCard)).toMatch(/<i>第\d+段<\/i>\n<blockquote>/);
    expect(h.of('answerCallbackQuery', calls)).toHaveLength(1);
    const move = buttons(ctxCard).flat().find(([t]) => t.includes('段'));
    expect(move).toBeDefined();
    const action = decodeCallback(move![1]);
    expect(action?.kind).toBe('move');
    const target = action?.kind === 'move' ? action.passageId : -1;
    expect(engine.context(target, 0)[0]?.source.paragraph).not.toBe(first.source.paragraph); // another paragraph
    const moved = await h.press(move![1], { message_id: 2 });
    const edit = h.of('editMessageText', moved);
    expect(edit).toHaveLength(1);
    expect(edit[0]!.payload.message_id).toBe(2);
    expect(text(edit[0])).toBe(renderContextCard(engine.context(target, 6), target, {}));
    checkAll([...calls, ...moved]);
  });

  it('answers an expired or unknown button politely', async () => {
    const { h, card } = await firstCard();
    h.clock.now += (h.config.sessionTtlMinutes + 1) * 60_000;
    const next = buttons(card).flat().find(([t]) => t.includes('下一页'))!;
    const calls = await h.press(next[1], { message_id: 1 });
    expect(h.of('editMessageText', calls)).toHaveLength(0);
    expect(h.of('answerCallbackQuery', calls)[0]?.payload.text).toBe(TEXT.expired);
    const junk = await h.press('garbage:<b>&', { message_id: 1 });
    expect(h.of('answerCallbackQuery', junk)[0]?.payload.text).toBe(TEXT.expired);
    const outOfRange = await h.press('d:99', { message_id: 1 });
    expect(h.of('answerCallbackQuery', outOfRange)[0]?.payload.text).toBe(TEXT.expired);
  });

  it('expires the buttons of every card once the index switches to a new version', async () => {
    const { h, engine, card } = await firstCard();
    engine.reload = async () => true;
    expect(await h.bot.reloadIndex()).toBe(true);
    const calls = await h.press(buttons(card).flat().find(([t]) => t.includes('原文 1'))![1], { message_id: 1 });
    expect(h.of('sendMessage', calls)).toEqual([]);
    expect(h.of('answerCallbackQuery', calls)[0]?.payload.text).toBe(TEXT.expired);
  });

  it("treats a card's buttons pressed in another chat as expired", async () => {
    const { h, card } = await firstCard();
    const next = buttons(card).flat().find(([t]) => t.includes('下一页'))!;
    const calls = await h.press(next[1], { message_id: 1 }, { userId: 1001, chatId: 77 });
    expect(h.of('answerCallbackQuery', calls)[0]?.payload.text).toBe(TEXT.expired);
  });

  it('ignores "message is not modified" on a double tap', async () => {
    const { h, card } = await firstCard([{ method: 'editMessageText', error_code: 400, description: 'Bad Request: message is not modified' }]);
    const next = buttons(card).flat().find(([t]) => t.includes('下一页'))!;
    const calls = await h.press(next[1], { message_id: 1 });
    expect(h.of('answerCallbackQuery', calls)).toHaveLength(1);
    expect(h.of('answerCallbackQuery', calls)[0]?.payload.text).toBeUndefined();
  });
});

describe('commands', () => {
  it('/start explains and offers the example questions as buttons that ask them', async () => {
    const engine = createFakeEngine();
    const h = createHarness(engine);
    const card = only(await h.command('/start'));
    expect(text(card)).toContain('政府工作报告');
    for (const q of EXAMPLE_QUESTIONS) expect(text(card)).toContain(escapeHtml(q));
    expect(buttons(card).flat()).toEqual(EXAMPLE_QUESTIONS.map((q, i) => [q, `e:${i}`]));
    const calls = await h.press('e:0', { message_id: 1 });
    expect(h.of('answerCallbackQuery', calls)[0]?.payload.text).toBe(EXAMPLE_QUESTIONS[0]);
    expect(engine.calls.map((c) => c.query)).toEqual([EXAMPLE_QUESTIONS[0]]);
    expect(text(only(calls))).toBe(renderAnswerCard(engine.answers[0]!, { page: 0, perPage: h.config.resultsPerPage, scopeLabel: null }));
    const gone = await h.press(`e:${EXAMPLE_QUESTIONS.length}`, { message_id: 1 });
    expect(h.of('answerCallbackQuery', gone)[0]?.payload.text).toBe(TEXT.expired);
    expect(engine.calls).toHaveLength(1);
  });

  it('/help (admins also see their commands) and /sources', async () => {
    const engine = createFakeEngine();
    const h = createHarness(engine, { ADMIN_USER_IDS: '9' });
    const help = text(only(await h.command('/help')));
    expect(help).toBe(helpText('report_qa_bot', false));
    expect(help).toContain('@report_qa_bot');
    for (const command of ['/check', '/compare']) expect(help).toContain(command);
    expect(help).not.toContain('PDF'); // uploading is for admins
    const adminHelp = text(only(await h.command('/help', { userId: 9 })));
    expect(adminHelp).toBe(helpText('report_qa_bot', true));
    // Every format the corpus accepts, images read by OCR included.
    for (const ext of REPORT_EXTENSIONS) expect(adminHelp).toContain(ext.slice(1).toUpperCase());
    expect(adminHelp).toContain('OCR');
    const sources = text(only(await h.command('/sources')));
    expect(sources).toBe(sourcesText(engine.reports()));
    expect(sources).toContain('《城中区：开好局启新程走在前作表率》');
    expect(sources).toMatch(/城中区 · 2024年 · 5段 · 000_be770faa11c46e25\.txt/);
    checkAll(h.calls);
  });

  it('/district restricts the next questions, says so on the card, and can be lifted', async () => {
    const engine = createFakeEngine();
    const h = createHarness(engine);
    expect(text(only(await h.command('/district 城西區')))).toBe('好的，之后的问题只在“城西区”的报告中查找。发送 /district 全部 取消限定。');
    const card = text(only(await h.text('新增就业多少人？')));
    expect(engine.calls.at(-1)?.options?.district).toBe('城西区');
    expect(card).toBe(renderAnswerCard(engine.answers.at(-1)!, { page: 0, perPage: h.config.resultsPerPage, scopeLabel: '城西区' }));
    expect(card).toContain('限定：城西区');
    expect(text(only(await h.command('/district 全部')))).toBe('好的，之后的问题在全部报告中查找。');
    await h.text('新增就业多少人？');
    expect(engine.calls.at(-1)?.options?.district).toBeNull();
  });

  it('keeps each chat to its own restriction', async () => {
    const engine = createFakeEngine();
    const h = createHarness(engine);
    await h.command('/district 城西区', { userId: 1, chatId: 1 });
    await h.text('新增就业多少人？', { userId: 2, chatId: 2 });
    expect(engine.calls.at(-1)?.options?.district).toBeNull();
  });

  it('/district without or with a bad argument shows the choices; a choice button sets it', async () => {
    const engine = createFakeEngine();
    const h = createHarness(engine);
    const menu = only(await h.command('/district'));
    expect(text(menu)).toContain('当前查找范围：全部报告');
    const places = indexedPlaceNames(engine.reports());
    expect(places.length).toBeGreaterThan(1);
    expect(buttons(menu).flat()).toEqual([...places.map((d, i) => [d, `d:${i}`]), ['✅ 全部', 'd:-']]);
    const choice = buttons(menu).flat().find(([t]) => t === '城中区')!;
    const bad = only(await h.command('/district <b>火星</b> & *x*'));
    expect(text(bad)).toContain('&lt;b&gt;火星');
    expect(text(bad)).toContain(`已收录的报告中没有“&lt;b&gt;火星`);
    expect(text(bad)).toContain(places.join('、'));
    assertWellFormedHtml(text(bad));
    const calls = await h.press(choice[1], { message_id: 5 });
    expect(h.of('answerCallbackQuery', calls)[0]?.payload.text).toBe('已限定：城中区');
    expect(h.of('editMessageText', calls)[0]?.payload).toMatchObject({ message_id: 5, text: '好的，之后的问题只在“城中区”的报告中查找。发送 /district 全部 取消限定。' });
    await h.text('新增就业多少人？');
    expect(engine.calls.at(-1)?.options?.district).toBe('城中区');
    expect(buttons(only(await h.command('/district'))).flat()).toContainEqual(['✅ 城中区', 'd:0']);
  });

  it('/report restricts to one file, named by its title; without a number it lists them; a bad number is explained', async () => {
    const engine = createFakeEngine();
    const h = createHarness(engine);
    expect(text(only(await h.command('/report 2')))).toBe('好的，之后的问题只在“《城西区：奋楫笃行谱新篇》”的报告中查找。发送 /district 全部 取消限定。');
    await h.text('新增就业多少人？');
    expect(engine.calls.at(-1)?.options).toMatchObject({ district: null, file: '001_338ed807dc2533c7.txt' });
    expect(text(only(await h.command('/report')))).toBe(sourcesText(engine.reports()));
    expect(text(only(await h.command('/report 99')))).toContain('没有找到报告“99”');
  });

  it('a restricted search that finds nothing offers to lift the restriction', async () => {
    const engine = createFakeEngine();
    const h = createHarness(engine);
    await h.command('/district 城西区');
    const card = only(await h.text('零工驿站在哪里？'));
    expect(text(card)).toBe(renderNotFoundCard(engine.answers[0]!, { scopeLabel: '城西区' }));
    expect(text(card)).toContain('/district 全部');
    expect(buttons(card)).toEqual([[['取消限定，在全部报告中查找', 'd:-']]]);
    const lifted = await h.press('d:-', { message_id: 1 });
    expect(h.of('answerCallbackQuery', lifted)[0]?.payload.text).toBe('已取消限定');
    await h.text('新增就业多少人？');
    expect(engine.calls.at(-1)?.options?.district).toBeNull();
  });

  it('/ask asks; without a question it explains usage', async () => {
    const engine = createFakeEngine();
    const h = createHarness(engine);
    const card = text(only(await h.command('/ask 城西区发放优抚资金多少？')));
    expect(engine.calls.map((c) => c.query)).toEqual(['城西区发放优抚资金多少？']);
    expect(card).toBe(renderAnswerCard(engine.answers[0]!, { page: 0, perPage: h.config.resultsPerPage, scopeLabel: null }));
    expect(text(only(await h.command('/ask')))).toBe(TEXT.askUsage);
    expect(engine.calls).toHaveLength(1);
  });

  it('unknown commands get a hint, and are not searched', async () => {
    const engine = createFakeEngine();
    const h = createHarness(engine);
    expect(text(only(await h.command('/frobnicate 1 2')))).toBe(TEXT.unknownCommand);
    expect(TEXT.unknownCommand).toContain('/help');
    expect(engine.calls).toEqual([]);
  });

  it('/stats is for admins only', async () => {
    const h = createHarness(createFakeEngine(), { ADMIN_USER_IDS: '9' });
    await h.text('湟源县2023年固定资产投资增长多少？');
    expect(text(only(await h.command('/stats')))).toBe(TEXT.adminOnly);
    const stats = text(only(await h.command('/stats', { userId: 9 })));
    expect(stats).toContain('提问 1 次');
    expect(stats).toContain('湟源县');
  });
});

describe('groups', () => {
  const group = { userId: 1001, chatId: -100500, chatType: 'supergroup' as const };
  const chat = { id: group.chatId, type: 'supergroup', title: '编辑部' };
  const groupMessage = (h: Harness, message_id: number, extra: object) =>
    h.send({ message: { message_id, date: 0, chat, from: { id: 1001, is_bot: false, first_name: '记者' }, ...extra } as never });

  it('ignores chatter, answers commands, mentions and replies to itself, quoting the question', async () => {
    const engine = createFakeEngine();
    const h = createHarness(engine);
    expect(await h.text('大家好，今天开会吗？', group)).toEqual([]);
    const viaAsk = only(await h.command('/ask@report_qa_bot 城西区发放优抚资金多少？', group));
    expect(text(viaAsk)).toBe(renderAnswerCard(engine.answers[0]!, { page: 0, perPage: h.config.resultsPerPage, scopeLabel: null }));
    expect((viaAsk.payload.reply_parameters as { message_id: number }).message_id).toBeGreaterThan(0);
    expect(await h.command('/ask@other_bot 城西区发放优抚资金多少？', group)).toEqual([]);
    const mention = only(await groupMessage(h, 7, { text: '@report_qa_bot 城西区发放优抚资金多少？', entities: [{ type: 'mention', offset: 0, length: 14 }] }));
    expect(mention.payload.reply_parameters).toEqual({ message_id: 7, allow_sending_without_reply: true });
    const reply = only(await groupMessage(h, 8, { text: '城中区去年城镇新增就业多少人？', reply_to_message: { message_id: 3, date: 0, chat, from: { ...BOT_INFO } } }));
    expect(reply.payload.reply_parameters).toMatchObject({ message_id: 8 });
    expect(engine.calls.map((c) => c.query)).toEqual(['城西区发放优抚资金多少？', '城西区发放优抚资金多少？', '城中区去年城镇新增就业多少人？']);
  });
});

describe('inline mode', () => {
  it('offers the top results as articles: figure and district, quote, quote plus source', async () => {
    const engine = createFakeEngine();
    const h = createHarness(engine);
    const calls = await h.inline('城中区去年城镇新增就业多少人？');
    expect(engine.calls).toEqual([{ query: '城中区去年城镇新增就业多少人？', options: { top: 5, district: null, file: null } }]);
    const answer = h.of('answerInlineQuery', calls)[0]!;
    expect(answer.payload).toMatchObject({ cache_time: 300, is_personal: false });
    const results = answer.payload.results as { type: string; id: string; title: string; description: string; input_message_content: { message_text: string; parse_mode: string } }[];
    const expected = engine.answers[0]!.results;
    expect(results.length).toBe(expected.length);
    expected.forEach((r, i) => {
      const article = renderInlineArticle(r);
      expect(results[i]).toMatchObject({ type: 'article', id: `${r.passageId}-${i}`, title: article.title, description: article.description });
      expect(results[i]!.input_message_content).toMatchObject({ message_text: article.messageHtml, parse_mode: 'HTML' });
    });
    expect(results[0]!.input_message_content.message_text).toContain(expected[0]!.source.file);
    for (const r of results) {
      assertWellFormedHtml(r.input_message_content.message_text);
      expect(Buffer.byteLength(r.id)).toBeLessThanOrEqual(64);
    }
    expect(new Set(results.map((r) => r.id)).size).toBe(results.length);
    expect((await h.queryLog.read()).entries.map((e) => e.via)).toEqual(['inline']);
  });

  it('answers empty and not-found inline queries with a hint, never an unrelated passage', async () => {
    const engine = createFakeEngine();
    const h = createHarness(engine);
    const empty = h.of('answerInlineQuery', await h.inline('@report_qa_bot '))[0]!;
    expect(empty.payload.results).toEqual([]);
    expect((empty.payload.button as { text: string }).text).toContain('输入问题');
    expect(engine.calls).toEqual([]);
    const none = h.of('answerInlineQuery', await h.inline('湟源县2023年固定资产投资增长多少？'))[0]!;
    expect(none.payload.results).toEqual([]);
    expect((none.payload.button as { text: string }).text).toContain('没有找到');
  });
});

describe('allow-list', () => {
  const env = { ALLOWED_USER_IDS: '1001', ALLOWED_CHAT_IDS: '-100777' };

  it('answers listed users and members of listed chats', async () => {
    const h = createHarness(createFakeEngine(), env);
    expect(isAnswerCard(only(await h.text('城中区去年城镇新增就业多少人？')))).toBe(true);
    const inGroup = await h.command('/ask 城中区去年城镇新增就业多少人？', { userId: 3003, chatId: -100777, chatType: 'group' });
    expect(isAnswerCard(only(inGroup))).toBe(true);
  });

  it('refuses others once, naming their id, leaking nothing', async () => {
    const engine = createFakeEngine();
    const h = createHarness(engine, env);
    const stranger = { userId: 666, chatId: 666 };
    const first = only(await h.text('城中区去年城镇新增就业多少人？', stranger));
    expect(text(first)).toBe(refusalText(666));
    expect(text(first)).toContain('666');
    expect(isAnswerCard(first)).toBe(false);
    expect(await h.text('再问一次', stranger)).toEqual([]);
    expect(engine.calls).toHaveLength(0);
    const inline = h.of('answerInlineQuery', await h.inline('城中区去年城镇新增就业多少人？', stranger))[0]!;
    expect(inline.payload.results).toEqual([]);
    expect(inline.payload.is_personal).toBe(true);
    const press = h.of('answerCallbackQuery', await h.press('p:abcdefgh:1', { message_id: 1 }, stranger))[0]!;
    expect(press.payload).toMatchObject({ text: refusalText(666), show_alert: true });
    expect(h.logs.some((l) => l.includes('refused'))).toBe(true);
  });

  it('does not refuse group members who were not talking to the bot', async () => {
    const h = createHarness(createFakeEngine(), env);
    expect(await h.text('大家好', { userId: 666, chatId: -100999, chatType: 'group' })).toEqual([]);
  });
});

describe('rate limit', () => {
  it('tells a user who asks too fast to wait, once, without blocking others', async () => {
    const engine = createFakeEngine();
    const h = createHarness(engine, { RATE_LIMIT_PER_MINUTE: '2' });
    await h.text('城中区去年城镇新增就业多少人？');
    await h.text('城中区去年城镇新增就业多少人？');
    const third = only(await h.text('城中区去年城镇新增就业多少人？'));
    expect(text(third)).toBe(TEXT.rateLimited);
    expect(await h.text('城中区去年城镇新增就业多少人？')).toEqual([]);
    expect(engine.calls).toHaveLength(2);
    expect(isAnswerCard(only(await h.text('城中区去年城镇新增就业多少人？', { userId: 2002 })))).toBe(true);
  });

  it('does not limit admins', async () => {
    const h = createHarness(createFakeEngine(), { RATE_LIMIT_PER_MINUTE: '1', ADMIN_USER_IDS: '9' });
    for (let i = 0; i < 3; i++) expect(isAnswerCard(only(await h.text('城中区去年城镇新增就业多少人？', { userId: 9 })))).toBe(true);
  });
});

describe('hostile and odd input', () => {
  // Text that cannot be a question is refused with its hint and never searched; the rest is searched as written.
  const cases: [string, string, string | null][] = [
    ['empty text', '   ', TEXT.emptyQuestion],
    ['4096 characters', '城'.repeat(4096), TEXT.tooLong],
    ['only emoji', '😀🎉👍🏽', TEXT.noWords],
    ['HTML and Markdown characters', '<b>城中区</b> & *新增* _就业_ [多少](x) `人`', null],
    ['an unclosed tag and entities', '</blockquote><a href="x">&amp;&lt;', null],
  ];
  for (const [name, input, refusal] of cases) {
    it(`survives ${name}`, async () => {
      const engine = createFakeEngine();
      const h = createHarness(engine);
      const calls = await h.text(input);
      if (refusal) expect(text(only(calls))).toBe(refusal);
      else expect(text(only(calls)).length).toBeGreaterThan(0);
      expect(engine.calls.map((c) => c.query)).toEqual(refusal ? [] : [input]);
      checkAll(calls);
      expect(h.logs.filter((l) => l.startsWith('[error]'))).toEqual([]);
    });
  }

  it('echoes hostile input escaped', async () => {
    const engine = createFakeEngine();
    const h = createHarness(engine);
    const card = text(only(await h.text('<b>城中区</b> & 新增就业多少人')));
    expect(engine.answers[0]!.found).toBe(true); // the question is echoed on answer cards too
    assertWellFormedHtml(card);
    expect(card).toContain('&lt;b&gt;城中区&lt;/b&gt; &amp; 新增就业多少人');
  });

  it('answers a sticker or a photo with a hint', async () => {
    const h = createHarness(createFakeEngine());
    const base = { message_id: 9, date: 0, chat: { id: 1001, type: 'private' as const, first_name: '记者' }, from: { id: 1001, is_bot: false, first_name: '记者' } };
    const sticker = await h.send({
      message: { ...base, sticker: { file_id: 'f', file_unique_id: 'u', type: 'regular', width: 1, height: 1, is_animated: false, is_video: false } },
    });
    expect(text(only(sticker))).toBe(TEXT.notText);
    const photo = await h.send({ message: { ...base, photo: [{ file_id: 'f', file_unique_id: 'u', width: 1, height: 1 }], caption: '<b>这是什么</b>' } });
    expect(text(only(photo))).toBe(TEXT.notText);
  });

  it('a failing search logs an error and still gives a polite reply', async () => {
    const engine = createFakeEngine();
    engine.failNext = true;
    const h = createHarness(engine);
    const calls = await h.text('城中区去年城镇新增就业多少人？');
    expect(text(only(calls))).toBe(TEXT.failed);
    expect(text(only(calls))).toContain('抱歉');
    expect(h.logs.some((l) => l.startsWith('[error]') && l.includes('fake engine failure'))).toBe(true);
  });

  it('a failing callback handler still answers the callback query', async () => {
    const engine = createFakeEngine();
    const h = createHarness(engine);
    const card = only(await h.text('城西区城镇新增就业多少人？'));
    engine.context = () => {
      throw new Error('context exploded');
    };
    const data = buttons(card).flat().find(([t]) => t.includes('原文'))![1];
    const calls = await h.press(data, { message_id: 1 });
    expect(h.of('answerCallbackQuery', calls)[0]?.payload.text).toBe(TEXT.failed);
  });

  it('a failing typing action does not cost the answer', async () => {
    const h = createHarness(createFakeEngine(), {}, [{ method: 'sendChatAction', error_code: 400, description: 'Bad Request: not supported' }]);
    expect(isAnswerCard(only(await h.text('城中区去年城镇新增就业多少人？')))).toBe(true);
  });

  it('retries a 429 from Telegram after retry_after (auto-retry)', async () => {
    const h = createHarness(createFakeEngine(), {}, [{ method: 'sendMessage', error_code: 429, description: 'Too Many Requests: retry after 0', retry_after: 0, times: 1 }]);
    const calls = await h.text('城中区去年城镇新增就业多少人？');
    expect(h.of('sendMessage', calls)).toHaveLength(2); // the rejected attempt and the retry
    expect(h.logs.filter((l) => l.startsWith('[error]'))).toEqual([]);
  });
});
