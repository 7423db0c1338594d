// Faults an operator meets: damaged index files, a second writer, an unreachable or rejecting Bot API, a damaged
// model file. Each must end in an answer from an intact version or one line naming the fix.
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectBotApi, probeBotApi, BotApiError } from '../src/bot/startup.js';
import { parseConfig } from '../src/config/index.js';
import { type Embedder, loadEmbedder, ModelMissingError } from '../src/embed/index.js';
import { updateIndex } from '../src/index/build.js';
import { largeFileWarning, unindexableFiles } from '../src/index/corpus-check.js';
import { ensureIndex } from '../src/app/guarded.js';
import { formatBytes } from '../src/format.js';
import { DATA_FILES, graphProblem, OPTIONAL_FILES, sizeProblem, versionProblem } from '../src/index/integrity.js';
import { ifNoWriter, updateInProgress, withWriteLock } from '../src/index/lock.js';
import { progressMeter } from '../src/index/progress.js';
import { currentVersion, type Manifest, readIndex } from '../src/index/store.js';
import type { LexicalPostings } from '../src/index/lexical.js';
import { createLogger } from '../src/log.js';
import { damagedModelDir } from './helpers/model.js';

const root = join(import.meta.dirname, '..');
// A report of a county that is not in the sample corpus.
const REPORT = `青禾县2025年政府工作报告

一、2024年工作回顾

全县地区生产总值完成182.4亿元，同比增长6.1%。
新建乡村公路86公里，改造老旧小区23个。
城镇新增就业4210人，城镇调查失业率控制在5%以内。

二、2025年主要目标

地区生产总值增长6%左右，新增就业4000人以上。
新建污水处理厂2座，完成植树造林1.2万亩。
`;

let work: string;
let embedder: Embedder;
const config = () => parseConfig({ CORPUS_DIR: join(work, 'corpus'), INDEX_DIR: join(work, 'index') });
const build = () => ({ embedder: async () => embedder });
const versionDir = () => join(config().indexDir, currentVersion(config().indexDir)!);

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'robust-test-'));
  mkdirSync(join(work, 'corpus'));
  writeFileSync(join(work, 'corpus', 'qinghe.txt'), REPORT);
  embedder = await loadEmbedder(parseConfig({}));
  await updateIndex(config(), build());
  // a second version, so there is an older intact one to fall back to
  await updateIndex(config(), { ...build(), force: true });
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Change one digit of a file in place (same size), as a flipped bit or a hand edit would. */
function changeDigit(path: string): void {
  const text = readFileSync(path, 'utf8');
  const at = text.search(/\d人|\d亿/);
  writeFileSync(path, text.slice(0, at) + String((Number(text[at]) + 1) % 10) + text.slice(at + 1));
}

