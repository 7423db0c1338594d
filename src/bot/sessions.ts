// Server-side state behind inline buttons, found by a short random id (callback data carries only the id):
// one entry per answered question, and one per /remove list, in an ExpiringStore (src/expiring.ts): buttons on
// old messages then answer "expired" politely.
import { ExpiringStore } from '../expiring.js';
import type { Answer } from '../types.js';
import type { Verdict } from './feedback-log.js';
import type { Scope } from './scopes.js';

/** What the buttons under one answer card need. */
export interface QuerySession {
  /** The answer as first computed: pages and "原文" buttons never re-run the search. */
  answer: Answer;
  /** The chat's /district or /report restriction the search ran with. */
  scope: Scope;
  /** Chat the card was sent to; a button pressed elsewhere is treated as expired. */
  chatId: number | null;
  /** 👍/👎 per user on this card: one vote each, so a second tap records nothing. */
  votes: Map<number, Verdict>;
}

export type SessionStore = ExpiringStore<QuerySession>;

/** The session behind a button, if it is still live and belongs to the chat the button was pressed in. */
export function liveSession(sessions: SessionStore, sid: string, chatId: number | undefined): QuerySession | undefined {
  const s = sessions.get(sid);
  return s && (s.chatId === null || s.chatId === chatId) ? s : undefined;
}
