// Scores a conversation set (format of tests/conversations.jsonl) through an engine, turn by turn, each chat
// keeping its own frame exactly as `ask --json --batch --chats` does.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Answer, Engine } from '../types.js';
import { normalizeForMatch } from './evaluate.js';
import { chatsInOrder } from './followup.js';

/** One line of a conversation: {"chat": "c1", "question": "…"} (what `ask --json --batch --chats` reads). */
export const ChatLineSchema = z.object({
  chat: z.union([z.string(), z.number()]).transform(String),
  question: z.string().min(1),
});

const TurnSchema = ChatLineSchema.extend({
  /** File that answers the turn, or null when no report does (a place with no report: refused by name). */
  source: z.string().nullable(),
  /** Exact substrings (whitespace and ** removed) of a passage of `source` that answer it; any one counts. */
  evidence: z.array(z.string()).nullable(),
  /** The place with no report that the turn asks about: the refusal must name it. */
  refusedPlace: z.string().optional(),
});
export type ConversationTurn = z.infer<typeof TurnSchema>;

export function readConversations(path: string): ConversationTurn[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .map((l, i) => [l.trim(), i + 1] as const)
    .filter(([l]) => l.length > 0)
    .map(([l, n]) => {
      const parsed = TurnSchema.safeParse(JSON.parse(l));
      if (!parsed.success) throw new Error(`${path} line ${n}: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`);
      return parsed.data;
    });
}

export interface TurnDetail {
  chat: string;
  question: string;
  /** First turn of its chat, a follow-up, or a turn that must be refused. */
  role: 'first' | 'followup' | 'refusal';
  readAs: string | null;
  /** 1-based rank of the first result holding the evidence, or null. */
  hitRank: number | null;
  ok: boolean;
}

export interface ConversationScore {
  first: { ok: number; of: number };
  followups: { ok: number; of: number };
  refusals: { ok: number; of: number };
  details: TurnDetail[];
}

function hitRank(answer: Answer, turn: ConversationTurn): number | null {
  const r = answer.results.slice(0, 3).find((r) => r.source.file === turn.source && (turn.evidence ?? []).some((e) => normalizeForMatch(r.text).includes(normalizeForMatch(e))));
  return r ? r.rank : null;
}

export async function scoreConversations(engine: Engine, turns: ConversationTurn[]): Promise<ConversationScore> {
  const ask = chatsInOrder(engine.reports());
  const seen = new Set<string>();
  const details: TurnDetail[] = [];
  for (const turn of turns) {
    const answer = await ask(turn.chat, turn.question, (q) => engine.search(q, { top: 3 }));
    const role = turn.source === null ? 'refusal' : seen.has(turn.chat) ? 'followup' : 'first';
    seen.add(turn.chat);
    const rank = role === 'refusal' ? null : hitRank(answer, turn);
    const ok =
      role === 'refusal' ? answer.results.length === 0 && (!turn.refusedPlace || (answer.reason ?? '').includes(turn.refusedPlace)) : rank !== null;
    details.push({ chat: turn.chat, question: turn.question, role, readAs: answer.understood.readAs ?? null, hitRank: rank, ok });
  }
  const count = (role: TurnDetail['role']) => ({ ok: details.filter((d) => d.role === role && d.ok).length, of: details.filter((d) => d.role === role).length });
  return { first: count('first'), followups: count('followup'), refusals: count('refusal'), details };
}
