// Who may use the bot. With an allow-list set, only listed users (or anyone in a listed chat) get
// answers; everyone else gets one short refusal naming their user id, so they can ask an admin to add
// them, and nothing from the reports. Admins are always allowed.
import type { Context, MiddlewareFn } from 'grammy';
import type { Logger } from '../log.js';

export interface AccessPolicy {
  allowedUserIds: readonly number[];
  allowedChatIds: readonly number[];
  adminUserIds: readonly number[];
}

/** No allow-list: anyone may ask (start-up logs a warning). Admins alone do not close the bot. */
export const isOpen = (p: AccessPolicy) => p.allowedUserIds.length === 0 && p.allowedChatIds.length === 0;

export const isAdmin = (p: AccessPolicy, userId: number | undefined) => userId !== undefined && p.adminUserIds.includes(userId);

export function isAllowed(p: AccessPolicy, userId: number | undefined, chatId: number | undefined): boolean {
  if (isOpen(p) || isAdmin(p, userId)) return true;
  return (userId !== undefined && p.allowedUserIds.includes(userId)) || (chatId !== undefined && p.allowedChatIds.includes(chatId));
}

export function refusalText(userId: number): string {
  return `抱歉，这个机器人只对授权用户开放。你的用户 ID 是 ${userId}，请把它发给管理员申请开通。`;
}

export interface AccessOptions {
  log: Logger;
  /** One refusal per user per this many ms; repeated attempts in between are ignored silently. */
  refusalCooldownMs?: number;
  now?: () => number;
}

export function accessControl(policy: AccessPolicy, opts: AccessOptions): MiddlewareFn<Context> {
  const cooldown = opts.refusalCooldownMs ?? 10 * 60_000;
  const now = opts.now ?? Date.now;
  const refusedAt = new Map<number, number>();

  return async (ctx, next) => {
    const userId = ctx.from?.id;
    // Inline queries have no chat: only a user-level entry can admit them.
    const chatId = ctx.inlineQuery ? undefined : ctx.chat?.id;
    if (isAllowed(policy, userId, chatId)) return next();
    if (userId === undefined) return; // channel posts and the like: nobody to answer

    opts.log.info('refused a user not on the allow-list', { userId, chatId, update: Object.keys(ctx.update)[1] });
    if (ctx.callbackQuery) {
      await ctx.answerCallbackQuery({ text: refusalText(userId), show_alert: true });
      return;
    }
    if (ctx.inlineQuery) {
      await ctx.answerInlineQuery([], {
        cache_time: 0,
        is_personal: true,
        button: { text: `未授权：你的用户 ID 是 ${userId}`, start_parameter: 'access' },
      });
      return;
    }
    const last = refusedAt.get(userId);
    if (last !== undefined && now() - last < cooldown) return;
    if (refusedAt.size > 10_000) refusedAt.clear(); // bounded; worst case someone gets a second refusal
    refusedAt.set(userId, now());
    if (ctx.chat) await ctx.reply(refusalText(userId));
  };
}

/**
 * In groups the bot answers only what is meant for it: commands, messages that mention it, and replies
 * to its own messages. Everything else in a group is colleagues talking, and is dropped here, before
 * the allow-list, so the bot never refuses people who were not talking to it.
 */
export function addressedOnly(): MiddlewareFn<Context> {
  return async (ctx, next) => {
    if (ctx.channelPost || ctx.editedChannelPost) return;
    const msg = ctx.message ?? ctx.editedMessage;
    const type = ctx.chat?.type;
    if (!msg || (type !== 'group' && type !== 'supergroup')) return next();
    if (isAddressedToBot(msg, ctx.me.id, ctx.me.username)) return next();
  };
}

interface MessageLike {
  text?: string;
  caption?: string;
  entities?: { type: string; offset: number; length: number }[];
  caption_entities?: { type: string; offset: number; length: number }[];
  reply_to_message?: { from?: { id: number } };
}

export function isAddressedToBot(msg: MessageLike, botId: number, botUsername: string): boolean {
  if (msg.reply_to_message?.from?.id === botId) return true;
  const text = msg.text ?? msg.caption ?? '';
  const entities = msg.entities ?? msg.caption_entities ?? [];
  const mention = '@' + botUsername.toLowerCase();
  for (const e of entities) {
    const part = text.slice(e.offset, e.offset + e.length).toLowerCase();
    if (e.type === 'bot_command' && e.offset === 0) {
      const at = part.indexOf('@');
      if (at < 0 || part.slice(at) === mention) return true;
    }
    if (e.type === 'mention' && part === mention) return true;
  }
  return false;
}
