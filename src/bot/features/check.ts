// The chat side of checking a draft and comparing places: /check 文本, a pasted draft (declarative sentences with
// figures and no question words), the 当作问题 button, /compare 指标 and questions asking for a comparison or for
// one place over the years: a chart as a photo, the ranked table as its caption, each row's source behind a button.
import { Composer, type Context, InlineKeyboard, InputFile } from 'grammy';
import type { CompareRow } from '../../check/compare.js';
import { chartAnswer, rankPlaces, type Ranking } from '../../check/rank.js';
import { rankingChart, seriesChart } from '../../present/chart.js';
import { rankingCaption, rankingRows, rowCitation, rowLabel, seriesCaption, seriesRows } from '../../present/compare.js';
import { checkText, type FigureBook, figureBookOf } from '../../check/index.js';
import { compact, CUES, parseFigures } from '../../figures/parse.js';
import { MAX_CLAIMS_PER_CARD, renderCheckCards } from '../../present/check.js';
import { ExpiringStore, type StoreOptions } from '../../expiring.js';
import { encodeCallback, onCallback } from '../callback-data.js';

export interface CheckDeps {
  /** The engine; its loaded index carries the figure records (figureBookOf). */
  engine: object;
  /** Reporters' words -> the reports' words (SYNONYMS_FILE). */
  synonyms: Record<string, string[]>;
  /** Answer a text as an ordinary question (the 当作问题 button). */
  ask: (ctx: Context, text: string) => Promise<void>;
  /** How long and how many drafts are kept for the 当作问题 button (oldest dropped first). */
  drafts: StoreOptions;
}

const QUESTION = new RegExp(CUES.questionWords);
/** A draft longer than a Telegram message (only possible through other clients) is not checked: send it in parts. */
export const MAX_DRAFT_CHARS = 4096;

/** What /check, /compare and a pasted draft answer besides a check (the terminal chat says the same). */
export const CHECK_TEXT = {
  check: '用法：/check 后面接要核对的文字，例如 /check 城中区2023年城镇新增就业6725人。也可以直接把稿件段落发给我。',
  compare: '用法：/compare 指标，例如 /compare 城镇新增就业',
  noIndex: '核对功能需要已建好的索引，暂时不可用，请稍后再试。',
  tooLong: `这段文字太长了（超过${MAX_DRAFT_CHARS}字），请分段发送。`,
  expired: '这条核对已过期，请重新发送文字。',
  notYours: '这个按钮只对发出这条核对的人有效。',
};

/** Does a message look like a draft to check: figures, and no question words? */
export function looksLikeDraft(text: string): boolean {
  const t = compact(text);
  return !QUESTION.test(t) && /\p{Script=Han}/u.test(t) && parseFigures(t).length > 0;
}

