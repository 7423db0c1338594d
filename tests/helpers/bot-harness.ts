// Drive a bot made by createBot without any network: updates go in through bot.handleUpdate, and an API
// transformer records every outgoing call and returns a fake successful result (or a scripted failure).
// Uploaded documents: getFile is answered by the transformer, and the file's bytes are served by the
// bot's injected download function (recorded in `downloads`).
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Transformer } from 'grammy';
import type { Message, Update } from 'grammy/types';
import { expect } from 'vitest';
import { BOT_INFO } from '../../src/bot/bot-info.js';
import { type BotDeps, createBot, type ReportBot } from '../../src/bot/create-bot.js';
import { createFeedbackLog, type FeedbackLog } from '../../src/bot/feedback-log.js';
import { createQueryLog, type QueryLog } from '../../src/bot/query-log.js';
import { ExpiringStore } from '../../src/expiring.js';
import type { SessionStore } from '../../src/bot/sessions.js';
import { type Config, parseConfig } from '../../src/config/index.js';
import { withWriteLock } from '../../src/index/lock.js';
import { createLogger, type Logger } from '../../src/log.js';
import { TELEGRAM_TEXT_LIMIT } from '../../src/present/telegram.js';
import type { Engine } from '../../src/types.js';
import { assertWellFormedHtml } from './html.js';

export const TOKEN = '123456:TEST-token-for-unit-tests-only';

export interface ApiCall {
  method: string;
  payload: Record<string, unknown>;
}

/** A scripted failure: the API answers this method with an error, `times` times (default forever). */
export interface Failure {
  method: string;
  error_code: number;
  description: string;
  retry_after?: number;
  times?: number;
}

export interface Harness {
  bot: ReportBot;
  config: Config;
  calls: ApiCall[];
  logs: string[];
  queryLog: QueryLog;
  feedbackLog: FeedbackLog;
  sessions: SessionStore;
  /** file_path of every download the bot made. */
  downloads: string[];
  clock: { now: number };
  /** Feed an update and wait until every answer it started has been sent. */
  send(update: Omit<Update, 'update_id'>): Promise<ApiCall[]>;
  text(text: string, from?: Partial<Who>): Promise<ApiCall[]>;
  command(text: string, from?: Partial<Who>): Promise<ApiCall[]>;
  press(data: string, message: { message_id: number }, from?: Partial<Who>): Promise<ApiCall[]>;
  inline(query: string, from?: Partial<Who>): Promise<ApiCall[]>;
  /** Send a document (as Telegram would: file_id, name, size); getFile and the download serve `bytes`. */
  upload(name: string, bytes: Uint8Array, from?: Partial<Who>, extra?: { fileSize?: number; mimeType?: string }): Promise<ApiCall[]>;
  /** A message update (for driving bot.handleUpdate directly, e.g. without waiting for background work). */
  messageUpdate(extra: Partial<Message>, from?: Partial<Who>): Omit<Update, 'update_id'>;
  /** Calls of one method. */
  of(method: string, calls?: ApiCall[]): ApiCall[];
}

export interface Who {
  userId: number;
  chatId: number;
  chatType: 'private' | 'group' | 'supergroup';
}

