// The Telegram bot: a thin shell over engine.search. Wires the gates and the features (one grammY Composer
// each, in features/) into a Bot, but does not start polling (see run.ts), so tests drive it with
// bot.handleUpdate and no network.
import { autoRetry } from '@grammyjs/auto-retry';
import { Bot, type Transformer } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { Config } from '../config/index.js';
import { type Embedder, loadEmbedder } from '../embed/index.js';
import { MAX_REPORT_BYTES } from '../app/ingest.js';
import type { Logger } from '../log.js';
import type { Engine } from '../types.js';
import { accessControl } from './access.js';
import { type Download, telegramDownloader } from './download.js';
import type { BotEnv } from './env.js';
import { errorReply } from './errors.js';
import { askFeature, createAsk } from './features/ask.js';
import { cardFeature } from './features/card.js';
import { checkComposer } from './features/check.js';
import { correctFeature } from './features/correct.js';
import { feedbackFeature } from './features/feedback.js';
import { inlineFeature } from './features/inline.js';
import { removeFeature } from './features/remove.js';
import { scopeFeature } from './features/scope.js';
import { startFeature } from './features/start.js';
import { statsFeature } from './features/stats.js';
import { uploadFeature } from './features/upload.js';
import { createFeedbackLog, type FeedbackLog } from './feedback-log.js';
import { addressedOnly } from './groups.js';
import { serialReload } from './index-watch.js';
import { createQueryLog, type QueryLog } from './query-log.js';
import { rateLimits } from './rate-limits.js';
import { createReportAdmin, type ReportAdmin } from '../app/report-admin.js';
import { ScopeStore } from './scopes.js';
import { retryNetworkErrors } from './startup.js';
import { ExpiringStore } from '../expiring.js';
import type { SessionStore } from './sessions.js';
import { TaskTracker } from './tasks.js';
import { frameStore } from '../search/followup.js';
import { loadSynonyms } from '../search/understand.js';
import { TEXT } from './texts.js';
import { updateNotice } from './update-notice.js';
import { describe } from './util.js';

export interface BotDeps {
  log: Logger;
  /** Default: JSON lines at config.queryLog. */
  queryLog?: QueryLog;
  /** 👍/👎 votes. Default: JSON lines at config.feedbackLog. */
  feedbackLog?: FeedbackLog;
  /** Fetches an uploaded file by its Bot API file_path. Default: HTTP from config.telegramApiRoot (tests serve bytes). */
  download?: Download;
  /** The model for indexing uploads. Default: the engine's own (openEngine exposes it), else loaded once on first use. */
  embedder?: () => Promise<Embedder>;
  /** Adds and removes reports. Default: src/app/ingest.ts on config.corpusDir / indexDir, then reloadIndex(). */
  reportAdmin?: ReportAdmin;
  /** Skip getMe (tests, or a cached identity). */
  botInfo?: UserFromGetMe;
  /** Installed below auto-retry, nearest the network: tests record and fake API calls here. */
  apiTransformers?: Transformer[];
  /** Clock for sessions and the refusal cool-down (tests). */
  now?: () => number;
  /** Override session limits (tests); default TTL from config, 5000 entries. */
  sessions?: SessionStore;
}

/** A grammY Bot that also knows about the searches it has in flight. */
export class ReportBot extends Bot {
  tasks!: TaskTracker;
  sessions!: SessionStore;
  queryLog!: QueryLog;
  feedbackLog!: FeedbackLog;
  /**
   * Switch the engine to the newest index version on disk, one call at a time (the 15 s watch and uploads
   * share it, so an older version can never be loaded over a newer one). After a switch the button sessions
   * are cleared: their passage ids belong to the old version. True if switched.
   */
  reloadIndex!: () => Promise<boolean>;

  /** Wait for every question being answered (graceful shutdown, tests). */
  idle(timeoutMs?: number): Promise<boolean> {
    return this.tasks.idle(timeoutMs);
  }
}

