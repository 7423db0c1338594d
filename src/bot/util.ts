// Small helpers shared by the bot's handlers.
import { type Context, GrammyError, type InlineKeyboard } from 'grammy';
import type { Logger } from '../log.js';

/** Telegram HTML without link previews: cards cite files, not web pages. */
export const HTML = { parse_mode: 'HTML' as const, link_preview_options: { is_disabled: true } };

/** Editing a message to the text it already has fails with "message is not modified": a double tap, harmless. */
export async function editOrIgnore(edit: () => Promise<unknown>): Promise<void> {
  try {
    await edit();
  } catch (err) {
    if (err instanceof GrammyError && /message is not modified/i.test(err.description)) return;
    throw err;
  }
}

/** Edit a message the bot sent earlier (a progress message); if that fails (deleted, too old), send `html` anew. */
export async function editOrReply(ctx: Context, messageId: number, html: string, log: Logger, markup?: { reply_markup: InlineKeyboard }): Promise<void> {
  const options = { ...HTML, ...markup };
  try {
    await editOrIgnore(() => ctx.api.editMessageText(ctx.chat!.id, messageId, html, options));
  } catch (err) {
    log.debug('could not edit the progress message; replying instead', { error: describe(err) });
    await ctx.reply(html, options);
  }
}

/** At most `n` characters (code points), with "…" when cut. */
export function clip(s: string, n: number): string {
  const chars = [...s];
  return chars.length > n ? chars.slice(0, n).join('') + '…' : s;
}

export function describe(err: unknown): string {
  // A non-conforming server (e.g. an emulator without this method) leaves code and description empty.
  if (err instanceof GrammyError) return err.error_code ? `${err.method}: ${err.error_code} ${err.description}` : err.message;
  if (err instanceof Error) return err.stack ?? err.message;
  return String(err);
}
