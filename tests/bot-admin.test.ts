// Admin features through bot.handleUpdate, without the model: uploads (refusals, checks before download,
// progress, corrupt and scanned PDFs through the real validation), /remove with confirmation, 👍/👎 feedback,
// and /stats from the log files. The real ingest with the real engine is in bot-admin-e2e.test.ts.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reasonInChinese } from '../src/bot/admin-texts.js';
import { REPORT_EXTENSIONS } from '../src/corpus/load.js';
import { type CallbackAction, decodeCallback, encodeCallback } from '../src/bot/callback-data.js';
import { DownloadError, telegramDownloader } from '../src/bot/download.js';
import { createFeedbackLog } from '../src/bot/feedback-log.js';
import { readJsonLines } from '../src/bot/jsonl.js';
import { createQueryLog, isQueryLogEntry } from '../src/bot/query-log.js';
import type { IngestResult, ReportAdmin } from '../src/app/report-admin.js';
import { computeStats, dayOf } from '../src/bot/stats.js';
import { percentile } from '../src/percentile.js';
import type { IncomingFile } from '../src/app/ingest.js';
import type { MetaCorrection } from '../src/types.js';
import { silentLogger } from '../src/log.js';
import { TELEGRAM_TEXT_LIMIT } from '../src/present/telegram.js';
import { ADMIN, assertWellFormedHtml, buttons, checkAll, createHarness, fixture, REPORTER, text, TOKEN, waitFor } from './helpers/bot-harness.js';
import { createFakeEngine } from './helpers/fake-engine.js';
import { indexedPlaceNames } from '../src/places/find.js';


let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'bot-admin-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A fresh, empty corpus and index folder per test, so nothing real is ever touched. */
function dirs() {
  const base = mkdtempSync(join(work, 'case-'));
  mkdirSync(join(base, 'corpus'));
  return { CORPUS_DIR: join(base, 'corpus'), INDEX_DIR: join(base, 'index') };
}

/** A ReportAdmin double: records calls, answers from a script, optionally waits for a gate. */
function fakeAdmin(result: (files: IncomingFile[]) => IngestResult) {
  const calls = { ingest: [] as string[], remove: [] as string[], correct: [] as [string, MetaCorrection][] };
  let release: () => void = () => {};
  let gate: Promise<void> | null = null;
  const admin: ReportAdmin & { calls: typeof calls; hold(): void; release(): void } = {
    calls,
    hold() {
      gate = new Promise((r) => (release = r));
    },
    release: () => release(),
    async ingest(files) {
      calls.ingest.push(...files.map((f) => f.name));
      if (gate) await gate;
      return result(files);
    },
    async remove(file) {
      calls.remove.push(file);
      return { build: { added: [], changed: [], removed: [file], unchanged: [], skipped: [], passageCount: 5, rebuilt: true, seconds: 0.1 } };
    },
    async correct(file, correction) {
      calls.correct.push([file, correction]);
      return { build: { added: [], changed: [file], removed: [], unchanged: [], skipped: [], passageCount: 5, rebuilt: false, seconds: 0.1 } };
    },
  };
  return admin;
}

const added = (title: string) => (files: IncomingFile[]): IngestResult => ({
  outcomes: files.map((f) => ({ file: f.name, status: 'added' as const, facts: { title, district: '城东区' as never, year: 2024, pages: 3, passages: 17 } })),
  build: { added: files.map((f) => f.name), changed: [], removed: [], unchanged: [], skipped: [], passageCount: 25, rebuilt: true, seconds: 1 },
});

