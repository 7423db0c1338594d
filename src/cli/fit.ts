// npm run fit [-- FILE.jsonl ...] [--folds K] [--precision P]
// Refits the found / uncertain / not-found decision on labelled questions (default: tests/dev.jsonl,
// tests/extra.jsonl, tests/calib.jsonl) and writes weights, thresholds and cross-validated figures to
// src/search/decision.json. Figures are nested cross-validation: each question is judged by a model and
// thresholds that never saw it.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chooseThresholds, DECISION_FILE, type Example, type Features, fitLogistic, type Fitted, folds, outcome, probability } from '../search/decide.js';
import { type EvalQuestion, hitOf, readQuestions } from '../search/evaluate.js';
import { fatal, openEngineForCli, startup } from './common.js';

const DEFAULT_FILES = ['tests/dev.jsonl', 'tests/extra.jsonl', 'tests/calib.jsonl'];
const L2 = [0.3, 1, 3, 10];

/** Out-of-fold probabilities of `examples` (each predicted by a model fitted on the other folds). */
function outOfFold(examples: Example[], k: number, l2: number): number[] {
  const fold = folds(examples, k);
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

/** Choose l2 by out-of-fold log-loss, fit on all, thresholds from out-of-fold probabilities. */
function fitAll(examples: Example[], k: number, precision: number): Fitted & { high: number; low: number; l2: number } {
  let best = { l2: L2[0]!, loss: Infinity, p: [] as number[] };
  for (const l2 of L2) {
    const p = outOfFold(examples, k, l2);
    const loss = logLoss(p, examples);
    if (loss < best.loss) best = { l2, loss, p };
  }
  const thresholds = chooseThresholds(best.p, examples, precision);
  return { ...fitLogistic(examples.map((e) => e.features), examples.map((e) => e.correct), best.l2), ...thresholds, l2: best.l2 };
}

async function main() {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { folds: { type: 'string' }, precision: { type: 'string' }, details: { type: 'boolean' } } });
  const k = Number(values.folds ?? 5);
  const target = Number(values.precision ?? 0.97);
  if (!Number.isInteger(k) || k < 2) throw new Error('--folds must be an integer ≥ 2');
  const files = positionals.length ? positionals : DEFAULT_FILES;
  const questions: EvalQuestion[] = files.flatMap((f) => readQuestions(f));
  const { config, log } = await startup();
  const engine = await openEngineForCli(config, log);
  // Keep every answer's results whatever the current model says: the fit needs each question's features and rank.
  engine.rank.decision = { features: [], mean: [], std: [], weights: [], bias: 0, high: 2, low: -1 };
  const examples: Example[] = [];
  const asked: EvalQuestion[] = [];
  for (const q of questions) {
    const answer = await engine.search(q.question, { top: 5 });
    if (!answer.decision) continue; // refused before ranking (a place with no report): the decision never runs
    const hit = hitOf(q, answer);
    const hitRank = hit ? hit.rank : null;
    asked.push(q);
    examples.push({ features: answer.decision.features as Features, correct: hitRank !== null && hitRank <= 3 ? 1 : 0, answerable: q.source !== null, hitRank });
  }

  // Nested cross-validation: the outer fold is held out from everything, including the choice of thresholds.
  const fold = folds(examples, k);
  const held: { e: Example; o: 'high' | 'low' | 'none'; p: number; q: EvalQuestion }[] = [];
  for (let f = 0; f < k; f++) {
    const train = examples.filter((_, i) => fold[i] !== f);
    const model = fitAll(train, k, target);
    examples.forEach((e, i) => {
      if (fold[i] !== f) return;
      const p = probability(model, e.features);
      held.push({ e, o: outcome(model, p), p, q: asked[i]! });
    });
  }
  const share = <T>(xs: T[], f: (x: T) => boolean) => (xs.length ? xs.filter(f).length / xs.length : 0);
  const answerable = held.filter((h) => h.e.answerable);
  const unanswerable = held.filter((h) => !h.e.answerable);
  const confident = held.filter((h) => h.o === 'high');
  const shown = (h: (typeof held)[number], n: number) => h.o !== 'none' && h.e.hitRank !== null && h.e.hitRank <= n;
  const round = (x: number) => Math.round(x * 1000) / 1000;
  const cv = {
    questions: examples.length,
    answerable: answerable.length,
    unanswerable: unanswerable.length,
    folds: k,
    precisionConfident: round(share(confident, (h) => h.e.correct === 1)),
    answerableFound: round(share(answerable, (h) => h.o === 'high')),
    unanswerableNotFound: round(share(unanswerable, (h) => h.o !== 'high')),
    recallAt1: round(share(answerable, (h) => shown(h, 1))),
    recallAt3: round(share(answerable, (h) => shown(h, 3))),
    outcomes: { high: round(share(held, (h) => h.o === 'high')), low: round(share(held, (h) => h.o === 'low')), none: round(share(held, (h) => h.o === 'none')) },
  };
  const final = fitAll(examples, k, target);
  const round6 = (x: number) => Math.round(x * 1e6) / 1e6;
  const out = {
    _comment: 'Written by npm run fit: logistic model of "the top 3 hold the answer" on standardised features, thresholds for precision of confident answers; cv = nested cross-validated figures.',
    features: final.features,
    mean: final.mean.map(round6),
    std: final.std.map(round6),
    weights: final.weights.map(round6),
    bias: round6(final.bias),
    high: round6(final.high),
    low: round6(final.low),
    l2: final.l2,
    cv,
    fittedOn: files,
  };
  writeFileSync(fileURLToPath(DECISION_FILE), JSON.stringify(out, null, 2) + '\n');
  process.stdout.write(`fitted on ${examples.length} questions (${files.join(', ')}), l2 ${final.l2}, thresholds high ${out.high} / low ${out.low}\n`);
  process.stdout.write(`nested ${k}-fold cross-validation (held-out questions):\n`);
  for (const [key, v] of Object.entries(cv)) process.stdout.write(`  ${key}: ${typeof v === 'object' ? JSON.stringify(v) : v}\n`);
  if (values.details) {
    for (const h of [...held].sort((a, b) => b.p - a.p)) {
      process.stdout.write(`${h.p.toFixed(3)} ${h.o.padEnd(4)} ${h.e.correct ? 'ok ' : h.e.answerable ? 'MISS' : 'NEG '} rank ${h.e.hitRank ?? '-'} ${h.q.question}\n`);
    }
  }
  process.stdout.write(`weights: ${final.features.map((f, i) => `${f} ${final.weights[i]!.toFixed(2)}`).join(', ')}\n`);
}

main().catch(fatal);
