// Every question, one JSON line: when, who (hashed), what, found or not, how long. Reviewing the
// unanswered ones is how the synonyms and the corpus get better. User ids are hashed with sha256 and a
// salt (QUERY_LOG_SALT), so the log can be shared with editors without exposing reporters' accounts.
import { createHash } from 'node:crypto';
import type { Logger } from '../log.js';
import type { Confidence } from '../types.js';
import { isRecord, isTime, type JsonLines, JsonlFile } from './jsonl.js';

export interface QueryLogEntry {
  /** ISO 8601. */
  time: string;
  /** sha256(salt + ":" + user id), hex; "terminal" for the local chat. */
  user: string;
  /** Where the question came from. */
  via: 'private' | 'group' | 'inline' | 'terminal';
  query: string;
  found: boolean;
  /** high (answered), low (closest passages shown as 可能相关) or none. */
  confidence?: Confidence;
  results: number;
  latencyMs: number;
  reason?: string;
  district?: string;
  file?: string;
}

/** What a front end records: the log adds the time and hashes the user id. */
export type QueryRecord = Omit<QueryLogEntry, 'time' | 'user' | 'district' | 'file'> & {
  userId: number | 'terminal';
  district?: string | null;
  file?: string | null;
};

export interface QueryLog {
  record(r: QueryRecord): void;
  /** Every entry on disk (or in memory without a file), skipping corrupt lines; for /stats, never on a hot path. */
  read(): Promise<JsonLines<QueryLogEntry>>;
  /** Resolves when every recorded line is on disk. */
  flush(): Promise<void>;
}

export function hashUserId(userId: number | 'terminal', salt: string): string {
  if (userId === 'terminal') return 'terminal';
  return createHash('sha256').update(`${salt}:${userId}`).digest('hex');
}

export interface QueryLogOptions {
  /** JSON-lines file; null keeps the entries in memory only (tests). */
  path: string | null;
  salt: string;
  log: Logger;
  now?: () => Date;
}

/** A line of the query log as /stats needs it (older lines without optional fields still count). */
export function isQueryLogEntry(v: unknown): v is QueryLogEntry {
  return isRecord(v) && isTime(v.time) && typeof v.query === 'string' && typeof v.found === 'boolean' && (v.latencyMs === undefined || typeof v.latencyMs === 'number');
}

export function createQueryLog(opts: QueryLogOptions): QueryLog {
  const now = opts.now ?? (() => new Date());
  const file = new JsonlFile<QueryLogEntry>(opts.path, { log: opts.log, label: 'the query log', variable: 'QUERY_LOG' });

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
      file.append(entry);
    },
    read: () => file.read(isQueryLogEntry),
    flush: () => file.flush(),
  };
}
