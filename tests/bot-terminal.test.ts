// The no-token terminal chat: same engine, plain-text answers, commands, odd input never ends the chat.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createQueryLog } from '../src/bot/query-log.js';
import { terminalChat } from '../src/bot/terminal-chat.js';
import { TEXT } from '../src/bot/texts.js';
import { parseConfig } from '../src/config/index.js';
import { silentLogger } from '../src/log.js';
import { PLAIN } from '../src/present/text.js';
import { indexedPlaceNames } from '../src/places/find.js';
import { readIndex } from '../src/index/store.js';
import { holdWriteLock } from './helpers/bot-harness.js';
import { createFakeEngine } from './helpers/fake-engine.js';
import { sampleConfig } from './helpers/sample.js';

async function chat(lines: string[], engine = createFakeEngine(), env: Record<string, string> = {}) {
  const input = new PassThrough();
  const output = new PassThrough();
  let text = '';
  output.on('data', (d: Buffer) => (text += d.toString('utf8')));
  const queryLog = createQueryLog({ path: null, salt: '', log: silentLogger });
  const done = terminalChat(engine, parseConfig(env), { input, output, queryLog, style: PLAIN });
  input.end(lines.join('\n') + '\n');
  await done;
  return { text, queryLog, engine };
}

describe('terminal chat', () => {
  it('answers questions as plain text with the figure, quote and source', async () => {
    const { text, queryLog } = await chat(['城中区去年城镇新增就业多少人？', '湟源县2023年固定资产投资增长多少？']);
    expect(text).toContain('【全年城镇新增就业6725人');
    expect(text).toContain('000_be770faa11c46e25.txt');
    expect(text).toContain('没有找到答案');
    const { entries } = await queryLog.read();
    expect(entries.map((e) => [e.user, e.via, e.query, e.found])).toEqual([
      ['terminal', 'terminal', '城中区去年城镇新增就业多少人？', true],
      ['terminal', 'terminal', '湟源县2023年固定资产投资增长多少？', false],
    ]);
  });

  it('pages, shows 原文, lists sources and restricts to a district', async () => {
    const { text, engine } = await chat(['城镇新增就业多少人？', '/more', '/原文 1', '/sources', '/district 城西區', '新增就业多少人？']);
    expect(text).toMatch(/第2\/\d页/);
    expect(text).toContain('出处：');
    expect(text).toContain('1. 《城中区：开好局启新程走在前作表率》');
    expect(text).toContain('查找范围：城西区');
    expect(engine.calls.at(-1)?.options?.district).toBe('城西区');
  });

  it('restricts to a report by its number, lifts it, and explains an unknown district or report', async () => {
    const { text, engine } = await chat(['/report 2', '新增就业多少人？', '/report 全部', '新增就业多少人？', '/report 99', '/district 火星']);
    expect(text).toContain('查找范围：《城西区：奋楫笃行谱新篇》');
    expect(text).toContain('（限定：《城西区：奋楫笃行谱新篇》）');
    expect(engine.calls.map((c) => c.options?.file)).toEqual(['001_338ed807dc2533c7.txt', null]);
    expect(text).toContain('查找范围：全部报告');
    expect(text).toContain('用 /sources 中的编号，例如 /report 1');
    expect(text).toContain(`已收录的报告中没有“火星”。可选：${indexedPlaceNames(createFakeEngine().reports()).join('、')}，或“全部”。`);
  });

  it('survives odd input and engine failures, and stops at /quit', async () => {
    const engine = createFakeEngine();
    engine.failNext = true;
    const { text } = await chat(['城中区？', '', '😀', '<b>&', '/原文 x', '/district 火星', '/nope', '/quit', '城中区去年城镇新增就业多少人？'], engine);
    expect(text).toContain('抱歉');
    expect(text).toContain('没看到文字问题');
    expect(text).toContain('用法：/原文 N');
    expect(text).toContain('已收录的报告中没有“火星”');
    expect(text).not.toContain('6725人'); // after /quit nothing is answered
  });

  it('says an update is under way while another writer holds the index', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'terminal-updating-'));
    expect((await chat(['城中区去年城镇新增就业多少人？'], createFakeEngine(), { INDEX_DIR: dir })).text).not.toContain(TEXT.updating);
    const { release, writing } = await holdWriteLock(dir);
    try {
      const { text } = await chat(['城中区去年城镇新增就业多少人？'], createFakeEngine(), { INDEX_DIR: dir });
      expect(text).toContain('6725人');
      expect(text).toContain(TEXT.updating);
    } finally {
      release();
      await writing;
    }
  });
});

