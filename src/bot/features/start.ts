// Feature: what the bot is and how to use it. /start (with example questions as buttons that ask them),
// /help (admins also see their commands), /sources.
import { Composer, type Context } from 'grammy';
import { isAdmin } from '../access.js';
import { onCallback } from '../callback-data.js';
import type { BotEnv } from '../env.js';
import { examplesKeyboard } from '../keyboards.js';
import { EXAMPLE_QUESTIONS, helpText, sourcesText, TEXT, welcomeText } from '../texts.js';
import { HTML } from '../util.js';
import type { Ask } from './ask.js';

export function startFeature(env: BotEnv, ask: Ask): Composer<Context> {
  const c = new Composer<Context>();
  c.command('start', (ctx) => ctx.reply(welcomeText(), { parse_mode: 'HTML', reply_markup: examplesKeyboard(EXAMPLE_QUESTIONS) }));
  c.command('help', (ctx) => ctx.reply(helpText(ctx.me.username, isAdmin(env.config, ctx.from?.id)), HTML));
  c.command('sources', (ctx) => ctx.reply(sourcesText(env.engine.reports()), { parse_mode: 'HTML' }));
  onCallback(c, 'example', async (ctx, action) => {
    const q = EXAMPLE_QUESTIONS[action.index];
    await ctx.answerCallbackQuery(q ? { text: q } : { text: TEXT.expired });
    if (q) await ask(ctx, q);
  });
  return c;
}
