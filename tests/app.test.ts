// The application layer (src/app): opening builds the index when it is missing, and reports added or removed
// through it are answered (or no longer answered) by the running engine at once. Reports written here, about a
// place that is not in the sample corpus.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEngine, type OpenedEngine } from '../src/app/open.js';
import { createReportAdmin } from '../src/app/report-admin.js';
import { parseConfig } from '../src/config/index.js';
import { type Embedder, loadEmbedder } from '../src/embed/index.js';
import { indexStatus } from '../src/index/build.js';
import { silentLogger } from '../src/log.js';

const ROADS = ['示例县2024年政府工作报告', '', '一、过去一年的工作', '', '过去一年，全县新建农村公路128公里，改造危桥9座。', '全县粮食总产量达到21.6万吨，同比增长2.1%。', ''].join('\n');
const WATER = ['示例县水利工作情况', '', '全年新建小型水库3座，新增有效灌溉面积4.5万亩。', '农村自来水普及率达到96%。', ''].join('\n');

let work: string;
let embedder: Embedder;
let engine: OpenedEngine;
const config = () => parseConfig({ CORPUS_DIR: join(work, 'corpus'), INDEX_DIR: join(work, 'index') });

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'app-test-'));
  mkdirSync(join(work, 'corpus'));
  writeFileSync(join(work, 'corpus', 'roads.txt'), ROADS);
  embedder = await loadEmbedder(parseConfig({}));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('opening', () => {
  it('builds the missing index, then answers from it', async () => {
    expect(indexStatus(config())).toMatchObject({ state: 'missing' });
    engine = await openEngine(config(), { embedder });
    expect(indexStatus(config())).toEqual({ state: 'fresh' });
    expect(engine.reports()).toMatchObject([{ file: 'roads.txt', title: '示例县2024年政府工作报告' }]);
    const a = await engine.search('示例县新建农村公路多少公里？');
    expect(a.found).toBe(true);
    expect(a.results[0]!.figures[0]).toBe('128公里');
  });
});

describe('changing the corpus through the application layer', () => {
  const admin = () => createReportAdmin(config(), { embedder: async () => embedder, reload: () => engine.reload(), log: silentLogger });

  it('an added report is answered at once by the running engine; a refused one changes nothing', async () => {
    const before = await engine.search('新建小型水库多少座？');
    expect(before.results.every((r) => r.source.file !== 'water.txt')).toBe(true);
    const result = await admin().ingest([
      { name: 'water.txt', bytes: new TextEncoder().encode(WATER) },
      { name: 'binary.txt', bytes: new Uint8Array([0, 1, 2, 0, 0, 3, 4, 0]) },
    ]);
    expect(result.outcomes).toMatchObject([
      { file: 'water.txt', status: 'added', facts: { passages: expect.any(Number) } },
      { file: 'binary.txt', status: 'rejected', kind: 'encoding' },
    ]);
    expect(result.reloadError).toBeUndefined();
    expect(readdirSync(join(work, 'corpus')).sort()).toEqual(['roads.txt', 'water.txt']);
    const after = await engine.search('新建小型水库多少座？');
    expect(after.found).toBe(true);
    expect(after.results[0]).toMatchObject({ source: { file: 'water.txt' }, figures: expect.arrayContaining(['3座']) });
  });

  it('a removed report stops answering at once; removing it twice says so', async () => {
    const removed = await admin().remove('water.txt');
    expect(removed).toMatchObject({ build: { removed: ['water.txt'] } });
    expect(engine.reports().map((r) => r.file)).toEqual(['roads.txt']);
    // corpus/ holds the reports and nothing else: no corrections file appears when there was nothing to correct
    expect(readdirSync(config().corpusDir)).toEqual(['roads.txt']);
    const a = await engine.search('新建小型水库多少座？');
    expect(a.results.every((r) => r.source.file !== 'water.txt')).toBe(true);
    expect(await admin().remove('water.txt')).toMatchObject({ reason: expect.stringContaining('water.txt') });
  });
});
