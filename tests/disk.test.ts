// A disk that cannot take a write (full, read-only, no permission) or a name it cannot hold: the answers go on
// from the newest intact version with one warning naming the cause and the fix, and nothing half-written stays.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureIndex } from '../src/app/guarded.js';
import { ingestReports, safeReportName } from '../src/app/ingest.js';
import { parseConfig } from '../src/config/index.js';
import { type Embedder, loadEmbedder } from '../src/embed/index.js';
import { updateIndex } from '../src/index/build.js';
import { DiskError, fsErrorLine, withoutPaths } from '../src/index/fs-errors.js';
import { currentVersion, readIndex, writeIndex } from '../src/index/store.js';
import { createLogger } from '../src/log.js';

const REPORT = (place: string, n: number) => `${place}2025年政府工作报告

一、2024年工作回顾

全县地区生产总值完成${n}.4亿元，同比增长6.1%。
新建乡村公路86公里，改造老旧小区23个。
`;

let work: string;
let embedder: Embedder;
const config = () => parseConfig({ CORPUS_DIR: join(work, 'corpus'), INDEX_DIR: join(work, 'index') });
const enospc = () => Object.assign(new Error("ENOSPC: no space left on device, write '/srv/bot/embeddings/index/v-1/vectors.f32'"), { code: 'ENOSPC' });
/** An embedder whose every write-side step fails as a full disk would. */
const fullDisk = (): Embedder => ({ ...embedder, embed: async () => { throw enospc(); } });

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'disk-test-'));
  mkdirSync(join(work, 'corpus'));
  writeFileSync(join(work, 'corpus', 'qinghe.txt'), REPORT('青禾县', 182));
  embedder = await loadEmbedder(parseConfig({}));
  await updateIndex(config(), { embedder: async () => embedder });
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('a write that fails', () => {
  it('removes the half-written version folder and leaves CURRENT alone', async () => {
    const before = currentVersion(config().indexDir);
    const index = await readIndex(config().indexDir);
    const dense = { writeIndex: async (path: string) => { writeFileSync(path, 'half'); throw enospc(); } } as unknown as Parameters<typeof writeIndex>[4];
    const err = await writeIndex(config().indexDir, index.manifest, index.allPassages(), index.allPassages().map((p) => index.vector(p.id)), dense, index.figures).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DiskError);
    expect((err as Error).message).toMatch(/^disk full \(ENOSPC\) writing the index at .*: free some space/);
    expect(currentVersion(config().indexDir)).toBe(before);
    expect(readdirSync(config().indexDir).filter((d) => d.startsWith('v-'))).toEqual([before]);
  });

  it('a corpus change that cannot be built: readers answer from the intact version with one warning', async () => {
    writeFileSync(join(work, 'corpus', 'baishui.txt'), REPORT('白水县', 95));
    const warnings: string[] = [];
    const log = { ...createLogger('silent'), warn: (m: string) => void warnings.push(m) };
    await ensureIndex(config(), { embedder: async () => fullDisk(), log });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/could not be brought up to date \(new file baishui.txt\): disk full \(ENOSPC\).*free some space.*answering from the newest intact version/);
    const read = await readIndex(config().indexDir);
    expect(read.manifest.files.map((f) => f.file)).toEqual(['qinghe.txt']);
    rmSync(join(work, 'corpus', 'baishui.txt'));
  });

  it('an ingest that cannot be written takes its file back out of corpus/ and says what to do', async () => {
    const files = readdirSync(config().corpusDir).sort();
    const err = await ingestReports(config(), [{ name: 'baishui.txt', bytes: Buffer.from(REPORT('白水县', 95)) }], { embedder: async () => fullDisk() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DiskError);
    expect((err as Error).message).toMatch(/disk full \(ENOSPC\) adding the report: free some space/);
    expect(readdirSync(config().corpusDir).sort()).toEqual(files);
    // replacing a report: the old one is put back
    const old = readFileSync(join(config().corpusDir, 'qinghe.txt'));
    await ingestReports(config(), [{ name: 'qinghe.txt', bytes: Buffer.from(REPORT('青禾县', 183)) }], { embedder: async () => fullDisk() }).catch(() => {});
    expect(readFileSync(join(config().corpusDir, 'qinghe.txt'))).toEqual(old);
    expect(readdirSync(config().corpusDir).sort()).toEqual(files);
  });
});

