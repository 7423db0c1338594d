// A question from any front end (Telegram or the terminal chat): cleaned, checked, searched within the
// chat's scope, and logged. The front ends only render the answer.
import { type Answer, confidenceOf, type Engine, type SearchOptions } from '../types.js';
import type { QueryLog, QueryRecord } from './query-log.js';
import { NO_SCOPE, type Scope } from './scopes.js';
import { MAX_QUESTION_CHARS } from './texts.js';

/** Pages a reporter can turn through; the search runs once with top = resultsPerPage × this. */
export const MAX_PAGES = 4;

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

/** Search for `top` results within `scope`, and log the question with its outcome and latency. */
export async function searchLogged(
  engine: Pick<Engine, 'search'>,
  query: string,
  { top, scope = NO_SCOPE }: { top: number; scope?: Scope },
  log: { queryLog: QueryLog | undefined; who: Pick<QueryRecord, 'userId' | 'via'> },
): Promise<{ answer: Answer; options: SearchOptions }> {
  const options: SearchOptions = { top, district: scope.district, file: scope.file };
  const started = performance.now();
  const answer = await engine.search(query, options);
  const latencyMs = performance.now() - started;
  log.queryLog?.record({ ...log.who, query, found: answer.found, confidence: confidenceOf(answer), results: answer.results.length, latencyMs, reason: answer.reason, ...scope });
  return { answer, options };
}
