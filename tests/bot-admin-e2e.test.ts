// Uploads and /remove for real: the real engine on a temporary corpus (one report copied in), driven through
// bot.handleUpdate, with the file download served by the harness. The model is loaded once for the file and
// shared with the engine (the bot reuses engine.embedder, so it is never loaded twice).
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Config, parseConfig } from '../src/config/index.js';
import { type Embedder, loadEmbedder } from '../src/embed/index.js';
import { currentVersion } from '../src/index/store.js';
import { openEngine } from '../src/app/open.js';
import type { Engine } from '../src/types.js';
import { ADMIN, type ApiCall, assertWellFormedHtml, buttons, createHarness, fixture, type Harness, REPORTER, text, waitFor } from './helpers/bot-harness.js';
import { SAMPLE_DIR } from './helpers/sample.js';


let work: string;
let embedder: Embedder;
let config: Config;
let engine: Engine & { readonly embedder: Embedder };
/**
 * Calls to embed() made for uploads: an index build reports its batches (onBatch). A question uses embedQuery, and
 * embed() without onBatch for its words and the index's indicator words (src/search/vocabulary.ts): never held.
 */
let embedCalls = 0;
let gate: Promise<void> | null = null;
let h: Harness;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'bot-admin-e2e-'));
  cpSync(join(SAMPLE_DIR, '003_82e26507ed7144a6.txt'), join(work, 'corpus', '003.txt'));
  const loaded = await loadEmbedder(parseConfig({}));
  // The same model, with a gate on embed() so a test can hold an ingest mid-way.
  embedder = {
    ...loaded,
    async embed(texts, options) {
      if (!options?.onBatch) return loaded.embed(texts, options);
      embedCalls += 1;
      if (gate) await gate;
      return loaded.embed(texts, options);
    },
  };
  const env = { CORPUS_DIR: join(work, 'corpus'), INDEX_DIR: join(work, 'index') };
  config = parseConfig(env);
  engine = await openEngine(config, { embedder });
  h = createHarness(engine, { ...env, ADMIN_USER_IDS: '9' });
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const lastEdit = (calls: ApiCall[]) => text(calls.filter((c) => c.method === 'editMessageText').at(-1));
const ask = async (q: string) => {
  const card = (await h.text(q, REPORTER)).find((c) => c.method === 'sendMessage');
  assertWellFormedHtml(text(card));
  return text(card);
};

