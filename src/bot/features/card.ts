// Feature: the buttons of an answer card. ◀ ▶ turn its pages (edits the card, never searches again);
// "📄 原文 n" sends the paragraph around result n with its neighbours, whose ◀ ▶ move paragraph by paragraph.
import { type CallbackQueryContext, Composer, type Context } from 'grammy';
import { citation } from '../../present/citation.js';
import { clampPage, renderAnswerCard, renderContextCard } from '../../present/telegram.js';
import type { Passage } from '../../types.js';
import { type ActionOf, onCallback } from '../callback-data.js';
import { type BotEnv, labelOf } from '../env.js';
import { answerKeyboard, contextKeyboard } from '../keyboards.js';
import { liveSession } from '../sessions.js';
import { TEXT } from '../texts.js';
import { editOrIgnore, HTML } from '../util.js';

/** Passages fetched on each side for a "原文" card: enough to cover the whole paragraph and its neighbours. */
const CONTEXT_RADIUS = 6;

export function cardFeature(env: BotEnv): Composer<Context> {
  const c = new Composer<Context>();
  const perPage = env.config.resultsPerPage;

  // The page indicator between ◀ and ▶: answered, so the client's spinner stops.
  onCallback(c, 'noop', (ctx) => ctx.answerCallbackQuery());

  onCallback(c, 'page', async (ctx, action) => {
    const session = liveSession(env.sessions, action.sid, ctx.chat?.id);
    if (!session) return ctx.answerCallbackQuery({ text: TEXT.expired });
    const page = clampPage(action.page, session.answer.results.length, perPage);
    await editOrIgnore(() =>
      ctx.editMessageText(renderAnswerCard(session.answer, { page, perPage, scopeLabel: labelOf(env, session.scope) }), {
        ...HTML,
        reply_markup: answerKeyboard(action.sid, session, page, perPage),
      }),
    );
    await ctx.answerCallbackQuery();
  });

  const showContext = async (ctx: CallbackQueryContext<Context>, action: ActionOf<'context' | 'move'>) => {
    const session = liveSession(env.sessions, action.sid, ctx.chat?.id);
    if (!session) return ctx.answerCallbackQuery({ text: TEXT.expired });
    const passages = env.engine.context(action.passageId, CONTEXT_RADIUS);
    if (passages.length === 0) return ctx.answerCallbackQuery({ text: TEXT.passageGone });
    const highlight = session.answer.results.find((r) => r.passageId === action.passageId)?.highlight;
    const html = renderContextCard(passages, action.passageId, highlight ? { highlight } : {});
    const { prev, next } = neighbourParagraphs(passages, action.passageId);
    const other = { ...HTML, reply_markup: contextKeyboard(action.sid, prev, next) };
    if (action.kind === 'move') await editOrIgnore(() => ctx.editMessageText(html, other));
    else await ctx.reply(html, other);
    await ctx.answerCallbackQuery();
  };
  // 引用 n: the ready sentence as plain text, so a long press copies exactly it.
  onCallback(c, 'cite', async (ctx, action) => {
    const session = liveSession(env.sessions, action.sid, ctx.chat?.id);
    const result = session?.answer.results[action.index];
    if (!session || !result) return ctx.answerCallbackQuery({ text: TEXT.expired });
    await ctx.reply(citation(result), { link_preview_options: { is_disabled: true } });
    await ctx.answerCallbackQuery();
  });
  onCallback(c, 'context', showContext);
  onCallback(c, 'move', showContext);
  return c;
}

/** A passage id in the paragraph before and after the one holding `centerId`, among `passages`. */
function neighbourParagraphs(passages: readonly Passage[], centerId: number): { prev: number | null; next: number | null } {
  const center = passages.find((p) => p.id === centerId);
  if (!center) return { prev: null, next: null };
  const same = passages.filter((p) => p.source.file === center.source.file);
  const para = center.source.paragraph;
  const before = same.filter((p) => p.source.paragraph < para);
  const after = same.find((p) => p.source.paragraph > para);
  return { prev: before[before.length - 1]?.id ?? null, next: after?.id ?? null };
}
