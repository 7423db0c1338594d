// Gate: the error boundary. A failure is logged, and the user still gets a polite reply of the kind the
// update expects (a callback answer, an empty inline answer, or a message).
import type { Context } from 'grammy';
import type { Logger } from '../log.js';
import { TEXT } from './texts.js';
import { describe } from './util.js';

type ReportError = (err: unknown, ctx: Context) => Promise<void>;

export function errorReply(log: Logger): ReportError {
  return async (err, ctx) => {
    log.error('failed to handle an update', { update_id: ctx.update.update_id, error: describe(err) });
    if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: TEXT.failed }).catch(() => {});
    else if (ctx.inlineQuery) await ctx.answerInlineQuery([], { cache_time: 0, is_personal: true }).catch(() => {});
    else if (ctx.chat) await ctx.reply(TEXT.failed).catch(() => {});
  };
}
