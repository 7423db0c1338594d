// Fitting the decision (npm run fit): labelled questions -> features and labels through the real engine ->
// logistic model and thresholds, with nested cross-validated figures (each question judged by a model and
// thresholds that never saw it).
import type { Engine } from '../types.js';
import { chooseThresholds, type DecisionModel, type Example, type Features, fitLogistic, type Fitted, folds, mixWeights, outcome, probability } from './decide.js';
import { type EvalQuestion, hitOf } from './evaluate.js';

export interface CalibrationOptions {
  folds: number;
  /** Precision of confident answers to reach (evidence in the top 3). */
  precision: number;
  /** Share of unanswerable questions among those reporters ask: precision is judged at that mix. */
  unanswerableShare: number;
  /** Share of unanswerable questions that must be answered found: false (the target: 7 of 9). */
  rejectUnanswerable: number;
}

export const DEFAULT_CALIBRATION: CalibrationOptions = { folds: 5, precision: 0.97, unanswerableShare: 0.1, rejectUnanswerable: 0.8 };

/** The report a labelled question belongs to: its source, else the place it names (a question no report answers). */
const reportOfExample = (e: Example) => {
  const q = (e as Partial<Labelled>).question;
  return q ? (q.source ?? `none:${q.district ?? '?'}`) : null;
};

/**
 * Folds that keep each report's questions together (leaving whole reports out), so the figures say how the
 * decision carries to a report it never saw; examples without a report fall back to interleaved folds.
 */
export function reportFolds(examples: Example[], k: number): number[] {
  const reports = [...new Set(examples.map(reportOfExample))].filter((r): r is string => r !== null).sort();
  if (reports.length < k) return folds(examples, k);
  // Each report to the fold with the fewest questions so far, largest reports first: folds of similar size.
  const size = new Map<string, number>();
  for (const e of examples) {
    const r = reportOfExample(e);
    if (r) size.set(r, (size.get(r) ?? 0) + 1);
  }
  const load = new Array<number>(k).fill(0);
  const foldOf = new Map<string, number>();
  for (const r of [...reports].sort((a, b) => size.get(b)! - size.get(a)! || a.localeCompare(b))) {
    const f = load.indexOf(Math.min(...load));
    foldOf.set(r, f);
    load[f]! += size.get(r)!;
  }
  const fallback = folds(examples, k);
  return examples.map((e, i) => {
    const r = reportOfExample(e);
    return r ? foldOf.get(r)! : fallback[i]!;
  });
}

/** Regularisation strengths tried; the one with the best out-of-fold log-loss is kept. */
const L2 = [0.3, 1, 3, 10];

export interface Labelled extends Example {
  question: EvalQuestion;
}

/** Run each question through the engine with the decision switched off; questions refused before ranking (a place with no report) are skipped. */
export async function collectExamples(engine: Engine & { rank: { decision?: DecisionModel } }, questions: EvalQuestion[]): Promise<Labelled[]> {
  const saved = engine.rank.decision;
  engine.rank.decision = { features: [], mean: [], std: [], weights: [], bias: 0, high: 2, low: -1 };
  try {
    const out: Labelled[] = [];
    for (const q of questions) {
      const answer = await engine.search(q.question, { top: 5 });
      if (!answer.decision) continue;
      const hitRank = hitOf(q, answer)?.rank ?? null;
      out.push({ question: q, features: answer.decision.features as Features, correct: hitRank !== null && hitRank <= 3 ? 1 : 0, answerable: q.source !== null, hitRank });
    }
    return out;
  } finally {
    engine.rank.decision = saved;
  }
}

/** Out-of-fold probabilities (each example predicted by a model fitted on the other folds). */
function outOfFold(examples: Example[], k: number, l2: number): number[] {
  const fold = reportFolds(examples, k);
  const p = new Array<number>(examples.length).fill(0);
  for (let f = 0; f < k; f++) {
    const train = examples.filter((_, i) => fold[i] !== f);
    const model = fitLogistic(train.map((e) => e.features), train.map((e) => e.correct), l2);
    examples.forEach((e, i) => {
      if (fold[i] === f) p[i] = probability(model, e.features);
    });
  }
  return p;
}

const logLoss = (p: number[], examples: Example[]) => -examples.reduce((s, e, i) => s + Math.log(Math.max(1e-9, e.correct ? p[i]! : 1 - p[i]!)), 0) / examples.length;

/** Choose l2 by out-of-fold log-loss, fit on all examples, thresholds from out-of-fold probabilities. */
export function fitDecision(examples: Example[], o: CalibrationOptions = DEFAULT_CALIBRATION): Fitted & { high: number; low: number; l2: number } {
  let best = { l2: L2[0]!, loss: Infinity, p: [] as number[] };
  for (const l2 of L2) {
    const p = outOfFold(examples, o.folds, l2);
    const loss = logLoss(p, examples);
    if (loss < best.loss) best = { l2, loss, p };
  }
  const thresholds = chooseThresholds(best.p, examples, o.precision, o.unanswerableShare, o.rejectUnanswerable);
  return { ...fitLogistic(examples.map((e) => e.features), examples.map((e) => e.correct), best.l2), ...thresholds, l2: best.l2 };
}

