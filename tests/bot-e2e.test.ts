// End to end: the real engine on the real corpus, and the real bot (createBot + runBot, long polling)
// against a local Bot API emulator (telegram-test-api on 127.0.0.1, random free port) reached through
// TELEGRAM_API_ROOT. A client sends questions and presses buttons; we read the cards the bot sent.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TelegramServer } from 'telegram-test-api/lib/telegramServer.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../src/cli/common.js';
import { createBot, type ReportBot } from '../src/bot/create-bot.js';
import { runBot, type RunningBot } from '../src/bot/run.js';
import { EXAMPLE_QUESTIONS } from '../src/bot/texts.js';
import { createLogger } from '../src/log.js';
import { openEngine } from '../src/app/open.js';
import type { Engine } from '../src/types.js';
import { buttons, createHarness, TOKEN } from './helpers/bot-harness.js';
import { assertWellFormedHtml } from './helpers/html.js';
import { sampleConfig } from './helpers/sample.js';

let engine: Engine;

beforeAll(async () => {
  engine = await openEngine(sampleConfig()); // one model and index for the whole file
});

describe('real engine through the bot (handleUpdate)', () => {
  const ask = async (q: string) => {
    const h = createHarness(engine);
    const calls = await h.text(q);
    const card = calls.find((c) => c.method === 'sendMessage')!;
    assertWellFormedHtml(String(card.payload.text));
    return { h, card, html: String(card.payload.text) };
  };

  it('城中区去年城镇新增就业多少人？ → 6725人, cited to 000_be770faa11c46e25.txt', async () => {
    const { html } = await ask('城中区去年城镇新增就业多少人？');
    expect(html.split('\n')[0]).toMatch(/^<b>6725人<\/b> · 城中区 · 2023年 · 据2024年报告/);
    expect(html).toContain('<b>6725人</b>');
    // The source in words on the card; the file and its lines on the 原文 card (below).
    expect(html).toContain('📄 《城中区：开好局启新程走在前作表率》 · 城中区 · 2024年报告');
  });

  it('城西区发放优抚资金多少？ → 4500余万元', async () => {
    const { html } = await ask('城西区发放优抚资金多少？');
    expect(html.split('\n')[0]).toContain('<b>4500余万元</b>');
  });

  it('湟源县2023年固定资产投资增长多少？ → not found, nothing quoted', async () => {
    const { html, card } = await ask('湟源县2023年固定资产投资增长多少？');
    expect(html).toContain('没有找到');
    expect(html).not.toContain('<blockquote>');
    expect(buttons(card)).toEqual([]);
  });

  it('traditional characters: 城中區去年城鎮新增就業多少人？', async () => {
    const { html } = await ask('城中區去年城鎮新增就業多少人？');
    expect(html).toContain('<b>6725人</b>');
  });

  it('/start offers questions made from the indexed reports, and each finds an answer with a figure', async () => {
    const h = createHarness(engine);
    const start = (await h.command('/start')).find((c) => c.method === 'sendMessage')!;
    const offered = buttons(start).flat().map(([label]) => label);
    expect(offered).toHaveLength(3);
    expect(offered).not.toEqual([...EXAMPLE_QUESTIONS]);
    for (const q of offered) {
      expect(q).toMatch(/^(城中区|城西区|城北区|湟中区)20\d\d年[\u4e00-\u9fa5]+多少？$/);
      const { html } = await ask(q);
      expect(html, q).toMatch(/^<b>[^<]+<\/b> · /);
    }
  });

  it('原文 on a real answer shows the paragraph with the highlight in bold', async () => {
    const { h, card } = await ask('城中区去年城镇新增就业多少人？');
    const data = buttons(card).flat().find(([t]) => t === '📄 原文 1')![1];
    const calls = await h.press(data, { message_id: 1 });
    const ctx = String(calls.find((c) => c.method === 'sendMessage')!.payload.text);
    assertWellFormedHtml(ctx);
    expect(ctx).toMatch(/<b>[^<]*6725人[^<]*<\/b>/);
    expect(ctx).toContain('000_be770faa11c46e25.txt');
  });

  it('inline mode with the real engine', async () => {
    const h = createHarness(engine);
    const calls = await h.inline('城西区发放优抚资金多少？');
    const results = calls.find((c) => c.method === 'answerInlineQuery')!.payload.results as { title: string }[];
    expect(results[0]?.title).toMatch(/^4500余万元 · 城西区/);
  });
});


interface BotMessage {
  messageId: number;
  message: { chat_id: number | string; text: string; parse_mode?: string; reply_markup?: { inline_keyboard: { text: string; callback_data: string }[][] } };
}

