// Admin features in the chat: upload a report by sending the file, /remove a report (with confirmation).
// Validation (type, size, text layer, duplicate) happens before anything is written, so a refused file
// changes nothing; questions keep being answered from the current index while an upload is processed,
// and the switch to the new index is atomic (src/index/ingest.ts, engine.reload()).
import { randomBytes } from 'node:crypto';
import { type Context, GrammyError, InlineKeyboard } from 'grammy';
import type { Document } from 'grammy/types';
import { MAX_REPORT_BYTES, safeReportName } from '../index/ingest.js';
import type { Logger } from '../log.js';
import { escapeHtml } from '../present/telegram.js';
import type { Engine, ReportSummary } from '../types.js';
import { type AccessPolicy, isAdmin } from './access.js';
import {
  ADMIN_TEXT,
  type IndexTotals,
  ingestResultText,
  progressText,
  reasonInChinese,
  rejectedText,
  removeConfirmText,
  removedText,
  removeFailedText,
  removeListText,
  removeUnknownText,
  removingText,
} from './admin-texts.js';
import { type CallbackAction, encodeCallback } from './callback-data.js';
import { DownloadError, type Download } from './download.js';
import type { ReportAdmin } from './report-admin.js';
import { parseReportArg } from './scopes.js';
import { TEXT } from './texts.js';
import { clip, describe, editOrIgnore } from './util.js';

/** Reports listed by /remove with a button each; more are reachable with /remove 编号. */
const REMOVE_LIST_MAX = 40;
/** Progress edits during embedding, at most this often (Telegram limits edits per chat). */
const PROGRESS_EVERY_MS = 3000;

const HTML = { parse_mode: 'HTML' as const, link_preview_options: { is_disabled: true } };

/** Short-lived server-side entries behind admin buttons (callback data carries only the id). */
class PendingStore<T> {
  private readonly entries = new Map<string, { value: T; at: number }>();
  constructor(private readonly opts: { ttlMs: number; maxEntries: number; now: () => number }) {}

