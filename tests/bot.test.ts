// Bot behaviour without network: real updates through bot.handleUpdate, every outgoing API call recorded
// by a transformer. The engine is the in-memory test double (tests/helpers/fake-engine.ts).
import { describe, expect, it } from 'vitest';
import { decodeCallback } from '../src/bot/callback-data.js';
import { TELEGRAM_TEXT_LIMIT } from '../src/present/telegram.js';
import { type ApiCall, assertWellFormedHtml, BOT_INFO, buttons, createHarness } from './helpers/bot-harness.js';
import { createFakeEngine } from './helpers/fake-engine.js';

const text = (c: ApiCall | undefined) => String(c?.payload.text ?? '');
const sent = (calls: ApiCall[]) => calls.filter((c) => c.method === 'sendMessage');
const only = (calls: ApiCall[]) => {
  const s = sent(calls);
  expect(s).toHaveLength(1);
  return s[0]!;
};
/** Every message the bot sent must be valid Telegram HTML within the length limit. */
function checkAll(calls: ApiCall[]) {
  for (const c of calls) {
    if (c.method !== 'sendMessage' && c.method !== 'editMessageText') continue;
    expect(text(c).length).toBeLessThanOrEqual(TELEGRAM_TEXT_LIMIT);
    if (c.payload.parse_mode === 'HTML') assertWellFormedHtml(text(c));
    for (const row of buttons(c)) for (const [, data] of row) expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);
  }
}

