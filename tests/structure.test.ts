// The structure stage on whole reports written for these tests (tests/fixtures/structure): front matter wherever
// it sits, the section tree with periods, figures with their period, span and unit, and no digit lost.
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexedCopy } from './helpers/indexed.js';
import { SAMPLE_DIR } from './helpers/sample.js';
import { compareIndicator } from '../src/check/compare.js';
import { figureBookOf, type FigureBook } from '../src/check/index.js';
import type { Engine } from '../src/types.js';
import { cleanReport } from '../src/clean/index.js';
import { parseReport, type ReportFile } from '../src/corpus/load.js';
import { createFigureBook, checkText } from '../src/check/index.js';
import { extractRecords, spanOf } from '../src/figures/records.js';
import { segmentReport } from '../src/passages/index.js';
import { readStructure, titleIn } from '../src/structure/index.js';
import { isPageDebris } from '../src/structure/front.js';
import { loadSynonyms } from '../src/search/understand.js';

const dir = join(import.meta.dirname, 'fixtures', 'structure');
const read = async (d: string, f: string) => (await parseReport(new Uint8Array(readFileSync(join(d, f))), f)) as ReportFile;

describe('front matter', () => {
  it('reads title, place and year after toolbar, breadcrumb, metadata and a table of contents', async () => {
    const r = segmentReport(await read(dir, 'anshun-web.txt'));
    expect([r.title, r.place?.name, r.year]).toEqual(['2025年安顺市政府工作报告', '安顺市', 2025]);
    // No toolbar, time stamp, table of contents or repeated title reaches a passage.
    for (const p of r.passages) expect(p.text).not.toMatch(/加大|还原|减小|09时30分|^2025年安顺市政府工作报告$/);
    expect(r.passages.filter((p) => p.text.startsWith('二、2025年工作安排'))).toEqual([]);
  });
  it('a report starting at 各位代表： with no title or date: national, year from its headings', async () => {
    const r = segmentReport(await read(dir, 'national-undated.txt'));
    expect([r.title, r.place?.name, r.year]).toEqual(['2019年全国政府工作报告', '全国', 2019]);
  });
  it('Chinese-numeral meeting date and an autonomous region', async () => {
    const r = segmentReport(await read(dir, 'ningxia-fiveyear.txt'));
    expect([r.title, r.place?.name, r.year]).toEqual(['2026年宁夏回族自治区政府工作报告', '宁夏回族自治区', 2026]);
  });
  it('a title line: after the page furniture, without time stamps; a caption is not a title', () => {
    expect(titleIn('加大还原减小】2026年北京市政府工作报告')?.title).toBe('2026年北京市政府工作报告');
    expect(titleIn('首页>要闻动态>湟中区人民政府工作报告')?.title).toBe('湟中区人民政府工作报告');
    expect(titleIn('2026年河南省政府工作报告2026年02月10日07时41分')?.title).toBe('2026年河南省政府工作报告');
    expect(titleIn('某某同志作政府工作报告。')).toBeNull();
    expect(titleIn('政府工作报告以新思想为指导，是一个好报告')).toBeNull();
  });
});

describe('front matter of covers and bare copies (lines written for these tests)', () => {
  const report = (lines: string[]) => segmentReport({ file: 'x.txt', hash: 'x', encoding: 'utf-8', lines });
  it('a cover of issuer and document in spaced letters: the title is built from place and year', () => {
    const r = report(['山 东 省 人 民 政 府', '政 府 工 作 报 告', '——2026年1月28日在山东省第十四届人民代表大会第五次会议上', '各位代表：', '现在，我代表省人民政府，向大会报告工作，请予审议。', '一、2025年工作回顾', '全省地区生产总值增长5.5%。']);
    expect([r.title, r.place?.name, r.year]).toEqual(['2026年山东省政府工作报告', '山东省', 2026]);
  });
  it('a copy that starts at 各位代表： : no body heading as its title; 我代表省人民政府 picks the province over a city named as often', () => {
    const r = report([
      '各位代表：',
      '现在，我代表省人民政府，向大会报告政府工作，请予审议。',
      '“十四五”时期工作回顾',
      '五年来，山东经济总量迈上新台阶，青岛市、济南市双双跨入万亿城市行列。',
      '2025年，全省地区生产总值增长5.5%，青岛市港口吞吐量继续增长，山东海洋经济稳步发展。',
      '二、2026年工作安排',
      '今年主要预期目标是：地区生产总值增长5%以上。支持青岛市建设国际航运中心，山东全省一体推进。',
    ]);
    expect([r.title, r.place?.name, r.year]).toEqual(['2026年山东省政府工作报告', '山东省', 2026]);
  });
  it('（全文） is the page\'s note, not part of the title', () => {
    expect(titleIn('北京市人民政府门户网站 - 2026年北京市政府工作报告（全文）')?.title).toBe('2026年北京市政府工作报告');
    expect(titleIn('政府工作报告（摘要）')?.title).toBe('政府工作报告（摘要）');
  });
  it('PDF page furniture is debris: page numbers, 第2页 共30页, Page 2', () => {
    for (const line of ['— 2 —', '- 12 -', '第2页 共30页', '共30页，第2页', 'Page 2-政府工作报告P.2政府工作报告', '3/30']) expect(isPageDebris(line)).toBe(true);
    for (const line of ['第二页的内容是报告正文。', '共建成30个项目', '2.5万亩']) expect(isPageDebris(line)).toBe(false);
  });
});