  add(value: T): string {
    while (this.entries.size >= this.opts.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
    let id: string;
    do id = randomBytes(6).toString('base64url');
    while (this.entries.has(id));
    this.entries.set(id, { value, at: this.opts.now() });
    return id;
  }

  get(id: string): T | undefined {
    const e = this.entries.get(id);
    if (!e) return undefined;
    if (this.opts.now() - e.at > this.opts.ttlMs) {
      this.entries.delete(id);
      return undefined;
    }
    return e.value;
  }

  delete(id: string): void {
    this.entries.delete(id);
  }
}

export interface AdminEnv {
  engine: Engine;
  policy: AccessPolicy;
  log: Logger;
  admin: ReportAdmin;
  download: Download;
  /** Run work after the handler returns (polling goes on); errors reach the bot's error handler. */
  spawn: (ctx: Context, work: () => Promise<void>) => void;
  now: () => number;
}

type RemoveAction = Extract<CallbackAction, { kind: 'removePick' | 'removeConfirm' | 'removeCancel' }>;

const MIME_EXTENSIONS: Record<string, string> = {
  'application/pdf': '.pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': '.docx',
  'text/plain': '.txt',
  'text/markdown': '.md',
};

/** The sender's file name, or one made from the MIME type when Telegram has none. */
export function documentName(doc: Pick<Document, 'file_name' | 'mime_type'>): string {
  if (doc.file_name?.trim()) return doc.file_name.trim();
  return `report${MIME_EXTENSIONS[doc.mime_type ?? ''] ?? ''}`;
}

export function createAdminHandlers(env: AdminEnv) {
  const { engine, policy, log, admin } = env;
  const removals = new PendingStore<{ reports: ReportSummary[]; chatId: number | undefined }>({ ttlMs: 15 * 60_000, maxEntries: 200, now: env.now });

  const totals = (): IndexTotals => {
    const reports = engine.reports();
    return { reports: reports.length, passages: reports.reduce((n, r) => n + r.passages, 0) };
  };

  /** Edit the bot's progress message; if that fails (deleted, too old), send the text as a new message. */
  const finisher = (ctx: Context, messageId: number) => async (html: string) => {
    try {
      await editOrIgnore(() => ctx.api.editMessageText(ctx.chat!.id, messageId, html, HTML));
    } catch (err) {
      log.debug('could not edit the progress message; replying instead', { error: describe(err) });
      await ctx.reply(html, HTML);
    }
  };

  // ---- upload -----------------------------------------------------------------------------------
  async function onDocument(ctx: Context, doc: Document): Promise<void> {
    if (!isAdmin(policy, ctx.from?.id)) {
      log.info('refused an upload from a non-admin', { userId: ctx.from?.id, file: doc.file_name });
      await ctx.reply(ADMIN_TEXT.uploadRefused);
      return;
    }
    const file = documentName(doc);
    // Checks that need no download: the type and Telegram's declared size.
    const safe = safeReportName(file);
    if (typeof safe !== 'string') return void (await ctx.reply(rejectedText(file, reasonInChinese(safe.reason), safe.reason), HTML));
    if (doc.file_size !== undefined && doc.file_size > MAX_REPORT_BYTES) return void (await ctx.reply(tooBigText(safe, doc.file_size), HTML));

    const progress = await ctx.reply(progressText(safe, 'download'), HTML);
    const finish = finisher(ctx, progress.message_id);
    env.spawn(ctx, async () => {
      let bytes: Uint8Array;
      try {
        const info = await ctx.getFile();
        if (info.file_size !== undefined && info.file_size > MAX_REPORT_BYTES) return void (await finish(tooBigText(safe, info.file_size)));
        if (!info.file_path) throw new DownloadError('the Bot API returned no file_path');
        bytes = await env.download(info.file_path);
      } catch (err) {
        log.warn(`could not download ${safe}: ${describe(err)}`);
        if (err instanceof GrammyError && /too big/i.test(err.description)) return void (await finish(tooBigText(safe, doc.file_size ?? MAX_REPORT_BYTES + 1)));
        if (err instanceof DownloadError && /larger than/.test(err.message)) return void (await finish(tooBigText(safe, doc.file_size ?? MAX_REPORT_BYTES + 1)));
        return void (await finish(rejectedText(safe, '没能从 Telegram 下载这个文件，请稍后再发送一次。', err instanceof Error ? err.message : String(err))));
      }

      await finish(progressText(safe, 'check', bytes.length));
      // Embedding progress, throttled; edits are chained so they never overtake each other or the result.
      let edits: Promise<void> = Promise.resolve();
      let last = performance.now();
      const onProgress = (p: { phase: string; done: number; total: number }) => {
        if ((p.phase !== 'embed' && p.phase !== 'ocr') || p.done >= p.total || performance.now() - last < PROGRESS_EVERY_MS) return;
        last = performance.now();
        const html = progressText(safe, p.phase === 'ocr' ? { ocrPage: p.done + 1, pages: p.total } : { embedded: p.done, total: p.total });
        edits = edits.then(() => editOrIgnore(() => ctx.api.editMessageText(ctx.chat!.id, progress.message_id, html, HTML))).catch(() => {});
      };
      let result;
      try {
        result = await admin.ingest([{ name: safe, bytes }], onProgress);
      } catch (err) {
        log.error(`upload of ${safe} failed`, { error: describe(err) });
        await edits;
        return void (await finish(`❌ 处理 <code>${escapeHtml(clip(safe, 80))}</code> 时出错：${escapeHtml(clip(err instanceof Error ? err.message : String(err), 300))}\n机器人仍在用之前的索引回答。请查看日志后再试。`));
      }
      await edits;
      const outcome = result.outcomes[0];
      if (!outcome) throw new Error('the ingest returned no outcome');
      await finish(ingestResultText(outcome, { totals: result.build ? totals() : null, ...(result.reloadError ? { reloadError: result.reloadError } : {}) }));
    });
  }

  // ---- /remove ----------------------------------------------------------------------------------
  async function onRemoveCommand(ctx: Context, arg: string): Promise<void> {
    if (!isAdmin(policy, ctx.from?.id)) return void (await ctx.reply(TEXT.adminOnly));
    const reports = engine.reports();
    if (reports.length === 0) return void (await ctx.reply(ADMIN_TEXT.noReports));
    const chatId = ctx.chat?.id;
    if (!arg.trim()) {
      const token = removals.add({ reports: [...reports], chatId });
      const shown = Math.min(reports.length, REMOVE_LIST_MAX);
      const kb = new InlineKeyboard();
      reports.slice(0, shown).forEach((r, i) => kb.text(`${i + 1}. ${clip(r.file, 30)}`, encodeCallback({ kind: 'removePick', token, index: i })).row());
      kb.text('取消', encodeCallback({ kind: 'removeCancel', token }));
      return void (await ctx.reply(removeListText(reports, shown), { ...HTML, reply_markup: kb }));
    }
    const parsed = parseReportArg(arg, reports);
    if (parsed.kind !== 'report') return void (await ctx.reply(removeUnknownText(arg), HTML));
    const token = removals.add({ reports: [parsed.report], chatId });
    await ctx.reply(removeConfirmText(parsed.report), { ...HTML, reply_markup: confirmKeyboard(token, 0) });
  }

  async function onRemoveAction(ctx: Context, action: RemoveAction): Promise<void> {
    if (!isAdmin(policy, ctx.from?.id)) return void (await ctx.answerCallbackQuery({ text: ADMIN_TEXT.removeAdminOnly, show_alert: true }));
    const pending = removals.get(action.token);
    if (!pending || pending.chatId !== ctx.chat?.id) return void (await ctx.answerCallbackQuery({ text: ADMIN_TEXT.removeExpired }));
    if (action.kind === 'removeCancel') {
      removals.delete(action.token);
      await editOrIgnore(() => ctx.editMessageText(ADMIN_TEXT.removeCancelled));
      return void (await ctx.answerCallbackQuery());
    }
    const report = pending.reports[action.index];
    if (!report) return void (await ctx.answerCallbackQuery({ text: ADMIN_TEXT.removeExpired }));
    switch (action.kind) {
      case 'removePick':
        await editOrIgnore(() => ctx.editMessageText(removeConfirmText(report), { ...HTML, reply_markup: confirmKeyboard(action.token, action.index) }));
        return void (await ctx.answerCallbackQuery());
      case 'removeConfirm': {
        removals.delete(action.token); // a second tap on 确认 cannot remove twice
        const file = report.file;
        const messageId = ctx.callbackQuery?.message?.message_id;
        await editOrIgnore(() => ctx.editMessageText(removingText(file), HTML));
        await ctx.answerCallbackQuery({ text: '正在删除…' });
        env.spawn(ctx, async () => {
          const result = await admin.remove(file);
          const html = 'reason' in result ? removeFailedText(file, result.reason) : removedText(file, { totals: totals(), ...(result.reloadError ? { reloadError: result.reloadError } : {}) });
          if (messageId === undefined) await ctx.reply(html, HTML);
          else await finisher(ctx, messageId)(html);
        });
        return;
      }
    }
  }

  return { onDocument, onRemoveCommand, onRemoveAction };
}

function confirmKeyboard(token: string, index: number): InlineKeyboard {
  return new InlineKeyboard()
    .text('🗑 确认删除', encodeCallback({ kind: 'removeConfirm', token, index }))
    .text('取消', encodeCallback({ kind: 'removeCancel', token }));
}

function tooBigText(file: string, bytes: number): string {
  return rejectedText(
    file,
    `文件太大（${(bytes / 1048576).toFixed(1)} MB），超过 ${MAX_REPORT_BYTES / 1048576} MB 的上限，没有下载。Telegram 机器人只能下载 20 MB 以内的文件；请压缩或拆分后再发送，或在服务器上用 npm run ingest 收录。`,
  );
}
