// npm run demo: the real bot against the local Bot API emulator with a chat in the terminal, on a copy of the
// indexed sample. It starts, answers a question with a card, turns the page with a button, checks a draft and
// takes an upload into its scratch copy (the corpus it was given stays as it was), and /quit stops it cleanly.
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { htmlToTerminal } from '../src/present/html-text.js';
import { sampleEnv } from './helpers/sample.js';

const root = join(import.meta.dirname, '..');
let work: string;
let child: ChildProcess;
let stdout = '';

/** Send one line to the demo chat and wait until the chat shows `expected` (after what was there before). */
async function say(line: string, expected: RegExp, ms = 60_000): Promise<string> {
  const from = stdout.length;
  child.stdin!.write(line + '\n');
  const start = Date.now();
  while (!expected.test(stdout.slice(from))) {
    if (Date.now() - start > ms) throw new Error(`no ${expected} after "${line}"; the chat shows:\n${stdout.slice(from)}`);
    if (child.exitCode !== null) throw new Error(`the demo exited (${child.exitCode}):\n${stdout}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return stdout.slice(from);
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'demo-test-'));
  const { CORPUS_DIR, INDEX_DIR } = sampleEnv();
  cpSync(CORPUS_DIR, join(work, 'corpus'), { recursive: true });
  cpSync(INDEX_DIR, join(work, 'index'), { recursive: true });
  child = spawn(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'src', 'cli', 'demo.ts')], {
    cwd: root,
    env: { ...process.env, CORPUS_DIR: join(work, 'corpus'), INDEX_DIR: join(work, 'index'), QUERY_LOG: join(work, 'queries.jsonl'), FEEDBACK_LOG: join(work, 'feedback.jsonl'), LOG_LEVEL: 'warn' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
});
afterAll(() => {
  if (child.exitCode === null) child.kill();
  rmSync(work, { recursive: true, force: true });
});

describe('npm run demo', () => {
  it('answers a question with the card and its buttons, and a button turns the page', async () => {
    const card = await say('城中区去年城镇新增就业多少人？', /\[\d+ 👎 没用\]/);
    expect(card).toContain('【6725人】 · 城中区');
    // The card names the source in words (issue 17); the file and its lines are on the 原文 card.
    expect(card).toContain('📄 《城中区：开好局启新程走在前作表率》 · 城中区 · 2024年报告');
    const next = /\[(\d+) 下一页 ▶\]/.exec(card)![1];
    const context = /\[(\d+) 📄 原文 1\]/.exec(card)![1];
    await say(`/tap ${context}`, /000_be770faa11c46e25\.txt 第\d+–\d+行/);
    expect(await say(`/tap ${next}`, /第2\/\d+页/)).toContain('更新了上一条消息');
  }, 90_000);

  it('checks a draft and takes an upload into its scratch copy, not the corpus it was given', async () => {
    expect(await say('/check 城中区去年城镇新增就业6752人。', /报告为/)).toContain('❌ 6752人 → 报告为 【6725人】');
    const upload = await say(`/upload ${join(root, 'tests', 'fixtures', 'real', 'santai-2025.txt')}`, /已收录|没有收录|拒绝/);
    expect(upload).toContain('三台县');
    expect(existsSync(join(work, 'corpus', 'santai-2025.txt'))).toBe(false);
    expect(await say('/sources', /已收录的报告/)).toContain('santai-2025.txt');
  }, 90_000);

  it('/quit stops the bot and the emulator', async () => {
    child.stdin!.write('/quit\n');
    const code = await new Promise((r) => (child.exitCode !== null ? r(child.exitCode) : child.once('exit', r)));
    expect(code).toBe(0);
    const scratch = /临时副本：(\S+)\/corpus，/.exec(stdout)![1]!;
    expect(existsSync(scratch)).toBe(false); // thrown away
  }, 30_000);

  it('renders Telegram HTML for the terminal', () => {
    expect(htmlToTerminal('<b>6725人</b> &amp; <blockquote>引文</blockquote> <i>问</i>', false)).toBe('【6725人】 &   引文 问');
  });
});
