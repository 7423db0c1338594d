// The Telegram bot: a thin shell over engine.search. Builds a grammY Bot with all handlers but does not
// start polling (see run.ts), so tests drive it with bot.handleUpdate and no network.
import { autoRetry } from '@grammyjs/auto-retry';
import { limit } from '@grammyjs/ratelimiter';
import { Bot, type Context, InlineQueryResultBuilder, type MiddlewareFn, type Transformer } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { Config } from '../config/index.js';
import { type Embedder, loadEmbedder } from '../embed/index.js';
import { MAX_REPORT_BYTES } from '../index/ingest.js';
import type { Logger } from '../log.js';
import { escapeHtml, renderAnswerCard, renderContextCard, renderInlineArticle, renderNotFoundCard } from '../present/telegram.js';
import type { Engine, Passage, SearchOptions } from '../types.js';
import { DISTRICTS } from '../types.js';
import { type AccessPolicy, accessControl, addressedOnly, isAdmin, isOpen } from './access.js';
import { createAdminHandlers } from './admin.js';
import { statsText } from './admin-texts.js';
import { decodeCallback } from './callback-data.js';
import { type Download, telegramDownloader } from './download.js';
import { createFeedbackLog, type FeedbackLog } from './feedback-log.js';
import { answerKeyboard, clearScopeKeyboard, contextKeyboard, districtKeyboard, examplesKeyboard } from './keyboards.js';
import { answerRecord, createQueryLog, type QueryLog } from './query-log.js';
import { createReportAdmin, type ReportAdmin } from './report-admin.js';
import { NO_SCOPE, parseDistrictArg, parseReportArg, type Scope, ScopeStore, scopeLabel } from './scopes.js';
import { type QuerySession, SessionStore } from './sessions.js';
import { computeStats } from './stats.js';
import { TaskTracker } from './tasks.js';
import { EXAMPLE_QUESTIONS, helpText, MAX_QUESTION_CHARS, sourcesText, TEXT, welcomeText } from './texts.js';
import { clip, describe, editOrIgnore } from './util.js';

export { describe };

/** Pages a reporter can turn through; the search runs once with top = resultsPerPage × this. */
export const MAX_PAGES = 4;
/** Inline mode shows this many results to pick from. */
export const INLINE_RESULTS = 5;
/** Passages fetched on each side for a "原文" card: enough to cover the whole paragraph and its neighbours. */
const CONTEXT_RADIUS = 6;

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
  /** Adds and removes reports. Default: src/index/ingest.ts on config.corpusDir / indexDir, then reloadIndex(). */
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

type Via = 'private' | 'group';

