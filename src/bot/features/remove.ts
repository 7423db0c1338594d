// Feature: /remove for admins. Lists the reports with a button each (or takes /remove 编号 or a file
// name), asks for confirmation, then removes the report from corpus and index; it stops answering at once.
import { Composer, type Context, InlineKeyboard } from 'grammy';
import type { ReportSummary } from '../../types.js';
import { adminButtonState, isAdmin } from '../access.js';
import { ADMIN_TEXT, removeConfirmText, removedText, removeFailedText, removeListText, removeUnknownText, removingText, totalsOf } from '../admin-texts.js';
import { encodeCallback, onCallback } from '../callback-data.js';
import type { BotEnv } from '../env.js';
import type { ReportAdmin } from '../../app/report-admin.js';
import { parseReportArg } from '../scopes.js';
import { ExpiringStore } from '../../expiring.js';
import { TEXT } from '../texts.js';
import { clip, editOrIgnore, editOrReply, HTML } from '../util.js';

/** Reports listed by /remove with a button each; more are reachable with /remove 编号. */
const REMOVE_LIST_MAX = 40;

export function removeFeature(env: BotEnv, admin: ReportAdmin): Composer<Context> {
  const c = new Composer<Context>();
  const { engine } = env;
  // The list a /remove message offers, behind its buttons' token.
  const removals = new ExpiringStore<{ reports: ReportSummary[]; chatId: number | undefined }>({ ttlMs: 15 * 60_000, maxEntries: 200, now: env.now });

  c.command('remove', async (ctx) => {
    if (!isAdmin(env.config, ctx.from?.id)) return void (await ctx.reply(TEXT.adminOnly));
    const reports = engine.reports();
    if (reports.length === 0) return void (await ctx.reply(ADMIN_TEXT.noReports));
    const chatId = ctx.chat.id;
    if (!ctx.match.trim()) {
      const token = removals.add({ reports: [...reports], chatId });
      const shown = Math.min(reports.length, REMOVE_LIST_MAX);
      const kb = new InlineKeyboard();
      reports.slice(0, shown).forEach((r, i) => kb.text(`${i + 1}. ${clip(r.file, 30)}`, encodeCallback({ kind: 'removePick', token, index: i })).row());
      kb.text('取消', encodeCallback({ kind: 'removeCancel', token }));
      return void (await ctx.reply(removeListText(reports, shown), { ...HTML, reply_markup: kb }));
    }
    const parsed = parseReportArg(ctx.match, reports);
    if (parsed.kind !== 'report') return void (await ctx.reply(removeUnknownText(ctx.match), HTML));
    const token = removals.add({ reports: [parsed.report], chatId });
    await ctx.reply(removeConfirmText(parsed.report), { ...HTML, reply_markup: confirmKeyboard(token, 0) });
  });

  /** The pending list behind a button, if the one pressing it is an admin in the chat it was sent to. */
  const pendingFor = (ctx: Context, token: string) =>
    adminButtonState(ctx, env.config, removals, token, { adminOnly: ADMIN_TEXT.removeAdminOnly, expired: ADMIN_TEXT.removeExpired });
  /** The report a pick or confirm button names, or undefined after answering the callback. */
  const reportFor = async (ctx: Context, token: string, index: number) => {
    const pending = await pendingFor(ctx, token);
    if (!pending) return undefined;
    const report = pending.reports[index];
    if (!report) await ctx.answerCallbackQuery({ text: ADMIN_TEXT.removeExpired });
    return report;
  };

  onCallback(c, 'removeCancel', async (ctx, { token }) => {
    if (!(await pendingFor(ctx, token))) return;
    removals.delete(token);
    await editOrIgnore(() => ctx.editMessageText(ADMIN_TEXT.removeCancelled));
    await ctx.answerCallbackQuery();
  });

  onCallback(c, 'removePick', async (ctx, { token, index }) => {
    const report = await reportFor(ctx, token, index);
    if (!report) return;
    await editOrIgnore(() => ctx.editMessageText(removeConfirmText(report), { ...HTML, reply_markup: confirmKeyboard(token, index) }));
    await ctx.answerCallbackQuery();
  });

  onCallback(c, 'removeConfirm', async (ctx, { token, index }) => {
    const report = await reportFor(ctx, token, index);
    if (!report) return;
    removals.delete(token); // a second tap on 确认 cannot remove twice
    const file = report.file;
    const messageId = ctx.callbackQuery.message?.message_id;
    await editOrIgnore(() => ctx.editMessageText(removingText(file), HTML));
    await ctx.answerCallbackQuery({ text: '正在删除…' });
    env.spawn(ctx, async () => {
      const result = await admin.remove(file);
      const html =
        'reason' in result
          ? removeFailedText(file, result.reason)
          : removedText(file, { totals: totalsOf(engine.reports()), ...(result.reloadError ? { reloadError: result.reloadError } : {}) });
      if (messageId === undefined) await ctx.reply(html, HTML);
      else await editOrReply(ctx, messageId, html, env.log);
    });
  });
  return c;
}

function confirmKeyboard(token: string, index: number): InlineKeyboard {
  return new InlineKeyboard()
    .text('🗑 确认删除', encodeCallback({ kind: 'removeConfirm', token, index }))
    .text('取消', encodeCallback({ kind: 'removeCancel', token }));
}