describe('sections and periods', () => {
  it('gives each paragraph its section path and period: review, main targets, tasks; notes apart', async () => {
    const f = await read(dir, 'anshun-web.txt');
    const s = readStructure(cleanReport(f.lines));
    const of = (needle: string) => s.paragraphs.find((p) => p.block.text.includes(needle))!;
    expect(of('1185.6亿元').period).toEqual({ kind: 'review', year: 2024 });
    expect(of('增长6%左右').period).toEqual({ kind: 'plan', year: 2025, targets: true });
    expect(of('办好民生实事').sectionPath).toEqual(['二、2025年工作安排', '（二）办好民生实事']);
    expect(of('办好民生实事').period).toEqual({ kind: 'plan', year: 2025 });
    expect(of('高标准农田：指').part).toBe('notes');
    expect(of('高标准农田：指').period).toBeNull();
  });
  it('a review of last year and the five years, and the five-year plan ahead', async () => {
    const f = await read(dir, 'ningxia-fiveyear.txt');
    const s = readStructure(cleanReport(f.lines));
    const of = (needle: string) => s.paragraphs.find((p) => p.block.text.includes(needle))!.period;
    expect(of('刚刚过去的2025年')).toMatchObject({ kind: 'review', year: 2025 });
    expect(of('刚刚过去的2025年')?.span).toBeUndefined();
    expect(of('年均增长5.9%')).toEqual({ kind: 'review', year: 2025, span: [2021, 2025] });
    expect(of('五年累计完成营造林')).toEqual({ kind: 'review', year: 2025, span: [2021, 2025] });
    expect(of('新能源装机')).toEqual({ kind: 'plan', year: 2026, span: [2026, 2030] });
    expect(of('完成投资1200亿元')).toEqual({ kind: 'plan', year: 2026 });
  });
});