describe('uploads', () => {
  it('refuses a document from anyone but an admin, politely, without downloading or storing it', async () => {
    const d = dirs();
    const h = createHarness(createFakeEngine(), { ...d, ADMIN_USER_IDS: '9' });
    const calls = await h.upload('report.docx', fixture('report.docx'), REPORTER);
    expect(h.of('sendMessage', calls)).toHaveLength(1);
    expect(text(calls[0])).toMatch(/只有管理员可以上传报告.*没有保存/);
    expect(h.of('getFile', calls)).toEqual([]);
    expect(h.downloads).toEqual([]);
    expect(readdirSync(d.CORPUS_DIR)).toEqual([]);
  });

  it('refuses a wrong type or an oversized file before downloading it', async () => {
    const d = dirs();
    const h = createHarness(createFakeEngine(), { ...d, ADMIN_USER_IDS: '9' });
    const exe = await h.upload('<b>evil</b>.exe', new Uint8Array([1, 2, 3]), ADMIN);
    expect(text(exe[0])).toContain('不支持这种文件类型');
    expect(text(exe[0])).toContain('&lt;b&gt;evil&lt;/b&gt;.exe');
    const big = await h.upload('huge.pdf', new Uint8Array([1]), ADMIN, { fileSize: 25 * 1024 * 1024 });
    expect(text(big[0])).toMatch(/文件太大（25\.0 MB）.*20 MB/);
    expect(h.of('getFile')).toEqual([]);
    expect(h.downloads).toEqual([]);
    expect(readdirSync(d.CORPUS_DIR)).toEqual([]);
    checkAll([...exe, ...big]);
  });

  it('downloads, validates and refuses a corrupt PDF and a scan, saying why, leaving the corpus untouched', async () => {
    const d = dirs();
    writeFileSync(join(d.CORPUS_DIR, 'old.txt'), '一份旧报告。');
    const h = createHarness(createFakeEngine(), { ...d, ADMIN_USER_IDS: '9' });
    const corrupt = await h.upload('truncated.pdf', fixture('truncated.pdf'), ADMIN);
    // Progress first ("正在下载"), then the same message edited with the result.
    const [progress] = h.of('sendMessage', corrupt);
    expect(text(progress)).toContain('正在下载');
    expect(h.of('getFile', corrupt)).toHaveLength(1);
    const edits = h.of('editMessageText', corrupt);
    expect(text(edits[0])).toContain('正在检查');
    const final = edits.at(-1)!;
    // Harness message ids: file id 1001, the document 1002, the bot's progress reply 1003.
    expect(edits.map((e) => e.payload.message_id)).toEqual(edits.map(() => 1003));
    expect(text(final)).toContain('没有收录');
    expect(text(final)).toContain('损坏');
    expect(text(final)).toContain('没有任何改动');
    const scan = await h.upload('scan.pdf', fixture('scan.pdf'), ADMIN);
    expect(text(h.of('editMessageText', scan).at(-1))).toContain('扫描件');
    expect(h.downloads).toHaveLength(2);
    expect(readdirSync(d.CORPUS_DIR)).toEqual(['old.txt']);
    checkAll([...corrupt, ...scan]);
    expect(h.logs.filter((l) => l.startsWith('[error]'))).toEqual([]);
  });

  it('reports what it found in an added report, escaped', async () => {
    const admin = fakeAdmin(added('<script>示例区&报告</script>'));
    const h = createHarness(createFakeEngine(), { ...dirs(), ADMIN_USER_IDS: '9' }, [], { reportAdmin: admin });
    const calls = await h.upload('示例区 & <2024>.pdf', fixture('two-columns.pdf'), ADMIN);
    expect(admin.calls.ingest).toEqual(['示例区 & _2024_.pdf']); // the name made safe for corpus/
    const final = text(h.of('editMessageText', calls).at(-1));
    expect(final).toContain('已收录');
    expect(final).toContain('示例区 &amp; _2024_.pdf');
    expect(final).toContain('《&lt;script&gt;示例区&amp;报告&lt;/script&gt;》');
    expect(final).toContain('地方：城东区 · 年份：2024年 · 页数：3 · 段落：17');
    expect(final).toContain('现在就可以提问了');
    checkAll(calls);
  });

  it('takes page images sent as documents (also without a file name); a photo sent compressed gets a hint', async () => {
    const admin = fakeAdmin(added('示例县报告'));
    const h = createHarness(createFakeEngine(), { ...dirs(), ADMIN_USER_IDS: '9' }, [], { reportAdmin: admin });
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);
    expect(text(h.of('editMessageText', await h.upload('第3页.PNG', png, ADMIN)).at(-1))).toContain('已收录');
    await h.upload('', png, ADMIN, { mimeType: 'image/jpeg' });
    await h.upload('page.jpeg', png, ADMIN);
    expect(admin.calls.ingest).toEqual(['第3页.PNG', 'report.jpg', 'page.jpeg']);
    const wrong = text((await h.upload('page.gif', png, ADMIN))[0]);
    expect(wrong).toContain('不支持这种文件类型');
    for (const ext of REPORT_EXTENSIONS) expect(wrong).toContain(ext.slice(1).toUpperCase());
    const photo = { photo: [{ file_id: 'p1', file_unique_id: 'up1', width: 800, height: 1200 }] };
    expect(text((await h.send(h.messageUpdate(photo, ADMIN)))[0])).toContain('以“文件”方式发送');
    expect(text((await h.send(h.messageUpdate(photo, REPORTER)))[0])).toContain('我只能回答文字问题');
  });

  it('offers 更正地方 / 更正年份 under an added report; the typed or tapped value is stored, wrong ones explained', async () => {
    // The fake engine lists this file, so the reply after a correction shows the report as the index has it.
    const file = '001_338ed807dc2533c7.txt';
    const admin = fakeAdmin(added('示例区报告'));
    const h = createHarness(createFakeEngine(), { ...dirs(), ADMIN_USER_IDS: '9' }, [], { reportAdmin: admin });
    const result = h.of('editMessageText', await h.upload(file, fixture('report.docx'), ADMIN)).at(-1)!;
    const [place, year] = buttons(result)[0]!;
    expect([place![0], year![0]]).toEqual(['更正地方', '更正年份']);
    for (const [, data] of buttons(result).flat()) expect(Buffer.byteLength(data)).toBeLessThan(64);
    // Not for reporters.
    expect(h.of('answerCallbackQuery', await h.press(place![1], { message_id: 1 }, REPORTER))[0]!.payload.text).toContain('只有管理员');

    const ask = h.of('sendMessage', await h.press(place![1], { message_id: 1 }, ADMIN))[0]!;
    expect(text(ask)).toContain('请发送这份报告所属地方的名称');
    expect(buttons(ask).flat().map(([t]) => t)).toEqual([...indexedPlaceNames(createFakeEngine().reports()), '取消']);
    expect(text((await h.text('火星基地', ADMIN))[0])).toContain('没认出这个地方'); // still waiting
    const done = await h.text('宜君县', ADMIN);
    expect(admin.calls.correct).toEqual([[file, { place: '610222' }]]);
    expect(text(h.of('sendMessage', done)[0])).toContain('正在更正');
    const corrected = h.of('editMessageText', done).at(-1)!;
    expect(text(corrected)).toContain('已更正');
    expect(buttons(corrected)[0]!.map(([t]) => t)).toEqual(['更正地方', '更正年份']); // can be corrected again
    // The next text is a question again, not a correction.
    await h.text('宜君县', ADMIN);
    expect(admin.calls.correct).toHaveLength(1);

    const years = h.of('sendMessage', await h.press(year![1], { message_id: 1 }, ADMIN))[0]!;
    expect(buttons(years)[0]!.map(([t]) => t)).toEqual(['2023', '2024', '2025']); // around the year read from the upload
    expect(text((await h.text('二〇二五', ADMIN))[0])).toContain('四位数的年份');
    await h.press(buttons(years)[0]![2]![1], { message_id: 1 }, ADMIN);
    expect(admin.calls.correct.at(-1)).toEqual([file, { year: 2025 }]);
    // Cancel: the next text is a question.
    await h.press(year![1], { message_id: 1 }, ADMIN);
    const cancel = buttons(h.of('sendMessage').at(-1)).flat().find(([t]) => t === '取消')!;
    await h.press(cancel[1], { message_id: 1 }, ADMIN);
    await h.text('2025', ADMIN);
    expect(admin.calls.correct).toHaveLength(2);
    // Buttons expire with the sessions.
    h.clock.now += h.config.sessionTtlMinutes * 60_000 + 1;
    expect(h.of('answerCallbackQuery', await h.press(year![1], { message_id: 1 }, ADMIN))[0]!.payload.text).toContain('已过期');
    checkAll(h.calls);
  });

  it('says when a file duplicates an indexed one', async () => {
    const admin = fakeAdmin((files) => ({ outcomes: files.map((f) => ({ file: f.name, status: 'duplicate' as const, duplicateOf: 'report.docx' })), build: null }));
    const h = createHarness(createFakeEngine(), { ...dirs(), ADMIN_USER_IDS: '9' }, [], { reportAdmin: admin });
    const final = text(h.of('editMessageText', await h.upload('copy.docx', fixture('report.docx'), ADMIN)).at(-1));
    expect(final).toContain('没有重复收录');
    expect(final).toContain('report.docx');
  });

  it('a failing download says so and changes nothing', async () => {
    const h = createHarness(createFakeEngine(), { ...dirs(), ADMIN_USER_IDS: '9' }, [], {
      download: async () => {
        throw new DownloadError('the Bot API file server answered HTTP 502');
      },
    });
    const calls = await h.upload('report.docx', fixture('report.docx'), ADMIN);
    expect(text(h.of('editMessageText', calls).at(-1))).toMatch(/没能从 Telegram 下载[\s\S]*HTTP 502[\s\S]*没有任何改动/);
  });

  it('keeps answering questions while an upload is being indexed', async () => {
    const admin = fakeAdmin(added('示例区报告'));
    admin.hold();
    const h = createHarness(createFakeEngine(), { ...dirs(), ADMIN_USER_IDS: '9' }, [], { reportAdmin: admin });
    const upload = h.upload('b.pdf', fixture('two-columns.pdf'), ADMIN); // resolves when the upload is done
    await waitFor(() => admin.calls.ingest.includes('b.pdf'));
    const before = h.calls.length;
    await h.bot.handleUpdate({ update_id: 901, ...h.messageUpdate({ text: '城中区去年城镇新增就业多少人？' }, REPORTER) } as never);
    await waitFor(() => h.of('sendMessage', h.calls.slice(before)).length > 0);
    expect(text(h.of('sendMessage', h.calls.slice(before))[0])).toContain('6725人');
    expect(h.of('editMessageText').some((c) => text(c).includes('已收录'))).toBe(false); // still indexing
    admin.release();
    await upload;
    expect(h.of('editMessageText').some((c) => text(c).includes('已收录'))).toBe(true);
  });
});