export function createBot(engine: Engine & { readonly embedder?: Embedder }, config: Config, deps: BotDeps): ReportBot {
  if (!config.botToken) {
    throw new Error('BOT_TOKEN is not set: get a token from @BotFather in Telegram and put BOT_TOKEN=... in .env');
  }
  const { log } = deps;
  const now = deps.now ?? Date.now;
  const perPage = config.resultsPerPage;
  const policy: AccessPolicy = config;

  const bot = new ReportBot(config.botToken, {
    ...(deps.botInfo ? { botInfo: deps.botInfo } : {}),
    client: { apiRoot: config.telegramApiRoot },
  });
  bot.sessions = deps.sessions ?? new SessionStore({ ttlMs: config.sessionTtlMinutes * 60_000, maxEntries: 5000, now });
  bot.queryLog = deps.queryLog ?? createQueryLog({ path: config.queryLog, salt: config.queryLogSalt, log });
  bot.feedbackLog = deps.feedbackLog ?? createFeedbackLog({ path: config.feedbackLog, salt: config.queryLogSalt, log });
  const scopes = new ScopeStore();
  const sessions = bot.sessions;
  const queryLog = bot.queryLog;
  const feedbackLog = bot.feedbackLog;

  let reloading: Promise<unknown> = Promise.resolve();
  bot.reloadIndex = () => {
    const run = reloading.then(async () => {
      const switched = await engine.reload();
      if (switched) sessions.clear();
      return switched;
    });
    reloading = run.catch(() => undefined);
    return run;
  };

  // 429 (retry_after), 5xx and network errors are retried; a bounded number of times, so a dead API
  // server cannot hold a handler forever.
  bot.api.config.use(...(deps.apiTransformers ?? []), autoRetry({ maxRetryAttempts: 5, maxDelaySeconds: 60 }));

  // ---- errors: log, and the user still gets a polite reply ------------------------------------
  const reportError = async (err: unknown, ctx: Context) => {
    log.error('failed to handle an update', { update_id: ctx.update.update_id, error: describe(err) });
    if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: TEXT.failed }).catch(() => {});
    else if (ctx.inlineQuery) await ctx.answerInlineQuery([], { cache_time: 0, is_personal: true }).catch(() => {});
    else if (ctx.chat) await ctx.reply(TEXT.failed).catch(() => {});
  };
  // bot.catch only covers long polling; the boundary also covers handleUpdate (tests, webhooks), so
  // every handler below is registered on `app`, inside it.
  bot.catch((e) => reportError(e.error, e.ctx));
  const app = bot.errorBoundary((e) => reportError(e.error, e.ctx));
  // Each background task carries its own context, so its errors go to the same handler.
  bot.tasks = new TaskTracker((err) => log.error('background task failed outside an update', { error: describe(err) }));
  const spawn = (ctx: Context, work: () => Promise<void>) =>
    bot.tasks.run(async () => {
      try {
        await work();
      } catch (err) {
        await reportError(err, ctx);
      }
    });

  // ---- admin: uploads and /remove ---------------------------------------------------------------
  let embedder: Promise<Embedder> | undefined;
  const getEmbedder =
    deps.embedder ?? (() => (embedder ??= engine.embedder ? Promise.resolve(engine.embedder) : loadEmbedder(config)));
  const admin = createAdminHandlers({
    engine,
    policy,
    log,
    admin: deps.reportAdmin ?? createReportAdmin(config, { embedder: getEmbedder, reload: () => bot.reloadIndex(), log }),
    download: deps.download ?? telegramDownloader(config, { maxBytes: MAX_REPORT_BYTES }),
    spawn,
    now,
  });

  // ---- gates: groups, allow-list, rate limits --------------------------------------------------
  app.use(addressedOnly());
  app.use(accessControl(policy, { log, now }));
  for (const mw of rateLimits(config.rateLimitPerMinute, policy)) app.use(mw);

  // ---- the question -----------------------------------------------------------------------------
  const scopeOf = (ctx: Context): Scope => (ctx.chat ? scopes.get(ctx.chat.id) : NO_SCOPE);
  const labelOf = (scope: Scope) => scopeLabel(scope, engine.reports());
  const replyOptions = (ctx: Context) => ({
    parse_mode: 'HTML' as const,
    link_preview_options: { is_disabled: true },
    // In a group, attach the card to the question so colleagues see what it answers.
    ...(ctx.chat?.type !== 'private' && ctx.msg?.message_id && !ctx.callbackQuery
      ? { reply_parameters: { message_id: ctx.msg.message_id, allow_sending_without_reply: true } }
      : {}),
  });

  async function answerQuestion(ctx: Context, raw: string): Promise<void> {
    const query = cleanQuestion(raw, ctx.me.username);
    const problem = checkQuestion(query);
    if (problem) {
      await ctx.reply(TEXT[problem]);
      return;
    }
    spawn(ctx, async () => {
      // The typing indicator is a courtesy: its failure must not cost the answer.
      void ctx.replyWithChatAction('typing').catch((err: unknown) => log.debug('sendChatAction failed', { error: describe(err) }));
      const scope = scopeOf(ctx);
      const options: SearchOptions = { top: perPage * MAX_PAGES, district: scope.district, file: scope.file };
      const started = performance.now();
      const answer = await engine.search(query, options);
      const via: Via = ctx.chat?.type === 'private' ? 'private' : 'group';
      queryLog.record(answerRecord({ userId: ctx.from?.id ?? 0, via, query }, answer, performance.now() - started, scope));
      const label = labelOf(scope);
      if (answer.results.length === 0) {
        await ctx.reply(renderNotFoundCard(answer, { scopeLabel: label }), {
          ...replyOptions(ctx),
          ...(label ? { reply_markup: clearScopeKeyboard() } : {}),
        });
        return;
      }
      const session = sessions.add(answer, options, ctx.chat?.id ?? null);
      await ctx.reply(renderAnswerCard(answer, { page: 0, perPage, scopeLabel: label }), {
        ...replyOptions(ctx),
        reply_markup: answerKeyboard(session, 0, perPage),
      });
    });
  }

  // ---- commands -----------------------------------------------------------------------------------
  app.command('start', (ctx) => ctx.reply(welcomeText(), { parse_mode: 'HTML', reply_markup: examplesKeyboard(EXAMPLE_QUESTIONS) }));
  app.command('help', (ctx) =>
    ctx.reply(helpText(ctx.me.username, isAdmin(policy, ctx.from?.id)), { parse_mode: 'HTML', link_preview_options: { is_disabled: true } }),
  );
  app.command('sources', (ctx) => ctx.reply(sourcesText(engine.reports()), { parse_mode: 'HTML' }));
  app.command('ask', async (ctx) => {
    if (ctx.match.trim().length === 0) return void (await ctx.reply(TEXT.askUsage));
    await answerQuestion(ctx, ctx.match);
  });

  app.command('district', async (ctx) => {
    const current = scopeOf(ctx);
    const arg = ctx.match.trim();
    if (!arg) {
      const range = labelOf(current) ?? '全部报告';
      return void (await ctx.reply(`当前查找范围：${escapeHtml(range)}。选一个区，之后的问题只在该区的报告中查找：`, {
        parse_mode: 'HTML',
        reply_markup: districtKeyboard(current.district),
      }));
    }
    const parsed = parseDistrictArg(arg);
    if (parsed.kind === 'unknown') {
      return void (await ctx.reply(
        `不认识“${escapeHtml(clip(parsed.text, 20))}”。可以选：${DISTRICTS.join('、')}，或“全部”。`,
        { parse_mode: 'HTML', reply_markup: districtKeyboard(current.district) },
      ));
    }
    const scope: Scope = parsed.kind === 'clear' ? NO_SCOPE : { district: parsed.district, file: null };
    scopes.set(ctx.chat.id, scope);
    await ctx.reply(scopeChangedText(scope, labelOf(scope)));
  });

  app.command('report', async (ctx) => {
    const reports = engine.reports();
    const arg = ctx.match.trim();
    if (!arg) return void (await ctx.reply(sourcesText(reports), { parse_mode: 'HTML' }));
    const parsed = parseReportArg(arg, reports);
    if (parsed.kind === 'unknown') {
      return void (await ctx.reply(`没有找到报告“${escapeHtml(clip(parsed.text, 40))}”。用 /sources 中的编号，例如 /report 1；/report 全部 取消限定。`, {
        parse_mode: 'HTML',
      }));
    }
    const scope: Scope = parsed.kind === 'clear' ? NO_SCOPE : { district: null, file: parsed.report.file };
    scopes.set(ctx.chat.id, scope);
    await ctx.reply(scopeChangedText(scope, labelOf(scope)));
  });

  app.command('stats', async (ctx) => {
    if (!isAdmin(policy, ctx.from?.id)) return void (await ctx.reply(TEXT.adminOnly));
    // Read from the log files (an admin's command, never on a question's path); bad lines are skipped.
    const [queries, feedback] = await Promise.all([queryLog.read(), feedbackLog.read()]);
    const stats = computeStats(queries, feedback, new Date(now()));
    await ctx.reply(statsText(stats, { tasks: bot.tasks.size, sessions: sessions.size }), { parse_mode: 'HTML' });
  });

  app.command('remove', (ctx) => admin.onRemoveCommand(ctx, ctx.match));
  app.on('message:document', (ctx) => admin.onDocument(ctx, ctx.msg.document));

  // ---- buttons ------------------------------------------------------------------------------------
  app.on('callback_query:data', async (ctx) => {
    const action = decodeCallback(ctx.callbackQuery.data);
    if (!action) return void (await ctx.answerCallbackQuery({ text: TEXT.expired }));
    switch (action.kind) {
      case 'noop':
        return void (await ctx.answerCallbackQuery());
      case 'example': {
        const q = EXAMPLE_QUESTIONS[action.index];
        await ctx.answerCallbackQuery(q ? { text: q } : { text: TEXT.expired });
        if (q) await answerQuestion(ctx, q);
        return;
      }
      case 'district': {
        const district = action.index === null ? null : (DISTRICTS[action.index] ?? null);
        const scope: Scope = { district, file: null };
        if (ctx.chat) scopes.set(ctx.chat.id, scope);
        await editOrIgnore(() => ctx.editMessageText(scopeChangedText(scope, labelOf(scope))));
        return void (await ctx.answerCallbackQuery({ text: district ? `已限定：${district}` : '已取消限定' }));
      }
      case 'page': {
        const session = liveSession(action.sid, ctx);
        if (!session) return void (await ctx.answerCallbackQuery({ text: TEXT.expired }));
        const total = session.answer.results.length;
        const page = Math.min(Math.max(0, action.page), Math.max(0, Math.ceil(total / perPage) - 1));
        await editOrIgnore(() =>
          ctx.editMessageText(renderAnswerCard(session.answer, { page, perPage, scopeLabel: labelOf(scopeOfOptions(session.options)) }), {
            parse_mode: 'HTML',
            link_preview_options: { is_disabled: true },
            reply_markup: answerKeyboard(session, page, perPage),
          }),
        );
        return void (await ctx.answerCallbackQuery());
      }
      case 'feedback': {
        const session = liveSession(action.sid, ctx);
        if (!session) return void (await ctx.answerCallbackQuery({ text: TEXT.feedbackExpired }));
        const userId = ctx.from.id;
        const prior = session.votes.get(userId);
        // One vote per person and card: a second tap (or the other button) records nothing.
        if (prior) return void (await ctx.answerCallbackQuery({ text: `已记录你的反馈（${prior === 'up' ? '👍' : '👎'}），谢谢！` }));
        const total = session.answer.results.length;
        const page = Math.min(Math.max(0, action.page), Math.max(0, Math.ceil(total / perPage) - 1));
        session.votes.set(userId, action.verdict);
        feedbackLog.record({
          userId,
          via: ctx.chat?.type === 'private' ? 'private' : 'group',
          query: session.answer.query,
          verdict: action.verdict,
          cardPage: page + 1,
          results: session.answer.results,
          district: session.options.district ?? null,
          file: session.options.file ?? null,
        });
        // The buttons now show the votes; the card's text stays as it is.
        await editOrIgnore(() => ctx.editMessageReplyMarkup({ reply_markup: answerKeyboard(session, page, perPage) }));
        return void (await ctx.answerCallbackQuery({ text: TEXT.feedbackThanks }));
      }
      case 'removePick':
      case 'removeConfirm':
      case 'removeCancel':
        return admin.onRemoveAction(ctx, action);
      case 'context':
      case 'move': {
        const session = liveSession(action.sid, ctx);
        if (!session) return void (await ctx.answerCallbackQuery({ text: TEXT.expired }));
        const passages = engine.context(action.passageId, CONTEXT_RADIUS);
        if (passages.length === 0) return void (await ctx.answerCallbackQuery({ text: TEXT.passageGone }));
        const highlight = session.answer.results.find((r) => r.passageId === action.passageId)?.highlight;
        const html = renderContextCard(passages, action.passageId, highlight ? { highlight } : {});
        const { prev, next } = neighbourParagraphs(passages, action.passageId);
        const other = { parse_mode: 'HTML' as const, link_preview_options: { is_disabled: true }, reply_markup: contextKeyboard(session.id, prev, next) };
        if (action.kind === 'move') await editOrIgnore(() => ctx.editMessageText(html, other));
        else await ctx.reply(html, other);
        return void (await ctx.answerCallbackQuery());
      }
    }
  });
  // Game and other data-less callbacks: still answered, so the client's spinner stops.
  app.on('callback_query', (ctx) => ctx.answerCallbackQuery());

  function liveSession(sid: string, ctx: Context): QuerySession | undefined {
    const s = sessions.get(sid);
    // A card's buttons belong to the chat it was sent to.
    return s && (s.chatId === null || s.chatId === ctx.chat?.id) ? s : undefined;
  }

  // ---- inline mode: @bot 问题 in any chat ---------------------------------------------------------
  app.on('inline_query', async (ctx) => {
    const query = cleanQuestion(ctx.inlineQuery.query, ctx.me.username);
    // Personal (not shared across users by Telegram's cache) whenever access is restricted.
    const personal = !isOpen(policy);
    if (checkQuestion(query) !== null) {
      return void (await ctx.answerInlineQuery([], {
        cache_time: 300,
        is_personal: personal,
        button: { text: '输入问题，如：城中区去年城镇新增就业多少人？', start_parameter: 'inline' },
      }));
    }
    spawn(ctx, async () => {
      const started = performance.now();
      const answer = await engine.search(query, { top: INLINE_RESULTS });
      queryLog.record(answerRecord({ userId: ctx.from.id, via: 'inline', query }, answer, performance.now() - started));
      if (answer.results.length === 0) {
        return void (await ctx.answerInlineQuery([], {
          cache_time: 60,
          is_personal: personal,
          button: { text: '没有找到能回答的原文，换个说法试试', start_parameter: 'notfound' },
        }));
      }
      const results = answer.results.map((r, i) => {
        const a = renderInlineArticle(r, !answer.found);
        return InlineQueryResultBuilder.article(`${r.passageId}-${i}`, a.title, { description: a.description }).text(a.messageHtml, {
          parse_mode: 'HTML',
          link_preview_options: { is_disabled: true },
        });
      });
      await ctx.answerInlineQuery(results, { cache_time: 300, is_personal: personal });
    });
  });

  // ---- plain messages -------------------------------------------------------------------------------
  app.on('message:text', async (ctx) => {
    const first = ctx.msg.entities?.[0];
    if (first?.type === 'bot_command' && first.offset === 0) return void (await ctx.reply(TEXT.unknownCommand));
    await answerQuestion(ctx, ctx.msg.text);
  });
  app.on(
    [
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
    ],
    (ctx) => ctx.reply(TEXT.notText),
  );

  return bot;
}