describe('periods of five-year sections (lines written for these tests)', () => {
  const five = { kind: 'review' as const, year: 2025, span: [2021, 2025] as [number, number] };
  const both = { kind: 'review' as const, year: 2025, alsoSpan: [2021, 2025] as [number, number] };
  it('a comparison base (较2020年) is where the five years start, not the year spoken of; 年均浓度 is one year', () => {
    expect(spanOf('企业数量较2020年实现翻番，培育形成3个万亿级产业集群。', five, 2026)).toEqual([2021, 2025]);
    expect(spanOf('2025年新建成轨道交通线路2条。', five, 2026)).toBeNull();
    expect(spanOf('PM2.5年均浓度36.2微克/立方米、同比下降5%，优良天数比例达到77%。', both, 2026)).toBeNull();
    expect(spanOf('出口年均增长20%以上。', both, 2026)).toEqual([2021, 2025]);
  });
  it('a section reviewing one plan and setting out the next: the next plan from the paragraph that turns to it', () => {
    const lines = ['——2021年3月5日在全国人民代表大会上', '各位代表：', '二、“十三五”时期发展成就和“十四五”时期主要目标任务', '过去五年，国内生产总值年均增长5.7%。', '“十四五”时期经济社会发展主要目标是：森林覆盖率达到24.1%。', '单位国内生产总值能耗降低13.5%。', '三、2021年重点工作', '新开工改造城镇老旧小区5.3万个。'].flatMap((l) => [l, '']);
    const records = extractRecords(segmentReport({ file: 'x.txt', hash: 'x', encoding: 'utf-8', lines }).passages);
    const of = (f: string) => records.find((r) => r.figure === f)!;
    expect(of('5.7%')).toMatchObject({ period: 'result', span: [2016, 2020] });
    expect(of('24.1%')).toMatchObject({ period: 'target', span: [2021, 2025] });
    expect(of('13.5%')).toMatchObject({ period: 'target', span: [2021, 2025] });
    expect(of('5.3万个')).toMatchObject({ period: 'target', year: 2021 });
    expect(of('5.3万个').span).toBeUndefined();
  });
  it("a subsection's cue word (稳预期, 目标任务) does not turn the review into a plan; a year of its own does", () => {
    const lines = ['2026年东山省政府工作报告', '一、2025年工作回顾', '（一）稳就业稳市场稳预期', '城镇新增就业46万人。', '（二）圆满完成主要目标任务', '地区生产总值增长5.1%。', '二、2026年主要任务', '（一）2026年主要预期目标', '城镇新增就业45万人以上。'].flatMap((l) => [l, '']);
    const passages = segmentReport({ file: 'x.txt', hash: 'x', encoding: 'utf-8', lines }).passages;
    const period = (t: string) => passages.find((p) => p.text.includes(t))?.period;
    expect(period('46万人')).toMatchObject({ kind: 'review', year: 2025 });
    expect(period('5.1%')).toMatchObject({ kind: 'review', year: 2025 });
    expect(period('45万人以上')).toMatchObject({ kind: 'plan', year: 2026, targets: true });
    // A subsection of the same kind refines it: 主要预期目标 with no year of its own is this year's main targets.
    const plan = segmentReport({ file: 'y.txt', hash: 'y', encoding: 'utf-8', lines: ['2026年东山省政府工作报告', '二、2026年工作安排', '（一）主要预期目标', '地区生产总值增长5%左右。'].flatMap((l) => [l, '']) }).passages;
    expect(plan.find((p) => p.text.includes('5%左右'))?.period).toMatchObject({ kind: 'plan', year: 2026, targets: true });
  });
  it("this year's targets with their heading lost (a copy of parts of the report) are this year's, whatever they say of 完成", () => {
    const lines = ['2026年东山市政府工作报告', '一、2025年工作和“十四五”发展回顾', '地区生产总值增长5.2%。', '2026年全市经济社会发展主要预期目标是：地区生产总值增长5%以上；完成省下达的节能减排约束性指标。', '2025年主要预期目标全面完成，城镇新增就业15.2万人。'].flatMap((l) => [l, '']);
    const passages = segmentReport({ file: 'z.txt', hash: 'z', encoding: 'utf-8', lines }).passages;
    const period = (t: string) => passages.find((p) => p.text.includes(t))?.period;
    expect(period('5%以上')).toMatchObject({ kind: 'plan', year: 2026, targets: true });
    expect(period('15.2万人')).toMatchObject({ kind: 'review', year: 2025 });
  });
});

