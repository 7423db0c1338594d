// Passages and vectors read from disk one at a time (src/index/passage-store.ts): what is read equals what was
// written, a byte changed on disk after the open is never returned, passages.idx is checked before use, the cache
// stays within its bound, and a version written before passages.idx still opens.
import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeChunked } from '../src/index/large-file.js';
import { diskStore, PassageDamagedError, readLayout, writePassages } from '../src/index/passage-store.js';
import { lru } from '../src/remember.js';
import { buildHnsw, currentProblem, currentVersion, DEFAULT_HNSW, FORMAT_VERSION, type Manifest, readIndex, writeIndex } from '../src/index/store.js';
import type { Passage } from '../src/types.js';

const dir = mkdtempSync(join(tmpdir(), 'passage-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const DIM = 8;
const place = (code: string, name: string) => ({ code, name, level: 'county' as const });
function passage(id: number, file: string, text: string): Passage {
  return { id, text, sentences: [text], section: null, source: { file, title: file, district: null, place: id % 2 ? place('630103', '城中区') : null, year: 2024, paragraph: id + 1, lines: [id + 1, id + 1] } };
}
const PASSAGES = [
  passage(0, 'a.txt', '城镇新增就业6725人，同比增长3.1%。'),
  passage(1, 'a.txt', '地区生产总值完成182.4亿元，“引号”与\\反斜杠\n换行。'),
  passage(2, 'b.txt', ''),
  passage(3, 'b.txt', '改造老旧小区23个。'),
  passage(4, 'c.txt', '新建污水处理厂2座。'.repeat(30)),
];
const VECTORS = PASSAGES.map((_, i) => {
  const v = Float32Array.from({ length: DIM }, (_, k) => Math.sin(i * DIM + k + 1));
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
});

function written(name: string, cacheSize?: number) {
  const passages = join(dir, `${name}.json`);
  const vectors = join(dir, `${name}.f32`);
  const idx = writePassages(passages, PASSAGES, VECTORS);
  writeChunked(vectors, VECTORS.map((v) => Buffer.from(v.buffer)));
  const layout = readLayout(idx, PASSAGES.length, readFileSync(passages).length);
  return { passages, vectors, idx, store: diskStore({ passages, vectors }, layout, DIM, () => JSON.parse(readFileSync(passages, 'utf8')) as Passage[], cacheSize) };
}

describe('passages read from disk', () => {
  it('reads back every passage and vector as written; passages.json stays a plain JSON array', () => {
    const { store, passages } = written('round');
    expect(JSON.parse(readFileSync(passages, 'utf8'))).toEqual(PASSAGES);
    for (const p of PASSAGES) expect(store.passage(p.id)).toEqual(p);
    for (const [i, v] of VECTORS.entries()) expect(Array.from(store.vector(i))).toEqual(Array.from(v));
    expect(store.passage(5)).toBeUndefined();
    expect(store.passage(-1)).toBeUndefined();
    expect(store.passage(1.5)).toBeUndefined();
    expect(store.all()).toEqual(PASSAGES);
    // The compact facts the place/file filter reads.
    expect(store.files).toEqual(['a.txt', 'b.txt', 'c.txt']);
    expect(Array.from(store.fileOf)).toEqual([0, 0, 1, 1, 2]);
    expect(PASSAGES.map((p, i) => store.placeCodes[store.placeOf[i]!])).toEqual(PASSAGES.map((p) => p.source.place?.code ?? ''));
  });

  it('a digit changed on disk after the open is never returned: the read fails and names the fix', () => {
    const { store, passages, vectors } = written('damaged');
    const text = readFileSync(passages, 'utf8');
    writeFileSync(passages, text.replace('6725人', '6726人'));
    expect(() => store.passage(0)).toThrow(PassageDamagedError);
    expect(() => store.passage(0)).toThrow(/changed on disk.*npm run index/);
    expect(store.passage(3)).toEqual(PASSAGES[3]); // the others are intact
    const bytes = readFileSync(vectors);
    bytes[4 * DIM + 1] = bytes[4 * DIM + 1]! ^ 0x01;
    writeFileSync(vectors, bytes);
    expect(() => store.vector(1)).toThrow(/vector 1 .*changed on disk/);
    expect(Array.from(store.vector(0))).toEqual(Array.from(VECTORS[0]!));
  });

  it('checks passages.idx before use: wrong count, wrong size, a passage outside the file, a place out of its table', () => {
    const { idx, passages } = written('layout');
    const size = readFileSync(passages).length;
    expect(() => readLayout(idx, PASSAGES.length + 1, size)).toThrow(/describes 5 passages, the manifest says 6/);
    expect(() => readLayout(idx.subarray(0, idx.length - 1), PASSAGES.length, size)).toThrow(/wrong size/);
    expect(() => readLayout(Buffer.from('nothing here at all'), PASSAGES.length, size)).toThrow(/not a passage index/);
    expect(() => readLayout(idx, PASSAGES.length, size - 10)).toThrow(/outside passages.json/);
    const table = 16 + idx.readUInt32LE(12);
    const placesAt = table + ((8 - (idx.readUInt32LE(12) % 8)) % 8) + 12 * PASSAGES.length;
    const bad = Buffer.from(idx);
    bad.writeInt32LE(99, placesAt);
    expect(() => readLayout(bad, PASSAGES.length, size)).toThrow(/place or file of passage 0/);
  });

  it('keeps at most its cache size of passages parsed', () => {
    const { store } = written('cache', 2);
    for (const p of PASSAGES) store.passage(p.id);
    expect((store as unknown as { cached: () => number }).cached()).toBe(2);
    const cache = lru<number, string>(2);
    cache.set(1, 'a');
    cache.set(2, 'b');
    cache.get(1); // 1 is now the most recent
    cache.set(3, 'c');
    expect([cache.get(1), cache.get(2), cache.get(3), cache.size]).toEqual(['a', undefined, 'c', 2]);
  });
});

describe('an index version with passages on disk', () => {
  const manifest: Manifest = {
    formatVersion: FORMAT_VERSION,
    pipeline: 'test',
    model: { id: 'test', dimension: DIM },
    files: [
      { file: 'a.txt', hash: 'a', title: 'a', district: null, year: 2024, passages: 2, firstId: 0 },
      { file: 'b.txt', hash: 'b', title: 'b', district: null, year: 2024, passages: 2, firstId: 2 },
      { file: 'c.txt', hash: 'c', title: 'c', district: null, year: 2024, passages: 1, firstId: 4 },
    ],
    skipped: [],
    passageCount: PASSAGES.length,
    builtAt: new Date().toISOString(),
    hnsw: DEFAULT_HNSW,
  };
  const write = () => writeIndex(join(dir, 'index'), manifest, PASSAGES, VECTORS, buildHnsw(VECTORS, DIM, DEFAULT_HNSW));

  it('opens without parsing passages.json, reads passages on demand, and falls back when passages.idx is damaged', async () => {
    await write();
    const newest = await write();
    const read = await readIndex(join(dir, 'index'));
    expect(read.version).toBe(newest);
    expect(read.passage(3)).toEqual(PASSAGES[3]);
    expect(Array.from(read.vector(4))).toEqual(Array.from(VECTORS[4]!));
    expect(read.facts.files).toEqual(['a.txt', 'b.txt', 'c.txt']);
    const idx = join(dir, 'index', newest, 'passages.idx');
    const bytes = readFileSync(idx);
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0xff;
    writeFileSync(idx, bytes);
    const warnings: string[] = [];
    const fallback = await readIndex(join(dir, 'index'), { warn: (m) => warnings.push(m) });
    expect(fallback.version).not.toBe(newest);
    expect(warnings[0]).toMatch(/passages.idx does not match its checksum/);
    expect(fallback.passage(0)).toEqual(PASSAGES[0]);
  });

  it('an open does not hash passages.json untouched since written; damage that keeps its time is caught when read, and by the full check of npm run index', async () => {
    const indexDir = join(dir, 'index');
    const version = await write();
    const at = join(indexDir, version);
    const path = join(at, 'passages.json');
    // A flipped bit on disk: the bytes change, the modification time does not (set to a whole second on both sides).
    const t = Math.floor(Date.now() / 1000) - 60;
    utimesSync(path, t, t);
    const m = JSON.parse(readFileSync(join(at, 'manifest.json'), 'utf8')) as Manifest;
    const stored = { ...m.stored!, 'passages.json': { ...m.stored!['passages.json'], mtimeMs: statSync(path).mtimeMs } };
    writeFileSync(join(at, 'manifest.json'), JSON.stringify({ ...m, stored }));
    writeFileSync(path, readFileSync(path, 'utf8').replace('6725人', '6726人'));
    utimesSync(path, t, t);
    expect(currentProblem(indexDir)).toBeNull();
    const read = await readIndex(indexDir);
    expect(read.version).toBe(version);
    expect(() => read.passage(0)).toThrow(/changed on disk.*npm run index/);
    expect(read.passage(1)).toEqual(PASSAGES[1]);
    expect(currentProblem(indexDir, { full: true })).toEqual({ version, problem: 'passages.json does not match its checksum' });
    // Written to since (a new time): hashed at open, and the reader falls back to the older intact version.
    writeFileSync(path, readFileSync(path));
    const warnings: string[] = [];
    expect((await readIndex(indexDir, { warn: (w) => warnings.push(w) })).version).not.toBe(version);
    expect(warnings[0]).toMatch(/passages.json does not match its checksum/);
  });

  it('an open neither hashes nor checks the graph and postings untouched since written; a write to them (a new time) is caught before hnswlib reads the graph', async () => {
    const indexDir = join(dir, 'index');
    await write();
    const version = await write();
    const at = join(indexDir, version);
    const graph = join(at, 'dense.hnsw');
    const postings = join(at, 'lexical.bin');
    // A flipped bit on disk keeps the modification time: the times are set to a whole second (utimes keeps no
    // finer) and recorded so in the manifest, as if written then.
    const t = Math.floor(Date.now() / 1000) - 60;
    const m = JSON.parse(readFileSync(join(at, 'manifest.json'), 'utf8')) as Manifest;
    for (const path of [graph, postings]) utimesSync(path, t, t);
    const stored = { ...m.stored!, 'dense.hnsw': { ...m.stored!['dense.hnsw'], mtimeMs: statSync(graph).mtimeMs }, 'lexical.bin': { ...m.stored!['lexical.bin']!, mtimeMs: statSync(postings).mtimeMs } };
    writeFileSync(join(at, 'manifest.json'), JSON.stringify({ ...m, stored }));
    const keepTime = (path: string, change: (b: Buffer) => void) => {
      const bytes = readFileSync(path);
      change(bytes);
      writeFileSync(path, bytes);
      utimesSync(path, t, t);
    };
    // A byte of passage 0's vector inside the graph (after the 96-byte header and its 2·M+1 link words), and a
    // document frequency in the postings: changed with their times kept, so only a hash would see them.
    const vectorByte = 96 + 4 * (2 * DEFAULT_HNSW.M + 1) + 1;
    const original = readFileSync(graph);
    keepTime(graph, (b) => (b[vectorByte] = b[vectorByte]! ^ 0x01));
    keepTime(postings, (b) => (b[b.length - 1] = b[b.length - 1]! ^ 0x01));
    expect(currentProblem(indexDir)).toBeNull(); // not hashed: its stamp is the one written
    expect((await readIndex(indexDir)).version).toBe(version);
    expect(currentProblem(indexDir, { full: true })?.problem).toMatch(/(dense.hnsw|lexical.bin) does not match its checksum/);
    // Written to since (a new time): hashed at open, and the reader falls back to the older intact version.
    writeFileSync(postings, readFileSync(postings));
    expect(currentProblem(indexDir)?.problem).toBe('lexical.bin does not match its checksum');
    writeFileSync(postings, (() => { const b = readFileSync(postings); b[b.length - 1] = b[b.length - 1]! ^ 0x01; return b; })());
    expect(currentProblem(indexDir)).toBeNull(); // back to what was written: its checksum matches again
    // The entry point overwritten (the drill's damage, which would crash hnswlib): caught before hnswlib reads it.
    const damaged = Buffer.from(original);
    damaged.writeUInt32LE(PASSAGES.length + 7, 52);
    writeFileSync(graph, damaged);
    expect(currentProblem(indexDir)?.problem).toBe('dense.hnsw does not match its checksum');
    const warnings: string[] = [];
    expect((await readIndex(indexDir, { warn: (w) => warnings.push(w) })).version).not.toBe(version);
    expect(warnings[0]).toMatch(/dense.hnsw does not match its checksum/);
  });

  it('a version written before passages.idx still opens, with every passage in memory', async () => {
    const version = await write();
    const at = join(dir, 'index', version);
    const m = JSON.parse(readFileSync(join(at, 'manifest.json'), 'utf8')) as Manifest;
    const { 'passages.idx': _, ...older } = m.stored!;
    writeFileSync(join(at, 'manifest.json'), JSON.stringify({ ...m, stored: older }));
    rmSync(join(at, 'passages.idx'));
    expect(currentVersion(join(dir, 'index'))).toBe(version);
    const read = await readIndex(join(dir, 'index'));
    expect(read.version).toBe(version);
    expect(read.allPassages()).toEqual(PASSAGES);
    expect(read.passage(1)).toEqual(PASSAGES[1]);
    expect(Array.from(read.vector(2))).toEqual(Array.from(VECTORS[2]!));
  });
});
