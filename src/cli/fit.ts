// npm run fit [-- FILE.jsonl ...] [--folds K] [--precision P] [--mix S] [--reject R] [--details]
// Refits the found / uncertain / not-found decision on labelled questions (default: tests/dev.jsonl,
// tests/extra.jsonl, tests/calib.jsonl) and writes weights, thresholds and the nested cross-validated figures
// to src/search/decision.json.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { collectExamples, crossValidate, DEFAULT_CALIBRATION, fitDecision } from '../search/calibrate.js';
import { DECISION_FILE } from '../search/decide.js';
import { RANK_FILE } from '../search/engine.js';
import { combinations, crossValidateRank, rankTable } from '../search/rank-fit.js';
import { readQuestions } from '../search/evaluate.js';
import { fatal, openEngineForCli, startup } from './common.js';

const DEFAULT_FIT_FILES = ['tests/dev.jsonl', 'tests/extra.jsonl', 'tests/calib.jsonl'];

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { rank: { type: 'boolean' }, folds: { type: 'string' }, precision: { type: 'string' }, mix: { type: 'string' }, reject: { type: 'string' }, details: { type: 'boolean' } },
  });
  const o = {
    folds: Number(values.folds ?? DEFAULT_CALIBRATION.folds),
    precision: Number(values.precision ?? DEFAULT_CALIBRATION.precision),
    unanswerableShare: Number(values.mix ?? DEFAULT_CALIBRATION.unanswerableShare),
    rejectUnanswerable: Number(values.reject ?? DEFAULT_CALIBRATION.rejectUnanswerable),
  };
  if (!(o.rejectUnanswerable >= 0 && o.rejectUnanswerable <= 1)) throw new Error('--reject must be a share, e.g. 0.8');
  if (!Number.isInteger(o.folds) || o.folds < 2) throw new Error('--folds must be an integer ≥ 2, e.g. 5');
  if (!(o.precision > 0 && o.precision <= 1)) throw new Error('--precision must be a share, e.g. 0.97');
  if (!(o.unanswerableShare > 0 && o.unanswerableShare < 1)) throw new Error('--mix must be a share between 0 and 1, e.g. 0.1');
  const files = positionals.length ? positionals : DEFAULT_FIT_FILES;
  const questions = files.flatMap((f) => readQuestions(f));
  const { config, log } = await startup();
  const engine = await openEngineForCli(config, log);
  if (values.rank) return fitRank(engine, questions.filter((q) => q.source !== null), files);
  const examples = await collectExamples(engine, questions);
  const { figures, held } = crossValidate(examples, o);
  const final = fitDecision(examples, o);
  const r6 = (x: number) => Math.round(x * 1e6) / 1e6;
  const out = {
    _comment: 'Written by npm run fit: logistic model of "the top 3 hold the answer" on standardised features; high/low thresholds; cv = nested cross-validated figures.',
    features: final.features,
    mean: final.mean.map(r6),
    std: final.std.map(r6),
    weights: final.weights.map(r6),
    bias: r6(final.bias),
    high: r6(final.high),
    low: r6(final.low),
    l2: final.l2,
    cv: figures,
    fittedOn: files,
  };
  writeFileSync(fileURLToPath(DECISION_FILE), JSON.stringify(out, null, 2) + '\n');
  const say = (s: string) => process.stdout.write(s + '\n');
  say(`fitted on ${examples.length} questions (${files.join(', ')}), l2 ${final.l2}, thresholds high ${out.high} / low ${out.low}`);
  say(`nested ${o.folds}-fold cross-validation (each question held out from the model and the thresholds):`);
  for (const [key, v] of Object.entries(figures)) say(`  ${key}: ${typeof v === 'object' ? JSON.stringify(v) : v}`);
  say(`weights: ${final.features.map((f, i) => `${f} ${final.weights[i]!.toFixed(2)}`).join(', ')}`);
  if (values.details) {
    for (const h of [...held].sort((a, b) => b.probability - a.probability)) {
      const e = h.example;
      say(`${h.probability.toFixed(3)} ${h.outcome.padEnd(4)} ${e.correct ? 'ok  ' : e.answerable ? 'MISS' : 'NEG '} rank ${e.hitRank ?? '-'} ${e.question.question}`);
    }
  }
}

/** npm run fit -- --rank FILE...: the ranking weights, chosen on a grid, cross-validated by leaving reports out. */
async function fitRank(engine: Awaited<ReturnType<typeof openEngineForCli>>, questions: ReturnType<typeof readQuestions>, files: string[]) {
  // The same questions are asked once per combination: embed each once.
  const embed = engine.embedder.embedQuery.bind(engine.embedder);
  const seen = new Map<string, Promise<Float32Array>>();
  engine.embedder.embedQuery = (q: string) => seen.get(q) ?? (seen.set(q, embed(q)), seen.get(q)!);
  const combos = combinations();
  const { lexicalWeight, figureBoost, yearPenalty, periodPenalty, spanPenalty, coveragePenalty } = engine.rank;
  const current = { lexicalWeight, figureBoost, yearPenalty, periodPenalty, spanPenalty, coveragePenalty };
  const at = combos.findIndex((c) => Object.entries(current).every(([k, v]) => c[k as keyof typeof c] === v));
  const all = at >= 0 ? combos : [...combos, current];
  const table = await rankTable(engine, questions, all);
  const fit = crossValidateRank(table, questions, all, at >= 0 ? at : all.length - 1);
  const out = { _comment: 'Written by npm run fit -- --rank: ranking weights chosen on a grid (src/search/rank-fit.ts); heldOut = leave-reports-out figures.', ...fit.best, heldOut: fit.heldOut, before: fit.before, perReport: fit.perReport, fittedOn: files };
  writeFileSync(fileURLToPath(RANK_FILE), JSON.stringify(out, null, 2) + '\n');
  process.stdout.write(`ranking weights on ${questions.length} answerable questions (${files.join(', ')}): ${JSON.stringify(fit.best)}\n`);
  process.stdout.write(`weights in use before: recall@1 ${fit.before.recallAt1}, recall@3 ${fit.before.recallAt3}\n`);
  process.stdout.write(`leaving each of ${fit.heldOut.reports} reports out: recall@1 ${fit.heldOut.recallAt1}, recall@3 ${fit.heldOut.recallAt3}\n`);
}

main().catch(fatal);