describe('figures with period, span and unit', () => {
  const load = async (f: string) => {
    const passages = segmentReport(await read(dir, f)).passages;
    return { passages, records: extractRecords(passages) };
  };
  it('five-year totals and averages carry their span; last year and this year do not', async () => {
    const { records } = await load('ningxia-fiveyear.txt');
    const rec = (figure: string) => records.find((r) => r.figure === figure)!;
    expect(rec('8.1万人')).toMatchObject({ year: 2025, period: 'result' });
    expect(rec('8.1万人').span).toBeUndefined();
    expect(rec('40.5万人')).toMatchObject({ period: 'result', span: [2021, 2025] });
    expect(rec('5.9%')).toMatchObject({ span: [2021, 2025] });
    expect(rec('8万人以上')).toMatchObject({ year: 2026, period: 'target', mainTarget: true });
    // 斤 is weighed in 吨 (1吨 = 2000斤) so that 亿斤 and 万吨 compare; shown as written.
    expect(rec('75亿斤以上')).toMatchObject({ unit: '吨', value: 3.75e6 });
    expect(rec('2000万千瓦')).toMatchObject({ unit: '千瓦', value: 2e7, period: 'target', span: [2026, 2030] });
  });
  it('the check: a five-year total, a target or last year never backs a claim about one year', async () => {
    const { passages, records } = await load('ningxia-fiveyear.txt');
    const book = createFigureBook(records, passages);
    const verdict = (t: string) => checkText(book, t).claims[0]!.verdict;
    expect(verdict('宁夏2025年城镇新增就业8.1万人。')).toBe('supported');
    expect(verdict('宁夏2025年城镇新增就业40.5万人。')).not.toBe('supported');
    expect(verdict('“十四五”时期宁夏地区生产总值年均增长5.6%。')).not.toBe('supported');
    expect(verdict('宁夏2025年地区生产总值增长5.5%。')).not.toBe('supported');
  });
  it('units as data: 亿斤, 万亩, 公里, 个百分点, 万人次, 所, 户', async () => {
    const { records } = await load('anshun-web.txt');
    const units = new Set(records.map((r) => r.unit));
    for (const u of ['吨', '亩', '公里', '百分点', '人次', '所', '户', '元', '个', '%']) expect(units).toContain(u);
    expect(records.some((r) => r.figure.includes('亿斤') && r.unit === '吨')).toBe(true);
  });
});

describe('no digit lost', () => {
  const sets = [dir, SAMPLE_DIR, join(import.meta.dirname, 'fixtures', 'places'), join(import.meta.dirname, 'fixtures', 'real')];
  for (const d of sets) {
    for (const f of readdirSync(d).filter((x) => /\.(txt|md|html)$/.test(x))) {
      it(`${f}: every run of digits of the report's own text is in a passage`, async () => {
        const file = await read(d, f);
        const s = readStructure(cleanReport(file.lines, file.pages));
        const passages = segmentReport(file).passages.map((p) => p.text.replace(/\s+/g, '')).join('\n');
        const lost = s.paragraphs.flatMap((p) => p.block.text.replace(/\s+/g, '').match(/\d+(?:\.\d+)?/g) ?? []).filter((n) => !passages.includes(n));
        expect(lost).toEqual([]);
      });
    }
  }
});