export function createBot(engine: Engine & { readonly embedder?: Embedder }, config: Config, deps: BotDeps): ReportBot {
  if (!config.botToken) {
    throw new Error('BOT_TOKEN is not set: get a token from @BotFather in Telegram and put BOT_TOKEN=... in .env');
  }
  const { log } = deps;
  const now = deps.now ?? Date.now;
  const bot = new ReportBot(config.botToken, { ...(deps.botInfo ? { botInfo: deps.botInfo } : {}), client: { apiRoot: config.telegramApiRoot } });
  // 429 (retry_after) and 5xx up to 5 times, network errors up to 3 (auto-retry alone retries those forever).
  bot.api.config.use(...(deps.apiTransformers ?? []), autoRetry({ maxRetryAttempts: 5, maxDelaySeconds: 60, rethrowHttpErrors: true }), retryNetworkErrors(3));

  // bot.catch only covers long polling; the boundary also covers handleUpdate (tests, webhooks), so
  // everything below is installed on `app`, inside it. Background work reports to the same handler.
  const reportError = errorReply(log);
  bot.catch((e) => reportError(e.error, e.ctx));
  const app = bot.errorBoundary((e) => reportError(e.error, e.ctx));
  bot.tasks = new TaskTracker((err) => log.error('background task failed outside an update', { error: describe(err) }));
  bot.sessions = deps.sessions ?? new ExpiringStore({ ttlMs: config.sessionTtlMinutes * 60_000, maxEntries: 5000, now });
  bot.queryLog = deps.queryLog ?? createQueryLog({ path: config.queryLog, salt: config.queryLogSalt, log });
  bot.feedbackLog = deps.feedbackLog ?? createFeedbackLog({ path: config.feedbackLog, salt: config.queryLogSalt, log });
  const env: BotEnv = {
    engine,
    config,
    log,
    now,
    sessions: bot.sessions,
    scopes: new ScopeStore(),
    frames: frameStore({ ttlMs: config.followupMinutes * 60_000, now }),
    queryLog: bot.queryLog,
    feedbackLog: bot.feedbackLog,
    tasks: bot.tasks,
    updateNotice: updateNotice(config.indexDir, now),
    spawn: (ctx, work) => bot.tasks.run(() => work().catch((err: unknown) => reportError(err, ctx))),
  };

  bot.reloadIndex = serialReload(engine, () => bot.sessions.clear());
  let embedder: Promise<Embedder> | undefined;
  const getEmbedder = deps.embedder ?? (() => (embedder ??= engine.embedder ? Promise.resolve(engine.embedder) : loadEmbedder(config)));
  const admin = deps.reportAdmin ?? createReportAdmin(config, { embedder: getEmbedder, reload: () => bot.reloadIndex(), log });
  const download = deps.download ?? telegramDownloader(config, { maxBytes: MAX_REPORT_BYTES });

  // Gates, in order: groups (only what is addressed to the bot), the allow-list, rate limits.
  app.use(addressedOnly(), accessControl(config, { log, now }), ...rateLimits(config.rateLimitPerMinute, config));

  const ask = createAsk(env);
  const synonyms = loadSynonyms(config.synonymsFile);
  const correct = correctFeature(env, admin);
  // A correction's value (typed as plain text), then drafts to check (/check, pasted text, /compare), go before
  // the commands and plain questions.
  app.use(
    correct.composer,
    checkComposer({ engine, synonyms, ask, drafts: { ttlMs: config.sessionTtlMinutes * 60_000, maxEntries: 1000, now } }),
    startFeature(env, ask, synonyms),
    scopeFeature(env),
    statsFeature(env),
    removeFeature(env, admin),
    uploadFeature(env, admin, download, correct.offer),
    cardFeature(env),
    feedbackFeature(env),
    inlineFeature(env),
    // Last among messages: text no command took is a question (or an unknown command).
    askFeature(ask, env),
  );
  // Buttons no feature recognised (old formats, forged data) and data-less ones: still answered, so the
  // client's spinner stops.
  app.on('callback_query:data', (ctx) => ctx.answerCallbackQuery({ text: TEXT.expired }));
  app.on('callback_query', (ctx) => ctx.answerCallbackQuery());
  return bot;
}
