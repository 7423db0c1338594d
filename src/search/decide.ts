// How far to trust an answer: features of the best candidates -> a logistic model fitted on labelled questions
// (npm run fit) -> "high" (found), "low" (closest passages, no certain answer) or "none" (nothing relevant).
// Weights and thresholds live in decision.json; nothing here is tuned by hand.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { findFigures } from '../clean/figures.js';
import type { Confidence, QueryUnderstanding } from '../types.js';
import { askedFigureKind, askedPeriod, figureKind, type Period, unitMatcher } from './cues.js';

/**
 * Generic features only (no place names, years or titles of the sample): the fit must carry to other reports.
 * Left out because they do not mean the same in every report or question set (docs/answers.md, ablation): the
 * best passage's absolute cosine (its level depends on a report's style and length, which the sample's short
 * files do not show), and whether a question names a time or a place (how often reporters do differs between
 * sets; whether the passage agrees with the time asked is kept as timeAgrees / timeUnknown / yearContradicts).
 */
export const FEATURES = [
  'coverage',
  'coverageTop3',
  'heaviestCovered',
  'missingWeight',
  'nearFigure',
  'heaviestNearFigure',
  'figureNotNear',
  'similarityGap',
  'lexical',
  'lexicalMargin',
  'scoreMargin',
  'wantsFigure',
  'figureMissing',
  'kindMissing',
  'unitMissing',
  'timeAgrees',
  'timeUnknown',
  'yearContradicts',
  'periodConflicts',
  'concepts',
] as const;
export type FeatureName = (typeof FEATURES)[number];
export type Features = Record<FeatureName, number>;

const ModelSchema = z.object({
  features: z.array(z.enum(FEATURES)),
  mean: z.array(z.number()),
  std: z.array(z.number()),
  weights: z.array(z.number()),
  bias: z.number(),
  /** Probability at or above which the answer is confident (found: true). */
  high: z.number(),
  /** Probability below which nothing is shown (confidence "none"). */
  low: z.number(),
  l2: z.number().optional(),
  /** Cross-validated figures of the last fit (written by npm run fit, shown in README). */
  cv: z.record(z.unknown()).optional(),
  fittedOn: z.array(z.string()).optional(),
});
export type DecisionModel = z.infer<typeof ModelSchema>;

export const DECISION_FILE = new URL('./decision.json', import.meta.url);

/** The fitted model; a damaged file names itself and the command that rewrites it. */
export function loadDecision(path: string | URL = DECISION_FILE): DecisionModel {
  const parsed = ModelSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) throw new Error(`decision model ${String(path)} is invalid (${parsed.error.issues[0]?.message}): run npm run fit to rewrite it`);
  const m = parsed.data;
  if (m.mean.length !== m.features.length || m.std.length !== m.features.length || m.weights.length !== m.features.length) {
    throw new Error(`decision model ${String(path)}: features, mean, std and weights differ in length: run npm run fit`);
  }
  return m;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

export function probability(model: Pick<DecisionModel, 'features' | 'mean' | 'std' | 'weights' | 'bias'>, f: Features): number {
  let z = model.bias;
  model.features.forEach((name, i) => {
    z += model.weights[i]! * ((f[name] - model.mean[i]!) / model.std[i]!);
  });
  return sigmoid(z);
}

export function outcome(model: Pick<DecisionModel, 'high' | 'low'>, p: number): Confidence {
  return p >= model.high ? 'high' : p >= model.low ? 'low' : 'none';
}

// ---------------------------------------------------------------------------------------------
// Features

export interface Ranked {
  id: number;
  similarity: number;
  lexical: number;
  score: number;
}

export interface FeatureInput {
  /** Candidates, best first. */
  ranked: Ranked[];
  /** Indexed text of each passage without whitespace. */
  texts: string[];
  understood: QueryUnderstanding;
  weight: (term: string) => number;
  /** Does the passage name or imply another year than the one asked? */
  contradictsYear: (id: number) => boolean;
  /** Does the passage name the year asked, or is it a plan/review of exactly that year? */
  agreesYear: (id: number) => boolean;
  periodOf: (id: number) => Period | null;
}

/**
 * IDF-weighted share of the question's concepts a text mentions (any alternative counts), for many texts: each
 * concept's weight worked out once, not again for every candidate (the same sums in the same order: the same
 * figure to the last bit).
 */
export function coverageOf(concepts: string[][], weight: (t: string) => number): (text: string) => number {
  const weights = concepts.map((alternatives) => Math.max(...alternatives.map(weight)));
  let total = 0;
  for (const w of weights) total += w;
  return (text) => {
    if (!(total > 0)) return 0;
    let hit = 0;
    for (let i = 0; i < concepts.length; i++) if (concepts[i]!.some((a) => text.includes(a))) hit += weights[i]!;
    return hit / total;
  };
}