describe('index integrity', () => {
  it('records each data file with its size and checksum; sizes and checksums catch damage', () => {
    const dir = versionDir();
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
    for (const f of [...DATA_FILES, ...OPTIONAL_FILES]) {
      const { size, mtimeMs, ino } = statSync(join(dir, f));
      expect(manifest.stored![f]).toEqual({ bytes: size, sha256: expect.stringMatching(/^[0-9a-f]{64}$/), mtimeMs, ino });
    }
    expect(sizeProblem(dir, manifest.stored)).toBeNull();
    expect(versionProblem(dir, manifest, { full: true })).toBeNull();
    // same size, one byte changed: only the checksum sees it
    const copy = mkdtempSync(join(tmpdir(), 'robust-copy-'));
    cpSync(dir, copy, { recursive: true });
    const bytes = readFileSync(join(copy, 'passages.json'));
    bytes[10] = bytes[10]! ^ 1;
    writeFileSync(join(copy, 'passages.json'), bytes);
    expect(sizeProblem(copy, manifest.stored)).toBeNull();
    expect(versionProblem(copy, manifest, { full: true })).toMatch(/passages.json does not match its checksum/);
    truncateSync(join(copy, 'dense.hnsw'), 100);
    expect(sizeProblem(copy, manifest.stored)).toMatch(/dense.hnsw is 100 bytes, the manifest says/);
    rmSync(copy, { recursive: true });
  });

  for (const file of [...DATA_FILES, ...OPTIONAL_FILES, 'manifest.json', 'CURRENT']) {
    it(`a damaged ${file} falls back to the previous intact version with a warning; npm run index repairs it`, async () => {
      const damaged = currentVersion(config().indexDir)!;
      const path = file === 'CURRENT' ? join(config().indexDir, 'CURRENT') : join(versionDir(), file);
      writeFileSync(path, readFileSync(path).subarray(0, Math.floor(statSync(path).size / 2)));
      const warnings: string[] = [];
      const read = await readIndex(config().indexDir, { warn: (m) => warnings.push(m) });
      // a damaged CURRENT: the newest intact version is the one it named
      if (file !== 'CURRENT') expect(read.version).not.toBe(damaged);
      expect(read.allPassages().length).toBe(read.manifest.passageCount);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/is damaged \(.+\): answering from the previous version .*npm run index/);
      // plain `npm run index` (verify, no force) rebuilds and says what it found
      const report = await updateIndex(config(), build());
      expect(report.rebuilt).toBe(true);
      expect(report.repaired?.problem).toBeTruthy();
      const repaired = await readIndex(config().indexDir, { warn: (m) => warnings.push(m) });
      expect(repaired.version).toBe(currentVersion(config().indexDir));
      expect(warnings).toHaveLength(1);
    });
  }

  it('a missing lexical.bin falls back to the previous intact version; npm run index rebuilds it', async () => {
    const damaged = currentVersion(config().indexDir)!;
    rmSync(join(versionDir(), 'lexical.bin'));
    const warnings: string[] = [];
    const read = await readIndex(config().indexDir, { warn: (m) => warnings.push(m) });
    expect(read.version).not.toBe(damaged);
    expect((read.lexical as LexicalPostings | undefined)?.n).toBe(read.manifest.passageCount);
    expect(warnings[0]).toMatch(/lexical.bin is missing.*npm run index/);
    const report = await updateIndex(config(), build());
    expect(report.repaired?.problem).toMatch(/lexical.bin is missing/);
    expect(((await readIndex(config().indexDir)).lexical as LexicalPostings | undefined)?.n).toBe(read.manifest.passageCount);
  });

  it('a version written before lexical.bin was stored still opens, and BM25 is built from its passages', async () => {
    const dir = versionDir();
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
    const { 'lexical.bin': _, ...older } = manifest.stored!;
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, stored: older }));
    rmSync(join(dir, 'lexical.bin'));
    const warnings: string[] = [];
    const read = await readIndex(config().indexDir, { warn: (m) => warnings.push(m) });
    expect(warnings).toEqual([]);
    expect(read.version).toBe(currentVersion(config().indexDir));
    expect(read.lexical).toBeUndefined();
    await updateIndex(config(), { ...build(), force: true });
  });

  it('npm run index finds a same-size corruption by checksum and rebuilds without --force', async () => {
    const path = join(versionDir(), 'vectors.f32');
    const bytes = readFileSync(path);
    bytes[100] = bytes[100]! ^ 0xff;
    writeFileSync(path, bytes);
    const report = await updateIndex(config(), build());
    expect(report.repaired?.problem).toMatch(/vectors.f32 does not match its checksum/);
    expect((await updateIndex(config(), build())).rebuilt).toBe(false);
  });

  // Same-size damage that a reader would otherwise trust: a changed digit, an overwritten graph entry point,
  // a manifest whose passage count disagrees with its data. Each is caught on open; no damaged byte is used.
  const damages: [string, (dir: string) => void, RegExp][] = [
    ['a digit changed in passages.json', (dir) => changeDigit(join(dir, 'passages.json')), /passages.json does not match its checksum/],
    ['a digit changed in figures.json', (dir) => changeDigit(join(dir, 'figures.json')), /figures.json does not match its checksum/],
    ['the graph entry point overwritten', (dir) => {
      const b = readFileSync(join(dir, 'dense.hnsw'));
      b.writeUInt32LE(0xdeadbeef, 52);
      writeFileSync(join(dir, 'dense.hnsw'), b);
    }, /dense.hnsw does not match its checksum/],
    ['the manifest passage count changed', (dir) => {
      const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
      writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...m, passageCount: m.passageCount + 1 }));
    }, /its passage count says/],
  ];
  for (const [what, damage, problem] of damages) {
    it(`${what}: the reader falls back with a warning, plain npm run index repairs`, async () => {
      const damaged = currentVersion(config().indexDir)!;
      damage(versionDir());
      const warnings: string[] = [];
      const read = await readIndex(config().indexDir, { warn: (m) => warnings.push(m) });
      expect(read.version).not.toBe(damaged);
      expect(warnings[0]).toMatch(problem);
      const report = await updateIndex(config(), build());
      expect(report.repaired?.problem).toMatch(problem);
      expect((await readIndex(config().indexDir)).version).toBe(currentVersion(config().indexDir));
    });
  }

  it('the graph check sees a damaged entry point, link or level before hnswlib loads the file', () => {
    const dir = versionDir();
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
    const intact = readFileSync(join(dir, 'dense.hnsw'));
    expect(graphProblem(intact, m.passageCount, m.model.dimension)).toBeNull();
    const at = (offset: number, value: number) => {
      const b = Buffer.from(intact);
      b.writeUInt32LE(value, offset);
      return graphProblem(b, m.passageCount, m.model.dimension);
    };
    expect(at(52, m.passageCount + 5)).toMatch(/entry point/);
    expect(at(96 + 4, 1_000_000)).toMatch(/links of passage 0/);
    expect(at(48, 1000)).toMatch(/top level/);
    expect(graphProblem(intact.subarray(0, intact.length - 3), m.passageCount, m.model.dimension)).toMatch(/damaged/);
    expect(graphProblem(intact, m.passageCount + 1, m.model.dimension)).toMatch(/holds \d+ passages/);
  });

  it('keeps the current version and at most two older ones', () => {
    expect(readdirSync(config().indexDir).filter((d) => d.startsWith('v-')).length).toBe(3);
  });
});

