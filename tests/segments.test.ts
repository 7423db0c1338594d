// Adding a report to an index without rebuilding it: the report becomes a segment beside the full build (its
// files shared by hard link), a removed report's passages are listed as removed, and past COMPACT_SHARE a change
// builds everything again into one. Each on its own copy of the sample.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestReports, removeReport } from '../src/app/ingest.js';
import { openEngine } from '../src/app/open.js';
import { type Config, parseConfig } from '../src/config/index.js';
import { type Embedder, loadEmbedder } from '../src/embed/index.js';
import { segmentsToMerge, updateIndex } from '../src/index/build.js';
import { currentVersion, readIndex } from '../src/index/store.js';
import { SAMPLE_DIR } from './helpers/sample.js';

const work = mkdtempSync(join(tmpdir(), 'segments-test-'));
let embedder: Embedder;
const configOf = (name: string): Config => parseConfig({ CORPUS_DIR: join(work, name, 'corpus'), INDEX_DIR: join(work, name, 'index') });
const segmented = configOf('segmented');
const full = configOf('full');
const questions = readFileSync(join(import.meta.dirname, 'dev.jsonl'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { question: string }).question);
const LAST = '004_d970eb4284a2cb5f.txt';

/** What a reader sees of an answer: everything but the timings. */
async function answers(config: Config): Promise<unknown[]> {
  const engine = await openEngine(config, { embedder });
  const out: unknown[] = [];
  for (const q of questions) {
    const { tookMs: _t, timings: _s, ...answer } = await engine.search(q);
    out.push(JSON.parse(JSON.stringify(answer)));
  }
  return out;
}

/** A corpus folder holding these sample files, indexed in full. */
async function fullBuild(config: Config, files: string[]): Promise<void> {
  rmSync(join(config.corpusDir, '..'), { recursive: true, force: true });
  mkdirSync(config.corpusDir, { recursive: true });
  for (const f of files) cpSync(join(SAMPLE_DIR, f), join(config.corpusDir, f));
  await updateIndex(config, { embedder: async () => embedder, force: true });
}

// `segmented` and `full` start the same (four reports indexed in full, embedded alike) and take the same
// changes; `full` with a compaction share of 0, so every change there is a full build with the same vectors
// (embedding a batch of other texts moves the last digits of a vector, so a build from nothing is compared by
// its top results).
const fresh = configOf('fresh');
const RECENT = '001_338ed807dc2533c7.txt';
const build = (compactShare: number, mergeFanout?: number) => ({ embedder: async () => embedder, compactShare, ...(mergeFanout ? { mergeFanout } : {}) });
const add = (config: Config, file: string, compactShare: number, mergeFanout?: number) => ingestReports(config, [{ name: file, bytes: new Uint8Array(readFileSync(join(SAMPLE_DIR, file))) }], build(compactShare, mergeFanout));
type Result = { source: { file: string }; highlight: string };
const tops = (list: unknown[]) => list.map((a) => (a as { results: Result[] }).results.slice(0, 3).map((r) => `${r.source.file} ${r.highlight}`));

