// End to end through the real model and index on the sample (a temporary copy).
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { openEngine } from '../src/app/open.js';
import { type Embedder, loadEmbedder } from '../src/embed/index.js';
import { readQuestions, scoreQuestions } from '../src/search/evaluate.js';
import type { Engine } from '../src/types.js';
import { sampleConfig, sampleEnv } from './helpers/sample.js';

const root = join(import.meta.dirname, '..');
const run = promisify(execFile);
const ask = (args: string[], input?: string) => {
  const child = run(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'src', 'cli', 'ask.ts'), ...args], { cwd: root, env: { ...process.env, ...sampleEnv(), LOG_LEVEL: 'warn' } });
  if (input !== undefined) {
    child.child.stdin!.end(input);
  }
  return child;
};

/**
 * Thresholds are the figures measured with `npm run eval -- tests/dev.jsonl` and `tests/extra.jsonl` (README
 * "Measured"), minus a margin of one question for the answerable ones (retrieval, highlight, found: numeric noise of
 * the model between machines may flip one close case) and none for the not-answerable ones (every false answer
 * quotes something unrelated to a reporter).
 */
const oneQuestionBelow = (measured: number, questions: number) => measured - 1 / questions - 1e-9;

let engine: Engine;
beforeAll(async () => {
  engine = await openEngine(sampleConfig());
});

describe('the development question set', () => {
  it('meets the retrieval, highlight and not-found targets', async () => {
    const { metrics, details } = await scoreQuestions(engine, readQuestions(join(root, 'tests', 'dev.jsonl')));
    const misses = details.filter((d) => !d.ok).map((d) => `${d.id} ${d.note}`);
    const n = metrics.answerable;
    expect([n, metrics.unanswerable]).toEqual([27, 3]);
    // measured: recall@1 1.000, recall@3 1.000, highlight 1.000, not answerable → found:false 3 of 3, found 1.000
    // (27 of 27: counts in words, "四个方面", "两年内", count as figures for the decision, docs/answers.md round 3)
    expect(metrics.recallAt1, misses.join('\n')).toBeGreaterThanOrEqual(oneQuestionBelow(1, n));
    expect(metrics.recallAt3, misses.join('\n')).toBeGreaterThanOrEqual(oneQuestionBelow(1, n));
    expect(metrics.highlightHasAnswer).toBeGreaterThanOrEqual(oneQuestionBelow(1, n));
    expect(Math.round(metrics.notFoundCorrect * metrics.unanswerable)).toBeGreaterThanOrEqual(3);
    expect(metrics.foundCorrect, misses.join('\n')).toBeGreaterThanOrEqual(oneQuestionBelow(1, n));
  });
});

describe('our own question set (tests/extra.jsonl: paraphrases, plans, statistics cards, uncovered places)', () => {
  it('meets the same targets', async () => {
    const { metrics, details } = await scoreQuestions(engine, readQuestions(join(root, 'tests', 'extra.jsonl')));
    const misses = details.filter((d) => !d.ok).map((d) => `${d.question} ${d.note}`).join('\n');
    const n = metrics.answerable;
    expect([n, metrics.unanswerable]).toEqual([35, 5]);
    // measured: recall@1 1.000, recall@3 1.000, highlight 1.000, not answerable → found:false 5 of 5, found 1.000
    // (the decision refitted on the merged code, docs/answers.md)
    expect(metrics.recallAt1, misses).toBeGreaterThanOrEqual(oneQuestionBelow(1, n));
    expect(metrics.recallAt3, misses).toBeGreaterThanOrEqual(oneQuestionBelow(1, n));
    expect(metrics.highlightHasAnswer, misses).toBeGreaterThanOrEqual(oneQuestionBelow(1, n));
    expect(metrics.notFoundCorrect, misses).toBe(1);
    expect(metrics.foundCorrect, misses).toBeGreaterThanOrEqual(oneQuestionBelow(1, n));
  });
});