describe('/remove', () => {
  it('is for admins only, buttons included', async () => {
    const admin = fakeAdmin(added('x'));
    const h = createHarness(createFakeEngine(), { ADMIN_USER_IDS: '9' }, [], { reportAdmin: admin });
    expect(text((await h.command('/remove', REPORTER))[0])).toContain('管理员');
    const list = h.of('sendMessage', await h.command('/remove', ADMIN))[0]!;
    const pick = buttons(list).flat()[0]![1];
    const calls = await h.press(pick, { message_id: 1 }, REPORTER);
    expect(String(h.of('answerCallbackQuery', calls)[0]?.payload.text)).toContain('管理员');
    expect(admin.calls.remove).toEqual([]);
  });

  it('lists the reports with a button each, confirms, then removes once', async () => {
    const admin = fakeAdmin(added('x'));
    const h = createHarness(createFakeEngine(), { ADMIN_USER_IDS: '9' }, [], { reportAdmin: admin });
    const list = h.of('sendMessage', await h.command('/remove', ADMIN))[0]!;
    expect(text(list)).toContain('000_be770faa11c46e25.txt');
    expect(text(list)).toContain('001_338ed807dc2533c7.txt');
    const rows = buttons(list).flat();
    expect(rows.map(([t]) => t)).toEqual(['1. 000_be770faa11c46e25.txt', '2. 001_338ed807dc2533c7.txt', '取消']);
    checkAll([list]);

    const confirm = await h.press(rows[1]![1], { message_id: 7 }, ADMIN);
    const ask = h.of('editMessageText', confirm)[0]!;
    expect(ask.payload.message_id).toBe(7);
    expect(text(ask)).toMatch(/确定要删除.*001_338ed807dc2533c7\.txt.*城西区：奋楫笃行谱新篇/);
    expect(admin.calls.remove).toEqual([]); // nothing removed before the confirmation
    const yes = buttons(ask).flat().find(([t]) => t.includes('确认删除'))!;

    const done = await h.press(yes[1], { message_id: 7 }, ADMIN);
    expect(admin.calls.remove).toEqual(['001_338ed807dc2533c7.txt']);
    const edits = h.of('editMessageText', done);
    expect(text(edits[0])).toContain('正在删除');
    expect(text(edits.at(-1))).toMatch(/已删除.*001_338ed807dc2533c7\.txt/);
    // A second tap on the same confirmation removes nothing.
    const again = await h.press(yes[1], { message_id: 7 }, ADMIN);
    expect(String(h.of('answerCallbackQuery', again)[0]?.payload.text)).toContain('过期');
    expect(admin.calls.remove).toHaveLength(1);
    checkAll([...confirm, ...done]);
  });

  it('accepts a number or a file name, can be cancelled, and explains an unknown name', async () => {
    const admin = fakeAdmin(added('x'));
    const h = createHarness(createFakeEngine(), { ADMIN_USER_IDS: '9' }, [], { reportAdmin: admin });
    const byName = h.of('sendMessage', await h.command('/remove 000_be770faa11c46e25.txt', ADMIN))[0]!;
    expect(text(byName)).toContain('确定要删除');
    const cancel = buttons(byName).flat().find(([t]) => t === '取消')!;
    const cancelled = await h.press(cancel[1], { message_id: 3 }, ADMIN);
    expect(text(h.of('editMessageText', cancelled)[0])).toContain('已取消');
    const byNumber = h.of('sendMessage', await h.command('/remove 2', ADMIN))[0]!;
    expect(text(byNumber)).toContain('001_338ed807dc2533c7.txt');
    const unknown = await h.command('/remove <b>nope</b>.pdf', ADMIN);
    expect(text(unknown[0])).toContain('没有找到报告“&lt;b&gt;nope&lt;/b&gt;.pdf”');
    expect(admin.calls.remove).toEqual([]);
  });

  it('expires its buttons', async () => {
    const admin = fakeAdmin(added('x'));
    const h = createHarness(createFakeEngine(), { ADMIN_USER_IDS: '9' }, [], { reportAdmin: admin });
    const ask = h.of('sendMessage', await h.command('/remove 1', ADMIN))[0]!;
    h.clock.now += 60 * 60_000;
    const yes = buttons(ask).flat().find(([t]) => t.includes('确认删除'))!;
    const calls = await h.press(yes[1], { message_id: 3 }, ADMIN);
    expect(String(h.of('answerCallbackQuery', calls)[0]?.payload.text)).toContain('过期');
    expect(admin.calls.remove).toEqual([]);
  });
});

