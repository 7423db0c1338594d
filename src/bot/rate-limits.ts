// Gate: per-user rate limits, one budget each for messages, buttons and inline queries. Admins are not limited.
import { limit } from '@grammyjs/ratelimiter';
import type { Context, MiddlewareFn } from 'grammy';
import { type AccessPolicy, isAdmin } from './access.js';
import { TEXT } from './texts.js';

export function rateLimits(perMinute: number, policy: AccessPolicy): MiddlewareFn<Context>[] {
  /** `times` × perMinute updates of one kind per user and minute; returning no key skips the limiter. */
  const perUser = (keyPrefix: string, times: number, of: (ctx: Context) => unknown, onLimitExceeded: (ctx: Context) => Promise<void>, alwaysReply: boolean) =>
    limit<Context, never>({
      timeFrame: 60_000,
      limit: perMinute * times,
      keyPrefix,
      alwaysReply,
      keyGenerator: (ctx) => (of(ctx) && ctx.from && !isAdmin(policy, ctx.from.id) ? String(ctx.from.id) : undefined),
      onLimitExceeded,
    });
  return [
    // Questions and commands; one friendly message per window, further excess is dropped silently.
    perUser('msg:', 1, (ctx) => ctx.message, async (ctx) => void (await ctx.reply(TEXT.rateLimited)), false),
    // Buttons are cheap (no search), but must always be answered, so alwaysReply.
    perUser('cb:', 3, (ctx) => ctx.callbackQuery, async (ctx) => void (await ctx.answerCallbackQuery({ text: TEXT.rateLimitedButton })), true),
    // Telegram sends an inline query per keystroke or so: a larger budget.
    perUser(
      'iq:',
      5,
      (ctx) => ctx.inlineQuery,
      async (ctx) => void (await ctx.answerInlineQuery([], { cache_time: 0, is_personal: true, button: { text: TEXT.rateLimitedButton, start_parameter: 'slow' } })),
      true,
    ),
  ];
}