describe('search behaviour', () => {
  it('answers the headline question with the figure highlighted and cited', async () => {
    const a = await engine.search('城中区去年城镇新增就业多少人？');
    expect(a.found).toBe(true);
    const top = a.results[0]!;
    expect(top.highlight).toContain('全年城镇新增就业6725人');
    expect(top.figures[0]).toBe('6725人');
    expect(top.source).toMatchObject({ file: '000_be770faa11c46e25.txt', district: '城中区', year: 2024, lines: [32, 37] });
  });

  it('keeps to the district the question names', async () => {
    const a = await engine.search('城西区城镇新增就业多少人？');
    expect(a.results.every((r) => r.source.district === '城西区')).toBe(true);
    expect(a.results[0]!.highlight).toContain('7557人');
  });

  it('says not found for places and figures no report covers', async () => {
    for (const q of ['北京市东城区去年城镇新增就业多少人？', '长春市朝阳区去年城镇新增就业多少人？', '湟源县2023年固定资产投资增长多少？', '城东区去年城镇新增就业多少人？', '湟中区2023年社会消费品零售总额是多少？', '城中区去年的财政赤字是多少？']) {
      const a = await engine.search(q);
      expect(a.found, q).toBe(false);
      expect(a.results).toEqual([]);
      expect(a.reason).toBeTruthy();
    }
  });

  it('handles odd input without throwing: nothing to ask is "not found" with a reason, a very long question still answers', async () => {
    for (const q of ['', '   ', '？？？', '🙂🙂🙂']) {
      const a = await engine.search(q);
      expect(a, JSON.stringify(q)).toMatchObject({ found: false, results: [], reason: expect.stringContaining('问题是空的') });
    }
    const markup = await engine.search('<b>&amp;</b> **粗体** _x_');
    expect(markup.found).toBe(false);
    expect(markup.reason).toBeTruthy();
    const long = await engine.search('就业'.repeat(2048));
    // No place named and several places give the indicator: it asks back which place, with the passages.
    expect(long.confidence).toBe('low');
    expect(long.askBack?.what).toBe('place');
    expect(long.results[0]!.text).toContain('就业');
    expect((await engine.search('城中區去年城鎮新增就業多少人？')).results[0]?.highlight).toContain('6725人');
  });

  it('asks which indicator when a place is all a question names (那湟中呢？ with nothing before it)', async () => {
    for (const q of ['那湟中呢？', '湟中区']) {
      const a = await engine.search(q);
      expect(a.confidence, q).toBe('low');
      expect(a.askBack?.what, q).toBe('indicator');
      expect(a.reason, q).toMatch(/^请说明要问湟中区的哪个指标/);
      expect(a.results.every((r) => r.source.district === '湟中区'), q).toBe(true);
    }
  });

  it('works out highlights and key figures when read, with the same values whatever the order and page', async () => {
    // The bot asks for four pages and shows one: later results' highlights are computed only when read.
    const json = (a: unknown) => JSON.stringify(a, (k, v) => (k === 'tookMs' || k === 'timings' ? undefined : v));
    for (const q of ['城中区去年城镇新增就业多少人？', '增长了多少？', '今年GDP预期增长多少？']) {
      const inOrder = await engine.search(q, { top: 12 });
      const backwards = await engine.search(q, { top: 12 });
      await engine.search('城西区城镇新增就业多少人？', { top: 12 }); // another question in between: nothing shared leaks
      const read = [...backwards.results].reverse().map((r) => [r.keyFigure, r.figures, r.highlight]);
      expect(read.length, q).toBeGreaterThan(3);
      expect(json(backwards), q).toBe(json(inOrder));
      expect([...read].reverse(), q).toEqual(inOrder.results.map((r) => [r.keyFigure, r.figures, r.highlight]));
      // Copies (the terminal's pages, JSON) carry the values, not the getters.
      expect({ ...inOrder.results[5]! }.highlight, q).toBe(inOrder.results[5]!.highlight);
    }
  });
});

describe('command line', () => {
  it('ask --json prints exactly one JSON object of the documented shape', async () => {
    const { stdout } = await ask(['--json', '城中区去年城镇新增就业多少人？']);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const out = JSON.parse(lines[0]!);
    expect(Object.keys(out)).toEqual(['query', 'found', 'confidence', 'results']);
    expect(out.confidence).toBe('high');
    expect(out.results).toHaveLength(3);
    expect(Object.keys(out.results[0])).toEqual(['rank', 'score', 'text', 'highlight', 'figures', 'source', 'citation']);
    expect(out.results[0].citation).toBe(`据《城中区：开好局启新程走在前作表率》，“${out.results[0].highlight}”`);
    expect(Object.keys(out.results[0].source)).toEqual(['file', 'title', 'district', 'place', 'year', 'paragraph', 'lines']);
    expect(out.results[0].source.place).toEqual({ code: '630103', name: '城中区', level: 'county' });
    expect(out.results[0]).toMatchObject({ rank: 1, figures: expect.arrayContaining(['6725人']), source: { file: '000_be770faa11c46e25.txt', lines: [32, 37] } });
  });

  it('ask --batch --top 1 answers one JSON line per question', async () => {
    const { stdout } = await ask(['--batch', '--top', '1'], '城西区发放优抚资金多少？\n\n湟源县2023年固定资产投资增长多少？\n');
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    expect(lines[0].results).toHaveLength(1);
    expect(lines[0].results[0].highlight).toContain('4500余万元');
    expect(lines[1]).toMatchObject({ found: false, results: [] });
  });

  it('ask prints a readable answer and refuses bad arguments politely', async () => {
    const { stdout } = await ask(['城西区发放优抚资金多少？']);
    expect(stdout).toContain('4500余万元');
    expect(stdout).toContain('001_338ed807dc2533c7.txt');
    await expect(ask(['--top', 'x', '问题'])).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('--top') });
    await expect(ask([])).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('usage') });
  });
});

describe('answers remembered', () => {
  it('the same question asked at once is worked out once; other filters or ranking options are worked out anew', async () => {
    const config = sampleConfig();
    let queries = 0;
    const model = await loadEmbedder(config);
    const counting: Embedder = { ...model, embedQuery: async (q) => (queries++, model.embedQuery(q)) };
    const remembering = await openEngine(config, { embedder: counting });
    const q = '城中区去年城镇新增就业多少人？';
    const [a, b] = await Promise.all([remembering.search(q), remembering.search(q)]);
    expect(queries).toBe(1);
    const { tookMs: _a, timings, ...first } = a;
    const { tookMs: _b, timings: none, ...second } = b;
    expect(JSON.parse(JSON.stringify(second))).toEqual(JSON.parse(JSON.stringify(first)));
    expect(timings).toBeDefined();
    expect(none).toBeUndefined();
    // Another filter, or changed ranking options (as fitting does): a new answer.
    const other = await remembering.search(q, { top: 1 });
    expect(other.results).toHaveLength(1);
    remembering.rank.mode = 'lexical';
    expect((await remembering.search(q)).timings).toBeDefined();
    // Opened for a benchmark of one answer's cost: nothing remembered.
    const fresh = await openEngine(config, { embedder: counting, answerMemory: 0 });
    expect((await fresh.search(q)).timings).toBeDefined();
    expect((await fresh.search(q)).timings).toBeDefined();
  });
});
