// The calibrated decision: the labelled questions are sound, the fit is reproducible and its held-out figures
// reach the targets (measured figures minus a stated margin), and each outcome reaches the reporter as intended.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { renderAnswerCard } from '../src/present/telegram.js';
import { renderText } from '../src/present/text.js';
import { toJson } from '../src/present/json.js';
import { collectExamples, crossValidate, type Labelled } from '../src/search/calibrate.js';
import { chooseThresholds, FEATURES, features, fitLogistic, loadDecision, probability } from '../src/search/decide.js';
import { openEngine } from '../src/app/open.js';
import { normalizeForMatch, readQuestions, scoreQuestions } from '../src/search/evaluate.js';
import type { Engine } from '../src/types.js';
import { SAMPLE_DIR, sampleConfig } from './helpers/sample.js';

const root = join(import.meta.dirname, '..');
const files = ['dev', 'extra', 'calib'].map((f) => join(root, 'tests', `${f}.jsonl`));

describe('tests/calib.jsonl', () => {
  const questions = readQuestions(join(root, 'tests', 'calib.jsonl'));
  it('has at least 120 questions, 40 of them unanswerable, every field filled', () => {
    expect(questions.length).toBeGreaterThanOrEqual(120);
    expect(questions.filter((q) => q.source === null).length).toBeGreaterThanOrEqual(40);
    for (const q of questions) expect(q.id && q.kind, q.question).toBeTruthy();
  });
  it('quotes every evidence and answer exactly (once whitespace and Markdown emphasis are removed)', () => {
    const all = files.flatMap((f) => readQuestions(f));
    for (const q of all.filter((q) => q.source !== null)) {
      const source = normalizeForMatch(readFileSync(join(SAMPLE_DIR, q.source!), 'utf8'));
      expect(source, `${q.question}: evidence "${q.evidence}"`).toContain(normalizeForMatch(q.evidence!));
      expect(normalizeForMatch(q.evidence!), `${q.question}: answer "${q.answer}"`).toContain(normalizeForMatch(q.answer!).replace(/[“”]/g, '').slice(0, 2));
    }
  });
  it('has no question twice', () => {
    const all = files.flatMap((f) => readQuestions(f)).map((q) => q.question);
    expect(new Set(all).size).toBe(all.length);
  });
});

describe('logistic fit', () => {
  it('learns a separable rule and recovers its direction', () => {
    const rows = Array.from({ length: 200 }, (_, i) => {
      const f = Object.fromEntries(FEATURES.map((n) => [n, Math.sin(i * (n.length + 1))])) as Record<(typeof FEATURES)[number], number>;
      return f;
    });
    const labels = rows.map((r) => (r.coverage > 0 ? 1 : 0));
    const model = fitLogistic(rows, labels, 0.1);
    expect(model.weights[FEATURES.indexOf('coverage')]).toBeGreaterThan(1);
    const correct = rows.filter((r, i) => (probability(model, r) >= 0.5 ? 1 : 0) === labels[i]).length;
    expect(correct / rows.length).toBeGreaterThan(0.95);
  });
  it('chooses the lowest threshold that keeps precision, at the mix asked', () => {
    const ex = (answerable: boolean, correct: number) => ({ answerable, correct, hitRank: correct ? 1 : null, features: {} as never });
    const examples = [ex(true, 1), ex(true, 1), ex(false, 0), ex(true, 1), ex(true, 0)];
    const p = [0.9, 0.8, 0.7, 0.6, 0.5];
    expect(chooseThresholds(p, examples, 0.99, 0.5).high).toBe(0.8);
    // few unanswerable questions in the mix: the one at 0.7 weighs less, 0.6 keeps precision ≥ 0.75
    expect(chooseThresholds(p, examples, 0.75, 0.1).high).toBe(0.6);
  });
  it('reads a passage put first over a higher score (a period, year or figure fit) as a near tie, not as a loss', () => {
    const u = { normalized: '城中区去年GDP增长多少？', district: null, places: [], uncoveredPlace: null, year: null, wantsFigure: true, terms: ['增长'], concepts: [['增长']] };
    const f = features({
      ranked: [{ id: 0, similarity: 0.8, lexical: 1, score: 0.6 }, { id: 1, similarity: 0.9, lexical: 1, score: 1 }],
      texts: ['地区生产总值增长5%。', '地区生产总值1000亿元。'],
      understood: u,
      weight: () => 1,
      contradictsYear: () => false,
      agreesYear: () => true,
      periodOf: () => null,
    });
    expect(f.scoreMargin).toBe(0);
  });
  it('decision.json is a complete model over the generic features', () => {
    const m = loadDecision();
    expect(m.features).toEqual([...FEATURES]);
    expect(m.high).toBeGreaterThan(m.low);
  });
});

