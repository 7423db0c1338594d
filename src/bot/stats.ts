// /stats: usage figures computed from the query log and the feedback log on disk (read when an admin asks,
// never on a question's path). Corrupt lines are skipped and counted; a missing file is simply empty.
import { percentile } from '../percentile.js';
import type { FeedbackEntry } from './feedback-log.js';
import type { JsonLines } from './jsonl.js';
import type { QueryLogEntry } from './query-log.js';

/** "Today" is a calendar day in Beijing time (UTC+8, no daylight saving): the reporters' day, wherever the server runs. */
const STATS_UTC_OFFSET_MINUTES = 8 * 60;
/** How many recent unanswered and 👎 questions /stats lists. */
const STATS_RECENT = 5;

export interface UsageStats {
  total: number;
  today: number;
  notFound: number;
  /** Share of questions not found, 0–1; null without questions. */
  notFoundShare: number | null;
  /** Latency percentiles in ms over every logged question; null without questions. */
  p50: number | null;
  p95: number | null;
  /** Newest first. */
  recentUnanswered: { time: string; query: string }[];
  votes: { up: number; down: number };
  /** Newest first. */
  recentDown: { time: string; query: string }[];
  /** Lines skipped as corrupt, and files that could not be read, per log. */
  skipped: { queries: number; feedback: number };
  unreadable: string[];
}

/** Calendar day ("2024-03-05") of an instant, at a fixed UTC offset. */
export function dayOf(time: Date | string, offsetMinutes = STATS_UTC_OFFSET_MINUTES): string {
  const ms = (typeof time === 'string' ? Date.parse(time) : time.getTime()) + offsetMinutes * 60_000;
  return new Date(ms).toISOString().slice(0, 10);
}

export function computeStats(
  queries: JsonLines<QueryLogEntry>,
  feedback: JsonLines<FeedbackEntry>,
  now: Date,
  { recent = STATS_RECENT, offsetMinutes = STATS_UTC_OFFSET_MINUTES }: { recent?: number; offsetMinutes?: number } = {},
): UsageStats {
  const q = queries.entries;
  const today = dayOf(now, offsetMinutes);
  const notFound = q.filter((e) => !e.found);
  const latencies = q.map((e) => e.latencyMs).filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
  const newest = <T extends { time: string; query: string }>(list: readonly T[]) =>
    list.slice(-recent).reverse().map(({ time, query }) => ({ time, query }));
  const down = feedback.entries.filter((e) => e.verdict === 'down');
  return {
    total: q.length,
    today: q.filter((e) => dayOf(e.time, offsetMinutes) === today).length,
    notFound: notFound.length,
    notFoundShare: q.length ? notFound.length / q.length : null,
    p50: percentile(latencies, 0.5),
    p95: percentile(latencies, 0.95),
    recentUnanswered: newest(notFound),
    votes: { up: feedback.entries.length - down.length, down: down.length },
    recentDown: newest(down),
    skipped: { queries: queries.skipped, feedback: feedback.skipped },
    unreadable: [queries.error, feedback.error].filter((e): e is string => e !== undefined),
  };
}