/** Share (IDF-weighted) of the question's concepts that stand shortly before a figure: "the indicator next to its number". */
function nearFigure(text: string, concepts: string[][], weight: (t: string) => number, window = NEAR): number {
  const figures = findFigures(text).map((f) => text.indexOf(f)).filter((i) => i >= 0);
  if (figures.length === 0) return 0;
  let total = 0;
  let hit = 0;
  for (const alternatives of concepts) {
    const w = Math.max(...alternatives.map(weight));
    total += w;
    const near = alternatives.some((a) => {
      for (let i = text.indexOf(a); i >= 0; i = text.indexOf(a, i + 1)) {
        const end = i + a.length;
        if (figures.some((f) => f >= end - 1 && f - end <= window)) return true;
      }
      return false;
    });
    if (near) hit += w;
  }
  return total > 0 ? hit / total : 0;
}

/**
 * Counts written in words ("四个方面", "两年内", "三项"): figures for the decision, which must not call a passage
 * without digits figureless when it answers "几个方面" or "多久". 一 is left out (一个中心, 一批 are words).
 */
export function wordCounts(text: string): string[] {
  return [...text.matchAll(/(?:[一二三四五六七八九]?十[一二三四五六七八九]?|[两三四五六七八九])(?:个月|个|项|条|年|天|方面|批|所|座|家|件|类|大)/g)].map((m) => m[0]);
}

/** Characters between the end of a question's word and a figure for it to count as "next to" the figure. */
const NEAR = 12;

export function features(input: FeatureInput): Features {
  const { ranked, texts, understood: u, weight } = input;
  const best = ranked[0]!;
  const text = texts[best.id]!;
  const covers = coverageOf(u.concepts, weight);
  const weighted = u.concepts.map((alts) => ({ alts, w: Math.max(...alts.map(weight)) })).sort((a, b) => b.w - a.w);
  const total = weighted.reduce((s, c) => s + c.w, 0) || 1;
  const missing = weighted.filter((c) => !c.alts.some((a) => text.includes(a)));
  const maxSim = Math.max(...ranked.map((c) => c.similarity));
  const maxLexical = Math.max(0, ...ranked.map((c) => c.lexical));
  const nextLexical = Math.max(0, ...ranked.slice(1).map((c) => c.lexical));
  const selfLexical = weighted.reduce((s, c) => s + c.w, 0);
  const asked = askedPeriod(u.normalized);
  const period = input.periodOf(best.id);
  const figures = [...findFigures(text), ...wordCounts(text)];
  const kind = askedFigureKind(u.normalized);
  const unit = unitMatcher(u.normalized);
  const timeAsked = u.year !== null || asked !== null;
  const contradicts = input.contradictsYear(best.id) || (asked !== null && period !== null && period !== asked);
  const agrees = !contradicts && (input.agreesYear(best.id) || (asked !== null && period === asked));
  return {
    coverage: covers(text),
    coverageTop3: Math.max(...ranked.slice(0, 3).map((c) => covers(texts[c.id]!))),
    heaviestCovered: weighted.length > 0 && missing[0] !== weighted[0] ? 1 : 0,
    missingWeight: missing.length ? missing[0]!.w / total : 0,
    nearFigure: nearFigure(text, u.concepts, weight),
    heaviestNearFigure: weighted[0] ? nearFigure(text, [weighted[0].alts], weight) : 0,
    // A figure is asked for, but none of the question's words stands next to one.
    figureNotNear: u.wantsFigure && nearFigure(text, u.concepts, weight) === 0 ? 1 : 0,
    similarityGap: maxSim - best.similarity,
    lexical: selfLexical > 0 ? Math.min(2, best.lexical / selfLexical) : 0,
    lexicalMargin: maxLexical > 0 ? (best.lexical - nextLexical) / maxLexical : 0,
    // (A passage put first over a higher score by any reordering of the engine's (a period, year, place or figure
    // fit) is a near tie: margin 0.)
    scoreMargin: ranked[1] && best.score > 0 ? Math.max(0, (best.score - ranked[1].score) / best.score) : 1,
    wantsFigure: u.wantsFigure ? 1 : 0,
    figureMissing: u.wantsFigure && figures.length === 0 ? 1 : 0,
    // A growth question answered by a passage with amounts only, "多少户" by one with no figure in 户.
    kindMissing: kind && !figures.some((f) => figureKind(text, f) === kind) ? 1 : 0,
    unitMissing: unit && !figures.some(unit) ? 1 : 0,
    timeAgrees: timeAsked && agrees ? 1 : 0,
    timeUnknown: timeAsked && !agrees && !contradicts ? 1 : 0,
    yearContradicts: input.contradictsYear(best.id) ? 1 : 0,
    periodConflicts: asked && period && period !== asked ? 1 : 0,
    concepts: Math.log1p(u.concepts.length),
  };
}

// ---------------------------------------------------------------------------------------------
// Fitting (npm run fit)

export interface Fitted {
  features: FeatureName[];
  mean: number[];
  std: number[];
  weights: number[];
  bias: number;
}