describe('real bot against the telegram-test-api emulator', () => {
  let server: TelegramServer;
  let bot: ReportBot;
  let running: RunningBot;
  let dir: string;
  const logs: string[] = [];

  beforeAll(async () => {
    const port = await freePort();
    server = new TelegramServer({ port, host: '127.0.0.1', storeTimeout: 60 });
    await server.start();
    dir = mkdtempSync(join(tmpdir(), 'bot-e2e-'));
    const config = sampleConfig({ BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: server.config.apiURL, QUERY_LOG: join(dir, 'queries.jsonl'), QUERY_LOG_SALT: 'e2e' });
    const log = createLogger('debug', (l) => logs.push(l));
    bot = createBot(engine, config, { log });
    running = await runBot(bot, config, { log });
  });

  afterAll(async () => {
    // Bot first: stopping the server under a polling bot would make it retry.
    await running?.stop(5000);
    await running?.done.catch(() => {});
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Send as a user, wait for the bot's next message(s) to this chat. */
  async function ask(client: ReturnType<TelegramServer['getClient']>, text: string): Promise<BotMessage> {
    await client.sendMessage(client.makeMessage(text));
    const updates = await client.getUpdates();
    return updates.result[0] as unknown as BotMessage;
  }

  it('starts: warns that the bot is open and that the emulator has no setMyCommands, then polls', () => {
    expect(logs.some((l) => l.startsWith('[warn]') && l.includes('ALLOWED_USER_IDS'))).toBe(true);
    expect(logs.some((l) => l.startsWith('[warn]') && l.includes('setMyCommands'))).toBe(true);
    expect(logs.some((l) => l.includes('@TestNameBot is answering'))).toBe(true);
  });

  it('answers a question with a cited card and turns the page', async () => {
    const client = server.getClient(TOKEN, { chatId: 501, userId: 501, timeout: 30_000 });
    const card = await ask(client, '城中区去年城镇新增就业多少人？');
    expect(card.message.parse_mode).toBe('HTML');
    const html = card.message.text;
    assertWellFormedHtml(html);
    expect(html.split('\n')[0]).toMatch(/^<b>6725人<\/b> · 城中区/); // bold figure first
    expect(html).toContain('全年城镇新增就业<b>6725人</b>'); // verbatim quote
    expect(html).toContain('📄 《城中区：开好局启新程走在前作表率》 · 城中区 · 2024年报告'); // source in words
    expect(html).toContain('第1/');

    const next = card.message.reply_markup!.inline_keyboard.flat().find((b) => b.text.includes('下一页'))!;
    expect(next).toBeDefined();
    const edited = server.waitBotEdits();
    await client.sendCallback(client.makeCallbackQuery(next.callback_data, { message: { message_id: card.messageId } }));
    await edited;
    const history = (await client.getUpdatesHistory()) as unknown as BotMessage[];
    const after = history.find((u) => u.messageId === card.messageId)!;
    expect(after.message.text).toContain('第2/');
    expect(after.message.text).toMatch(/<blockquote>4\. /);
    assertWellFormedHtml(after.message.text);
    expect(after.message.reply_markup!.inline_keyboard.flat().some((b) => b.text.includes('上一页'))).toBe(true);
  });

  it('opens 原文 as a new message', async () => {
    const client = server.getClient(TOKEN, { chatId: 502, userId: 502, timeout: 30_000 });
    const card = await ask(client, '城西区发放优抚资金多少？');
    expect(card.message.text).toContain('<b>4500余万元</b>');
    const button = card.message.reply_markup!.inline_keyboard.flat().find((b) => b.text === '📄 原文 1')!;
    await client.sendCallback(client.makeCallbackQuery(button.callback_data, { message: { message_id: card.messageId } }));
    const ctx = (await client.getUpdates()).result[0] as unknown as BotMessage;
    expect(ctx.message.text).toContain('<b>原文</b>');
    expect(ctx.message.text).toContain('001_338ed807dc2533c7.txt');
  });

  it('says plainly when nothing is found, answers commands, and survives hostile input', async () => {
    const client = server.getClient(TOKEN, { chatId: 503, userId: 503, timeout: 30_000 });
    expect((await ask(client, '湟源县2023年固定资产投资增长多少？')).message.text).toContain('没有找到');
    await client.sendCommand(client.makeCommand('/sources'));
    expect(((await client.getUpdates()).result[0] as unknown as BotMessage).message.text).toContain('已收录的报告');
    const hostile = await ask(client, '<b>城中区</b> & *新增就业* </blockquote>');
    assertWellFormedHtml(hostile.message.text);
    expect((await ask(client, '😀😀')).message.text).toContain('文字');
  });

  it('serves several users at once and logs each question as a JSON line', async () => {
    const clients = [504, 505, 506].map((id) => server.getClient(TOKEN, { chatId: id, userId: id, timeout: 30_000 }));
    const cards = await Promise.all(clients.map((c) => ask(c, '城中区去年城镇新增就业多少人？')));
    for (const c of cards) expect(c.message.text).toContain('<b>6725人</b>');
    await bot.queryLog.flush();
    const lines = readFileSync(join(dir, 'queries.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.length).toBeGreaterThanOrEqual(6);
    for (const l of lines) {
      expect(Object.keys(l)).toEqual(expect.arrayContaining(['time', 'user', 'query', 'found', 'latencyMs']));
      expect(l.user).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(lines.some((l) => l.query === '湟源县2023年固定资产投资增长多少？' && l.found === false)).toBe(true);
  });
});