describe('feedback', () => {
  async function card(h: ReturnType<typeof createHarness>, from = REPORTER) {
    const c = h.of('sendMessage', await h.text('城中区去年城镇新增就业多少人？', from))[0]!;
    const all = buttons(c).flat();
    return { up: all.find(([t]) => t.startsWith('👍'))!, down: all.find(([t]) => t.startsWith('👎'))! };
  }

  it('puts 👍 and 👎 under every answer card, and not under "not found"', async () => {
    const h = createHarness(createFakeEngine());
    const { up, down } = await card(h);
    expect(up[0]).toBe('👍 有用');
    expect(down[0]).toBe('👎 没用');
    const nothing = h.of('sendMessage', await h.text('湟源县2023年固定资产投资增长多少？'))[0]!;
    expect(buttons(nothing).flat().some(([t]) => t.startsWith('👍'))).toBe(false);
  });

  it('records a vote with the question and the cited passages, thanks, and shows the vote on the button', async () => {
    const h = createHarness(createFakeEngine());
    const { up } = await card(h);
    const calls = await h.press(up[1], { message_id: 1 });
    expect(h.of('answerCallbackQuery', calls)[0]?.payload.text).toBe('谢谢反馈！');
    const markup = h.of('editMessageReplyMarkup', calls)[0]!;
    expect(buttons(markup).flat().map(([t]) => t)).toContain('👍 有用 1');
    expect(buttons(markup).flat().some(([t]) => t.includes('原文'))).toBe(true); // the rest of the keyboard stays
    const { entries } = await h.feedbackLog.read();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ query: '城中区去年城镇新增就业多少人？', verdict: 'up', via: 'private', cardPage: 1 });
    expect(entries[0]!.user).toMatch(/^[0-9a-f]{64}$/);
    expect(entries[0]!.cited[0]).toEqual({ rank: 1, file: '000_be770faa11c46e25.txt', paragraph: 4, lines: [26, 37] });
  });

  it('a second tap, on either button, records nothing', async () => {
    const h = createHarness(createFakeEngine());
    const { up, down } = await card(h);
    await h.press(down[1], { message_id: 1 });
    for (const b of [down, up]) {
      const calls = await h.press(b[1], { message_id: 1 });
      expect(String(h.of('answerCallbackQuery', calls)[0]?.payload.text)).toMatch(/已记录你的反馈（👎）/);
      expect(h.of('editMessageReplyMarkup', calls)).toEqual([]);
    }
    expect((await h.feedbackLog.read()).entries.map((e) => e.verdict)).toEqual(['down']);
  });

  it('counts each member of a group once', async () => {
    const h = createHarness(createFakeEngine());
    const group = { chatId: -100500, chatType: 'supergroup' as const };
    const c = h.of('sendMessage', await h.command('/ask 城中区去年城镇新增就业多少人？', { userId: 1, ...group }))[0]!;
    const up = buttons(c).flat().find(([t]) => t.startsWith('👍'))!;
    await h.press(up[1], { message_id: 1 }, { userId: 1, ...group });
    const second = await h.press(up[1], { message_id: 1 }, { userId: 2, ...group });
    expect(buttons(h.of('editMessageReplyMarkup', second)[0]).flat().map(([t]) => t)).toContain('👍 有用 2');
    expect((await h.feedbackLog.read()).entries.map((e) => e.via)).toEqual(['group', 'group']);
  });

  it('answers a vote on an expired card politely, recording nothing', async () => {
    const h = createHarness(createFakeEngine());
    const { up } = await card(h);
    h.clock.now += (h.config.sessionTtlMinutes + 1) * 60_000;
    const calls = await h.press(up[1], { message_id: 1 });
    expect(String(h.of('answerCallbackQuery', calls)[0]?.payload.text)).toContain('过期');
    expect((await h.feedbackLog.read()).entries).toEqual([]);
  });

  it('writes JSON lines to FEEDBACK_LOG, creating its folder on the first vote only', async () => {
    const dir = mkdtempSync(join(work, 'fb-'));
    const path = join(dir, 'sub', 'feedback.jsonl');
    const log = createFeedbackLog({ path, salt: 's', log: silentLogger, now: () => new Date('2024-03-05T06:00:00Z') });
    await log.flush();
    expect(readdirSync(dir)).toEqual([]);
    const h = createHarness(createFakeEngine(), {}, [], { feedbackLog: log });
    const { down } = await card(h);
    await h.press(down[1], { message_id: 1 });
    await log.flush();
    const lines = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ time: '2024-03-05T06:00:00.000Z', verdict: 'down', query: '城中区去年城镇新增就业多少人？' });
    expect(JSON.stringify(lines[0])).not.toContain('1001');
  });
});