// ---------------------------------------------------------------------------------------------------

function rateLimits(perMinute: number, policy: AccessPolicy): MiddlewareFn<Context>[] {
  // Admins are not limited (returning no key skips the limiter).
  const user = (ctx: Context) => (ctx.from && !isAdmin(policy, ctx.from.id) ? String(ctx.from.id) : undefined);
  return [
    // Questions and commands; one friendly message per window, further excess is dropped silently.
    limit<Context, never>({
      timeFrame: 60_000,
      limit: perMinute,
      keyPrefix: 'msg:',
      keyGenerator: (ctx) => (ctx.message ? user(ctx) : undefined),
      onLimitExceeded: async (ctx) => void (await ctx.reply(TEXT.rateLimited)),
    }),
    // Buttons are cheap (no search), but must always be answered, so alwaysReply.
    limit<Context, never>({
      timeFrame: 60_000,
      limit: perMinute * 3,
      keyPrefix: 'cb:',
      alwaysReply: true,
      keyGenerator: (ctx) => (ctx.callbackQuery ? user(ctx) : undefined),
      onLimitExceeded: async (ctx) => void (await ctx.answerCallbackQuery({ text: TEXT.rateLimitedButton })),
    }),
    // Telegram sends an inline query per keystroke or so: a larger budget.
    limit<Context, never>({
      timeFrame: 60_000,
      limit: perMinute * 5,
      keyPrefix: 'iq:',
      alwaysReply: true,
      keyGenerator: (ctx) => (ctx.inlineQuery ? user(ctx) : undefined),
      onLimitExceeded: async (ctx) =>
        void (await ctx.answerInlineQuery([], { cache_time: 0, is_personal: true, button: { text: TEXT.rateLimitedButton, start_parameter: 'slow' } })),
    }),
  ];
}