/** L2-regularised logistic regression on standardised features, by Newton's method (few features, few hundred rows). */
export function fitLogistic(rows: Features[], labels: number[], l2 = 1): Fitted {
  const names = [...FEATURES];
  const d = names.length;
  const n = rows.length;
  const mean = names.map((f) => rows.reduce((s, r) => s + r[f], 0) / n);
  const std = names.map((f, j) => Math.sqrt(rows.reduce((s, r) => s + (r[f] - mean[j]!) ** 2, 0) / n) || 1);
  const X = rows.map((r) => [1, ...names.map((f, j) => (r[f] - mean[j]!) / std[j]!)]);
  let w = new Array<number>(d + 1).fill(0);
  for (let iter = 0; iter < 50; iter++) {
    const grad = new Array<number>(d + 1).fill(0);
    const H = Array.from({ length: d + 1 }, () => new Array<number>(d + 1).fill(0));
    for (let i = 0; i < n; i++) {
      const x = X[i]!;
      const p = sigmoid(x.reduce((s, v, j) => s + v * w[j]!, 0));
      const g = p - labels[i]!;
      const h = p * (1 - p);
      for (let a = 0; a <= d; a++) {
        grad[a]! += g * x[a]!;
        for (let b = 0; b <= d; b++) H[a]![b]! += h * x[a]! * x[b]!;
      }
    }
    for (let a = 1; a <= d; a++) {
      grad[a]! += l2 * w[a]!;
      H[a]![a]! += l2;
    }
    H[0]![0]! += 1e-6;
    const step = solve(H, grad);
    w = w.map((v, j) => v - step[j]!);
    if (Math.max(...step.map(Math.abs)) < 1e-8) break;
  }
  return { features: names, mean, std, weights: w.slice(1), bias: w[0]! };
}

/** Gaussian elimination with partial pivoting (the system is small and positive definite). */
function solve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r]![c]!) > Math.abs(M[p]![c]!)) p = r;
    [M[c], M[p]] = [M[p]!, M[c]!];
    for (let r = c + 1; r < n; r++) {
      const f = M[r]![c]! / M[c]![c]!;
      for (let k = c; k <= n; k++) M[r]![k]! -= f * M[c]![k]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = M[r]![n]!;
    for (let k = r + 1; k < n; k++) s -= M[r]![k]! * x[k]!;
    x[r] = s / M[r]![r]!;
  }
  return x;
}

/** One labelled question as the fit sees it: its features and whether its evidence is in the top 3. */
export interface Example {
  features: Features;
  /** 1 when the question is answerable and its evidence is among the first three results. */
  correct: number;
  answerable: boolean;
  /** 1-based rank of the evidence, or null. */
  hitRank: number | null;
}

/**
 * Thresholds from out-of-fold probabilities: `high` is the lowest probability at which the confident answers
 * above it keep precision ≥ target (and at least `rejectUnanswerable` of the unanswerable questions stay below); `low` keeps (nearly) every question whose evidence was found, so "none"
 * only drops what nothing in the reports answers.
 */
export function chooseThresholds(
  p: number[],
  examples: Example[],
  targetPrecision: number,
  unanswerableShare: number,
  rejectUnanswerable = 0,
  keepRecall = 0.99,
): { high: number; low: number } {
  const order = p.map((x, i) => i).sort((a, b) => p[b]! - p[a]!);
  const weight = mixWeights(examples, unanswerableShare);
  let tp = 0;
  let n = 0;
  let lastOk = 1;
  for (const i of order) {
    n += weight[i]!;
    tp += examples[i]!.correct * weight[i]!;
    if (tp / n >= targetPrecision) lastOk = p[i]!;
  }
  // Also keep the share of unanswerable questions answered found: false: high sits above that many of them.
  const negatives = examples.map((e, i) => (e.answerable ? null : p[i]!)).filter((x): x is number => x !== null).sort((a, b) => a - b);
  const k = Math.ceil(negatives.length * rejectUnanswerable);
  const rejecting = k > 0 && negatives.length ? negatives[Math.min(k, negatives.length) - 1]! + 1e-9 : 0;
  const high = Math.max(lastOk, rejecting);
  const hits = examples.map((e, i) => (e.hitRank !== null ? p[i]! : null)).filter((x): x is number => x !== null).sort((a, b) => a - b);
  const drop = Math.floor(hits.length * (1 - keepRecall));
  const low = Math.min(high, hits.length ? hits[drop]! * 0.9 : 0);
  return { high, low };
}

/**
 * Weights that give unanswerable questions `share` of the total: precision depends on how many questions have no
 * answer, and the labelled sets hold more of them (to learn from) than reporters ask.
 */
export function mixWeights(examples: Example[], share: number): number[] {
  const neg = examples.filter((e) => !e.answerable).length;
  const pos = examples.length - neg;
  if (neg === 0 || pos === 0) return examples.map(() => 1);
  const wNeg = (share * pos) / ((1 - share) * neg);
  return examples.map((e) => (e.answerable ? 1 : wNeg));
}

/** Stratified fold of each example (deterministic: interleaved within each class). */
export function folds(examples: Example[], k: number): number[] {
  const fold = new Array<number>(examples.length).fill(0);
  let a = 0;
  let b = 0;
  examples.forEach((e, i) => {
    fold[i] = e.correct ? a++ % k : b++ % k;
  });
  return fold;
}

