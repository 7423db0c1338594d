// npm start: build or refresh the index (with progress), then run the Telegram bot with BOT_TOKEN, or a
// terminal chat without it. Stops gracefully on SIGINT/SIGTERM.
// npm start -- --once: exit non-zero when the Bot API cannot be reached, instead of retrying.
import { parseArgs } from 'node:util';
import { createBot } from '../bot/create-bot.js';
import { createQueryLog } from '../bot/query-log.js';
import { runBot } from '../bot/run.js';
import { connectBotApi } from '../bot/startup.js';
import { NO_TOKEN_HELP, terminalChat } from '../bot/terminal-chat.js';
import { fatal, openEngineForCli, startup } from './common.js';

async function main() {
  const { values } = parseArgs({ options: { once: { type: 'boolean' } } });
  const { config, log } = await startup(); // a bad variable stops here, named
  // First contact with the Bot API runs while the index loads (or builds), so a wrong TELEGRAM_API_ROOT or token
  // is reported within seconds, not after the build.
  const botInfo = config.botToken ? connectBotApi(config, { log, once: values.once }) : undefined;
  botInfo?.catch(fatal);
  // the model and the index load once, here; the model in a worker thread unless EMBED_WORKER=false
  const engine = await openEngineForCli(config, log, { embedInWorker: config.embedWorker });
  const queryLog = createQueryLog({ path: config.queryLog, salt: config.queryLogSalt, log });

  if (!config.botToken) {
    process.stdout.write(NO_TOKEN_HELP + '\n');
    await terminalChat(engine, config, { input: process.stdin, output: process.stdout, queryLog });
    await queryLog.flush();
    return;
  }

  const bot = createBot(engine, config, { log, queryLog });
  const running = await runBot(bot, config, { log, engine, botInfo: await botInfo });
  const shutdown = (signal: string) => {
    log.info(`${signal} received`);
    running.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error(`shutdown failed: ${String(err)}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  await running.done; // rejects if polling fails for good (token revoked, another instance polling)
}

main().catch(fatal);
