// 👍 / 👎 under answer cards, one JSON line per vote, next to the query log (FEEDBACK_LOG, default
// data/feedback.jsonl): when, who (hashed like the query log), the question, the verdict, and the passages
// the card cited, so a 👎 can be traced to the exact paragraphs that did not answer.
import type { Logger } from '../log.js';
import type { SearchResult } from '../types.js';
import { isRecord, isTime, type JsonLines, JsonlFile } from './jsonl.js';
import { hashUserId } from './query-log.js';

export type Verdict = 'up' | 'down';

export interface CitedPassage {
  /** 1-based position on the card. */
  rank: number;
  file: string;
  paragraph: number;
  lines: [number, number];
  /** PDF page, when the report has pages. */
  page?: number;
}

export interface FeedbackEntry {
  /** ISO 8601. */
  time: string;
  /** sha256(QUERY_LOG_SALT + ":" + user id), hex: the same hash as in the query log. */
  user: string;
  via: 'private' | 'group';
  query: string;
  verdict: Verdict;
  /** 1-based page of the card the user was looking at when voting. */
  cardPage: number;
  /** Every result of the card, in rank order. */
  cited: CitedPassage[];
  district?: string;
  file?: string;
}

export interface FeedbackRecord {
  userId: number;
  via: FeedbackEntry['via'];
  query: string;
  verdict: Verdict;
  cardPage: number;
  results: readonly SearchResult[];
  district?: string | null;
  file?: string | null;
}

export interface FeedbackLog {
  record(r: FeedbackRecord): void;
  read(): Promise<JsonLines<FeedbackEntry>>;
  flush(): Promise<void>;
}

function isFeedbackEntry(v: unknown): v is FeedbackEntry {
  return isRecord(v) && isTime(v.time) && typeof v.query === 'string' && (v.verdict === 'up' || v.verdict === 'down');
}

export function createFeedbackLog(opts: { path: string | null; salt: string; log: Logger; now?: () => Date }): FeedbackLog {
  const now = opts.now ?? (() => new Date());
  const file = new JsonlFile<FeedbackEntry>(opts.path, { log: opts.log, label: 'the feedback log', variable: 'FEEDBACK_LOG' });
  return {
    record(r) {
      file.append({
        time: now().toISOString(),
        user: hashUserId(r.userId, opts.salt),
        via: r.via,
        query: r.query,
        verdict: r.verdict,
        cardPage: r.cardPage,
        cited: r.results.map((x, i) => ({
          rank: i + 1,
          file: x.source.file,
          paragraph: x.source.paragraph,
          lines: x.source.lines,
          ...(x.source.page !== undefined ? { page: x.source.page } : {}),
        })),
        ...(r.district ? { district: r.district } : {}),
        ...(r.file ? { file: r.file } : {}),
      });
    },
    read: () => file.read(isFeedbackEntry),
    flush: () => file.flush(),
  };
}