/** A child process holding the write lock until killed (or for `ms`). */
function holdLock(indexDir: string, ms = 60_000): Promise<ChildProcess> {
  const script = `import { withWriteLock } from './src/index/lock.ts';
    await withWriteLock(${JSON.stringify(indexDir)}, 'ingest', async (held) => { held.progress('embedding passages 3/9'); console.log('locked'); await new Promise((r) => setTimeout(r, ${ms})); });`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('locked') && resolve(child));
    child.on('exit', (code) => reject(new Error(`lock holder exited with ${code}`)));
  });
}

describe('one writer at a time', () => {
  it('sees another process writing, and takes over its lock at once when it was killed with -9', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'robust-lock-'));
    expect(updateInProgress(dir)).toBeNull();
    const child = await holdLock(dir);
    await new Promise((r) => setTimeout(r, 600)); // progress is written at most twice a second
    expect(updateInProgress(dir)).toMatchObject({ pid: child.pid, task: 'ingest' });
    expect(await ifNoWriter(dir, 'build', async () => 'built')).toMatchObject({ ran: false, holder: { pid: child.pid } });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(updateInProgress(dir)).toBeNull(); // its lock is still on disk, but its pid is gone
    const started = Date.now();
    expect(await withWriteLock(dir, 'index', async () => 'mine')).toBe('mine');
    expect(Date.now() - started).toBeLessThan(2000); // not the 30 s stale timeout
    rmSync(dir, { recursive: true });
  });

  it("a writer's notes (owner.json, progress) leave the lock folder's mtime alone: proper-lockfile would call the lock compromised", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'robust-lock-'));
    await withWriteLock(dir, 'index', async (held) => {
      const before = statSync(join(dir, 'writer.lock')).mtimeMs;
      held.progress('embedding passages 1/9');
      await new Promise((r) => setTimeout(r, 600));
      held.progress('embedding passages 5/9');
      expect(statSync(join(dir, 'writer.lock')).mtimeMs).toBe(before);
      expect(updateInProgress(dir)).toMatchObject({ progress: 'embedding passages 5/9' });
    });
    rmSync(dir, { recursive: true });
  });

  it('a second writer waits for the first, reporting its progress', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'robust-lock-'));
    const child = await holdLock(dir, 1500);
    const locked = Date.now();
    const waits: string[] = [];
    const ranAfter = await withWriteLock(dir, 'ingest', async () => Date.now() - locked, { onWait: (w) => waits.push(w?.progress ?? '?'), waitReportMs: 100, pollMs: 50 });
    expect(ranAfter).toBeGreaterThanOrEqual(1400);
    if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
    expect(waits.some((w) => w.includes('3/9'))).toBe(true);
    rmSync(dir, { recursive: true });
  });

  it('a reader with a stale index does not build while a writer works: it answers from the current version and says so', async () => {
    writeFileSync(join(work, 'corpus', 'qinghe.txt'), REPORT + '\n新建村级养老服务站31个。\n');
    const child = await holdLock(config().indexDir);
    const lines: string[] = [];
    const before = currentVersion(config().indexDir);
    await ensureIndex(config(), { embedder: () => Promise.reject(new Error('a reader must not embed')), log: createLogger('info', (l) => lines.push(l)) });
    expect(currentVersion(config().indexDir)).toBe(before);
    expect(lines.join('\n')).toMatch(/\[warn\] an update of the index is under way \(ingest \(pid \d+\)/);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    // with the writer gone, the reader brings the index up to date itself
    await ensureIndex(config(), build());
    expect(currentVersion(config().indexDir)).not.toBe(before);
  });
});

