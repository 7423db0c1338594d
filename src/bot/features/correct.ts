// Feature: an admin corrects what an uploaded report is. The upload's reply carries 更正地方 / 更正年份; the
// admin then sends the right value (or taps one of the offered ones), which is stored like
// `npm run ingest -- FILE --place X --year Y` (corpus/reports.json) and the index is updated and switched to.
import { Composer, type Context, InlineKeyboard } from 'grammy';
import { correctionOf } from '../../app/ingest.js';
import type { ReportAdmin } from '../../app/report-admin.js';
import { indexedPlaceNames } from '../../places/find.js';
import { adminButtonState, isAdmin } from '../access.js';
import { correctedText, correctFailedText, correctingText, fileName } from '../admin-texts.js';
import { encodeCallback, onCallback } from '../callback-data.js';
import type { BotEnv } from '../env.js';
import { ExpiringStore } from '../../expiring.js';
import { editOrReply, HTML } from '../util.js';

type Field = 'place' | 'year';
/** The report behind an upload reply's buttons, and the values offered as buttons once one is pressed. */
interface Pending {
  file: string;
  chatId: number;
  year: number | null;
  places: string[];
}

/** Indexed places offered as buttons (any other is typed). */
const PLACE_BUTTONS = 8;

const TEXT = {
  adminOnly: '只有管理员可以更正报告信息。',
  expired: '这个更正按钮已过期；可在服务器上用 npm run ingest -- 文件 --place 地方 --year 年份 更正。',
  ask: {
    place: '请发送这份报告所属地方的名称，如“宜君县”“南京市鼓楼区”，或 6 位行政区划代码；也可以点下面已收录的地方。',
    year: '请发送这份报告的年份（作报告的那一年），如 2025，或点下面的年份。',
  },
  bad: {
    place: '没认出这个地方，或有几个同名的地方。请写全称（如“南京市鼓楼区”“互助土族自治县”）或 6 位行政区划代码。',
    year: '请发送四位数的年份，如 2025。',
  },
  cancelled: '好的，没有更正。',
} as const;

export interface CorrectFeature {
  composer: Composer<Context>;
  /** The 更正地方 / 更正年份 buttons for a report just added in this chat. */
  offer(file: string, chatId: number, year: number | null): InlineKeyboard;
}

export function correctFeature(env: BotEnv, admin: ReportAdmin): CorrectFeature {
  const c = new Composer<Context>();
  const ttlMs = env.config.sessionTtlMinutes * 60_000;
  const reports = new ExpiringStore<Pending>({ ttlMs, maxEntries: 200, now: env.now });
  // Who is expected to type a value next, per chat and admin: the report's token and the field.
  const waiting = new ExpiringStore<{ token: string; field: Field }>({ ttlMs: 15 * 60_000, maxEntries: 200, now: env.now });
  const waiter = (ctx: Context) => `${ctx.chat?.id}:${ctx.from?.id}`;

  const offer = (file: string, chatId: number, year: number | null) => {
    const token = reports.add({ file, chatId, year, places: [] });
    return new InlineKeyboard()
      .text('更正地方', encodeCallback({ kind: 'correctAsk', token, field: 'place' }))
      .text('更正年份', encodeCallback({ kind: 'correctAsk', token, field: 'year' }));
  };

  const pendingFor = (ctx: Context, token: string) => adminButtonState(ctx, env.config, reports, token, TEXT);

  onCallback(c, 'correctAsk', async (ctx, { token, field }) => {
    const pending = await pendingFor(ctx, token);
    if (!pending) return;
    const kb = new InlineKeyboard();
    if (field === 'place') {
      pending.places = indexedPlaceNames(env.engine.reports()).slice(0, PLACE_BUTTONS);
      pending.places.forEach((p, i) => kb.text(p, encodeCallback({ kind: 'correctPick', token, field, value: i })).row());
    } else {
      const y = pending.year ?? new Date(env.now()).getUTCFullYear();
      for (const year of [y - 1, y, y + 1]) kb.text(String(year), encodeCallback({ kind: 'correctPick', token, field, value: year }));
      kb.row();
    }
    kb.text('取消', encodeCallback({ kind: 'correctCancel', token }));
    waiting.set(waiter(ctx), { token, field });
    await ctx.answerCallbackQuery();
    await ctx.reply(`${fileName(pending.file)}\n${TEXT.ask[field]}`, { ...HTML, reply_markup: kb });
  });

  onCallback(c, 'correctPick', async (ctx, { token, field, value }) => {
    const pending = await pendingFor(ctx, token);
    if (!pending) return;
    const given = field === 'year' ? String(value) : pending.places[value];
    if (given === undefined) return void (await ctx.answerCallbackQuery({ text: TEXT.expired, show_alert: true }));
    await ctx.answerCallbackQuery();
    await apply(ctx, pending, field, given);
  });

  onCallback(c, 'correctCancel', async (ctx) => {
    waiting.delete(waiter(ctx));
    await ctx.answerCallbackQuery({ text: TEXT.cancelled });
  });

  // The value typed after 更正地方 / 更正年份 (commands pass, and the admin can still ask questions after one).
  c.on('message:text', async (ctx, next) => {
    const wait = waiting.get(waiter(ctx));
    const first = ctx.msg.entities?.[0];
    if (!wait || (first?.type === 'bot_command' && first.offset === 0)) return next();
    const pending = reports.get(wait.token);
    if (!pending || !isAdmin(env.config, ctx.from.id)) return next();
    await apply(ctx, pending, wait.field, ctx.msg.text);
  });

  async function apply(ctx: Context, pending: Pending, field: Field, value: string): Promise<void> {
    const correction = correctionOf(field, value);
    if (!correction) return void (await ctx.reply(TEXT.bad[field])); // still waiting for a value
    waiting.delete(waiter(ctx));
    const progress = await ctx.reply(correctingText(pending.file), HTML);
    env.spawn(ctx, async () => {
      const result = await admin.correct(pending.file, correction);
      const report = env.engine.reports().find((r) => r.file === pending.file);
      if ('reason' in result || !report) return void (await editOrReply(ctx, progress.message_id, correctFailedText(pending.file), env.log));
      await editOrReply(ctx, progress.message_id, correctedText(report, result.reloadError), env.log, { reply_markup: offer(pending.file, pending.chatId, report.year) });
    });
  }

  return { composer: c, offer };
}
