// Feature: questions. A text message (or /ask, for groups) is searched within the chat's scope and
// answered with a card: cited passages, pages, 原文 and 👍/👎 buttons (card.ts, feedback.ts), or a plain
// "not found" card. Installed last: any text no other feature took is a question.
import { Composer, type Context } from 'grammy';
import { onCallback } from '../callback-data.js';
import { renderAnswerCard, renderNotFoundCard } from '../../present/telegram.js';
import { askInChat, coveredOf } from '../../search/followup.js';
import { type BotEnv, labelOf, viaOf } from '../env.js';
import { answerKeyboard, notFoundKeyboard } from '../keyboards.js';
import { checkQuestion, cleanQuestion, MAX_PAGES, searchLogged } from '../question.js';
import { liveSession, type QuerySession } from '../sessions.js';
import { TEXT } from '../texts.js';
import { describe, HTML } from '../util.js';

/**
 * Answer `raw` as a question in ctx's chat (also used by the example buttons of /start). A message lacking pieces
 * takes them from the chat's last question (src/search/followup.ts), unless `asWritten` (the 按原话查 button).
 */
export type Ask = (ctx: Context, raw: string, opts?: { asWritten?: boolean }) => Promise<void>;

export function createAsk(env: BotEnv): Ask {
  const { engine, log, sessions } = env;
  const perPage = env.config.resultsPerPage;
  const replyOptions = (ctx: Context) => ({
    ...HTML,
    // In a group, attach the card to the question so colleagues see what it answers.
    ...(ctx.chat?.type !== 'private' && ctx.msg?.message_id && !ctx.callbackQuery
      ? { reply_parameters: { message_id: ctx.msg.message_id, allow_sending_without_reply: true } }
      : {}),
  });

  return async (ctx, raw, { asWritten = false } = {}) => {
    const query = cleanQuestion(raw, ctx.me.username);
    const problem = checkQuestion(query);
    if (problem) return void (await ctx.reply(TEXT[problem]));
    env.spawn(ctx, async () => {
      // The typing indicator is a courtesy: its failure must not cost the answer.
      void ctx.replyWithChatAction('typing').catch((err: unknown) => log.debug('sendChatAction failed', { error: describe(err) }));
      const scope = env.scopes.get(ctx.chat?.id);
      const who = { userId: ctx.from?.id ?? 0, via: viaOf(ctx) };
      const search = async (q: string) => (await searchLogged(engine, q, { top: perPage * MAX_PAGES, scope }, { queryLog: env.queryLog, who })).answer;
      const answer = await askInChat(env.frames, ctx.chat?.id ?? 0, query, coveredOf(engine.reports()), search, { asWritten });
      const card = { scopeLabel: labelOf(env, scope), notice: env.updateNotice() };
      const session: QuerySession = { answer, scope, chatId: ctx.chat?.id ?? null, votes: new Map() };
      if (answer.results.length === 0) {
        // A follow-up not found keeps its 按原话查 button: the reading may be what went wrong.
        const sid = answer.understood.carried ? sessions.add(session) : null;
        const keyboard = notFoundKeyboard(sid, Boolean(card.scopeLabel));
        return void (await ctx.reply(renderNotFoundCard(answer, card), { ...replyOptions(ctx), ...(keyboard ? { reply_markup: keyboard } : {}) }));
      }
      const sid = sessions.add(session);
      await ctx.reply(renderAnswerCard(answer, { page: 0, perPage, ...card }), {
        ...replyOptions(ctx),
        reply_markup: answerKeyboard(sid, session, 0, perPage),
      });
    });
  };
}

const NOT_TEXT = [
  'message:photo',
  'message:sticker',
  'message:voice',
  'message:video',
  'message:video_note',
  'message:audio',
  'message:animation',
  'message:location',
  'message:contact',
  'message:poll',
  'message:dice',
] as const;

/** The question asked again with what a vague one lacked: the place or indicator chosen goes first ("北京市" + "去年GDP增长多少？"). */
export const clarified = (query: string, option: string) => `${option}${query}`;

export function askFeature(ask: Ask, env: Pick<BotEnv, 'sessions'>): Composer<Context> {
  const c = new Composer<Context>();
  // 按原话查: the follow-up's own words, searched as they are.
  onCallback(c, 'asWritten', async (ctx, action) => {
    const session = liveSession(env.sessions, action.sid, ctx.chat?.id);
    if (!session) return ctx.answerCallbackQuery({ text: TEXT.expired });
    await ctx.answerCallbackQuery();
    await ask(ctx, session.answer.query, { asWritten: true });
  });
  // ❓ buttons under a vague question: asked again with the place or indicator chosen.
  onCallback(c, 'clarify', async (ctx, action) => {
    const session = liveSession(env.sessions, action.sid, ctx.chat?.id);
    const option = session?.answer.askBack?.options[action.index];
    await ctx.answerCallbackQuery(option ? { text: option } : { text: TEXT.expired });
    if (session && option) await ask(ctx, clarified(session.answer.query, option));
  });
  c.command('ask', async (ctx) => {
    if (ctx.match.trim().length === 0) return void (await ctx.reply(TEXT.askUsage));
    await ask(ctx, ctx.match);
  });
  c.on('message:text', async (ctx) => {
    const first = ctx.msg.entities?.[0];
    if (first?.type === 'bot_command' && first.offset === 0) return void (await ctx.reply(TEXT.unknownCommand));
    await ask(ctx, ctx.msg.text);
  });
  c.on([...NOT_TEXT], (ctx) => ctx.reply(TEXT.notText));
  return c;
}
