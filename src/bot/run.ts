// Long polling for a bot made by createBot: start-up checks, the command menu, and a stop that lets
// answers in flight finish. Kept apart from createBot so tests can drive the bot without polling.
import { HttpError } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { Config } from '../config/index.js';
import type { Logger } from '../log.js';
import { isOpen } from './access.js';
import type { ReportBot } from './create-bot.js';
import { watchIndex } from './index-watch.js';
import type { Engine } from '../types.js';
import { ADMIN_COMMANDS } from './admin-texts.js';
import { COMMANDS } from './texts.js';
import { describe } from './util.js';
import { connectBotApi, explainNetworkCause, networkCause, PROBE_TIMEOUT_MS } from './startup.js';

export interface RunningBot {
  /** Resolves when polling ends (after stop()); rejects if polling fails for good (e.g. token revoked). */
  done: Promise<void>;
  /** Stop polling, wait up to `graceMs` for answers and uploads in flight, flush the logs. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

export interface RunOptions {
  log: Logger;
  /** The engine the bot answers from: watched for new index versions every `reloadIntervalMs` (default 15 s). */
  engine?: Engine;
  reloadIntervalMs?: number;
  /** The bot's own account, when the caller already reached the Bot API (connectBotApi); else it is fetched here. */
  botInfo?: UserFromGetMe;
  /** Exit on the first failed contact instead of retrying (npm start -- --once). */
  once?: boolean;
}

export async function runBot(bot: ReportBot, config: Config, { log, engine, reloadIntervalMs = 15_000, botInfo, once }: RunOptions): Promise<RunningBot> {
  if (isOpen(config)) {
    log.warn('ALLOWED_USER_IDS and ALLOWED_CHAT_IDS are empty: anyone who finds the bot can use it. Set them in .env to restrict access.');
  }
  let stopping: Promise<void> | undefined;
  // getMe, bounded and explained (a bad token or an unreachable TELEGRAM_API_ROOT is named here); setting
  // botInfo keeps grammY's init from retrying it forever in silence.
  bot.botInfo = botInfo ?? (await connectBotApi(config, { log, once }));
  // Polling retries a lost connection forever without a word: say so, once per outage, and when it is back.
  let lost = false;
  bot.api.config.use(async (prev, method, payload, signal) => {
    try {
      const result = await prev(method, payload, signal);
      if (lost && method === 'getUpdates') {
        lost = false;
        log.info(`the Bot API at ${config.telegramApiRoot} answers again`);
      }
      return result;
    } catch (err) {
      if (method === 'getUpdates' && err instanceof HttpError && !lost && !stopping) {
        lost = true;
        log.error(`lost contact with the Bot API at ${config.telegramApiRoot}: ${explainNetworkCause(networkCause(err.error), PROBE_TIMEOUT_MS)}; retrying`);
      }
      throw err;
    }
  });
  try {
    await bot.api.setMyCommands(COMMANDS.map((c) => ({ ...c })));
  } catch (err) {
    // The menu is a convenience; the commands work without it.
    log.warn(`could not register the command menu (setMyCommands): ${describe(err)}; commands still work`);
  }
  // Admins also see /remove and /stats in their private chat's menu (fails for an admin who never opened the bot).
  for (const id of config.adminUserIds) {
    await bot.api.setMyCommands([...COMMANDS, ...ADMIN_COMMANDS].map((c) => ({ ...c })), { scope: { type: 'chat', chat_id: id } }).catch((err: unknown) => {
      log.debug(`no admin command menu for ${id}: ${describe(err)}`);
    });
  }

  // bot.reloadIndex serializes reloads with uploads and clears the buttons of older cards (their passage
  // ids belong to the old version: they then answer "expired").
  const watch = engine ? watchIndex({ reload: () => bot.reloadIndex(), reports: () => engine.reports() }, { intervalMs: reloadIntervalMs, log }) : null;

  let started!: () => void;
  const polling = new Promise<void>((resolve) => (started = resolve));
  const done = bot
    .start({
      allowed_updates: ['message', 'callback_query', 'inline_query'],
      onStart: (me) => {
        log.info(`@${me.username} is answering (long polling ${config.telegramApiRoot})`);
        started();
      },
    })
    .catch((err: unknown) => {
      if (stopping) return; // stopped during start-up: grammY aborts its set-up calls; not a failure
      throw err;
    });
  done.catch(() => {}); // callers observe failures through `done`; this only keeps them from being "unhandled"
  // Return once polling runs (or fail if it cannot start), so "running" means answering.
  await Promise.race([polling, done]);
  return {
    done,
    stop(graceMs = 10_000) {
      stopping ??= (async () => {
        log.info('stopping: no new updates; finishing answers in flight');
        watch?.stop();
        await bot.stop();
        if (!(await bot.idle(graceMs))) log.warn(`gave up waiting for ${bot.tasks.size} answer(s) after ${graceMs} ms`);
        await Promise.all([bot.queryLog.flush(), bot.feedbackLog.flush()]);
      })();
      return stopping;
    },
  };
}
