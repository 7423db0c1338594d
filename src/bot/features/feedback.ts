// Feature: 👍 / 👎 under an answer card. One vote per person and card, logged with the passages the card
// cited; the buttons then show the counts, the card's text stays as it is.
import { Composer, type Context } from 'grammy';
import { clampPage } from '../../present/telegram.js';
import { onCallback } from '../callback-data.js';
import { type BotEnv, viaOf } from '../env.js';
import { answerKeyboard } from '../keyboards.js';
import { liveSession } from '../sessions.js';
import { TEXT } from '../texts.js';
import { editOrIgnore } from '../util.js';

export function feedbackFeature(env: BotEnv): Composer<Context> {
  const c = new Composer<Context>();
  const perPage = env.config.resultsPerPage;
  onCallback(c, 'feedback', async (ctx, action) => {
    const session = liveSession(env.sessions, action.sid, ctx.chat?.id);
    if (!session) return ctx.answerCallbackQuery({ text: TEXT.feedbackExpired });
    const userId = ctx.from.id;
    const prior = session.votes.get(userId);
    // A second tap (or the other button) records nothing.
    if (prior) return ctx.answerCallbackQuery({ text: `已记录你的反馈（${prior === 'up' ? '👍' : '👎'}），谢谢！` });
    const page = clampPage(action.page, session.answer.results.length, perPage);
    session.votes.set(userId, action.verdict);
    env.feedbackLog.record({
      userId,
      via: viaOf(ctx),
      query: session.answer.query,
      verdict: action.verdict,
      cardPage: page + 1,
      results: session.answer.results,
      district: session.scope.district,
      file: session.scope.file,
    });
    await editOrIgnore(() => ctx.editMessageReplyMarkup({ reply_markup: answerKeyboard(action.sid, session, page, perPage) }));
    await ctx.answerCallbackQuery({ text: TEXT.feedbackThanks });
  });
  return c;
}