/** Trim, collapse whitespace, drop mentions of the bot ("@bot 问题" in groups and inline mode). */
export function cleanQuestion(raw: string, botUsername: string): string {
  const mention = new RegExp(`@${botUsername.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`, 'gi');
  return raw.replace(mention, ' ').replace(/\s+/g, ' ').trim();
}

/** Why a text cannot be a question (a key of TEXT), or null when it can. */
export function checkQuestion(query: string): 'emptyQuestion' | 'tooLong' | 'noWords' | null {
  if (query.length === 0) return 'emptyQuestion';
  if ([...query].length > MAX_QUESTION_CHARS) return 'tooLong';
  if (!/[\p{L}\p{N}]/u.test(query)) return 'noWords';
  return null;
}

function scopeOfOptions(o: SearchOptions): Scope {
  return { district: o.district ?? null, file: o.file ?? null };
}

function scopeChangedText(scope: Scope, label: string | null): string {
  if (!label) return '好的，之后的问题在全部报告中查找。';
  return `好的，之后的问题只在“${label}”的报告中查找。发送 /district 全部 取消限定。`;
}

/** A passage id in the paragraph before and after the one holding `centerId`, among `passages`. */
export function neighbourParagraphs(passages: readonly Passage[], centerId: number): { prev: number | null; next: number | null } {
  const center = passages.find((p) => p.id === centerId);
  if (!center) return { prev: null, next: null };
  const same = passages.filter((p) => p.source.file === center.source.file);
  const para = center.source.paragraph;
  const before = same.filter((p) => p.source.paragraph < para);
  const after = same.find((p) => p.source.paragraph > para);
  return { prev: before[before.length - 1]?.id ?? null, next: after?.id ?? null };
}

