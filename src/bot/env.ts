// What every bot feature may use, built once by createBot and passed to each feature's factory.
import type { Context } from 'grammy';
import type { Config } from '../config/index.js';
import type { Logger } from '../log.js';
import type { FrameStore } from '../search/followup.js';
import type { Engine } from '../types.js';
import type { FeedbackLog } from './feedback-log.js';
import type { QueryLog } from './query-log.js';
import { type Scope, type ScopeStore, scopeLabel } from './scopes.js';
import type { SessionStore } from './sessions.js';
import type { TaskTracker } from './tasks.js';

export interface BotEnv {
  engine: Engine;
  config: Config;
  log: Logger;
  now: () => number;
  sessions: SessionStore;
  /** Per-chat frame of the last question, for follow-ups (那城西区呢？). */
  frames: FrameStore;
  /** Per-chat /district or /report restriction. */
  scopes: ScopeStore;
  queryLog: QueryLog;
  feedbackLog: FeedbackLog;
  tasks: TaskTracker;
  /** The card footer's line while the index is being updated (update-notice.ts), else null. */
  updateNotice: () => string | null;
  /** Run work after the handler returns (polling goes on); its errors get the same polite reply. */
  spawn: (ctx: Context, work: () => Promise<void>) => void;
}

/** How a scope is named on cards and in replies (a report by its title), or null for no restriction. */
export const labelOf = (env: BotEnv, scope: Scope) => scopeLabel(scope, env.engine.reports());

/** Where a question came from, for the logs. */
export const viaOf = (ctx: Context) => (ctx.chat?.type === 'private' ? ('private' as const) : ('group' as const));
