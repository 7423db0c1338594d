// The embedding model in a worker thread (the bot's set-up, EMBED_WORKER): the same vectors as on the main thread,
// nothing lost under a burst, and a worker that fails never costs a question its answer.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openEngine } from '../src/app/open.js';
import { TEXT } from '../src/bot/texts.js';
import { parseConfig } from '../src/config/index.js';
import { type Embedder, loadEmbedder, ModelMissingError } from '../src/embed/index.js';
import { createHarness, only, text } from './helpers/bot-harness.js';
import { sampleConfig } from './helpers/sample.js';
import { damagedModelDir } from './helpers/model.js';

const root = join(import.meta.dirname, '..');
const FAULTY = new URL('./helpers/faulty-embed-worker.ts', import.meta.url);
const questions = ['dev', 'extra'].flatMap((f) =>
  readFileSync(join(root, 'tests', `${f}.jsonl`), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l).question as string),
);
const maxDiff = (a: Float32Array[], b: Float32Array[]) => Math.max(...a.map((v, i) => Math.max(...v.map((x, d) => Math.abs(x - b[i]![d]!)))));

let here: Embedder;
let expected: Float32Array[];
beforeAll(async () => {
  here = await loadEmbedder(sampleConfig(), { queryCache: 0 });
  expected = [];
  for (const q of questions) expected.push(await here.embedQuery(q));
});
afterEach(() => {
  delete process.env.TEST_WORKER_MODE;
});

describe('the model in a worker thread', () => {
  it('gives the same vectors as on the main thread, bit for bit (questions, and passages in batches)', async () => {
    const worker = await loadEmbedder(sampleConfig(), { queryCache: 0, worker: true, onWarning: (m) => expect.fail(m) });
    expect(worker.dimension).toBe(here.dimension);
    const asked: Float32Array[] = [];
    for (const q of questions) asked.push(await worker.embedQuery(q));
    expect(maxDiff(asked, expected)).toBe(0);
    const passages = questions.map((q, i) => `${q}${'的情况说明'.repeat(i % 7)}`);
    expect(maxDiff(await worker.embed(passages), await here.embed(passages))).toBe(0);
  });

  it('500 questions at once: every one gets its own vector, none lost', async () => {
    const worker = await loadEmbedder(sampleConfig(), { queryCache: 0, worker: true });
    const burst = Array.from({ length: 500 }, (_, i) => (i * 7) % questions.length);
    const vectors = await Promise.all(burst.map((q) => worker.embedQuery(questions[q]!)));
    expect(vectors).toHaveLength(500);
    expect(maxDiff(vectors, burst.map((q) => expected[q]!))).toBe(0);
  });

  it('a worker that stops mid-burst: every question still gets its vector, from the main thread, with one warning', async () => {
    process.env.TEST_WORKER_MODE = 'die-on-3';
    const warnings: string[] = [];
    const worker = await loadEmbedder(sampleConfig(), { queryCache: 0, worker: true, workerScript: FAULTY, onWarning: (m) => warnings.push(m) });
    const vectors = await Promise.all(questions.slice(0, 20).map((q) => worker.embedQuery(q)));
    expect(maxDiff(vectors, expected.slice(0, 20))).toBe(0);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/embedding worker stopped \(exit code 3\): questions are now embedded on the main thread .*restart/);
    expect(maxDiff([await worker.embedQuery(questions[25]!)], [expected[25]!])).toBe(0);
  });

  it('a worker that cannot start: the model loads on the main thread, with a warning saying so', async () => {
    process.env.TEST_WORKER_MODE = 'throw-at-start';
    const warnings: string[] = [];
    const worker = await loadEmbedder(sampleConfig(), { queryCache: 0, worker: true, workerScript: FAULTY, onWarning: (m) => warnings.push(m) });
    expect(warnings).toEqual([expect.stringMatching(/test worker cannot start.*: embedding on the main thread instead/)]);
    expect(maxDiff([await worker.embedQuery(questions[0]!)], [expected[0]!])).toBe(0);
  });

  it('an inference that fails in the worker: the question gets the polite failure reply, and the bot goes on', async () => {
    process.env.TEST_WORKER_MODE = 'fail-after-1';
    const embedder = await loadEmbedder(sampleConfig(), { worker: true, workerScript: FAULTY });
    await expect(embedder.embedQuery('城中区去年城镇新增就业多少人？')).rejects.toThrow('test inference failure');
    const engine = await openEngine(sampleConfig(), { embedder });
    const h = createHarness(engine);
    const calls = await h.text('城西区去年城镇新增就业多少人？');
    expect(text(only(calls))).toBe(TEXT.failed);
    expect(h.logs.some((l) => l.startsWith('[error]') && l.includes('test inference failure'))).toBe(true);
  });

  it('a damaged model is one line naming npm install, from the worker too', async () => {
    const dir = damagedModelDir();
    const err = await loadEmbedder(parseConfig({ MODEL_DIR: dir }), { worker: true }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(ModelMissingError);
    expect((err as Error).message).toMatch(/model_quantized\.onnx .*is damaged .*run "npm install"/);
    expect((err as Error).message).not.toContain('\n');
    rmSync(dir, { recursive: true });
  });
});
