import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/index.js';
import { type Embedder, loadEmbedder } from '../src/embed/index.js';
import { indexStatus, updateIndex } from '../src/index/build.js';
import { currentVersion, type Manifest, readIndex, readManifest } from '../src/index/store.js';
import { openEngine } from '../src/app/open.js';
import { SAMPLE_DIR } from './helpers/sample.js';

let work: string;
let embedder: Embedder;
let embedCalls = 0;
/** Words of the learnt vocabulary embedded by a build (passages are embedded with progress, onBatch; the words without). */
let wordsEmbedded: string[] = [];
const config = () => parseConfig({ CORPUS_DIR: join(work, 'corpus'), INDEX_DIR: join(work, 'index') });
const counting = async () => ({
  ...embedder,
  embed: async (texts: string[], o?: Parameters<Embedder['embed']>[1]) => (o?.onBatch ? (embedCalls += texts.length) : wordsEmbedded.push(...texts), embedder.embed(texts, o)),
});

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'index-test-'));
  cpSync(join(SAMPLE_DIR, '000_be770faa11c46e25.txt'), join(work, 'corpus', '000.txt'));
  cpSync(join(SAMPLE_DIR, '003_82e26507ed7144a6.txt'), join(work, 'corpus', '003.txt'));
  embedder = await loadEmbedder(parseConfig({}));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('index build, round trip and staleness', () => {
  it('builds from nothing and reads back the same passages and vectors', async () => {
    expect(indexStatus(config())).toMatchObject({ state: 'missing' });
    const report = await updateIndex(config(), { embedder: counting });
    expect(report.added).toEqual(['000.txt', '003.txt']);
    expect(indexStatus(config())).toEqual({ state: 'fresh' });

    const stored = await readIndex(config().indexDir);
    expect(stored.manifest).toMatchObject({ formatVersion: 2, model: { id: 'BAAI/bge-small-zh-v1.5', dimension: 512 }, passageCount: report.passageCount });
    expect(stored.manifest.files.map((f) => f.file)).toEqual(['000.txt', '003.txt']);
    expect(stored.allPassages().map((p) => p.id)).toEqual(stored.allPassages().map((_, i) => i));
    expect(embedCalls).toBe(stored.allPassages().length);
    expect(wordsEmbedded).toEqual(stored.vocabulary!.words);
    // the HNSW graph returns each passage's own vector as its nearest neighbour
    const probe = stored.vector(5);
    expect(stored.dense.searchKnn(Array.from(probe), 1).neighbors[0]).toBe(5);
    const norm = Math.sqrt(probe.reduce((s, x) => s + x * x, 0));
    expect(norm).toBeCloseTo(1, 4);
  });

  it('a start does not read corpus files whose size, time and inode are those hashed by the build; a written one is read', () => {
    const path = join(work, 'corpus', '000.txt');
    const original = readFileSync(path);
    const { atime, mtime } = statSync(path);
    const stamp = readManifest(config().indexDir)!.files.find((f) => f.file === '000.txt')!.stamp!;
    // A stamp to the millisecond the file keeps after utimes (which takes no finer), as if the build had hashed it then.
    utimesSync(path, atime, mtime);
    const manifestPath = join(config().indexDir, currentVersion(config().indexDir)!, 'manifest.json');
    const m = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
    const files = m.files.map((f) => (f.file === '000.txt' ? { ...f, stamp: { ...stamp, mtimeMs: statSync(path).mtimeMs } } : f));
    writeFileSync(manifestPath, JSON.stringify({ ...m, files }));
    expect(indexStatus(config())).toEqual({ state: 'fresh' });
    // The same bytes count, the same time and inode: not read, so not seen (a flipped bit on disk is npm run index --force's).
    const changed = Buffer.from(original);
    changed[changed.length - 2] = changed[changed.length - 2] === 0x31 ? 0x32 : 0x31;
    writeFileSync(path, changed);
    utimesSync(path, atime, mtime);
    expect(indexStatus(config())).toEqual({ state: 'fresh' });
    // Written to (a new time): read and hashed, so the change is seen.
    writeFileSync(path, changed);
    expect(indexStatus(config())).toMatchObject({ state: 'stale', reason: '000.txt changed' });
    writeFileSync(path, original);
    writeFileSync(manifestPath, JSON.stringify(m));
    expect(indexStatus(config())).toEqual({ state: 'fresh' });
  });

  it('does nothing when nothing changed', async () => {
    embedCalls = 0;
    wordsEmbedded = [];
    const report = await updateIndex(config(), { embedder: counting });
    expect(report.rebuilt).toBe(false);
    expect(embedCalls).toBe(0);
    expect(wordsEmbedded).toEqual([]);
  });

  it('re-embeds only a changed file and picks up a new one', async () => {
    const before = await readIndex(config().indexDir);
    const n003 = before.manifest.files.find((f) => f.file === '003.txt')!.passages;
    writeFileSync(join(work, 'corpus', '003.txt'), readFileSync(join(work, 'corpus', '003.txt'), 'utf8') + '\n城北区新增停车位1234个。\n');
    cpSync(join(SAMPLE_DIR, '001_338ed807dc2533c7.txt'), join(work, 'corpus', '001.txt'));
    expect(indexStatus(config())).toMatchObject({ state: 'stale' });
    embedCalls = 0;
    wordsEmbedded = [];
    const report = await updateIndex(config(), { embedder: counting });
    expect(report).toMatchObject({ added: ['001.txt'], changed: ['003.txt'], unchanged: ['000.txt'], removed: [] });
    const after = await readIndex(config().indexDir);
    const n001 = after.manifest.files.find((f) => f.file === '001.txt')!.passages;
    expect(embedCalls).toBe(n001 + n003 + 1);
    // Only the vocabulary's new words are embedded; the others keep their vectors.
    expect(wordsEmbedded).toEqual(after.vocabulary!.words.filter((w) => !before.vocabulary!.words.includes(w)));
    expect(wordsEmbedded.length).toBeGreaterThan(0);
    const kept = before.vocabulary!.words.find((w) => after.vocabulary!.words.includes(w))!;
    expect(Array.from(after.vocabulary!.vectorOf!.get(kept)!)).toEqual(Array.from(before.vocabulary!.vectorOf!.get(kept)!));
    // unchanged file: same passages, same vectors
    const old000 = before.allPassages().filter((p) => p.source.file === '000.txt');
    const new000 = after.allPassages().filter((p) => p.source.file === '000.txt');
    expect(new000.map((p) => p.text)).toEqual(old000.map((p) => p.text));
    expect(Array.from(after.vector(new000[0]!.id))).toEqual(Array.from(before.vector(old000[0]!.id)));
  });

  it("drops a deleted file's passages and keeps the current version plus two older ones on disk", async () => {
    unlinkSync(join(work, 'corpus', '001.txt'));
    expect(indexStatus(config())).toMatchObject({ state: 'stale', reason: expect.stringContaining('001.txt') });
    const report = await updateIndex(config(), { embedder: counting });
    expect(report.removed).toEqual(['001.txt']);
    const after = await readIndex(config().indexDir);
    expect(after.allPassages().some((p) => p.source.file === '001.txt')).toBe(false);
    const versions = readdirSync(config().indexDir).filter((d) => d.startsWith('v-')).sort();
    expect(versions).toHaveLength(3); // three builds so far: all kept (KEEP_PREVIOUS = 2)
    expect(versions.at(-1)).toBe(currentVersion(config().indexDir));
  });

  it('an engine opened on a stale index rebuilds it first and answers from the new text', async () => {
    writeFileSync(join(work, 'corpus', '000.txt'), readFileSync(join(work, 'corpus', '000.txt'), 'utf8') + '\n城中区全年新建口袋公园77处。\n');
    const engine = await openEngine(config(), { embedder });
    expect(indexStatus(config())).toEqual({ state: 'fresh' });
    const answer = await engine.search('城中区新建口袋公园多少处？');
    expect(answer.found).toBe(true);
    expect(answer.results[0]!.highlight).toContain('77处');
  });

  it('never loads a half-written version: falls back to an older one, and says so', async () => {
    const current = currentVersion(config().indexDir)!;
    unlinkSync(join(config().indexDir, current, 'manifest.json'));
    expect(existsSync(join(config().indexDir, current, 'passages.json'))).toBe(true);
    const warnings: string[] = [];
    const read = await readIndex(config().indexDir, { warn: (m) => warnings.push(m) });
    expect(read.version).not.toBe(current);
    expect(warnings.join()).toMatch(/damaged.*npm run index/);
    // with no intact version left: one line naming the fix
    for (const v of readdirSync(config().indexDir).filter((d) => d.startsWith('v-'))) rmSync(join(config().indexDir, v, 'vectors.f32'));
    await expect(readIndex(config().indexDir)).rejects.toThrow(/damaged.*npm run index/);
    expect(indexStatus(config())).toMatchObject({ state: 'missing' });
  });
});