export function checkComposer(deps: CheckDeps): Composer<Context> {
  const composer = new Composer<Context>();
  const html = { parse_mode: 'HTML' as const, link_preview_options: { is_disabled: true } };
  // Texts of recent checks, for the 当作问题 button (callback data carries only a short id).
  // Each draft is bound to the chat and the person who sent it: its button works for them only, so a draft is
  // never echoed into another chat or asked on someone else's behalf.
  const drafts = new ExpiringStore<{ text: string; chatId: number | undefined; userId: number | undefined }>(deps.drafts);
  // Rows of recent charts, for their 📄 buttons.
  const charts = new ExpiringStore<CompareRow[]>(deps.drafts);
  const book = (): FigureBook | null => figureBookOf(deps.engine, deps.synonyms);

  async function sendCheck(ctx: Context, text: string): Promise<void> {
    const figures = book();
    if (!figures) return void (await ctx.reply(CHECK_TEXT.noIndex));
    if ([...text].length > MAX_DRAFT_CHARS) return void (await ctx.reply(CHECK_TEXT.tooLong));
    // One more than a card shows, so the card can say that some were left out without checking them all.
    const result = checkText(figures, text, { maxClaims: MAX_CLAIMS_PER_CARD + 1 });
    const total = result.claims.length > MAX_CLAIMS_PER_CARD ? parseFigures(compact(text)).length : result.claims.length;
    const cards = renderCheckCards({ ...result, claims: result.claims.slice(0, MAX_CLAIMS_PER_CARD) }, undefined, total);
    const id = drafts.add({ text, chatId: ctx.chat?.id, userId: ctx.from?.id });
    for (const [i, card] of cards.entries()) {
      const last = i === cards.length - 1;
      await ctx.reply(card, { ...html, ...(last ? { reply_markup: new InlineKeyboard().text('当作问题', encodeCallback({ kind: 'asQuestion', sid: id })) } : {}) });
    }
  }

  composer.command('check', async (ctx) => {
    const text = ctx.match.trim();
    if (!text) return void (await ctx.reply(CHECK_TEXT.check));
    await sendCheck(ctx, text);
  });

  /** A chart as a photo with its table as the caption and one button per row; the caption alone if the photo fails. */
  async function sendChart(ctx: Context, png: Buffer, caption: string, rows: CompareRow[], bySeries: boolean): Promise<void> {
    const id = charts.add(rows);
    const kb = new InlineKeyboard();
    rows.slice(0, 24).forEach((row, i) => {
      if (i > 0 && i % 3 === 0) kb.row();
      kb.text(rowLabel(row, i, bySeries), encodeCallback({ kind: 'chartRow', sid: id, index: i }));
    });
    try {
      await ctx.replyWithPhoto(new InputFile(png, 'chart.png'), { caption, parse_mode: 'HTML', reply_markup: kb });
    } catch {
      // The table is the answer; the picture is a courtesy.
      await ctx.reply(caption, { ...html, reply_markup: kb });
    }
  }

  /** A ranking of places (/compare 指标, 哪个区…最多) as its bar chart. */
  const sendRanking = (ctx: Context, ranking: Ranking) => sendChart(ctx, rankingChart(ranking), rankingCaption(ranking), rankingRows(ranking), false);

  composer.command('compare', async (ctx) => {
    const indicator = ctx.match.trim();
    if (!indicator) return void (await ctx.reply(CHECK_TEXT.compare));
    const figures = book();
    if (!figures) return void (await ctx.reply(CHECK_TEXT.noIndex));
    const ranking = rankPlaces(figures, indicator.slice(0, 100));
    if (ranking.rows.length > 0) await sendRanking(ctx, ranking);
    else await ctx.reply(`报告中没有找到“${indicator.slice(0, 40).replace(/[<>&]/g, '')}”的数字，无法对比。换个说法试试，例如 /compare 城镇新增就业。`);
  });

  onCallback(composer, 'chartRow', async (ctx, action) => {
    const row = charts.get(action.sid)?.[action.index];
    if (!row) return void (await ctx.answerCallbackQuery({ text: CHECK_TEXT.expired }));
    await ctx.answerCallbackQuery();
    await ctx.reply(rowCitation(row), { link_preview_options: { is_disabled: true } });
  });

  onCallback(composer, 'asQuestion', async (ctx, action) => {
    const draft = drafts.get(action.sid);
    if (!draft) return void (await ctx.answerCallbackQuery({ text: CHECK_TEXT.expired }));
    if (draft.chatId !== ctx.chat?.id || draft.userId !== ctx.from.id) return void (await ctx.answerCallbackQuery({ text: CHECK_TEXT.notYours }));
    await ctx.answerCallbackQuery();
    await deps.ask(ctx, draft.text);
  });

  composer.on('message:text', async (ctx, next) => {
    const first = ctx.msg.entities?.[0];
    if (first?.type === 'bot_command' && first.offset === 0) return next();
    const text = ctx.msg.text.replace(/@\w+/g, ' ').trim();
    if (looksLikeDraft(text)) return sendCheck(ctx, text);
    // One place over the years (a line, the years its reports lack named) or places ranked; a question neither
    // answers is asked as an ordinary question.
    const chart = chartAnswer(book, text);
    if (!chart) return next();
    if (chart.kind === 'series') return sendChart(ctx, seriesChart(chart.series), seriesCaption(chart.series), seriesRows(chart.series), true);
    return sendRanking(ctx, chart.ranking);
  });

  return composer;
}
