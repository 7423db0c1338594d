// Load through the bot: many reporters asking at once, through bot.handleUpdate, with an API transformer
// that records every outgoing call and answers it like Telegram would (no network).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Transformer } from 'grammy';
import type { Update } from 'grammy/types';
import { BOT_INFO } from '../bot/bot-info.js';
import { createBot } from '../bot/create-bot.js';
import { createQueryLog } from '../bot/query-log.js';
import { TEXT } from '../bot/texts.js';
import type { Config } from '../config/index.js';
import { silentLogger } from '../log.js';
import type { Engine } from '../types.js';
import { memorySample } from './memory.js';
import { seededRandom } from '../random.js';
import { round, type Summary, summarize } from './stats.js';

export interface LoadResult {
  /** Which engine set-up answered (filled in by the caller). */
  variant?: string;
  users: number;
  questions: number;
  answered: number;
  /** Questions without any reply. */
  lost: number;
  /** Replies that were an error or a rate-limit refusal instead of an answer. */
  refused: number;
  /** Seconds from the first update to the last answer. */
  wallS: number;
  /** Milliseconds from handing the update to the bot to the answer card's sendMessage. */
  latency: Summary;
  memory: { rssBefore: number; rssAfter: number; heapBefore: number; heapAfter: number; rssPeak: number };
  /**
   * CPU time of the main thread alone over the run, ms (Linux: /proc; null elsewhere). Steadier than the latency on
   * a shared machine: the p95 of the burst is about this time when the main thread is the bottleneck.
   */
  mainThreadCpuMs: number | null;
  /**
   * CPU time of the whole process over the run, ms: the main thread, the embedding worker, and V8's garbage
   * collection and compiler threads. On 2 cores, the burst cannot end sooner than about half of it.
   */
  processCpuMs: number;
}

/** CPU time (user + system) the main thread has used, ms, or null where /proc has no per-thread stat. */
export function mainThreadCpuMs(): number | null {
  try {
    const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime (fields 14 and 15 of stat(5)) in clock ticks; Linux reports 100 a second.
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

export async function benchLoad(engine: Engine, config: Config, questions: string[], users: number, perUser: number, workDir: string): Promise<LoadResult> {
  const answers = new Map<number, { at: number; text: string }[]>();
  let messageId = 1;
  const recorder: Transformer = async (_prev, method, payload) => {
    const p = (payload ?? {}) as Record<string, unknown>;
    if (method === 'sendMessage') {
      const chatId = Number(p.chat_id);
      const list = answers.get(chatId) ?? [];
      list.push({ at: performance.now(), text: String(p.text) });
      answers.set(chatId, list);
      const result = { message_id: ++messageId, date: Math.floor(Date.now() / 1000), chat: { id: chatId, type: 'private', first_name: '记者' }, text: String(p.text) };
      return { ok: true, result } as never;
    }
    return { ok: true, result: true } as never;
  };

  const before = memorySample();
  const botConfig: Config = { ...config, botToken: '123456:BENCH-token-not-a-real-one-xxxxxxx', queryLog: join(workDir, 'queries.jsonl') };
  const queryLog = createQueryLog({ path: botConfig.queryLog, salt: 'bench', log: silentLogger });
  const bot = createBot(engine, botConfig, { log: silentLogger, botInfo: BOT_INFO, apiTransformers: [recorder], queryLog });

  // Every user asks `perUser` questions; the updates arrive interleaved (user 1, user 2, …, user 1, …), all at once.
  const random = seededRandom(99);
  const updates: { update: Update; chatId: number }[] = [];
  for (let round = 0; round < perUser; round++) {
    for (let u = 0; u < users; u++) {
      const userId = 700_000 + u;
      const text = questions[Math.floor(random() * questions.length)]!;
      const update = {
        update_id: updates.length + 1,
        message: {
          message_id: updates.length + 1,
          date: Math.floor(Date.now() / 1000),
          chat: { id: userId, type: 'private', first_name: '记者' },
          from: { id: userId, is_bot: false, first_name: '记者', language_code: 'zh-hans' },
          text,
        },
      } as Update;
      updates.push({ update, chatId: userId });
    }
  }

  let rssPeak = 0;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 20);
  const sent = new Map<number, number[]>();
  const cpuBefore = mainThreadCpuMs();
  const processBefore = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    updates.map(({ update, chatId }) => {
      const list = sent.get(chatId) ?? [];
      list.push(performance.now());
      sent.set(chatId, list);
      return bot.handleUpdate(update);
    }),
  );
  const idle = await bot.idle(120_000);
  const wallS = (performance.now() - started) / 1000;
  const cpuAfter = mainThreadCpuMs();
  const processCpu = process.cpuUsage(processBefore);
  clearInterval(sampler);
  await queryLog.flush();
  if (!idle) throw new Error('load: the bot did not finish answering within 120 s');

  // Pair each user's answers with their questions in order.
  const refusals = new Set<string>([TEXT.failed, TEXT.rateLimited]);
  const latencies: number[] = [];
  let answered = 0;
  let refused = 0;
  let lost = 0;
  for (const [chatId, times] of sent) {
    const replies = (answers.get(chatId) ?? []).sort((a, b) => a.at - b.at);
    const good = replies.filter((r) => !refusals.has(r.text));
    refused += replies.length - good.length;
    answered += Math.min(good.length, times.length);
    lost += Math.max(0, times.length - replies.length);
    good.forEach((r, i) => {
      if (times[i] !== undefined) latencies.push(r.at - times[i]!);
    });
  }
  const after = memorySample();
  return {
    users,
    questions: updates.length,
    answered,
    lost,
    refused,
    wallS: round(wallS),
    latency: summarize(latencies),
    mainThreadCpuMs: cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore,
    processCpuMs: Math.round((processCpu.user + processCpu.system) / 1000),
    memory: { rssBefore: before.rss, rssAfter: after.rss, heapBefore: before.heapUsed, heapAfter: after.heapUsed, rssPeak: Math.max(rssPeak, after.rss) },
  };
}
