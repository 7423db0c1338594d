// Every question, one JSON line: when, who (hashed), what, found or not, how long. Reviewing the
// unanswered ones is how the synonyms and the corpus get better. User ids are hashed with sha256 and a
// salt (QUERY_LOG_SALT), so the log can be shared with editors without exposing reporters' accounts.
import { createHash } from 'node:crypto';
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from '../log.js';

export interface QueryLogEntry {
  /** ISO 8601. */
  time: string;
  /** sha256(salt + ":" + user id), hex; "terminal" for the local chat. */
  user: string;
  /** Where the question came from. */
  via: 'private' | 'group' | 'inline' | 'terminal';
  query: string;
  found: boolean;
  results: number;
  latencyMs: number;
  reason?: string;
  district?: string;
  file?: string;
}

export interface QueryRecord {
  userId: number | 'terminal';
  via: QueryLogEntry['via'];
  query: string;
  found: boolean;
  results: number;
  latencyMs: number;
  reason?: string;
  district?: string | null;
  file?: string | null;
}

export interface QueryStats {
  since: string;
  total: number;
  found: number;
  /** Most recent unanswered questions, newest first. */
  recentUnanswered: { time: string; query: string }[];
}

export interface QueryLog {
  record(r: QueryRecord): void;
  stats(): QueryStats;
  /** Resolves when every recorded line is on disk. */
  flush(): Promise<void>;
}

export function hashUserId(userId: number | 'terminal', salt: string): string {
  if (userId === 'terminal') return 'terminal';
  return createHash('sha256').update(`${salt}:${userId}`).digest('hex');
}

export interface QueryLogOptions {
  /** JSON-lines file; null keeps only the in-memory stats (tests). */
  path: string | null;
  salt: string;
  log: Logger;
  now?: () => Date;
}

const RECENT = 20;

export function createQueryLog(opts: QueryLogOptions): QueryLog {
  const now = opts.now ?? (() => new Date());
  const stats: QueryStats = { since: now().toISOString(), total: 0, found: 0, recentUnanswered: [] };
  let warned = false;
  const warn = (err: unknown) => {
    if (!warned) opts.log.warn(`cannot write the query log ${opts.path}: ${String(err)} (check QUERY_LOG)`);
    warned = true;
  };
  let tail: Promise<void> = opts.path ? mkdir(dirname(opts.path), { recursive: true }).then(() => undefined, warn) : Promise.resolve();

  return {
    record(r) {
      const entry: QueryLogEntry = {
        time: now().toISOString(),
        user: hashUserId(r.userId, opts.salt),
        via: r.via,
        query: r.query,
        found: r.found,
        results: r.results,
        latencyMs: Math.round(r.latencyMs),
        ...(r.reason ? { reason: r.reason } : {}),
        ...(r.district ? { district: r.district } : {}),
        ...(r.file ? { file: r.file } : {}),
      };
      stats.total += 1;
      if (r.found) stats.found += 1;
      else {
        stats.recentUnanswered.unshift({ time: entry.time, query: r.query });
        stats.recentUnanswered.length = Math.min(stats.recentUnanswered.length, RECENT);
      }
      const path = opts.path;
      if (!path) return;
      // Chained so lines keep their order; a failing disk is a warning, never a failed answer.
      tail = tail
        .then(() => appendFile(path, JSON.stringify(entry) + '\n', 'utf8'))
        .catch(warn);
    },
    stats: () => ({ ...stats, recentUnanswered: [...stats.recentUnanswered] }),
    flush: () => tail,
  };
}
