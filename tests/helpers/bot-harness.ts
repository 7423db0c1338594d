// Drive a bot made by createBot without any network: updates go in through bot.handleUpdate, and an API
// transformer records every outgoing call and returns a fake successful result (or a scripted failure).
import type { Transformer } from 'grammy';
import type { Message, Update, UserFromGetMe } from 'grammy/types';
import { type Config, parseConfig } from '../../src/config/index.js';
import { createBot, type ReportBot } from '../../src/bot/create-bot.js';
import { createQueryLog, type QueryLog } from '../../src/bot/query-log.js';
import { SessionStore } from '../../src/bot/sessions.js';
import { createLogger, type Logger } from '../../src/log.js';
import type { Engine } from '../../src/types.js';

export const TOKEN = '123456:TEST-token-for-unit-tests-only';

export const BOT_INFO: UserFromGetMe = {
  id: 42,
  is_bot: true,
  first_name: '报告问答',
  username: 'report_qa_bot',
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: true,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
  can_manage_bots: false,
  supports_join_request_queries: false,
};

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
  sessions: SessionStore;
  clock: { now: number };
  /** Feed an update and wait until every answer it started has been sent. */
  send(update: Omit<Update, 'update_id'>): Promise<ApiCall[]>;
  text(text: string, from?: Partial<Who>): Promise<ApiCall[]>;
  command(text: string, from?: Partial<Who>): Promise<ApiCall[]>;
  press(data: string, message: { message_id: number }, from?: Partial<Who>): Promise<ApiCall[]>;
  inline(query: string, from?: Partial<Who>): Promise<ApiCall[]>;
  /** Calls of one method. */
  of(method: string, calls?: ApiCall[]): ApiCall[];
}

export interface Who {
  userId: number;
  chatId: number;
  chatType: 'private' | 'group' | 'supergroup';
}

export function createHarness(engine: Engine, env: Record<string, string> = {}, failures: Failure[] = []): Harness {
  const config = parseConfig({ BOT_TOKEN: TOKEN, QUERY_LOG: '', ...env });
  const calls: ApiCall[] = [];
  const logs: string[] = [];
  const log: Logger = createLogger('debug', (l) => logs.push(l));
  const clock = { now: 1_700_000_000_000 };
  let messageId = 1000;
  let updateId = 1;

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
    if (method === 'sendMessage') {
      const chatId = Number(p.chat_id);
      const result: Partial<Message> = { message_id: ++messageId, date: Math.floor(clock.now / 1000), chat: { id: chatId, type: 'private', first_name: 'x' }, text: String(p.text) };
      return { ok: true, result } as never;
    }
    return { ok: true, result: true } as never;
  };

  const queryLog = createQueryLog({ path: null, salt: 'test', log });
  const sessions = new SessionStore({ ttlMs: config.sessionTtlMinutes * 60_000, maxEntries: 100, now: () => clock.now });
  const bot = createBot(engine, config, { log, botInfo: BOT_INFO, apiTransformers: [recorder], queryLog, sessions, now: () => clock.now });

  const who = (w: Partial<Who> = {}): Who => ({ userId: 1001, chatId: w.userId ?? 1001, chatType: 'private', ...w });
  const chatOf = (w: Who) =>
    w.chatType === 'private' ? { id: w.chatId, type: 'private' as const, first_name: '记者' } : { id: w.chatId, type: w.chatType, title: '编辑部' };
  const userOf = (w: Who) => ({ id: w.userId, is_bot: false, first_name: '记者', language_code: 'zh-hans' });

  const send = async (update: Omit<Update, 'update_id'>) => {
    const before = calls.length;
    await bot.handleUpdate({ update_id: updateId++, ...update } as Update);
    await bot.idle(10_000);
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
    sessions,
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
    of: (method, list = calls) => list.filter((c) => c.method === method),
  };
  return h;
}

/** The inline keyboard of a call, as [text, callback_data] rows. */
export function buttons(call: ApiCall | undefined): [string, string][][] {
  const markup = call?.payload.reply_markup as { inline_keyboard?: { text: string; callback_data?: string }[][] } | undefined;
  return (markup?.inline_keyboard ?? []).map((row) => row.map((b) => [b.text, b.callback_data ?? ''] as [string, string]));
}

export { assertWellFormedHtml } from './html.js';