export function createHarness(engine: Engine, env: Record<string, string> = {}, failures: Failure[] = [], deps: Partial<BotDeps> = {}): Harness {
  // INDEX_DIR: a folder no test writes, unless given, so an index update elsewhere (npm run index, another test
  // file) never puts "报告库正在更新" on the cards these tests compare.
  const config = parseConfig({ BOT_TOKEN: TOKEN, QUERY_LOG: '', INDEX_DIR: join(tmpdir(), 'bot-harness-unused-index'), ...env });
  const calls: ApiCall[] = [];
  const logs: string[] = [];
  const log: Logger = createLogger('debug', (l) => logs.push(l));
  const clock = { now: 1_700_000_000_000 };
  let messageId = 1000;
  let updateId = 1;
  const files = new Map<string, { bytes: Uint8Array; path: string; size: number }>();
  const downloads: string[] = [];

  const recorder: Transformer = async (_prev, method, payload) => {
    const p = (payload ?? {}) as Record<string, unknown>;
    calls.push({ method, payload: p });
    const f = failures.find((x) => x.method === method && (x.times === undefined || x.times > 0));
    if (f) {
      if (f.times !== undefined) f.times -= 1;
      return {
        ok: false,
        error_code: f.error_code,
        description: f.description,
        ...(f.retry_after !== undefined ? { parameters: { retry_after: f.retry_after } } : {}),
      } as never;
    }
    if (method === 'getFile') {
      const f = files.get(String(p.file_id));
      if (!f) return { ok: false, error_code: 400, description: 'Bad Request: invalid file_id' } as never;
      return { ok: true, result: { file_id: String(p.file_id), file_unique_id: `u${p.file_id}`, file_size: f.size, file_path: f.path } } as never;
    }
    if (method === 'sendMessage') {
      const chatId = Number(p.chat_id);
      const result: Partial<Message> = { message_id: ++messageId, date: Math.floor(clock.now / 1000), chat: { id: chatId, type: 'private', first_name: 'x' }, text: String(p.text) };
      return { ok: true, result } as never;
    }
    return { ok: true, result: true } as never;
  };

  const queryLog = createQueryLog({ path: null, salt: 'test', log, now: () => new Date(clock.now) });
  const feedbackLog = createFeedbackLog({ path: null, salt: 'test', log, now: () => new Date(clock.now) });
  const sessions: SessionStore = new ExpiringStore({ ttlMs: config.sessionTtlMinutes * 60_000, maxEntries: 100, now: () => clock.now });
  const download = async (path: string) => {
    downloads.push(path);
    const f = [...files.values()].find((x) => x.path === path);
    if (!f) throw new Error(`404: no file at ${path}`);
    return f.bytes;
  };
  const bot = createBot(engine, config, {
    log,
    botInfo: BOT_INFO,
    apiTransformers: [recorder],
    queryLog,
    feedbackLog,
    sessions,
    now: () => clock.now,
    download,
    ...deps,
  });

  const who = (w: Partial<Who> = {}): Who => ({ userId: 1001, chatId: w.userId ?? 1001, chatType: 'private', ...w });
  const chatOf = (w: Who) =>
    w.chatType === 'private' ? { id: w.chatId, type: 'private' as const, first_name: '记者' } : { id: w.chatId, type: w.chatType, title: '编辑部' };
  const userOf = (w: Who) => ({ id: w.userId, is_bot: false, first_name: '记者', language_code: 'zh-hans' });

  const send = async (update: Omit<Update, 'update_id'>) => {
    const before = calls.length;
    await bot.handleUpdate({ update_id: updateId++, ...update } as Update);
    // Long enough for an upload that is read by OCR (a scanned PDF) on a busy machine.
    await bot.idle(60_000);
    return calls.slice(before);
  };
  const message = (w: Who, extra: Partial<Message>) =>
    ({ message_id: ++messageId, date: Math.floor(clock.now / 1000), chat: chatOf(w), from: userOf(w), ...extra }) as Message;

  const h: Harness = {
    bot,
    config,
    calls,
    logs,
    queryLog,
    feedbackLog,
    sessions,
    downloads,
    clock,
    send,
    text: (text, from) => send({ message: message(who(from), { text }) as Update['message'] }),
    command: (text, from) => {
      const cmd = text.split(/\s/)[0] ?? text;
      return send({ message: message(who(from), { text, entities: [{ type: 'bot_command', offset: 0, length: cmd.length }] }) as Update['message'] });
    },
    press: (data, msg, from) => {
      const w = who(from);
      return send({
        callback_query: {
          id: String(++messageId),
          from: userOf(w),
          chat_instance: 'ci',
          data,
          message: { message_id: msg.message_id, date: 0, chat: chatOf(w), from: { ...BOT_INFO }, text: '…' } as Message,
        },
      } as Omit<Update, 'update_id'>);
    },
    inline: (query, from) => {
      const w = who(from);
      return send({ inline_query: { id: String(++messageId), from: userOf(w), query, offset: '' } });
    },
    upload: (name, bytes, from, extra = {}) => {
      const id = `doc${++messageId}`;
      const size = extra.fileSize ?? bytes.length;
      files.set(id, { bytes, size, path: `documents/file_${messageId}${name.match(/\.[^.]*$/)?.[0] ?? ''}` });
      const document = { file_id: id, file_unique_id: `u${id}`, file_name: name, file_size: size, ...(extra.mimeType ? { mime_type: extra.mimeType } : {}) };
      return send({ message: message(who(from), { document }) as Update['message'] });
    },
    messageUpdate: (extra, from) => ({ message: message(who(from), extra) as Update['message'] }),
    of: (method, list = calls) => list.filter((c) => c.method === method),
  };
  return h;
}

/** The inline keyboard of a call, as [text, callback_data] rows. */
export function buttons(call: ApiCall | undefined): [string, string][][] {
  const markup = call?.payload.reply_markup as { inline_keyboard?: { text: string; callback_data?: string }[][] } | undefined;
  return (markup?.inline_keyboard ?? []).map((row) => row.map((b) => [b.text, b.callback_data ?? ''] as [string, string]));
}

export { assertWellFormedHtml };

/** An admin (ADMIN_USER_IDS=9 in the tests that need one) and a reporter, each in their private chat. */
export const ADMIN = { userId: 9, chatId: 9 };
export const REPORTER = { userId: 1001, chatId: 1001 };

/** A report file from tests/fixtures/reports. */
export const fixture = (name: string) => new Uint8Array(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'reports', name)));

/** The text of a sent or edited message. */
export const text = (c: ApiCall | undefined) => String(c?.payload.text ?? '');

/** The one message among `calls` (fails the test when there is not exactly one). */
export function only(calls: ApiCall[]): ApiCall {
  const sent = calls.filter((c) => c.method === 'sendMessage');
  expect(sent).toHaveLength(1);
  return sent[0]!;
}

/** Every message the bot sent or edited is valid Telegram HTML within the limit, with short callback data. */
export function checkAll(calls: ApiCall[]): void {
  for (const c of calls) {
    if (c.method !== 'sendMessage' && c.method !== 'editMessageText') continue;
    expect(text(c).length).toBeLessThanOrEqual(TELEGRAM_TEXT_LIMIT);
    if (c.payload.parse_mode === 'HTML') assertWellFormedHtml(text(c));
    for (const row of buttons(c)) for (const [, data] of row) expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);
  }
}

/** Poll until `condition` holds (work the bot does in the background). */
export async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Hold the index's write lock in this process (as an ingest would) until `release()`. */
export async function holdWriteLock(indexDir: string): Promise<{ release: () => void; writing: Promise<void> }> {
  let release!: () => void;
  let started!: () => void;
  const taken = new Promise<void>((r) => (started = r));
  const writing = withWriteLock(indexDir, 'ingest', () => {
    started();
    return new Promise<void>((r) => (release = r));
  });
  await taken;
  return { release, writing };
}