describe('questions', () => {
  it('answers a question with a cited card, typing first, and a keyboard', async () => {
    const h = createHarness(createFakeEngine());
    const calls = await h.text('城中区去年城镇新增就业多少人？');
    expect(calls[0]?.method).toBe('sendChatAction');
    expect(calls[0]?.payload.action).toBe('typing');
    const card = only(calls);
    expect(card.payload.parse_mode).toBe('HTML');
    const html = text(card);
    expect(html.split('\n')[0]).toBe('<b>6725人</b> · 城中区 2023 全年城镇新增就业');
    expect(html).toContain('全年城镇新增就业<b>6725人</b>');
    expect(html).toContain('《城中区：开好局启新程走在前作表率》 · 城中区 · 2024年 · 第4段 · 000_be770faa11c46e25.txt 第26–37行');
    const kb = buttons(card).flat();
    expect(kb.some(([t]) => t.includes('原文'))).toBe(true);
    checkAll(calls);
  });

  it('logs every question with a hashed user id, found or not, and latency', async () => {
    const h = createHarness(createFakeEngine());
    await h.text('城中区去年城镇新增就业多少人？', { userId: 555 });
    await h.text('湟源县2023年固定资产投资增长多少？', { userId: 555 });
    const stats = h.queryLog.stats();
    expect(stats.total).toBe(2);
    expect(stats.found).toBe(1);
    expect(stats.recentUnanswered[0]?.query).toBe('湟源县2023年固定资产投资增长多少？');
  });

  it('says plainly when nothing is found, with the reason and how to rephrase, quoting nothing', async () => {
    const h = createHarness(createFakeEngine());
    const calls = await h.text('湟源县2023年固定资产投资增长多少？');
    const html = text(only(calls));
    expect(html).toContain('没有找到能回答这个问题的原文');
    expect(html).toContain('已收录的报告不包括湟源县');
    expect(html).toContain('换个问法');
    expect(html).not.toContain('<blockquote>');
    expect(buttons(only(calls))).toEqual([]);
  });

  it('understands traditional characters', async () => {
    const engine = createFakeEngine();
    const h = createHarness(engine);
    const html = text(only(await h.text('城中區去年城鎮新增就業多少人？')));
    expect(html).toContain('6725人');
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
  async function firstCard() {
    const h = createHarness(createFakeEngine());
    const card = only(await h.text('城镇新增就业多少人？'));
    return { h, card };
  }

  it('turns pages by editing the card, and always answers the callback', async () => {
    const { h, card } = await firstCard();
    const rows = buttons(card);
    const next = rows.flat().find(([t]) => t.includes('下一页'));
    expect(next).toBeDefined();
    expect(text(card)).toContain('第1/2页');
    const calls = await h.press(next![1], { message_id: 1 });
    const edit = h.of('editMessageText', calls)[0];
    expect(edit?.payload.message_id).toBe(1);
    expect(text(edit)).toContain('第2/2页');
    expect(text(edit)).toContain('<blockquote>4. ');
    expect(buttons(edit).flat().some(([t]) => t.includes('上一页'))).toBe(true);
    expect(h.of('answerCallbackQuery', calls)).toHaveLength(1);
    checkAll(calls);
  });

  it('sends the paragraph with its neighbours for 原文, and moves between paragraphs', async () => {
    const { h, card } = await firstCard();
    const [label, data] = buttons(card).flat().find(([t]) => t.includes('原文 1'))!;
    expect(label).toBe('📄 原文 1');
    const calls = await h.press(data, { message_id: 1 });
    const ctxCard = only(calls);
    expect(text(ctxCard)).toContain('<b>原文</b>');
    expect(text(ctxCard)).toMatch(/<i>第\d+段<\/i>\n<blockquote>/);
    expect(h.of('answerCallbackQuery', calls)).toHaveLength(1);
    const move = buttons(ctxCard).flat().find(([t]) => t.includes('段'));
    expect(move).toBeDefined();
    expect(decodeCallback(move![1])?.kind).toBe('move');
    const moved = await h.press(move![1], { message_id: 2 });
    expect(h.of('editMessageText', moved)).toHaveLength(1);
    checkAll([...calls, ...moved]);
  });

  it('answers an expired or unknown button politely', async () => {
    const { h, card } = await firstCard();
    h.clock.now += (h.config.sessionTtlMinutes + 1) * 60_000;
    const next = buttons(card).flat().find(([t]) => t.includes('下一页'))!;
    const calls = await h.press(next[1], { message_id: 1 });
    expect(h.of('editMessageText', calls)).toHaveLength(0);
    expect(h.of('answerCallbackQuery', calls)[0]?.payload.text).toContain('过期');
    const junk = await h.press('garbage:<b>&', { message_id: 1 });
    expect(h.of('answerCallbackQuery', junk)[0]?.payload.text).toContain('过期');
  });

  it("treats a card's buttons pressed in another chat as expired", async () => {
    const { h, card } = await firstCard();
    const next = buttons(card).flat().find(([t]) => t.includes('下一页'))!;
    const calls = await h.press(next[1], { message_id: 1 }, { userId: 1001, chatId: 77 });
    expect(h.of('answerCallbackQuery', calls)[0]?.payload.text).toContain('过期');
  });

  it('ignores "message is not modified" on a double tap', async () => {
    const h = createHarness(createFakeEngine(), {}, [{ method: 'editMessageText', error_code: 400, description: 'Bad Request: message is not modified' }]);
    const card = only(await h.text('城镇新增就业多少人？'));
    const next = buttons(card).flat().find(([t]) => t.includes('下一页'))!;
    const calls = await h.press(next[1], { message_id: 1 });
    expect(h.of('answerCallbackQuery', calls)).toHaveLength(1);
    expect(h.of('answerCallbackQuery', calls)[0]?.payload.text).toBeUndefined();
  });
});

describe('commands', () => {
  it('/start explains and offers three example questions as buttons that ask them', async () => {
    const h = createHarness(createFakeEngine());
    const card = only(await h.command('/start'));
    expect(text(card)).toContain('政府工作报告');
    const examples = buttons(card).flat();
    expect(examples).toHaveLength(3);
    const calls = await h.press(examples[0]![1], { message_id: 1 });
    expect(h.of('answerCallbackQuery', calls)).toHaveLength(1);
    expect(text(only(calls))).toContain('6725人');
  });

  it('/help and /sources', async () => {
    const h = createHarness(createFakeEngine());
    const help = text(only(await h.command('/help')));
    expect(help).toContain('@report_qa_bot');
    const sources = text(only(await h.command('/sources')));
    expect(sources).toContain('《城中区：开好局启新程走在前作表率》');
    expect(sources).toMatch(/城中区 · 2024年 · 5段 · 000_be770faa11c46e25\.txt/);
    checkAll(h.calls);
  });

  it('/district restricts the next questions, says so on the card, and can be lifted', async () => {
    const engine = createFakeEngine();
    const h = createHarness(engine);
    expect(text(only(await h.command('/district 城西區')))).toContain('城西区');
    const card = text(only(await h.text('新增就业多少人？')));
    expect(engine.calls.at(-1)?.options?.district).toBe('城西区');
    expect(card).toContain('限定：城西区');
    expect(card).not.toContain('城中区 ·');
    await h.command('/district 全部');
    await h.text('新增就业多少人？');
    expect(engine.calls.at(-1)?.options?.district).toBeNull();
  });

  it('/district without or with a bad argument shows the choices; a choice button sets it', async () => {
    const engine = createFakeEngine();
    const h = createHarness(engine);
    const menu = only(await h.command('/district'));
    const choice = buttons(menu).flat().find(([t]) => t === '城中区')!;
    const bad = only(await h.command('/district <b>火星</b> & *x*'));
    expect(text(bad)).toContain('&lt;b&gt;火星');
    assertWellFormedHtml(text(bad));
    const calls = await h.press(choice[1], { message_id: 5 });
    expect(h.of('answerCallbackQuery', calls)[0]?.payload.text).toContain('城中区');
    await h.text('新增就业多少人？');
    expect(engine.calls.at(-1)?.options?.district).toBe('城中区');
  });

  it('/report restricts to one file; a bad number is explained', async () => {
    const engine = createFakeEngine();
    const h = createHarness(engine);
    await h.command('/report 2');
    await h.text('新增就业多少人？');
    expect(engine.calls.at(-1)?.options?.file).toBe('001_338ed807dc2533c7.txt');
    expect(text(only(await h.command('/report 99')))).toContain('没有找到报告');
  });

  it('a restricted search that finds nothing offers to lift the restriction', async () => {
    const h = createHarness(createFakeEngine());
    await h.command('/district 城西区');
    const card = only(await h.text('零工驿站在哪里？'));
    expect(text(card)).toContain('/district 全部');
    expect(buttons(card).flat()[0]?.[1]).toBe('d:-');
  });

  it('/ask asks; without a question it explains usage', async () => {
    const h = createHarness(createFakeEngine());
    expect(text(only(await h.command('/ask 城西区发放优抚资金多少？')))).toContain('<b>4500余万元</b>');
    expect(text(only(await h.command('/ask')))).toContain('用法');
  });

  it('unknown commands get a hint', async () => {
    const h = createHarness(createFakeEngine());
    expect(text(only(await h.command('/frobnicate 1 2')))).toContain('/help');
  });

  it('/stats is for admins only', async () => {
    const h = createHarness(createFakeEngine(), { ADMIN_USER_IDS: '9' });
    await h.text('湟源县2023年固定资产投资增长多少？');
    expect(text(only(await h.command('/stats')))).toContain('管理员');
    const stats = text(only(await h.command('/stats', { userId: 9 })));
    expect(stats).toContain('提问 1 次');
    expect(stats).toContain('湟源县');
  });
});

describe('groups', () => {
  const group = { userId: 1001, chatId: -100500, chatType: 'supergroup' as const };

  it('ignores chatter, answers commands, mentions and replies to itself', async () => {
    const h = createHarness(createFakeEngine());
    expect(await h.text('大家好，今天开会吗？', group)).toEqual([]);
    const viaAsk = only(await h.command('/ask@report_qa_bot 城西区发放优抚资金多少？', group));
    expect(text(viaAsk)).toContain('4500余万元');
    expect((viaAsk.payload.reply_parameters as { message_id: number }).message_id).toBeGreaterThan(0);
    expect(await h.command('/ask@other_bot 城西区发放优抚资金多少？', group)).toEqual([]);
    const mention = await h.send({
      message: {
        message_id: 7,
        date: 0,
        chat: { id: group.chatId, type: 'supergroup', title: '编辑部' },
        from: { id: 1001, is_bot: false, first_name: '记者' },
        text: '@report_qa_bot 城西区发放优抚资金多少？',
        entities: [{ type: 'mention', offset: 0, length: 14 }],
      },
    });
    expect(text(only(mention))).toContain('4500余万元');
    const reply = await h.send({
      message: {
        message_id: 8,
        date: 0,
        chat: { id: group.chatId, type: 'supergroup', title: '编辑部' },
        from: { id: 1001, is_bot: false, first_name: '记者' },
        text: '城中区去年城镇新增就业多少人？',
        reply_to_message: { message_id: 3, date: 0, chat: { id: group.chatId, type: 'supergroup', title: '编辑部' }, from: { ...BOT_INFO } } as never,
      },
    });
    expect(text(only(reply))).toContain('6725人');
  });
});

describe('inline mode', () => {
  it('offers the top results as articles: figure and district, quote, quote plus source', async () => {
    const h = createHarness(createFakeEngine());
    const calls = await h.inline('城中区去年城镇新增就业多少人？');
    const answer = h.of('answerInlineQuery', calls)[0]!;
    const results = answer.payload.results as { type: string; id: string; title: string; description: string; input_message_content: { message_text: string; parse_mode: string } }[];
    expect(results.length).toBeGreaterThan(0);
    expect(results[0]!.type).toBe('article');
    expect(results[0]!.title).toBe('6725人 · 城中区 · 2024年报告');
    expect(results[0]!.description).toContain('全年城镇新增就业6725人');
    expect(results[0]!.input_message_content.parse_mode).toBe('HTML');
    expect(results[0]!.input_message_content.message_text).toContain('000_be770faa11c46e25.txt');
    for (const r of results) {
      assertWellFormedHtml(r.input_message_content.message_text);
      expect(Buffer.byteLength(r.id)).toBeLessThanOrEqual(64);
    }
    expect(new Set(results.map((r) => r.id)).size).toBe(results.length);
  });

  it('answers empty and not-found inline queries with a hint, never an unrelated passage', async () => {
    const h = createHarness(createFakeEngine());
    const empty = h.of('answerInlineQuery', await h.inline(''))[0]!;
    expect(empty.payload.results).toEqual([]);
    expect((empty.payload.button as { text: string }).text).toContain('输入问题');
    const none = h.of('answerInlineQuery', await h.inline('湟源县2023年固定资产投资增长多少？'))[0]!;
    expect(none.payload.results).toEqual([]);
    expect((none.payload.button as { text: string }).text).toContain('没有找到');
  });
});

describe('allow-list', () => {
  const env = { ALLOWED_USER_IDS: '1001', ALLOWED_CHAT_IDS: '-100777' };

  it('answers listed users and members of listed chats', async () => {
    const h = createHarness(createFakeEngine(), env);
    expect(text(only(await h.text('城中区去年城镇新增就业多少人？')))).toContain('6725人');
    const inGroup = await h.command('/ask 城中区去年城镇新增就业多少人？', { userId: 3003, chatId: -100777, chatType: 'group' });
    expect(text(only(inGroup))).toContain('6725人');
  });

  it('refuses others once, naming their id, leaking nothing', async () => {
    const engine = createFakeEngine();
    const h = createHarness(engine, env);
    const stranger = { userId: 666, chatId: 666 };
    const first = only(await h.text('城中区去年城镇新增就业多少人？', stranger));
    expect(text(first)).toContain('666');
    expect(text(first)).not.toContain('6725');
    expect(await h.text('再问一次', stranger)).toEqual([]);
    expect(engine.calls).toHaveLength(0);
    const inline = h.of('answerInlineQuery', await h.inline('城中区去年城镇新增就业多少人？', stranger))[0]!;
    expect(inline.payload.results).toEqual([]);
    expect(inline.payload.is_personal).toBe(true);
    const press = h.of('answerCallbackQuery', await h.press('p:abcdefgh:1', { message_id: 1 }, stranger))[0]!;
    expect(String(press.payload.text)).toContain('666');
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
    expect(text(third)).toContain('太频繁');
    expect(await h.text('城中区去年城镇新增就业多少人？')).toEqual([]);
    expect(engine.calls).toHaveLength(2);
    expect(text(only(await h.text('城中区去年城镇新增就业多少人？', { userId: 2002 })))).toContain('6725人');
  });

  it('does not limit admins', async () => {
    const h = createHarness(createFakeEngine(), { RATE_LIMIT_PER_MINUTE: '1', ADMIN_USER_IDS: '9' });
    for (let i = 0; i < 3; i++) expect(text(only(await h.text('城中区去年城镇新增就业多少人？', { userId: 9 })))).toContain('6725人');
  });
});

describe('hostile and odd input', () => {
  const cases: [string, string, RegExp][] = [
    ['empty text', '   ', /请直接发送问题/],
    ['4096 characters', '城'.repeat(4096), /问题太长/],
    ['only emoji', '😀🎉👍🏽', /没看到文字问题/],
    ['HTML and Markdown characters', '<b>城中区</b> & *新增* _就业_ [多少](x) `人`', /./],
    ['an unclosed tag and entities', '</blockquote><a href="x">&amp;&lt;', /./],
  ];
  for (const [name, input, expected] of cases) {
    it(`survives ${name}`, async () => {
      const h = createHarness(createFakeEngine());
      const calls = await h.text(input);
      expect(text(only(calls))).toMatch(expected);
      checkAll(calls);
      expect(h.logs.filter((l) => l.startsWith('[error]'))).toEqual([]);
    });
  }

  it('echoes hostile input escaped', async () => {
    const h = createHarness(createFakeEngine());
    const card = text(only(await h.text('<b>城中区</b> & 新增就业多少人')));
    expect(card).toContain('&lt;b&gt;城中区&lt;/b&gt; &amp; 新增就业多少人');
  });

  it('answers a sticker or a photo with a hint', async () => {
    const h = createHarness(createFakeEngine());
    const base = { message_id: 9, date: 0, chat: { id: 1001, type: 'private' as const, first_name: '记者' }, from: { id: 1001, is_bot: false, first_name: '记者' } };
    const sticker = await h.send({
      message: { ...base, sticker: { file_id: 'f', file_unique_id: 'u', type: 'regular', width: 1, height: 1, is_animated: false, is_video: false } },
    });
    expect(text(only(sticker))).toContain('文字');
    const photo = await h.send({ message: { ...base, photo: [{ file_id: 'f', file_unique_id: 'u', width: 1, height: 1 }], caption: '<b>这是什么</b>' } });
    expect(text(only(photo))).toContain('文字');
  });

  it('a failing search logs an error and still gives a polite reply', async () => {
    const engine = createFakeEngine();
    engine.failNext = true;
    const h = createHarness(engine);
    const calls = await h.text('城中区去年城镇新增就业多少人？');
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
    expect(String(h.of('answerCallbackQuery', calls)[0]?.payload.text)).toContain('抱歉');
  });

  it('a failing typing action does not cost the answer', async () => {
    const h = createHarness(createFakeEngine(), {}, [{ method: 'sendChatAction', error_code: 400, description: 'Bad Request: not supported' }]);
    expect(text(only(await h.text('城中区去年城镇新增就业多少人？')))).toContain('6725人');
  });

  it('retries a 429 from Telegram after retry_after (auto-retry)', async () => {
    const h = createHarness(createFakeEngine(), {}, [{ method: 'sendMessage', error_code: 429, description: 'Too Many Requests: retry after 0', retry_after: 0, times: 1 }]);
    const calls = await h.text('城中区去年城镇新增就业多少人？');
    expect(sent(calls)).toHaveLength(2); // the rejected attempt and the retry
    expect(h.logs.filter((l) => l.startsWith('[error]'))).toEqual([]);
  });
});
