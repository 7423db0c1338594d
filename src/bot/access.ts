// Who may use the bot. With an allow-list set, only listed users (or anyone in a listed chat) get
// answers; everyone else gets one short refusal naming their user id, so they can ask an admin to add
// them, and nothing from the reports. Admins are always allowed.
import type { Context, MiddlewareFn } from 'grammy';
import type { Logger } from '../log.js';
import type { ExpiringStore } from '../expiring.js';

export interface AccessPolicy {
  allowedUserIds: readonly number[];
  allowedChatIds: readonly number[];
  adminUserIds: readonly number[];
}

/** No allow-list: anyone may ask (start-up logs a warning). Admins alone do not close the bot. */
export const isOpen = (p: AccessPolicy) => p.allowedUserIds.length === 0 && p.allowedChatIds.length === 0;

export const isAdmin = (p: AccessPolicy, userId: number | undefined) => userId !== undefined && p.adminUserIds.includes(userId);

/**
 * What an admin's button (/remove, 更正) stands for, if an admin presses it in the chat it was sent to; otherwise
 * the press is answered (admins only, or expired) and the result is undefined.
 */
export async function adminButtonState<T extends { chatId: number | undefined }>(
  ctx: Context,
  p: AccessPolicy,
  store: Pick<ExpiringStore<T>, 'get'>,
  token: string,
  texts: { adminOnly: string; expired: string },
): Promise<T | undefined> {
  if (!isAdmin(p, ctx.from?.id)) return void (await ctx.answerCallbackQuery({ text: texts.adminOnly, show_alert: true }));
  const state = store.get(token);
  if (!state || state.chatId !== ctx.chat?.id) return void (await ctx.answerCallbackQuery({ text: texts.expired }));
  return state;
}

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