describe('/stats', () => {
  const NOW = Date.parse('2024-03-05T04:00:00Z'); // 12:00 in Beijing
  const q = (time: string, query: string, found: boolean, latencyMs: number) => JSON.stringify({ time, user: 'h', via: 'private', query, found, results: found ? 3 : 0, latencyMs });

  function logs() {
    const dir = mkdtempSync(join(work, 'stats-'));
    const queries = join(dir, 'queries.jsonl');
    const feedback = join(dir, 'feedback.jsonl');
    return { dir, queries, feedback };
  }

  it('reads the log files: today and total, share not found, p50/p95, recent unanswered and 👎, skipping bad lines', async () => {
    const { queries, feedback } = logs();
    const lines = [
      q('2024-03-04T10:00:00Z', '昨天的问题', true, 100), // 18:00 on the 4th in Beijing
      q('2024-03-04T16:30:00Z', '<b>北京时间今天</b> & 没找到', false, 200), // 00:30 on the 5th in Beijing
      '{"time": "2024-03-05T01:00:00Z", "query": "半行',
      'not json at all',
      JSON.stringify({ hello: 'world' }),
      q('2024-03-05T02:00:00Z', '今天找到了', true, 300),
      q('2024-03-05T03:00:00Z', '湟源县2023年固定资产投资增长多少？', false, 4000),
    ];
    writeFileSync(queries, lines.join('\n') + '\n');
    const cited = [{ rank: 1, file: 'a.txt', paragraph: 1, lines: [1, 2] }];
    writeFileSync(
      feedback,
      [
        JSON.stringify({ time: '2024-03-05T02:10:00Z', user: 'h', via: 'private', query: '今天找到了', verdict: 'up', cardPage: 1, cited }),
        JSON.stringify({ time: '2024-03-05T02:20:00Z', user: 'h', via: 'private', query: '城西区<script>优抚资金', verdict: 'down', cardPage: 1, cited }),
        '{"verdict": "down"',
      ].join('\n'),
    );
    const h = createHarness(createFakeEngine(), { ADMIN_USER_IDS: '9' }, [], {
      queryLog: createQueryLog({ path: queries, salt: '', log: silentLogger }),
      feedbackLog: createFeedbackLog({ path: feedback, salt: '', log: silentLogger }),
    });
    h.clock.now = NOW;
    const refused = await h.command('/stats', REPORTER);
    expect(text(refused[0])).toContain('管理员');
    expect(text(refused[0])).not.toContain('提问');
    const html = text(h.of('sendMessage', await h.command('/stats', ADMIN))[0]);
    expect(html).toContain('今天提问 3 次，累计提问 4 次');
    expect(html).toContain('未找到答案 2 次，占 50.0%');
    expect(html).toContain('p50 200 ms，p95 4.0 s');
    expect(html).toContain('👍 1 · 👎 1');
    expect(html).toContain('查询 3 行，反馈 1 行');
    const unanswered = html.slice(html.indexOf('最近未找到答案'), html.indexOf('最近 👎'));
    expect(unanswered.indexOf('湟源县')).toBeLessThan(unanswered.indexOf('北京时间今天')); // newest first
    expect(unanswered).toContain('&lt;b&gt;北京时间今天&lt;/b&gt; &amp; 没找到');
    expect(html.slice(html.indexOf('最近 👎'))).toContain('城西区&lt;script&gt;优抚资金');
    assertWellFormedHtml(html);
  });

  it('counts questions asked through the bot, and copes with missing log files', async () => {
    const { dir, queries } = logs();
    const h = createHarness(createFakeEngine(), { ADMIN_USER_IDS: '9' }, [], {
      queryLog: createQueryLog({ path: queries, salt: '', log: silentLogger }),
      feedbackLog: createFeedbackLog({ path: join(dir, 'none', 'feedback.jsonl'), salt: '', log: silentLogger }),
    });
    const empty = text(h.of('sendMessage', await h.command('/stats', ADMIN))[0]);
    expect(empty).toContain('累计提问 0 次');
    expect(empty).toContain('未找到答案：—');
    await h.text('湟源县2023年固定资产投资增长多少？');
    await h.text('城中区去年城镇新增就业多少人？');
    const html = text(h.of('sendMessage', await h.command('/stats', ADMIN))[0]);
    expect(html).toContain('累计提问 2 次');
    expect(html).toContain('占 50.0%');
    expect(html).toContain('湟源县');
  });

  it('stays under 4096 characters with long questions', async () => {
    const { queries } = logs();
    writeFileSync(queries, Array.from({ length: 50 }, (_, i) => q('2024-03-05T02:00:00Z', `${i}问`.repeat(300), false, 10)).join('\n'));
    const h = createHarness(createFakeEngine(), { ADMIN_USER_IDS: '9' }, [], { queryLog: createQueryLog({ path: queries, salt: '', log: silentLogger }) });
    const html = text(h.of('sendMessage', await h.command('/stats', ADMIN))[0]);
    expect(html.length).toBeLessThanOrEqual(TELEGRAM_TEXT_LIMIT);
    expect(html.match(/^• /gm)).toHaveLength(5);
    assertWellFormedHtml(html);
  });
});

