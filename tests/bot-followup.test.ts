// Follow-ups in Telegram: a chat's message lacking pieces takes them from its last question, the card says how it
// was read, and 按原话查 asks it as written. The terminal chat's twin tests are in bot-terminal.test.ts.
import { describe, expect, it } from 'vitest';
import { assertWellFormedHtml, buttons, createHarness, text } from './helpers/bot-harness.js';
import { createFakeEngine } from './helpers/fake-engine.js';

function setup(env: Record<string, string> = {}) {
  const engine = createFakeEngine();
  const h = createHarness(engine, env);
  const ask = async (q: string, from?: { userId: number; chatId: number }) => {
    const calls = await h.text(q, from);
    const reply = h.of('sendMessage', calls).at(-1);
    assertWellFormedHtml(text(reply));
    return { reply, searched: engine.calls.at(-1)?.query };
  };
  return { h, engine, ask };
}

describe('follow-up questions in Telegram', () => {
  it('a new place takes the indicator and year (那城西区呢？), and the card says so with 按原话查', async () => {
    const { h, engine, ask } = setup();
    await ask('城中区去年城镇新增就业多少人？');
    const { reply, searched } = await ask('那城西区呢？');
    expect(searched).toBe('城西区去年城镇新增就业多少人？');
    expect(text(reply)).toContain('按上一问理解为：城西区 · 城镇新增就业 · 去年');
    expect(text(reply)).toContain('7557人');
    expect(text(reply)).toContain('问：那城西区呢？');
    const asWritten = buttons(reply).flat().find(([label]) => label === '按原话查');
    expect(asWritten).toBeDefined();
    await h.press(asWritten![1], { message_id: 1 });
    expect(engine.calls.at(-1)?.query).toBe('那城西区呢？');
  });

  it('another year or a target takes the place and indicator (去年呢？ 今年的目标呢？)', async () => {
    const { ask } = setup();
    await ask('城中区2023年城镇新增就业多少人？');
    expect((await ask('去年呢？')).searched).toBe('城中区去年城镇新增就业是多少？');
    expect((await ask('今年的目标呢？')).searched).toBe('城中区今年城镇新增就业是多少？');
  });

  it('the growth takes place, indicator and year (增长了多少？)', async () => {
    const { ask } = setup();
    await ask('城中区去年旅游收入多少？');
    const { reply, searched } = await ask('增长了多少？');
    expect(searched).toBe('城中区去年旅游收入增长多少？');
    expect(text(reply)).toContain('按上一问理解为：城中区 · 旅游收入增长 · 去年');
  });

  it('a new indicator takes the place and year (农村劳动力转移就业呢？)', async () => {
    const { ask } = setup();
    await ask('城中区去年城镇新增就业多少人？');
    const { reply, searched } = await ask('农村劳动力转移就业呢？');
    expect(searched).toBe('城中区去年农村劳动力转移就业是多少？');
    expect(text(reply)).toContain('7152人次');
  });

  it('a place with no report is refused by name, the reading shown', async () => {
    const { ask } = setup();
    await ask('城中区去年城镇新增就业多少人？');
    const { reply, searched } = await ask('那湟源县呢？');
    expect(searched).toBe('湟源县去年城镇新增就业多少人？');
    expect(text(reply)).toContain('湟源县');
    expect(text(reply)).toContain('按上一问理解为：湟源县 · 城镇新增就业 · 去年');
    expect(buttons(reply).flat().map(([l]) => l)).toContain('按原话查');
  });

  it('a complete question replaces the frame; chats keep their own; the frame expires', async () => {
    const { h, ask } = setup({ FOLLOWUP_MINUTES: '30' });
    await ask('城中区去年城镇新增就业多少人？');
    await ask('城西区去年优抚资金多少？', { userId: 2002, chatId: 2002 });
    expect((await ask('那城西区呢？')).searched).toBe('城西区去年城镇新增就业多少人？');
    const { reply, searched } = await ask('城中区去年旅游收入多少？');
    expect(searched).toBe('城中区去年旅游收入多少？');
    expect(text(reply)).not.toContain('按上一问理解为');
    expect((await ask('那城中区呢？', { userId: 2002, chatId: 2002 })).searched).toBe('城中区去年优抚资金多少？');
    h.clock.now += 31 * 60_000;
    expect((await ask('那城西区呢？')).searched).toBe('那城西区呢？');
  });
});

describe('citations to paste', () => {
  it('引用 n sends the ready sentence 据《title》，“verbatim sentence” as plain text', async () => {
    const { h, ask } = setup();
    const { reply } = await ask('城中区去年城镇新增就业多少人？');
    const cite = buttons(reply).flat().find(([label]) => label === '📋 引用 1');
    expect(cite).toBeDefined();
    const sent = h.of('sendMessage', await h.press(cite![1], { message_id: 1 }));
    expect(sent).toHaveLength(1);
    expect(sent[0]!.payload.parse_mode).toBeUndefined();
    expect(text(sent[0])).toBe('据《城中区：开好局启新程走在前作表率》，“全年城镇新增就业6725人，农村劳动力转移就业7152人次，全体居民人均可支配收入43269元，同比增长3.9%。”');
  });
});
