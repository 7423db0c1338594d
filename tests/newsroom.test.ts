// The newsroom's first hour, on a copy of the project (never the real one): reports added, one read wrongly and
// corrected with the command the product prints, reports removed, all through `npm run` as a person would type
// it; then the tests that depend most on what is indexed (passage counts, figure records, compare rows) run in
// that copy and must pass as on a fresh clone, because every test answers from its own copy of the sample.
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_DIR } from './helpers/sample.js';

const root = join(import.meta.dirname, '..');
const exec = promisify(execFile);

// A report of our own that names neither its place nor its year: the ingest must say so and print the fix.
const UNNAMED = `政府工作报告

一、过去一年工作回顾

全年城镇新增就业1860人，新建公园绿地12处，改造老旧小区35个。

二、今年工作安排

今年城镇新增就业目标为1900人以上。
`;

let project: string;
let outside: string;
const corpus = () => join(project, 'corpus');
/** `npm run --silent NAME -- ARGS` in the copy, typed from the folder holding the new reports (as a person would). */
const npmRun = (name: string, args: string[], cwd = outside) =>
  exec('npm', ['run', '--silent', '--prefix', project, name, '--', ...args], { cwd, env: { ...process.env, LOG_LEVEL: 'info', INIT_CWD: cwd } });

beforeAll(() => {
  const work = mkdtempSync(join(tmpdir(), 'newsroom-'));
  project = join(work, 'project');
  outside = join(work, 'downloads');
  mkdirSync(project);
  for (const f of ['src', 'tests', 'scripts', 'package.json', 'tsconfig.json', 'vitest.config.ts']) cpSync(join(root, f), join(project, f), { recursive: true });
  symlinkSync(join(root, 'node_modules'), join(project, 'node_modules'));
  mkdirSync(join(project, 'embeddings'));
  symlinkSync(join(root, 'embeddings', 'models'), join(project, 'embeddings', 'models'));
  cpSync(SAMPLE_DIR, corpus(), { recursive: true });
  mkdirSync(outside);
  cpSync(join(root, 'tests', 'fixtures', 'real', 'santai-2025.txt'), join(outside, 'santai-2025.txt'));
  cpSync(join(root, 'tests', 'fixtures', 'real', 'quzhou-2025.txt'), join(outside, 'quzhou-2025.txt'));
  writeFileSync(join(outside, '报告 2025.txt'), UNNAMED);
});
afterAll(() => rmSync(join(project, '..'), { recursive: true, force: true }));

describe('a newsroom adds, corrects and removes reports', () => {
  it('adds three reports; the printed fix for the unread place and year works when pasted', async () => {
    const added = await npmRun('ingest', ['santai-2025.txt', 'quzhou-2025.txt', '报告 2025.txt']);
    expect(readdirSync(corpus())).toEqual(expect.arrayContaining(['santai-2025.txt', 'quzhou-2025.txt', '报告 2025.txt']));
    const fix = /Correct with: npm run ingest -- (.+)$/m.exec(added.stderr)?.[1];
    expect(fix).toBe(`'报告 2025.txt' --place 地方全称或6位代码 --year 年份`);
    // Pasted as printed, the placeholders filled in: a shell splits it into these words.
    const words = (await exec('bash', ['-c', `printf '%s\\n' ${fix!.replace('地方全称或6位代码', '三台县').replace('年份', '2025')}`])).stdout.trim().split('\n');
    const corrected = await npmRun('ingest', words, project); // typed in the project folder: the name is found in corpus/
    expect(corrected.stderr).toMatch(/its correction is recorded/);
    expect(JSON.parse(readFileSync(join(corpus(), 'reports.json'), 'utf8'))).toEqual({ '报告 2025.txt': { place: '510722', year: 2025 } });
  }, 120_000);

  it('never calls the corrections file a skipped report', async () => {
    const { stderr } = await npmRun('index', []);
    expect(stderr).not.toMatch(/reports\.json/);
  }, 60_000);

  it('removing the corrected report removes its correction, and with the last one the file', async () => {
    await npmRun('ingest', ['--remove', '报告 2025.txt']);
    expect(existsSync(join(corpus(), 'reports.json'))).toBe(false);
    await npmRun('ingest', ['--remove', '002_f9cb734d256fd570.txt']);
    expect(readdirSync(corpus()).sort()).toEqual(['000_be770faa11c46e25.txt', '001_338ed807dc2533c7.txt', '003_82e26507ed7144a6.txt', '004_d970eb4284a2cb5f.txt', 'quzhou-2025.txt', 'santai-2025.txt']);
  }, 60_000);

  it('the fix printed for a damaged index works as printed', async () => {
    const index = join(project, 'embeddings', 'index');
    const current = readFileSync(join(index, 'CURRENT'), 'utf8').trim();
    // An intact older version of this same corpus to answer from meanwhile, as a second build would leave (named
    // as built just before the current one), without the minute two builds take on a busy machine.
    cpSync(join(index, current), join(index, `v-${Number(current.split('-')[1]) - 1}-1`), { recursive: true });
    const passages = join(index, current, 'passages.json');
    truncateSync(passages, Math.floor(readFileSync(passages).length / 2));
    const asked = await npmRun('ask', ['城中区去年城镇新增就业多少人？']);
    expect(asked.stdout).toContain('6725人'); // answered from the previous intact version meanwhile
    const fix = /run "(npm run [^"]+)" to repair/.exec(asked.stderr)?.[1];
    expect(fix).toBe('npm run index');
    const repaired = await npmRun(fix!.split(' ')[2]!, fix!.split(' ').slice(3));
    expect(repaired.stderr).toMatch(/repaired/);
    expect((await npmRun('ask', ['城中区去年城镇新增就业多少人？'])).stderr).not.toMatch(/damaged/);
  }, 90_000);

  it('the tests that depend most on what is indexed pass in the changed copy as on a fresh clone', async () => {
    const files = ['tests/passages.test.ts', 'tests/check.test.ts'];
    const run = await exec(join(project, 'node_modules', '.bin', 'vitest'), ['run', ...files], { cwd: project, env: { ...process.env, CI: '1' } }).catch((e: { stdout: string; stderr: string; code: number }) => e);
    expect('code' in run ? `${run.stdout}\n${run.stderr}` : 'passed').toBe('passed');
  }, 240_000);
});