let engine: Engine & { rank: { decision?: ReturnType<typeof loadDecision> } };
let examples: Labelled[];
beforeAll(async () => {
  engine = await openEngine(sampleConfig());
  examples = await collectExamples(engine, files.flatMap((f) => readQuestions(f)));
}, 120_000);

describe('held-out figures (nested cross-validation over dev, extra and calib, leaving whole reports out)', () => {
  // Each fold holds out one of the sample's five reports: the decision is judged on a report it never saw
  // (docs/answers.md). Deterministic for a given index and question set; the margin (0.02, one question in 50)
  // absorbs small ranking changes, nothing more. Measured: precision at mix 0.993, found 0.843, refused 0.946,
  // recall@3 0.994, recall@1 0.966.
  it("reaches the targets at the reporters' mix", () => {
    const { figures } = crossValidate(examples);
    const margin = 0.02;
    expect(figures.precisionConfidentAtMix).toBeGreaterThanOrEqual(0.993 - margin);
    expect(figures.answerableFound).toBeGreaterThanOrEqual(0.843 - margin);
    expect(figures.unanswerableNotFound).toBeGreaterThanOrEqual(0.946 - margin);
    expect(figures.recallAt3).toBeGreaterThanOrEqual(0.994 - margin);
    expect(figures.recallAt1).toBeGreaterThanOrEqual(0.966 - margin);
    // Every report was held out once, and its figures are reported.
    expect(Object.keys(figures.perReport ?? {}).filter((r) => !r.startsWith('none:'))).toHaveLength(5);
  });
});

describe('the three outcomes', () => {
  it('a confident answer leads with the figure asked for', async () => {
    const a = await engine.search('城北区一般公共预算支出增长了多少？');
    expect(a.confidence).toBe('high');
    expect(a.results[0]!.figures[0]).toBe('44.4%');
    const amount = await engine.search('城北区2023年一般公共预算支出多少？');
    expect(amount.results[0]!.figures[0]).toBe('21.98亿元');
  });

  it('a statistics card is quoted with its label', async () => {
    const a = await engine.search('城北区2023年一般公共预算支出多少？');
    expect(a.results[0]!.text.startsWith('2023年全区一般公共预算支出：21.98亿元')).toBe(true);
  });

  it('an uncertain answer shows the closest passages, plainly marked, with no headline', async () => {
    const a = await engine.search('城北区去年城镇新增就业多少人？');
    const low = { ...a, found: false, confidence: 'low' as const, results: a.results.length ? a.results : (await engine.search('城北区今年要改造多少套老旧小区配套设施？')).results };
    const card = renderAnswerCard(low, { perPage: 3 });
    expect(card).toContain('没有找到确定的答案');
    expect(card).toContain('可能相关');
    expect(card).not.toContain('<b>8040套</b>');
    const text = renderText(low);
    expect(text).toContain('没有找到确定的答案');
    expect(text).not.toContain('【');
    expect(toJson(low)).toMatchObject({ found: false, confidence: 'low' });
  });

  it('nothing relevant: no results, a reason', async () => {
    const a = await engine.search('城中区去年的财政赤字是多少？');
    expect(a.confidence).toBe('none');
    expect(a.results).toEqual([]);
    expect(a.reason).toBeTruthy();
  });

  it('says when the report only has the other period, and dates the figure by the passage', async () => {
    // The note belongs to any answer with results, whatever the fitted thresholds: keep every answer's results here.
    const saved = engine.rank.decision;
    engine.rank.decision = { ...loadDecision(), low: -1 };
    onTestFinished(() => {
      engine.rank.decision = saved;
    });
    const result = await engine.search('城西区2022年城镇登记失业率是多少？');
    expect(result.found).toBe(false);
    expect(result.note).toBe('报告只给出2023年的目标：2.5%以内（城镇登记失业率控制在）');
    const plan = await engine.search('湟中区2023年国土绿化计划多少亩？');
    expect(plan.found).toBe(false);
    expect(plan.note).toMatch(/^报告只给出2023年的实际值：4\.1万亩/);
    const target = await engine.search('城中区今年新增学位多少个？');
    expect(target.found).toBe(false);
    expect(target.note).toMatch(/^报告只给出2023年的实际值：495个/);
  });
});

describe('headline figure on the labelled sets', () => {
  it('is the figure asked for in most confident one-figure answers', async () => {
    for (const [file, measured] of [['dev', 0.958], ['extra', 1]] as const) {
      const { metrics } = await scoreQuestions(engine, readQuestions(join(root, 'tests', `${file}.jsonl`)));
      expect(metrics.headlineCorrect, file).toBeGreaterThanOrEqual(measured - 0.05);
      expect(metrics.precisionConfident, file).toBeGreaterThanOrEqual(0.96);
    }
  });
});