export interface HeldOut {
  example: Labelled;
  probability: number;
  outcome: 'high' | 'low' | 'none';
}

export interface CrossValidated {
  questions: number;
  answerable: number;
  unanswerable: number;
  folds: number;
  /** Confident answers with the evidence in the top 3, as labelled (this set's mix of unanswerable questions). */
  precisionConfident: number;
  /** The same at the mix reporters ask (`unanswerableShare`). */
  precisionConfidentAtMix: number;
  unanswerableMix: number;
  answerableFound: number;
  unanswerableNotFound: number;
  /** Evidence among the results shown, whatever the outcome ("none" shows nothing). */
  recallAt1: number;
  recallAt3: number;
  outcomes: { high: number; low: number; none: number };
  /** Held-out figures per kind of question and per report: answerable found, unanswerable refused, precision. */
  perKind?: Record<string, GroupHeld>;
  perReport?: Record<string, GroupHeld>;
}

export interface GroupHeld {
  questions: number;
  found: number | null;
  refused: number | null;
  precision: number | null;
}

function groupHeld(held: HeldOut[]): GroupHeld {
  const r = (x: number) => Math.round(x * 1000) / 1000;
  const share = (xs: HeldOut[], f: (h: HeldOut) => boolean) => (xs.length ? r(xs.filter(f).length / xs.length) : null);
  return {
    questions: held.length,
    found: share(held.filter((h) => h.example.answerable), (h) => h.outcome === 'high'),
    refused: share(held.filter((h) => !h.example.answerable), (h) => h.outcome !== 'high'),
    precision: share(held.filter((h) => h.outcome === 'high'), (h) => h.example.correct === 1),
  };
}

function groupsOf(held: HeldOut[], by: (h: HeldOut) => string): Record<string, GroupHeld> {
  const groups = new Map<string, HeldOut[]>();
  for (const h of held) groups.set(by(h), [...(groups.get(by(h)) ?? []), h]);
  return Object.fromEntries([...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, groupHeld(v)]));
}

/** Nested cross-validation by whole reports: the outer fold is held out from everything, the choice of thresholds included. */
export function crossValidate(examples: Labelled[], o: CalibrationOptions = DEFAULT_CALIBRATION): { figures: CrossValidated; held: HeldOut[] } {
  const fold = reportFolds(examples, o.folds);
  const held: HeldOut[] = [];
  for (let f = 0; f < o.folds; f++) {
    const model = fitDecision(examples.filter((_, i) => fold[i] !== f), o);
    examples.forEach((example, i) => {
      if (fold[i] !== f) return;
      const p = probability(model, example.features);
      held.push({ example, probability: p, outcome: outcome(model, p) });
    });
  }
  const share = <T>(xs: T[], f: (x: T) => boolean) => (xs.length ? xs.filter(f).length / xs.length : 0);
  const round = (x: number) => Math.round(x * 1000) / 1000;
  const answerable = held.filter((h) => h.example.answerable);
  const unanswerable = held.filter((h) => !h.example.answerable);
  const confident = held.filter((h) => h.outcome === 'high');
  const w = mixWeights(held.map((h) => h.example), o.unanswerableShare);
  const confW = held.reduce((s, h, i) => s + (h.outcome === 'high' ? w[i]! : 0), 0);
  const atMix = confW ? held.reduce((s, h, i) => s + (h.outcome === 'high' && h.example.correct ? w[i]! : 0), 0) / confW : 0;
  const shown = (h: HeldOut, n: number) => h.outcome !== 'none' && h.example.hitRank !== null && h.example.hitRank <= n;
  const figures: CrossValidated = {
    questions: examples.length,
    answerable: answerable.length,
    unanswerable: unanswerable.length,
    folds: o.folds,
    precisionConfident: round(share(confident, (h) => h.example.correct === 1)),
    precisionConfidentAtMix: round(atMix),
    unanswerableMix: o.unanswerableShare,
    answerableFound: round(share(answerable, (h) => h.outcome === 'high')),
    unanswerableNotFound: round(share(unanswerable, (h) => h.outcome !== 'high')),
    recallAt1: round(share(answerable, (h) => shown(h, 1))),
    recallAt3: round(share(answerable, (h) => shown(h, 3))),
    outcomes: { high: round(share(held, (h) => h.outcome === 'high')), low: round(share(held, (h) => h.outcome === 'low')), none: round(share(held, (h) => h.outcome === 'none')) },
    perKind: groupsOf(held, (h) => h.example.question.kind ?? '(none)'),
    perReport: groupsOf(held, (h) => reportOfExample(h.example) ?? '(none)'),
  };
  return { figures, held };
}
