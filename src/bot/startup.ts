// First contact with the Bot API, bounded: one getMe with a timeout, and on failure one line naming the URL
// (never the token), the cause (DNS, refused, timeout, 401 bad token, …) and what to check; then retries with
// backoff, each logged, or an exit with --once. grammY's own bot.init() retries network errors forever in silence.
import { HttpError, type Transformer } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { Config } from '../config/index.js';
import type { Logger } from '../log.js';

export type BotApiCause = 'dns' | 'refused' | 'timeout' | 'unauthorized' | 'http' | 'network';

export interface BotApiFailure {
  cause: BotApiCause;
  /** One line: URL, cause, what to check. */
  message: string;
  /** False when waiting cannot help (a rejected token, a server that is not a Bot API). */
  retry: boolean;
}

/** First contact must answer within this long (the issue's bound: reported within 30 s of `npm start`). */
export const PROBE_TIMEOUT_MS = 10_000;
/** Seconds between attempts after a failure, the last repeated. */
export const BACKOFF_SECONDS = [5, 10, 20, 40, 60];

/** The cause of a failed fetch, from undici's error chain. */
export function networkCause(err: unknown): { cause: Exclude<BotApiCause, 'unauthorized' | 'http'>; code: string } {
  const e = err as Error & { cause?: { code?: string; errors?: { code?: string }[] } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return { cause: 'timeout', code: 'timeout' };
  const code = e?.cause?.code ?? e?.cause?.errors?.[0]?.code ?? (e as { code?: string })?.code ?? '';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return { cause: 'dns', code };
  if (code === 'ECONNREFUSED') return { cause: 'refused', code };
  if (code.includes('TIMEOUT')) return { cause: 'timeout', code };
  return { cause: 'network', code: code || (e?.cause as Error | undefined)?.message || e?.message || String(err) };
}

/** What to check for each cause, in words an operator acts on. */
export function explainNetworkCause(cause: ReturnType<typeof networkCause>, timeoutMs: number): string {
  switch (cause.cause) {
    case 'dns':
      return `the host name does not resolve (${cause.code}): check TELEGRAM_API_ROOT for a typo and this machine's DNS and network`;
    case 'refused':
      return 'connection refused: nothing listens at that address; check the host and port in TELEGRAM_API_ROOT, and that the local Bot API server or proxy runs';
    case 'timeout':
      return `no answer within ${Math.round(timeoutMs / 1000)} s: check the network, a firewall, or the proxy between this machine and the Bot API`;
    default:
      if (cause.code === 'bad port') return 'Node refuses to connect to that port (a reserved one): use another port in TELEGRAM_API_ROOT';
      return `network error (${cause.code}): check the network and TELEGRAM_API_ROOT`;
  }
}

/** One getMe, bounded by `timeoutMs`. */
export async function probeBotApi(
  config: Pick<Config, 'telegramApiRoot' | 'botToken'>,
  opts: { timeoutMs?: number; fetch?: typeof globalThis.fetch } = {},
): Promise<{ ok: true; me: UserFromGetMe } | ({ ok: false } & BotApiFailure)> {
  const timeoutMs = opts.timeoutMs ?? PROBE_TIMEOUT_MS;
  const where = `the Bot API at ${config.telegramApiRoot} (TELEGRAM_API_ROOT)`;
  let res: Response;
  try {
    res = await (opts.fetch ?? globalThis.fetch)(`${config.telegramApiRoot}/bot${config.botToken}/getMe`, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    const cause = networkCause(err);
    return { ok: false, cause: cause.cause, retry: true, message: `cannot reach ${where}: ${explainNetworkCause(cause, timeoutMs)}` };
  }
  let body: { ok?: boolean; result?: UserFromGetMe; description?: string } = {};
  try {
    body = (await res.json()) as typeof body;
  } catch {
    // not JSON: a proxy's or web server's page, handled below by status
  }
  if (res.status === 401) {
    return { ok: false, cause: 'unauthorized', retry: false, message: `${where} rejected BOT_TOKEN (401 Unauthorized): copy the token again from @BotFather into .env` };
  }
  if (res.ok && body.ok && body.result) return { ok: true, me: body.result };
  const retry = res.status >= 500 || res.status === 429;
  const check = retry ? 'the server is in trouble; it is retried' : 'check that TELEGRAM_API_ROOT points at a Bot API server and BOT_TOKEN is complete';
  return { ok: false, cause: 'http', retry, message: `${where} answered HTTP ${res.status}${body.description ? ` (${body.description})` : ''}: ${check}` };
}

export class BotApiError extends Error {}

export interface ConnectOptions {
  log: Logger;
  /** Give up after the first failure (npm start -- --once) instead of retrying. */
  once?: boolean;
  timeoutMs?: number;
  backoffSeconds?: number[];
  fetch?: typeof globalThis.fetch;
  sleep?: (ms: number) => Promise<void>;
}

/** getMe until it answers: each failure logged with its cause and the next attempt's delay. */
export async function connectBotApi(config: Pick<Config, 'telegramApiRoot' | 'botToken'>, opts: ConnectOptions): Promise<UserFromGetMe> {
  const backoff = opts.backoffSeconds ?? BACKOFF_SECONDS;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (let attempt = 1; ; attempt++) {
    const probe = await probeBotApi(config, { timeoutMs: opts.timeoutMs, fetch: opts.fetch });
    if (probe.ok) {
      if (attempt > 1) opts.log.info(`reached the Bot API at ${config.telegramApiRoot} (attempt ${attempt})`);
      return probe.me;
    }
    if (!probe.retry || opts.once) throw new BotApiError(probe.message);
    const wait = backoff[Math.min(attempt - 1, backoff.length - 1)]!;
    opts.log.error(`${probe.message} (attempt ${attempt}; retrying in ${wait} s, stop with Ctrl-C)`);
    await sleep(wait * 1000);
  }
}

/**
 * An API transformer retrying a call that failed on the network (grammY's HttpError) at most `attempts` times,
 * 1 s, 2 s, 4 s… apart. @grammyjs/auto-retry retries those without limit; this bounds them. getUpdates is left
 * to the polling loop, which retries on its own (and run.ts says when contact is lost).
 */
export function retryNetworkErrors(attempts = 3): Transformer {
  return async (prev, method, payload, signal) => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await prev(method, payload, signal);
      } catch (err) {
        if (!(err instanceof HttpError) || method === 'getUpdates' || attempt >= attempts || signal?.aborted) throw err;
        await new Promise((r) => setTimeout(r, 1000 * 2 ** attempt));
      }
    }
  };
}
