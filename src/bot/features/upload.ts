// Feature: an admin adds a report by sending the file. Validation (type, size, text layer, duplicate)
// happens before anything is written, so a refused file changes nothing; questions keep being answered
// from the current index while an upload is processed, and the switch to the new index is atomic
// (src/app/ingest.ts, engine.reload()). One progress message is edited as the work goes on.
import { Composer, type Context, GrammyError } from 'grammy';
import type { Document } from 'grammy/types';
import { withoutPaths } from '../../app/guarded.js';
import { MAX_REPORT_BYTES, safeReportName } from '../../app/ingest.js';
import { escapeHtml } from '../../present/telegram.js';
import { isAdmin } from '../access.js';
import { ADMIN_TEXT, ingestResultText, progressText, reasonInChinese, rejectedText, totalsOf } from '../admin-texts.js';
import { type Download, DownloadError } from '../download.js';
import type { BotEnv } from '../env.js';
import type { ReportAdmin } from '../../app/report-admin.js';
import type { CorrectFeature } from './correct.js';
import { clip, describe, editOrIgnore, editOrReply, HTML } from '../util.js';

/** Progress edits during embedding, at most this often (Telegram limits edits per chat). */
const PROGRESS_EVERY_MS = 3000;

/** For a document Telegram sends without a name; the name's extension is then checked like any other. */
const MIME_EXTENSIONS: Record<string, string> = {
  'application/pdf': '.pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': '.docx',
  'text/plain': '.txt',
  'text/markdown': '.md',
  'text/html': '.html',
  'image/png': '.png',
  'image/jpeg': '.jpg',
};

/** The sender's file name, or one made from the MIME type when Telegram has none. */
function documentName(doc: Pick<Document, 'file_name' | 'mime_type'>): string {
  if (doc.file_name?.trim()) return doc.file_name.trim();
  return `report${MIME_EXTENSIONS[doc.mime_type ?? ''] ?? ''}`;
}

/** `offer` makes the 更正地方 / 更正年份 buttons under an added report's reply (correct.ts). */
export function uploadFeature(env: BotEnv, admin: ReportAdmin, download: Download, offer: CorrectFeature['offer']): Composer<Context> {
  const c = new Composer<Context>();
  const { log } = env;
  c.on('message:document', async (ctx) => {
    const doc = ctx.msg.document;
    if (!isAdmin(env.config, ctx.from.id)) {
      log.info('refused an upload from a non-admin', { userId: ctx.from.id, file: doc.file_name });
      return void (await ctx.reply(ADMIN_TEXT.uploadRefused));
    }
    const file = documentName(doc);
    // Checks that need no download: the type and Telegram's declared size.
    const safe = safeReportName(file);
    if (typeof safe !== 'string') return void (await ctx.reply(rejectedText(file, reasonInChinese(safe.kind), safe.reason), HTML));
    if (doc.file_size !== undefined && doc.file_size > MAX_REPORT_BYTES) return void (await ctx.reply(tooBigText(safe, doc.file_size), HTML));

    const progress = await ctx.reply(progressText(safe, 'download'), HTML);
    const finish = (html: string) => editOrReply(ctx, progress.message_id, html, log);
    env.spawn(ctx, async () => {
      let bytes: Uint8Array;
      try {
        const info = await ctx.getFile();
        if (info.file_size !== undefined && info.file_size > MAX_REPORT_BYTES) return void (await finish(tooBigText(safe, info.file_size)));
        if (!info.file_path) throw new DownloadError('the Bot API returned no file_path');
        bytes = await download(info.file_path);
      } catch (err) {
        log.warn(`could not download ${safe}: ${describe(err)}`);
        const tooBig = (err instanceof GrammyError && /too big/i.test(err.description)) || (err instanceof DownloadError && /larger than/.test(err.message));
        if (tooBig) return void (await finish(tooBigText(safe, doc.file_size ?? MAX_REPORT_BYTES + 1)));
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
        edits = edits.then(() => editOrIgnore(() => ctx.api.editMessageText(ctx.chat.id, progress.message_id, html, HTML))).catch(() => {});
      };
      let result;
      try {
        result = await admin.ingest([{ name: safe, bytes }], onProgress);
      } catch (err) {
        log.error(`upload of ${safe} failed`, { error: describe(err) });
        await edits;
        // The error's own line (a full disk, a read-only folder: what to do), without the server's paths.
        const why = withoutPaths(err instanceof Error ? err.message : String(err));
        return void (await finish(`❌ 处理 <code>${escapeHtml(clip(safe, 80))}</code> 时出错：${escapeHtml(clip(why, 300))}\n文件没有收录，机器人仍在用之前的索引回答。请按上面的提示处理后再发送。`));
      }
      await edits;
      const outcome = result.outcomes[0];
      if (!outcome) throw new Error('the ingest returned no outcome');
      const totals = result.build ? totalsOf(env.engine.reports()) : null;
      const html = ingestResultText(outcome, { totals, ...(result.reloadError ? { reloadError: result.reloadError } : {}) });
      if (outcome.status !== 'added' && outcome.status !== 'replaced') return void (await finish(html));
      await editOrReply(ctx, progress.message_id, html, log, { reply_markup: offer(outcome.file, ctx.chat.id, outcome.facts.year) });
    });
  });
  // A photo sent the usual way arrives compressed, as a photo, not a document: tell an admin how to send it.
  c.on('message:photo', async (ctx, next) => (isAdmin(env.config, ctx.from.id) ? void (await ctx.reply(ADMIN_TEXT.photoAsFile)) : next()));
  return c;
}

function tooBigText(file: string, bytes: number): string {
  return rejectedText(
    file,
    `文件太大（${(bytes / 1048576).toFixed(1)} MB），超过 ${MAX_REPORT_BYTES / 1048576} MB 的上限，没有下载。Telegram 机器人只能下载 20 MB 以内的文件；请压缩或拆分后再发送，或在服务器上用 npm run ingest 收录。`,
  );
}
