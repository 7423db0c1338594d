// Feature: inline mode. "@bot 问题" in any chat offers the top results as articles (quote plus source),
// so a reporter can drop a cited passage into a conversation with colleagues.
import { Composer, type Context, InlineQueryResultBuilder } from 'grammy';
import { renderInlineArticle } from '../../present/telegram.js';
import { isOpen } from '../access.js';
import type { BotEnv } from '../env.js';
import { checkQuestion, cleanQuestion, searchLogged } from '../question.js';
import { HTML } from '../util.js';

/** Inline mode shows this many results to pick from. */
const INLINE_RESULTS = 5;

export function inlineFeature(env: BotEnv): Composer<Context> {
  const c = new Composer<Context>();
  c.on('inline_query', async (ctx) => {
    const query = cleanQuestion(ctx.inlineQuery.query, ctx.me.username);
    // Personal (not shared across users by Telegram's cache) whenever access is restricted.
    const personal = !isOpen(env.config);
    if (checkQuestion(query) !== null) {
      return void (await ctx.answerInlineQuery([], {
        cache_time: 300,
        is_personal: personal,
        button: { text: '输入问题，如：城中区去年城镇新增就业多少人？', start_parameter: 'inline' },
      }));
    }
    env.spawn(ctx, async () => {
      const { answer } = await searchLogged(env.engine, query, { top: INLINE_RESULTS }, { queryLog: env.queryLog, who: { userId: ctx.from.id, via: 'inline' } });
      if (answer.results.length === 0) {
        return void (await ctx.answerInlineQuery([], {
          cache_time: 60,
          is_personal: personal,
          button: { text: '没有找到能回答的原文，换个说法试试', start_parameter: 'notfound' },
        }));
      }
      const results = answer.results.map((r, i) => {
        const a = renderInlineArticle(r, !answer.found);
        return InlineQueryResultBuilder.article(`${r.passageId}-${i}`, a.title, { description: a.description }).text(a.messageHtml, HTML);
      });
      await ctx.answerInlineQuery(results, { cache_time: 300, is_personal: personal });
    });
  });
  return c;
}