describe('a reader with no index at all', () => {
  it('waits for the writer, printing its progress, and then answers from what it wrote', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'robust-empty-'));
    mkdirSync(join(dir, 'corpus'));
    writeFileSync(join(dir, 'corpus', 'qinghe.txt'), REPORT);
    const cfg = parseConfig({ CORPUS_DIR: join(dir, 'corpus'), INDEX_DIR: join(dir, 'index') });
    const child = await holdLock(cfg.indexDir, 1500);
    const lines: string[] = [];
    const started = Date.now();
    await ensureIndex(cfg, { ...build(), log: createLogger('info', (l) => lines.push(l)) });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(lines.join('\n')).toMatch(/no index yet: waiting for ingest \(pid \d+\), embedding passages 3\/9/);
    expect((await readIndex(cfg.indexDir)).manifest.passageCount).toBeGreaterThan(0);
    if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true });
  });
});

describe('Bot API first contact', () => {
  const TOKEN = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0';
  let server: Server;
  let silent: ReturnType<typeof createTcpServer>;
  let base = '';
  let silentRoot = '';
  let refusedRoot = '';
  let answer = 401;
  beforeAll(async () => {
    server = createServer((req, res) => {
      res.writeHead(answer, { 'content-type': 'application/json' });
      res.end(answer === 200 ? JSON.stringify({ ok: true, result: { id: 1, is_bot: true, first_name: 'b', username: 'test_bot' } }) : JSON.stringify({ ok: false, error_code: answer, description: 'Unauthorized' }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    silent = createTcpServer(() => {}); // accepts, never answers
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    silentRoot = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const closed = createTcpServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    refusedRoot = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((r) => closed.close(r)); // nothing listens there now
  });
  afterAll(() => {
    server.close();
    silent.close();
  });

  const probe = (root: string) => probeBotApi({ telegramApiRoot: root, botToken: TOKEN }, { timeoutMs: 500 });

  it('names the URL and the cause, never the token', async () => {
    const refused = await probe(refusedRoot);
    expect(refused).toMatchObject({ ok: false, cause: 'refused', retry: true });
    const dns = await probe('http://no-such-host.invalid');
    expect(dns).toMatchObject({ ok: false, cause: 'dns', message: expect.stringContaining('does not resolve') });
    const started = Date.now();
    const timeout = await probe(silentRoot);
    expect(timeout).toMatchObject({ ok: false, cause: 'timeout', message: expect.stringContaining('no answer within') });
    expect(Date.now() - started).toBeLessThan(3000);
    answer = 401;
    const rejected = await probe(base);
    expect(rejected).toMatchObject({ ok: false, cause: 'unauthorized', retry: false, message: expect.stringMatching(/rejected BOT_TOKEN.*@BotFather/) });
    for (const r of [refused, dns, timeout, rejected]) {
      expect(JSON.stringify(r)).not.toContain(TOKEN);
      expect(JSON.stringify(r)).not.toContain('AAHdq');
    }
    expect((refused as { message: string }).message).toContain(refusedRoot);
  });

  it('retries with backoff, logging every attempt, until the API answers; --once and a bad token stop at once', async () => {
    const lines: string[] = [];
    const sleeps: number[] = [];
    let calls = 0;
    answer = 200;
    const flaky: typeof fetch = (input, init) => (++calls < 3 ? Promise.reject(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } })) : fetch(input, init));
    const me = await connectBotApi({ telegramApiRoot: base, botToken: TOKEN }, { log: createLogger('info', (l) => lines.push(l)), fetch: flaky, sleep: async (ms) => void sleeps.push(ms), backoffSeconds: [5, 10] });
    expect(me.username).toBe('test_bot');
    expect(sleeps).toEqual([5000, 10000]);
    expect(lines.filter((l) => l.startsWith('[error] cannot reach the Bot API at') && /attempt \d; retrying in \d+ s/.test(l))).toHaveLength(2);
    expect(lines.at(-1)).toMatch(/reached the Bot API .*attempt 3/);

    await expect(connectBotApi({ telegramApiRoot: refusedRoot, botToken: TOKEN }, { log: createLogger('silent'), once: true })).rejects.toThrow(BotApiError);
    answer = 401;
    const never = () => Promise.reject(new Error('must not sleep: a bad token does not heal'));
    await expect(connectBotApi({ telegramApiRoot: base, botToken: TOKEN }, { log: createLogger('silent'), sleep: never })).rejects.toThrow(/401/);
  });
});

describe('messages an operator can act on', () => {
  it('sizes read as people read them', () => {
    expect(formatBytes(20 * 1024 * 1024)).toBe('20 MB');
    expect(formatBytes(25 * 1024 * 1024 + 1000)).toBe('25 MB');
    expect(formatBytes(1.5 * 1024 * 1024)).toBe('1.5 MB');
    expect(formatBytes(340 * 1024)).toBe('340 KB');
  });

  it('names every file in the corpus that is skipped, with what to do', () => {
    const dir = mkdtempSync(join(tmpdir(), 'robust-corpus-'));
    for (const f of ['a.txt', 'b.doc', 'c.wps', 'd.xlsx', '.hidden']) writeFileSync(join(dir, f), 'x');
    const lines = unindexableFiles(dir);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/skipped b\.doc .*save it as \.docx or PDF/);
    expect(lines[1]).toMatch(/skipped c\.wps .*save it as \.docx or PDF/);
    expect(lines[2]).toMatch(/skipped d\.xlsx .*reports must be/);
    rmSync(dir, { recursive: true });
  });

  it('warns about a file much larger than a report, with size and passage count', () => {
    expect(largeFileWarning('r.txt', 30_000, 200)).toBeNull();
    expect(largeFileWarning('dump.txt', 5 * 1024 * 1024, 21_000)).toMatch(/dump\.txt is 5 MB with 21000 passages, much larger than a report.*about \d+ min/);
  });

  it('progress says passages per second and the time left', () => {
    let t = 0;
    const meter = progressMeter(() => t);
    expect(meter({ phase: 'embed', done: 8, total: 408 })).toBe('embedding passages 8/408');
    t = 4000;
    expect(meter({ phase: 'embed', done: 208, total: 408 })).toBe('embedding passages 208/408 · 50 passages/s · about 4 s left');
  });

  it('the graph phase of a large build has its own rate and time left', () => {
    let t = 0;
    const meter = progressMeter(() => t);
    meter({ phase: 'embed', done: 408, total: 408 });
    t = 10_000;
    expect(meter({ phase: 'graph', done: 2000, total: 1_000_000 })).toBe('linking passages into the graph 2000/1000000');
    t = 30_000;
    expect(meter({ phase: 'graph', done: 22_000, total: 1_000_000 })).toBe('linking passages into the graph 22000/1000000 · 1000 passages/s · about 16 min left');
  });

  it('a truncated model file is one line naming npm install', async () => {
    const dir = damagedModelDir();
    const err = await loadEmbedder(parseConfig({ MODEL_DIR: dir })).catch((e: Error) => e);
    expect(err).toBeInstanceOf(ModelMissingError);
    expect((err as Error).message).toMatch(/model_quantized\.onnx .*is damaged .*run "npm install"/);
    expect((err as Error).message).not.toContain('\n');
    rmSync(dir, { recursive: true });
  });
});
