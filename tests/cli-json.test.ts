// Output a program can read: `npx report-qa COMMAND --json` (the package's bin) and `npm run --silent COMMAND --
// --json` print JSON on stdout and nothing else: one object for ask, check and compare, one a file for ingest.
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { SAMPLE_DIR, sampleEnv } from './helpers/sample.js';

const root = join(import.meta.dirname, '..');
const exec = promisify(execFile);
const env = (extra: Record<string, string> = {}) => ({ ...process.env, ...sampleEnv(), LOG_LEVEL: 'info', ...extra });
/** stdout must be exactly one JSON object (one line); returns it parsed. */
const onlyJson = (stdout: string) => {
  expect(stdout.trim().split('\n')).toHaveLength(1);
  return JSON.parse(stdout);
};
const npx = (args: string[], extra?: Record<string, string>) => exec('npx', ['--offline', 'report-qa', ...args], { cwd: root, env: env(extra) });

const work = mkdtempSync(join(tmpdir(), 'cli-json-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('JSON on stdout and nothing else', () => {
  it('npx report-qa ask --json, and npm run --silent ask -- --json', async () => {
    const q = '城中区去年城镇新增就业多少人？';
    const viaBin = onlyJson((await npx(['ask', '--json', q])).stdout);
    expect(viaBin).toMatchObject({ query: q, found: true });
    expect(viaBin.results[0].figures[0]).toBe('6725人');
    const viaNpm = onlyJson((await exec('npm', ['run', '--silent', 'ask', '--', '--json', q], { cwd: root, env: env() })).stdout);
    expect(viaNpm).toEqual(viaBin);
  }, 60_000);

  it('npx report-qa check --json and compare --json', async () => {
    const check = onlyJson((await npx(['check', '--json', '城中区去年城镇新增就业6752人。'])).stdout);
    expect(check.claims[0]).toMatchObject({ verdict: 'contradicted', reportFigure: '6725人' });
    const compare = onlyJson((await npx(['compare', '--json', '城镇新增就业'])).stdout);
    expect(compare.rows.length).toBeGreaterThan(1);
  }, 60_000);

  it('npx report-qa ingest --json: what was added and refused, then a removal', async () => {
    const corpus = join(work, 'corpus');
    mkdirSync(corpus);
    cpSync(join(SAMPLE_DIR, '003_82e26507ed7144a6.txt'), join(corpus, '003.txt'));
    writeFileSync(join(work, 'empty.txt'), '');
    const dirs = { CORPUS_DIR: corpus, INDEX_DIR: join(work, 'index') };
    const added = await npx(['ingest', '--json', join(root, 'tests', 'fixtures', 'real', 'santai-2025.txt'), join(work, 'empty.txt')], dirs).catch((e: { stdout: string; code: number }) => e);
    expect((added as { code?: number }).code).toBe(1); // one file refused
    // one JSON object per file, nothing else
    const out = added.stdout.trim().split('\n').map((line: string) => JSON.parse(line));
    expect(out).toEqual([
      expect.objectContaining({ file: 'santai-2025.txt', status: 'added', place: expect.objectContaining({ name: '三台县' }), year: 2025 }),
      expect.objectContaining({ file: 'empty.txt', status: 'rejected', error: expect.any(String) }),
    ]);
    expect(out[0].passages).toBeGreaterThan(0);
    const removed = onlyJson((await npx(['ingest', '--json', '--remove', 'santai-2025.txt'], dirs)).stdout);
    expect(removed).toEqual({ removed: 'santai-2025.txt', passageCount: expect.any(Number) });
  }, 90_000);

  it('an unknown command is one usage line', async () => {
    const err = await npx(['nope']).catch((e: { code: number; stderr: string }) => e);
    expect(err).toMatchObject({ code: 2, stderr: expect.stringContaining('usage: npx report-qa') });
  }, 30_000);
});
