// Warm query latency: the questions asked `repeats` times through a loaded engine, per stage and end to end.
import type { Engine, StageTimings } from '../types.js';
import { countFileReads } from './file-access.js';
import { type Summary, summarize } from './stats.js';

export const STAGES = ['understand', 'embed', 'dense', 'lexical', 'rank'] as const satisfies readonly (keyof StageTimings)[];
export type StageSummaries = Record<(typeof STAGES)[number], Summary>;

export interface QueryLatency {
  questions: number;
  repeats: number;
  /** Wall time around engine.search, milliseconds. */
  total: Summary;
  stages: StageSummaries;
  /** Searches that went through every stage (the others stop early, e.g. a place no report covers). */
  fullPath: number;
  /** File-system reads (open, read, stat, exists…) made while the measured questions were answered. */
  fileReads: number;
}

export async function timeQueries(engine: Engine, questions: string[], repeats: number): Promise<QueryLatency> {
  for (const q of questions) await engine.search(q); // warm-up: JIT, caches, lazy dictionaries
  const total: number[] = [];
  const stages = Object.fromEntries(STAGES.map((s) => [s, [] as number[]])) as Record<(typeof STAGES)[number], number[]>;
  const { reads } = await countFileReads(async () => {
    for (let r = 0; r < repeats; r++) {
      for (const q of questions) {
        const started = performance.now();
        const answer = await engine.search(q);
        total.push(performance.now() - started);
        if (answer.timings) for (const s of STAGES) stages[s].push(answer.timings[s]);
      }
    }
  });
  return {
    questions: questions.length,
    repeats,
    total: summarize(total),
    stages: Object.fromEntries(STAGES.map((s) => [s, summarize(stages[s])])) as StageSummaries,
    fullPath: stages.embed.length,
    fileReads: reads,
  };
}
