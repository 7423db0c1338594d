// Server-side state behind inline buttons: one entry per answered question, found by a short random id.
// Entries expire (buttons on old cards then answer "expired" politely) and the store is bounded, so a
// busy bot cannot grow without limit: when full, the oldest entry goes first.
import { randomBytes } from 'node:crypto';
import type { Answer, SearchOptions } from '../types.js';
import type { Verdict } from './feedback-log.js';

export interface QuerySession {
  id: string;
  /** The answer as first computed: pages and "原文" buttons never re-run the search. */
  answer: Answer;
  options: SearchOptions;
  /** Chat the card was sent to; a button pressed elsewhere is treated as expired. */
  chatId: number | null;
  createdAt: number;
  /** 👍/👎 per user on this card: one vote each, so a second tap records nothing. */
  votes: Map<number, Verdict>;
}

export interface SessionStoreOptions {
  ttlMs: number;
  maxEntries: number;
  now?: () => number;
}

export class SessionStore {
  private readonly entries = new Map<string, QuerySession>();
  private readonly now: () => number;

  constructor(private readonly opts: SessionStoreOptions) {
    this.now = opts.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  add(answer: Answer, options: SearchOptions, chatId: number | null): QuerySession {
    this.prune();
    while (this.entries.size >= this.opts.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
    let id: string;
    do id = randomBytes(6).toString('base64url'); // 8 characters, 48 random bits
    while (this.entries.has(id));
    const session: QuerySession = { id, answer, options, chatId, createdAt: this.now(), votes: new Map() };
    this.entries.set(id, session);
    return session;
  }

  /** The live session, or undefined when it never existed or has expired. */
  get(id: string): QuerySession | undefined {
    const s = this.entries.get(id);
    if (!s) return undefined;
    if (this.now() - s.createdAt > this.opts.ttlMs) {
      this.entries.delete(id);
      return undefined;
    }
    return s;
  }

  /** Forget every entry: after an index switch, stored passage ids may point at other passages. */
  clear(): void {
    this.entries.clear();
  }

  /** Drop expired entries. Map iteration is insertion order, i.e. oldest first. */
  prune(): void {
    const cutoff = this.now() - this.opts.ttlMs;
    for (const [id, s] of this.entries) {
      if (s.createdAt >= cutoff) break;
      this.entries.delete(id);
    }
  }
}
