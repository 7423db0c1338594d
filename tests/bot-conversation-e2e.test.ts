// A conversation and the /compare photo end to end: the real engine, the real bot (long polling) against the telegram-test-api
// emulator. The emulator has no sendPhoto; this file teaches it one (multipart, as the Bot API takes it) that keeps
// the uploaded bytes, so the test reads the picture the bot sent.

/** The little of express this route uses. */
interface Req extends AsyncIterable<Buffer> {
  headers: Record<string, string | string[] | undefined>;
  params: Record<string, string>;
}
interface App {
  post(path: string, handler: (req: Req, res: { sendResult: (d: unknown) => void }) => Promise<void>): void;
}
import { routes } from 'telegram-test-api/lib/routes/index.js';
import { TelegramServer } from 'telegram-test-api/lib/telegramServer.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../src/cli/common.js';
import { openEngine } from '../src/app/open.js';
import { sampleConfig } from './helpers/sample.js';
import { createBot } from '../src/bot/create-bot.js';
import { runBot, type RunningBot } from '../src/bot/run.js';
import { silentLogger } from '../src/log.js';
import { pngSize } from '../src/present/chart.js';
import { TOKEN } from './helpers/bot-harness.js';
import { assertWellFormedHtml } from './helpers/html.js';

/** Photos the emulator received, by the file_id it gave them. */
const photos = new Map<string, Uint8Array>();

function sendPhoto(app: App, server: TelegramServer): void {
  app.post('/bot:token/sendPhoto', async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c);
    const form = multipart(Buffer.concat(chunks), String(req.headers['content-type']));
    // The photo is sent as attach://name, its bytes in the part of that name.
    const attached = form.get('photo')?.toString('utf8').replace(/^attach:\/\//, '') ?? '';
    const bytes = new Uint8Array(form.get(attached) ?? Buffer.alloc(0));
    const fileId = `photo${photos.size + 1}`;
    photos.set(fileId, bytes);
    const field = (k: string) => form.get(k)?.toString('utf8');
    const markup = field('reply_markup');
    const result = server.addBotMessage(
      { chat_id: field('chat_id'), caption: field('caption'), parse_mode: field('parse_mode'), photo: [{ file_id: fileId, ...pngSize(bytes), file_size: bytes.length }], ...(markup ? { reply_markup: JSON.parse(markup) } : {}) } as never,
      req.params.token!,
    );
    res.sendResult({ ok: true, result });
  });
}

/** The parts of a multipart/form-data body by name (grammY writes the headers without spaces, which fetch's parser refuses). */
function multipart(body: Buffer, contentType: string): Map<string, Buffer> {
  const boundary = Buffer.from(`--${/boundary=(.+)$/.exec(contentType)?.[1] ?? ''}`);
  const out = new Map<string, Buffer>();
  let at = body.indexOf(boundary);
  while (at >= 0) {
    const next = body.indexOf(boundary, at + boundary.length);
    if (next < 0) break;
    const part = body.subarray(at + boundary.length + 2, next - 2);
    const split = part.indexOf('\r\n\r\n');
    const name = /name="([^"]*)"/.exec(part.subarray(0, split).toString('utf8'))?.[1];
    if (name !== undefined && split >= 0) out.set(name, part.subarray(split + 4));
    at = next;
  }
  return out;
}

interface PhotoMessage {
  messageId: number;
  message: { caption?: string; text?: string; parse_mode?: string; photo?: { file_id: string; width: number; height: number }[]; reply_markup?: { inline_keyboard: { text: string; callback_data: string }[][] } };
}

describe('a conversation and /compare against the telegram-test-api emulator', () => {
  let server: TelegramServer;
  let running: RunningBot;

  beforeAll(async () => {
    // Before the server is made: its constructor installs the routes in order, the catch-all last.
    routes.unshift(sendPhoto as never);
    const engine = await openEngine(sampleConfig());
    server = new TelegramServer({ port: await freePort(), host: '127.0.0.1', storeTimeout: 60 });
    await server.start();
    const config = sampleConfig({ BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: server.config.apiURL, QUERY_LOG: '' });
    running = await runBot(createBot(engine, config, { log: silentLogger }), config, { log: silentLogger });
  });

  afterAll(async () => {
    await running?.stop(5000);
    await running?.done.catch(() => {});
    await server?.stop();
  });

  it('replies with a bar chart photo, the ranked table as its caption and each row\'s citation behind a button', async () => {
    const client = server.getClient(TOKEN, { chatId: 601, userId: 601, timeout: 30_000 });
    await client.sendCommand(client.makeCommand('/compare 城镇新增就业'));
    const reply = (await client.getUpdates()).result[0] as unknown as PhotoMessage;
    const photo = reply.message.photo?.[0];
    expect(photo).toBeDefined();
    const png = photos.get(photo!.file_id)!;
    expect([...png.slice(1, 4)].map((c) => String.fromCharCode(c)).join('')).toBe('PNG');
    expect(pngSize(png).width).toBeGreaterThanOrEqual(800);
    const caption = reply.message.caption!;
    assertWellFormedHtml(caption);
    expect(reply.message.parse_mode).toBe('HTML');
    expect(caption.length).toBeLessThanOrEqual(1024);
    for (const row of ['城西区 2022年 <b>7557人</b>', '城中区 2023年 <b>6725人</b>（少832人）', '未列入：湟中区（报告只给出2024年目标：2500人）']) expect(caption).toContain(row);
    const button = reply.message.reply_markup!.inline_keyboard.flat().find((b) => b.text === '📄 2 城中区')!;
    await client.sendCallback(client.makeCallbackQuery(button.callback_data, { message: { message_id: reply.messageId } }));
    const cited = (await client.getUpdates()).result[0] as unknown as PhotoMessage;
    expect(cited.message.text).toContain('📄 《城中区：开好局启新程走在前作表率》 · 城中区 · 2024年报告');
    expect(cited.message.text).toContain('据《城中区：开好局启新程走在前作表率》，“全年城镇新增就业6725人');
  });

  it('reads a follow-up against the chat\'s last question and says how, with the year of the report that answers', async () => {
    const client = server.getClient(TOKEN, { chatId: 602, userId: 602, timeout: 30_000 });
    const ask = async (q: string) => {
      await client.sendMessage(client.makeMessage(q));
      return ((await client.getUpdates()).result[0] as unknown as PhotoMessage).message;
    };
    expect((await ask('城中区去年城镇新增就业多少人？')).text).toContain('<b>6725人</b>');
    const card = await ask('那城西区呢？');
    expect(card.text).toContain('按上一问理解为：城西区 · 城镇新增就业 · 2022年');
    expect(card.text).toContain('<b>7557人</b>');
    expect(card.reply_markup!.inline_keyboard.flat().map((b) => b.text)).toContain('按原话查');
    const refused = await ask('那城东区呢？');
    expect(refused.text).toContain('城东区');
    expect(refused.text).toContain('没有找到');
  });
});