describe('admin pieces', () => {
  it('computes percentiles and Beijing days', () => {
    expect(percentile([], 0.5)).toBeNull();
    expect(percentile([5], 0.95)).toBe(5);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.5)).toBe(5);
    expect(percentile([10, 1, 9, 2, 8, 3, 7, 4, 6, 5], 0.95)).toBe(10);
    expect(dayOf('2024-03-04T16:00:00Z')).toBe('2024-03-05');
    expect(dayOf('2024-03-04T15:59:59Z')).toBe('2024-03-04');
    const s = computeStats({ entries: [], skipped: 0, missing: true }, { entries: [], skipped: 0, missing: true }, new Date());
    expect(s).toMatchObject({ total: 0, today: 0, notFoundShare: null, p50: null, recentUnanswered: [], votes: { up: 0, down: 0 } });
  });

  it('reads JSON lines tolerantly: missing file, corrupt lines, unreadable path', async () => {
    const dir = mkdtempSync(join(work, 'jsonl-'));
    expect(await readJsonLines(join(dir, 'none.jsonl'), isQueryLogEntry)).toMatchObject({ entries: [], missing: true });
    expect((await readJsonLines(dir, isQueryLogEntry)).error).toBeDefined(); // a directory
    const path = join(dir, 'q.jsonl');
    writeFileSync(path, '{"time":"2024-01-01T00:00:00Z","query":"a","found":true,"latencyMs":1}\r\n\n{"time":"nope","query":"b","found":true}\n[1,2]\n');
    expect(await readJsonLines(path, isQueryLogEntry)).toMatchObject({ entries: [{ query: 'a' }], skipped: 2, missing: false });
  });

  it('encodes the new buttons under 64 bytes and rejects forged ones', () => {
    const actions: CallbackAction[] = [
      { kind: 'feedback', sid: 'AbC-_123', verdict: 'up', page: 3 },
      { kind: 'feedback', sid: 'zzzzzzzz', verdict: 'down', page: 0 },
      { kind: 'removePick', token: 'AbC-_123', index: 39 },
      { kind: 'removeConfirm', token: 'AbC-_123', index: 0 },
      { kind: 'removeCancel', token: 'AbC-_123' },
    ];
    for (const a of actions) {
      const data = encodeCallback(a);
      expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);
      expect(decodeCallback(data)).toEqual(a);
    }
    for (const junk of ['f:abcd:x:1', 'f:abcd:u', 'r:abcd', 'rc:abcd:-1', 'rx:abcd:1', 'r:ab:1']) expect(decodeCallback(junk)).toBeNull();
  });

  it('says each kind of rejection in Chinese', () => {
    expect(reasonInChinese('file-type')).toContain('不支持');
    expect(reasonInChinese('no-text-layer')).toContain('扫描件');
    expect(reasonInChinese('undecodable-text')).toContain('无法解码');
    expect(reasonInChinese('corrupt')).toContain('损坏');
    expect(reasonInChinese('password')).toContain('密码');
    expect(reasonInChinese('old-format')).toContain('.doc');
    expect(reasonInChinese('wrong-type')).toContain('扩展名');
    expect(reasonInChinese('too-large')).toContain('太大');
    expect(reasonInChinese('no-text')).toContain('正文');
    expect(reasonInChinese('encoding')).toContain('编码');
    expect(reasonInChinese('file-name')).toContain('文件名');
    expect(reasonInChinese('unreadable')).toContain('无法读取');
  });

  describe('the default download over HTTP', () => {
    let server: Server;
    let root: string;
    const seen: string[] = [];
    beforeAll(async () => {
      server = createServer((req, res) => {
        seen.push(req.url ?? '');
        if (req.url === `/file/bot${TOKEN}/documents/file_1.pdf`) return void res.end(Buffer.from('%PDF-1.7 bytes'));
        if (req.url === `/file/bot${TOKEN}/documents/%E6%8A%A5%E5%91%8A.pdf`) return void res.end(Buffer.from('中文'));
        if (req.url?.endsWith('/big.pdf')) {
          res.writeHead(200); // no content-length: the cap applies while streaming
          res.write(Buffer.alloc(600));
          return void res.end(Buffer.alloc(600));
        }
        res.writeHead(404).end('Not Found');
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      root = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    it('fetches file_path from the Bot API file server, caps the size, and never leaks the token', async () => {
      const download = telegramDownloader({ telegramApiRoot: root, botToken: TOKEN }, { maxBytes: 1000 });
      expect(Buffer.from(await download('documents/file_1.pdf')).toString()).toBe('%PDF-1.7 bytes');
      expect(Buffer.from(await download('documents/报告.pdf')).toString()).toBe('中文');
      const missing = await download('documents/none.pdf').catch((e: Error) => e);
      expect(missing).toBeInstanceOf(DownloadError);
      expect(String(missing)).toContain('404');
      expect(String(missing)).not.toContain(TOKEN);
      await expect(download('documents/big.pdf')).rejects.toThrow(/larger than/);
      const offline = telegramDownloader({ telegramApiRoot: 'http://127.0.0.1:1', botToken: TOKEN }, { maxBytes: 1000 });
      const err = await offline('documents/file_1.pdf').catch((e: Error) => e);
      expect(err).toBeInstanceOf(DownloadError);
      expect(String(err)).not.toContain(TOKEN);
    });
  });
});
