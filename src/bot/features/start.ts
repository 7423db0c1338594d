// Feature: what the bot is and how to use it. /start (with example questions as buttons that ask them),
// /help (admins also see their commands), /sources.
import { Composer, type Context } from 'grammy';
import { exampleQuestions } from '../../check/examples.js';
import { figureBookOf } from '../../check/index.js';
import type { Synonyms } from '../../search/understand.js';
import { isAdmin } from '../access.js';
import { onCallback } from '../callback-data.js';
import type { BotEnv } from '../env.js';
import { examplesKeyboard } from '../keyboards.js';
import { EXAMPLE_QUESTIONS, helpText, sourcesText, TEXT, welcomeText } from '../texts.js';
import { HTML } from '../util.js';
import type { Ask } from './ask.js';

/** Examples already tried against an index version (its figure book), so /start asks the engine only once. */
const tried = new WeakMap<object, readonly string[]>();

/**
 * The example questions: made from the indexed reports (their places, years and indicators) and kept only when the
 * engine answers them with a figure, so they work with whatever the newsroom holds; the fixed ones only for an
 * engine without figure records.
 */
async function examples(env: BotEnv, synonyms: Synonyms): Promise<readonly string[]> {
  const book = figureBookOf(env.engine, synonyms);
  if (!book) return EXAMPLE_QUESTIONS;
  let list = tried.get(book);
  if (!list) {
    const answered: string[] = [];
    for (const q of exampleQuestions(book, 12)) {
      const a = await env.engine.search(q, { top: 1 });
      if (a.found && a.results[0]?.keyFigure) answered.push(q);
      if (answered.length === 3) break;
    }
    tried.set(book, (list = answered.length > 0 ? answered : EXAMPLE_QUESTIONS));
  }
  return list;
}

export function startFeature(env: BotEnv, ask: Ask, synonyms: Synonyms): Composer<Context> {
  const c = new Composer<Context>();
  c.command('start', async (ctx) => {
    const list = await examples(env, synonyms);
    return ctx.reply(welcomeText(list), { parse_mode: 'HTML', reply_markup: examplesKeyboard(list) });
  });
  c.command('help', (ctx) => ctx.reply(helpText(ctx.me.username, isAdmin(env.config, ctx.from?.id)), HTML));
  c.command('sources', (ctx) => ctx.reply(sourcesText(env.engine.reports()), { parse_mode: 'HTML' }));
  onCallback(c, 'example', async (ctx, action) => {
    const q = (await examples(env, synonyms))[action.index];
    await ctx.answerCallbackQuery(q ? { text: q } : { text: TEXT.expired });
    if (q) await ask(ctx, q);
  });
  return c;
}