beforeAll(async () => {
  embedder = await loadEmbedder(parseConfig({}));
  const sample = readdirSync(SAMPLE_DIR).sort();
  await fullBuild(segmented, sample.filter((f) => f !== LAST));
  await fullBuild(full, sample.filter((f) => f !== LAST));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('a report added as a segment', () => {
  it('adds only its passages, shares every other file by hard link, and answers every question as a full build does', async () => {
    const before = currentVersion(segmented.indexDir)!;
    const base = await readIndex(segmented.indexDir);
    const { build: report } = await add(segmented, LAST, 1);
    expect(report).toMatchObject({ added: [LAST], rebuilt: true });
    await add(full, LAST, 0);
    const version = currentVersion(segmented.indexDir)!;
    const m = (await readIndex(segmented.indexDir)).manifest;
    const fullManifest = (await readIndex(full.indexDir)).manifest;
    expect(fullManifest.segments).toBeUndefined();
    expect(m.segments).toEqual([expect.objectContaining({ dir: 'seg-1', firstId: base.manifest.passageCount, passages: fullManifest.passageCount - base.manifest.passageCount })]);
    expect(m.files.map((f) => [f.file, f.firstId, f.passages])).toEqual(fullManifest.files.map((f) => [f.file, f.firstId, f.passages]));
    expect(m.removed).toBeUndefined();
    // The full build's files are the previous version's, not copies.
    for (const f of ['dense.hnsw', 'passages.json', 'lexical.bin']) {
      expect(statSync(join(segmented.indexDir, version, f)).ino).toBe(statSync(join(segmented.indexDir, before, f)).ino);
    }
    const mine = await answers(segmented);
    expect(mine).toEqual(await answers(full));
    // A build from nothing (every passage embedded again, the last digits of the vectors move): the same first result.
    await fullBuild(fresh, readdirSync(SAMPLE_DIR).sort());
    expect(tops(mine).map((t) => t[0])).toEqual(tops(await answers(fresh)).map((t) => t[0]));
  });

  it('a removed report is listed as removed and never answers; past the compaction share a change builds everything into one', async () => {
    const outcome = await removeReport(segmented, RECENT, build(1));
    await removeReport(full, RECENT, build(0));
    expect(outcome).toMatchObject({ removed: [RECENT] });
    const index = await readIndex(segmented.indexDir);
    const gone = (await readIndex(fresh.indexDir)).manifest.files.find((f) => f.file === RECENT)!;
    expect(index.manifest.removed).toEqual(Array.from({ length: gone.passages }, (_, k) => gone.firstId + k));
    expect(index.manifest.segments).toHaveLength(1);
    expect(index.passage(gone.firstId)).toBeUndefined();
    const engine = await openEngine(segmented, { embedder });
    for (const q of ['城西区城镇新增就业多少人？', '城西区推进铸牢中华民族共同体意识示范创建', ...questions]) {
      const answer = await engine.search(q);
      expect(answer.results.map((r) => r.source.file)).not.toContain(RECENT);
    }
    expect(engine.reports().map((r) => r.file)).not.toContain(RECENT);
    // The removed passages still count in BM25's statistics until the next full build: most top results agree.
    const [mine, theirs] = [tops(await answers(segmented)), tops(await answers(full))];
    const agree = mine.filter((t, i) => t[0] === theirs[i]![0]);
    expect(agree.length).toBeGreaterThanOrEqual(Math.floor(0.9 * questions.length));

    // Compaction: the next change with the segments past the share (0 here) is a full build, one part again.
    await add(segmented, RECENT, 0);
    await add(full, RECENT, 0);
    const compacted = await readIndex(segmented.indexDir);
    expect(compacted.manifest.segments).toBeUndefined();
    expect(compacted.manifest.removed).toBeUndefined();
    expect(readdirSync(join(segmented.indexDir, compacted.version)).filter((f) => f.startsWith('seg-'))).toEqual([]);
    expect(await answers(segmented)).toEqual(await answers(full));
  });

  it('segments of one size tier are merged into one as they pile up, answering as a full build does', async () => {
    const [merging, mergedFull] = [configOf('merging'), configOf('merged-full')];
    const sample = readdirSync(SAMPLE_DIR).sort();
    const [first, second] = sample.slice(-2);
    for (const config of [merging, mergedFull]) await fullBuild(config, sample.slice(0, -2));
    const baseCount = (await readIndex(merging.indexDir)).manifest.passageCount;
    await add(merging, first!, 1, 2);
    await add(mergedFull, first!, 0);
    const one = await readIndex(merging.indexDir);
    expect(one.manifest.segments!.map((seg) => seg.dir)).toEqual(['seg-1']);
    await add(merging, second!, 1, 2);
    await add(mergedFull, second!, 0);
    const merged = await readIndex(merging.indexDir);
    const full = (await readIndex(mergedFull.indexDir)).manifest;
    // Two segments of one tier (fan-out 2 here) became one: seg-1's passages, vectors and words read back, not embedded again.
    expect(merged.manifest.segments).toEqual([expect.objectContaining({ dir: 'seg-2', firstId: baseCount, passages: full.passageCount - baseCount })]);
    expect(readdirSync(join(merging.indexDir, merged.version)).filter((f) => f.startsWith('seg-'))).toEqual(['seg-2']);
    expect(merged.vector(baseCount)).toEqual(one.vector(baseCount));
    expect(merged.vocabulary!.words.slice(0, one.vocabulary!.words.length)).toEqual(one.vocabulary!.words);
    expect(merged.figures.length).toBe((await readIndex(mergedFull.indexDir)).figures.length);
    expect(await answers(merging)).toEqual(await answers(mergedFull));
  });
});

describe('which segments merge', () => {
  it('the newest segments of one tier, as often as that holds, never past the largest merge', () => {
    expect(segmentsToMerge([], 200)).toBe(0);
    expect(segmentsToMerge([200, 200], 200)).toBe(0);
    expect(segmentsToMerge([200, 200, 200], 200)).toBe(3);
    // A larger segment of another tier stays; the small ones after it merge.
    expect(segmentsToMerge([2600, 200, 200], 200)).toBe(0);
    expect(segmentsToMerge([2600, 200, 200, 200], 200)).toBe(3);
    // Cascade: four small ones make a segment of the next tier, which then merges with three of that tier.
    expect(segmentsToMerge([2600, 2600, 2600, 1900, 200, 200], 200)).toBe(6);
    // Never a segment past 16,384 passages: those wait for the full build.
    expect(segmentsToMerge([9000, 9000, 9000], 9000)).toBe(0);
    expect(segmentsToMerge([200], 200, 2)).toBe(1);
  });
});