describe('a change too large for a reader', () => {
  it('a file of thousands of passages is left to npm run index: the reader answers at once from the intact version', async () => {
    const body = Array.from({ length: 2500 }, (_, i) => `第${i + 1}项重点工程完成投资${i + 3}.5亿元，带动就业${i + 100}人。`).join('\n\n');
    writeFileSync(join(work, 'corpus', 'huge.txt'), `青禾县2025年重点工程清单\n\n${body}\n`);
    const warnings: string[] = [];
    const log = { ...createLogger('silent'), warn: (m: string) => void warnings.push(m) };
    const started = performance.now();
    await ensureIndex(config(), { embedder: async () => embedder, log });
    expect(performance.now() - started).toBeLessThan(60_000);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/\d{4} new passages wait to be embedded \(about .+\): run "npm run index" to add them; answering from the newest intact version/);
    expect((await readIndex(config().indexDir)).manifest.files.map((f) => f.file)).not.toContain('huge.txt');
    rmSync(join(work, 'corpus', 'huge.txt'));
  });

  it('an upload far larger than a report is refused until confirmed, with the estimated time', async () => {
    const body = Array.from({ length: 400 }, (_, i) => `第${i + 1}项重点工程完成投资${i + 3}.5亿元，带动就业${i + 100}人。`).join('\n\n');
    const bytes = Buffer.from(`青禾县2025年重点工程清单\n\n${body}\n`);
    const cfg = { ...config(), limits: { passagesConfirmOver: 100 } };
    const { outcomes } = await ingestReports(cfg, [{ name: 'list.txt', bytes }], { embedder: async () => embedder });
    expect(outcomes[0]).toMatchObject({ status: 'rejected', kind: 'needs-confirmation', reason: expect.stringMatching(/^\d+ passages, far more than a report .*takes about .*--yes/) });
    expect(existsSync(join(work, 'corpus', 'list.txt'))).toBe(false);
    const confirmed = await ingestReports(cfg, [{ name: 'list.txt', bytes, confirmed: true }], { embedder: async () => embedder });
    expect(confirmed.outcomes[0]).toMatchObject({ status: 'added' });
  });
});

describe('names and messages', () => {
  it('a legal 250-byte name is shortened at a character boundary, keeping its extension, and can be ingested', async () => {
    const long = `${'政府工作报告'.repeat(13)}x.txt`; // 6 × 13 × 3 + 5 = 239 bytes… plus
    const name = `${long.slice(0, -4)}${'甲'.repeat(3)}.txt`;
    expect(Buffer.byteLength(name)).toBeGreaterThan(240);
    const safe = safeReportName(name) as string;
    expect(Buffer.byteLength(safe)).toBeLessThanOrEqual(200);
    expect(safe.endsWith('….txt')).toBe(true);
    const { outcomes } = await ingestReports(config(), [{ name, bytes: Buffer.from(REPORT('白水县', 95)) }], { embedder: async () => embedder });
    expect(outcomes[0]).toMatchObject({ status: 'added', file: safe });
    expect(existsSync(join(config().corpusDir, safe))).toBe(true);
  });

  it('ENOSPC, EROFS, EACCES, ENAMETOOLONG each get one line with the fix; chat texts carry no server path', () => {
    const line = (code: string) => fsErrorLine(Object.assign(new Error(code), { code }), 'writing the index');
    expect(line('ENOSPC')).toMatch(/disk full.*df -h/);
    expect(line('EROFS')).toMatch(/read-only.*INDEX_DIR/);
    expect(line('EACCES')).toMatch(/permission.*chown or chmod/);
    expect(line('ENAMETOOLONG')).toMatch(/shorter name/);
    expect(line('ECONNRESET')).toBeNull();
    expect(withoutPaths("ENOSPC: no space left on device, open '/srv/bot/corpus/.报告.pdf.tmp-42'")).toBe("ENOSPC: no space left on device, open '…/.报告.pdf.tmp-42'");
  });
});