describe('whole reports end to end through the real model and index (temporary copy)', () => {
  let work: string;
  let engine: Engine;
  let book: FigureBook;
  let remove = () => {};
  beforeAll(async () => {
    const copy = await indexedCopy('structure-test', dir);
    ({ work, engine, remove } = copy);
    book = figureBookOf(engine, loadSynonyms(copy.config.synonymsFile))!;
  }, 120_000);
  afterAll(() => remove());

  it('lists each report with its own title, place and year', () => {
    expect(engine.reports().map((r) => [r.file, r.title, r.place?.code, r.year]).sort()).toEqual([
      ['anshun-web.txt', '2025年安顺市政府工作报告', '520400', 2025],
      ['national-undated.txt', '2019年全国政府工作报告', '000000', 2019],
      ['ningxia-fiveyear.txt', '2026年宁夏回族自治区政府工作报告', '640000', 2026],
    ]);
  });

  it('answers about an undated national report, and keeps page debris out of every passage', async () => {
    const a = await engine.search('2018年全国城镇新增就业多少人？');
    expect(a.results[0]!.text).toContain('1361万人');
    expect(a.results[0]!.source.year).toBe(2019);
    for (const p of engine.context(a.results[0]!.passageId, 50)) expect(p.text).not.toMatch(/字号|加大还原|09时30分/);
  });

  it('ingest --json and reports --json print one object per file with the documented fields', async () => {
    const root = join(import.meta.dirname, '..');
    const env = { ...process.env, LOG_LEVEL: 'warn', CORPUS_DIR: join(work, 'corpus'), INDEX_DIR: join(work, 'index') };
    const run = (script: string, args: string[]) => promisify(execFile)(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'src', 'cli', script), ...args], { cwd: root, env });
    expect((await run('ingest.ts', ['--help'])).stdout).toContain('--json');
    const { stdout } = await run('ingest.ts', ['--json', join(import.meta.dirname, 'fixtures', 'places', 'national-2025.txt'), join(dir, 'anshun-web.txt')]);
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l));
    const fields = ['file', 'status', 'title', 'place', 'year', 'passages', 'figures', 'warnings'];
    expect(lines.map((l) => Object.keys(l))).toEqual([fields, fields]);
    expect(lines[0]).toMatchObject({ file: 'national-2025.txt', status: 'added', place: { code: '000000', name: '全国', level: 'country' }, year: 2025, warnings: [] });
    expect(lines[0].figures).toBeGreaterThan(5);
    expect(lines[1]).toMatchObject({ file: 'anshun-web.txt', status: 'unchanged', title: '2025年安顺市政府工作报告', year: 2025 });
    const reports = (await run('reports.ts', ['--json'])).stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(reports.map((r) => r.file).sort()).toEqual(['anshun-web.txt', 'national-2025.txt', 'national-undated.txt', 'ningxia-fiveyear.txt']);
    expect(reports.every((r) => fields.every((f) => f in r))).toBe(true);
    // A seeded sample of figure records to count by hand: the same seed gives the same records, each with its sentence.
    const sample = async (seed: string) => (await run('reports.ts', ['--sample', '5', '--seed', seed, '--file', 'ningxia', '--json'])).stdout.trim().split('\n').map((l) => JSON.parse(l));
    const [a, b, c] = [await sample('3'), await sample('3'), await sample('4')];
    expect(a).toHaveLength(5);
    expect(a).toEqual(b);
    expect(a.map((r) => r.figure)).not.toEqual(c.map((r) => r.figure));
    for (const r of a) expect(r).toMatchObject({ file: 'ningxia-fiveyear.txt', sentence: expect.stringContaining(r.figure) });
    await expect(run('reports.ts', ['--sample', 'x'])).rejects.toMatchObject({ stderr: expect.stringContaining('--sample and --seed take whole numbers') });
  }, 120_000);

  it('compare and check read the period from the section: a five-year total is never one year', () => {
    const rows = compareIndicator(book, '城镇新增就业').rows.map((r) => [r.place, r.year, r.period, r.figure]);
    expect(rows).toContainEqual(['宁夏回族自治区', 2025, 'result', '8.1万人']);
    expect(rows).toContainEqual(['安顺市', 2025, 'target', '3.3万人以上']);
    expect(rows.some((r) => r[3] === '40.5万人' && r[1] === 2025 && r[2] === 'result')).toBe(false);
    expect(checkText(book, '宁夏2025年城镇新增就业40.5万人。').claims[0]!.verdict).not.toBe('supported');
    expect(checkText(book, '宁夏2025年城镇新增就业8.1万人。').claims[0]!.verdict).toBe('supported');
  });
});

describe('figures as data', () => {
  it('bare counts with 万/亿, ranges, qualifiers, Chinese numerals; values normalised, shown as written', async () => {
    const { parseFigures, sameValue } = await import('../src/figures/parse.js');
    const [bare] = parseFigures('农村贫困人口减少1386万，');
    expect(bare).toMatchObject({ figure: '1386万', value: 13_860_000, unit: '' });
    expect(parseFigures('再减少1000万以上；')[0]).toMatchObject({ figure: '1000万以上', bound: 'atLeast' });
    const range = parseFigures('国内生产总值增长6%—6.5%；');
    expect(range.map((f) => [f.figure, f.bound, f.kind])).toEqual([['6%', 'range', 'growth'], ['6.5%', 'range', 'growth']]);
    expect(parseFigures('增长4.5—5%')[0]).toMatchObject({ figure: '4.5—5%', bound: 'range', kind: 'growth' });
    // One end of a range never backs a draft's single value.
    expect(sameValue(parseFigures('增长6%')[0]!, range[0]!)).toBe(false);
    expect(parseFigures('八个方面的重点工作')[0]).toMatchObject({ value: 8, unit: '个方面' });
    expect(parseFigures('“两个确立”')).toEqual([]);
    expect(sameValue(parseFigures('327.0308亿元')[0]!, parseFigures('3270308万元')[0]!)).toBe(true);
    expect(parseFigures('新增5千多户')[0]).toMatchObject({ value: 5000, unit: '户', bound: 'atLeast' });
    expect(parseFigures('2000万千瓦')[0]).toMatchObject({ value: 2e7, unit: '千瓦' });
    expect(parseFigures('举办活动超10万场次')[0]).toMatchObject({ figure: '10万场次', unit: '场次' });
  });
});
