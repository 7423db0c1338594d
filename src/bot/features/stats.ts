// Feature: /stats for admins: usage figures from the query and feedback logs, and what is live now.
import { Composer, type Context } from 'grammy';
import { isAdmin } from '../access.js';
import { statsText } from '../admin-texts.js';
import type { BotEnv } from '../env.js';
import { computeStats } from '../stats.js';
import { TEXT } from '../texts.js';

export function statsFeature(env: BotEnv): Composer<Context> {
  const c = new Composer<Context>();
  c.command('stats', async (ctx) => {
    if (!isAdmin(env.config, ctx.from?.id)) return void (await ctx.reply(TEXT.adminOnly));
    // Read from the log files (an admin's command, never on a question's path); bad lines are skipped.
    const [queries, feedback] = await Promise.all([env.queryLog.read(), env.feedbackLog.read()]);
    const stats = computeStats(queries, feedback, new Date(env.now()));
    await ctx.reply(statsText(stats, { tasks: env.tasks.size, sessions: env.sessions.size }), { parse_mode: 'HTML' });
  });
  return c;
}