describe('terminal chat: follow-ups, drafts, comparisons and 原文 as in Telegram', () => {
  it('reads each kind of follow-up against the last question and says how', async () => {
    const { text, engine } = await chat([
      '城中区去年城镇新增就业多少人？',
      '那城西区呢？',
      '/原话',
      '城中区2023年城镇新增就业多少人？',
      '去年呢？',
      '今年的目标呢？',
      '城中区去年旅游收入多少？',
      '增长了多少？',
      '城中区去年城镇新增就业多少人？',
      '农村劳动力转移就业呢？',
      '那湟源县呢？',
    ]);
    expect(engine.calls.map((c) => c.query)).toEqual([
      '城中区去年城镇新增就业多少人？',
      '城西区去年城镇新增就业多少人？',
      '那城西区呢？',
      '城中区2023年城镇新增就业多少人？',
      '城中区去年城镇新增就业是多少？',
      '城中区今年城镇新增就业是多少？',
      '城中区去年旅游收入多少？',
      '城中区去年旅游收入增长多少？',
      '城中区去年城镇新增就业多少人？',
      '城中区去年农村劳动力转移就业是多少？',
      '湟源县去年农村劳动力转移就业是多少？',
    ]);
    expect(text).toContain('（按上一问理解为：城西区 · 城镇新增就业 · 去年；输入 /原话 按原话查找）');
    expect(text).toContain('7557人');
    expect(text).toContain('7152人次');
    expect(text).toContain('已收录的报告不包括湟源县');
  });

  it('/引用 N gives the ready sentence of a confident answer only, as the 引用 buttons do', async () => {
    const { text } = await chat(['城中区去年城镇新增就业多少人？', '/引用 1']);
    expect(text).toContain('据《城中区：开好局启新程走在前作表率》，“');
    const fake = createFakeEngine();
    const unsure: typeof fake = { ...fake, search: async (q, o) => ({ ...(await fake.search(q, o)), found: false, confidence: 'low' }) };
    const uncertain = await chat(['城中区去年城镇新增就业多少人？', '/引用 1'], unsure);
    expect(uncertain.text).toContain('（可能相关）');
    expect(uncertain.text).not.toContain('据《');
    expect(uncertain.text).toContain('上一个回答没有确定的答案，不给引用句');
  });

  it('/原文 N cites the passage shown, not the paragraph before it', async () => {
    const { text } = await chat(['城中区去年城镇新增就业多少人？', '/原文 1']);
    const context = text.slice(text.lastIndexOf('【全年城镇新增就业6725人'));
    expect(context).toContain('出处：《城中区：开好局启新程走在前作表率》 · 城中区 · 2024年报告 · 第4段 · 000_be770faa11c46e25.txt 第26–37行');
  });

  it('lists a vague question\'s options by number and asks again with the one whose number is typed', async () => {
    const fake = createFakeEngine();
    const vague: typeof fake = {
      ...fake,
      search: async (q, o) => {
        const a = await fake.search(q, o);
        // As the engine does for a question naming no place: uncertain, with the places it could mean.
        return q.startsWith('新增就业') ? { ...a, found: false, confidence: 'low', askBack: { what: 'place', options: ['城中区', '城西区'] } } : a;
      },
    };
    const { text } = await chat(['新增就业多少人？', '2', '3'], vague);
    expect(text).toContain('请选择要问的地方：\n  1. 城中区\n  2. 城西区\n输入编号（1–2）按所选的地方再问一次。');
    expect(text).toContain('（问：城西区新增就业多少人？）');
    expect(fake.calls.map((c) => c.query)).toEqual(['新增就业多少人？', '城西区新增就业多少人？', '3']);
  });

  it('checks a pasted draft (a 1,036-character paste is not refused) and answers a comparison with its table', async () => {
    const index = await readIndex(sampleConfig().indexDir);
    const engine = Object.assign(createFakeEngine(), { index });
    const draft = ('城中区去年城镇新增就业6752人，地区生产总值同比增长16.1%。' + '各项工作扎实推进，群众获得感持续增强。'.repeat(3)).repeat(12).slice(0, 1036);
    expect([...draft].length).toBe(1036);
    const { text } = await chat([draft, '哪个区去年新增就业最多'], engine);
    expect(text).not.toContain(TEXT.tooLong);
    expect(text).toContain('❌ 6752人 → 报告为 【6725人】');
    expect(text).toContain('✅ 【16.1%】 与报告一致');
    expect(text).toMatch(/城中区[^\n]*6725人[\s\S]*未列入：湟中区（报告只给出2024年目标：2500人）/);
    expect(engine.calls).toEqual([]);
  });
});
