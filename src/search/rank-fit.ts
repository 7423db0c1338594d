// Fitting the ranking weights (npm run fit -- --rank): every combination of a small grid is run through the real
// engine on labelled questions, and the one with the best recall (1 for rank 1, 0.5 for rank 2-3) is kept.
// Cross-validated by leaving whole reports out: each report's questions are scored with the weights chosen on the
// other reports' only, so the figures say how the weights carry to a report they never saw.
import type { Engine } from '../types.js';
import type { DecisionModel } from './decide.js';
import type { RankOptions, RankWeight } from './engine.js';
import { type EvalQuestion, hitOf } from './evaluate.js';

export const RANK_GRID: Record<Exclude<RankWeight, 'lexicalWeight'>, number[]> & { lexicalWeight: number[] } = {
  lexicalWeight: [0.4, 0.5, 0.6],
  figureBoost: [1, 1.1, 1.25],
  yearPenalty: [0.5, 0.7, 0.9],
  periodPenalty: [0.7, 0.85, 1],
  spanPenalty: [0.6, 0.8, 1],
  coveragePenalty: [0.6, 0.8, 1],
};

export type Weights = Pick<RankOptions, RankWeight>;

/** Every combination of the grid. */
export function combinations(grid: Record<string, number[]> = RANK_GRID): Weights[] {
  let out: Record<string, number>[] = [{}];
  for (const [k, values] of Object.entries(grid)) out = out.flatMap((o) => values.map((v) => ({ ...o, [k]: v })));
  return out as unknown as Weights[];
}

/** A question's worth at a rank: 1 at rank 1, 0.5 at 2-3, else 0. */
export const worth = (rank: number | null) => (rank === 1 ? 1 : rank !== null && rank <= 3 ? 0.5 : 0);

export interface RankFit {
  best: Weights;
  /** Leave-reports-out figures: each report's questions judged with weights chosen without it. */
  heldOut: { recallAt1: number; recallAt3: number; reports: number; questions: number };
  /** The same questions with the weights in use before the fit. */
  before: { recallAt1: number; recallAt3: number };
  /** Held-out recall@1 per report. */
  perReport: Record<string, number>;
}

/**
 * Choose weights from a table of ranks (ranks[c][q]: rank of question q's evidence with combination c): the best
 * total worth, ties to the combination listed first.
 */
export function chooseWeights(ranks: (number | null)[][], include: (q: number) => boolean): number {
  let best = 0;
  let bestWorth = -1;
  ranks.forEach((row, c) => {
    const w = row.reduce<number>((s, r, q) => (include(q) ? s + worth(r) : s), 0);
    if (w > bestWorth + 1e-9) [best, bestWorth] = [c, w];
  });
  return best;
}

/** Ranks of each answerable question's evidence under each combination (the decision off: every result shown). */
export async function rankTable(engine: Engine & { rank: RankOptions & { decision?: DecisionModel } }, questions: EvalQuestion[], combos: Weights[]): Promise<(number | null)[][]> {
  const saved = { ...engine.rank };
  engine.rank.decision = { features: [], mean: [], std: [], weights: [], bias: 0, high: 2, low: -1 };
  try {
    const table: (number | null)[][] = [];
    for (const combo of combos) {
      Object.assign(engine.rank, combo);
      const row: (number | null)[] = [];
      for (const q of questions) row.push(hitOf(q, await engine.search(q.question, { top: 5 }))?.rank ?? null);
      table.push(row);
    }
    return table;
  } finally {
    Object.assign(engine.rank, saved);
  }
}

/** Leave each report out, choose on the rest, score it; then choose on all. `current` is the index of the weights in use. */
export function crossValidateRank(table: (number | null)[][], questions: EvalQuestion[], combos: Weights[], current: number): RankFit {
  const reports = [...new Set(questions.map((q) => q.source!))];
  const held: (number | null)[] = new Array(questions.length).fill(null);
  const perReport: Record<string, number> = {};
  for (const r of reports) {
    const c = chooseWeights(table, (q) => questions[q]!.source !== r);
    const mine = questions.map((q, i) => (q.source === r ? i : -1)).filter((i) => i >= 0);
    for (const i of mine) held[i] = table[c]![i]!;
    perReport[r] = round(mine.filter((i) => held[i] === 1).length / mine.length);
  }
  const share = (rs: (number | null)[], n: number) => round(rs.filter((r) => r !== null && r <= n).length / Math.max(1, rs.length));
  return {
    best: combos[chooseWeights(table, () => true)]!,
    heldOut: { recallAt1: share(held, 1), recallAt3: share(held, 3), reports: reports.length, questions: questions.length },
    before: { recallAt1: share(table[current]!, 1), recallAt3: share(table[current]!, 3) },
    perReport,
  };
}

const round = (x: number) => Math.round(x * 1000) / 1000;