describe('uploads and removal through the bot, real engine', () => {
  it('an admin uploads a DOCX: downloaded, ingested, reported, and answerable at once', async () => {
    expect(await ask('城镇登记失业率控制在多少以内？')).not.toContain('report.docx');
    const calls = await h.upload('report.docx', fixture('report.docx'), ADMIN);
    expect(h.downloads).toHaveLength(1);
    const result = lastEdit(calls);
    expect(result).toContain('已收录');
    expect(result).toContain('《2024年示例区人民政府工作报告》');
    expect(result).toMatch(/年份：2024年 · 段落：\d+/);
    expect(result).toContain('索引共 2 份报告');
    expect(readdirSync(config.corpusDir).sort()).toEqual(['003.txt', 'report.docx']);
    // No restart: the running engine answers from the new report, and /sources lists it.
    expect(await ask('城镇登记失业率控制在多少以内？')).toMatch(/4%以内[\s\S]*📄 《2024年示例区人民政府工作报告》/);
    expect(text((await h.command('/sources', REPORTER))[0])).toContain('2024年示例区人民政府工作报告');
  });

  it('an admin corrects the place and year of the uploaded report: stored in corpus/reports.json, indexed, answered at once', async () => {
    const result = h.of('editMessageText').at(-1)!; // the DOCX upload's reply
    const [place, year] = buttons(result)[0]!;
    expect(h.of('sendMessage', await h.press(place![1], { message_id: 1 }, ADMIN))[0]).toBeDefined();
    const placed = lastEdit(await h.text('宜君县', ADMIN));
    assertWellFormedHtml(placed);
    expect(placed).toContain('已更正');
    expect(placed).toContain('地方：宜君县（县级 · 铜川市） · 年份：2024年');
    const years = h.of('sendMessage', await h.press(year![1], { message_id: 1 }, ADMIN))[0]!;
    const y2025 = buttons(years).flat().find(([t]) => t === '2025')!;
    expect(lastEdit(await h.press(y2025[1], { message_id: 1 }, ADMIN))).toContain('地方：宜君县（县级 · 铜川市） · 年份：2025年');
    expect(JSON.parse(readFileSync(join(config.corpusDir, 'reports.json'), 'utf8'))).toEqual({ 'report.docx': { place: '610222', year: 2025 } });
    expect(engine.reports().find((r) => r.file === 'report.docx')).toMatchObject({ district: '宜君县', year: 2025 });
    // A question naming the corrected place now finds the report.
    expect(await ask('宜君县城镇登记失业率控制在多少以内？')).toMatch(/4%以内[\s\S]*📄 《2024年示例区人民政府工作报告》 · 宜君县/);
  });

  it('answers questions from the previous index while a PDF is being indexed, then from the new one, citing its page', async () => {
    let release!: () => void;
    gate = new Promise((r) => (release = r));
    const before = embedCalls;
    const upload = h.upload('two-columns.pdf', fixture('two-columns.pdf'), ADMIN);
    try {
      await waitFor(() => embedCalls > before, 30_000); // the ingest is embedding the PDF's passages
      const start = h.calls.length;
      await h.bot.handleUpdate({ update_id: 5000, ...h.messageUpdate({ text: '新增停车泊位多少个？' }, REPORTER) } as never);
      await waitFor(() => h.calls.slice(start).some((c) => c.method === 'sendMessage'), 30_000);
      const during = text(h.calls.slice(start).find((c) => c.method === 'sendMessage'));
      expect(during).not.toContain('two-columns.pdf'); // answered, from the index as it was
      expect(engine.reports().map((r) => r.file)).toEqual(['003.txt', 'report.docx']);
    } finally {
      gate = null;
      release();
    }
    const result = lastEdit(await upload);
    expect(result).toContain('已收录');
    expect(result).toContain('页数：3');
    const card = await ask('新增停车泊位多少个？');
    expect(card).toContain('<b>3200个</b>');
    // The page in the source line in words (the file is on the 原文 card).
    expect(card).toMatch(/📄 《[^》\n]+》[^\n]* · 第\d+页/);
  });

  it('refuses a duplicate, a corrupt PDF and a scan, saying why, leaving corpus and index untouched', async () => {
    const version = currentVersion(config.indexDir);
    const corpus = readdirSync(config.corpusDir).sort();
    expect(lastEdit(await h.upload('copy.docx', fixture('report.docx'), ADMIN))).toMatch(/没有重复收录[\s\S]*report\.docx/);
    expect(lastEdit(await h.upload('truncated.pdf', fixture('truncated.pdf'), ADMIN))).toMatch(/没有收录[\s\S]*损坏/);
    expect(lastEdit(await h.upload('scan.pdf', fixture('scan.pdf'), ADMIN))).toMatch(/没有收录[\s\S]*扫描件/);
    expect(currentVersion(config.indexDir)).toBe(version);
    expect(readdirSync(config.corpusDir).sort()).toEqual(corpus);
    expect(await ask('新增停车泊位多少个？')).toContain('<b>3200个</b>'); // still answering
  });

  it('refuses an upload from a non-admin and stores nothing', async () => {
    const corpus = readdirSync(config.corpusDir).sort();
    const downloads = h.downloads.length;
    const calls = await h.upload('other.txt', new TextEncoder().encode('城中区今年新建公园8个。'), REPORTER);
    expect(text(calls[0])).toContain('只有管理员');
    expect(h.downloads).toHaveLength(downloads);
    expect(readdirSync(config.corpusDir).sort()).toEqual(corpus);
  });

  it('/remove takes a report out after confirmation; it stops answering at once', async () => {
    const list = (await h.command('/remove', ADMIN)).find((c) => c.method === 'sendMessage')!;
    const pick = buttons(list).flat().find(([t]) => t.includes('two-columns.pdf'))!;
    const confirm = (await h.press(pick[1], { message_id: 1 }, ADMIN)).find((c) => c.method === 'editMessageText')!;
    const yes = buttons(confirm).flat().find(([t]) => t.includes('确认删除'))!;
    const done = await h.press(yes[1], { message_id: 1 }, ADMIN);
    expect(lastEdit(done)).toMatch(/已删除[\s\S]*two-columns\.pdf[\s\S]*2 份报告/);
    expect(existsSync(join(config.corpusDir, 'two-columns.pdf'))).toBe(false);
    expect(engine.reports().map((r) => r.file).sort()).toEqual(['003.txt', 'report.docx']);
    expect(await ask('新增停车泊位多少个？')).not.toContain('two-columns.pdf');
  });
});
