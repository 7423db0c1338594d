// Rankings and series over the sample's figure records, their charts, and `compare --chart`.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { createFigureBook, type FigureBook } from '../src/check/index.js';
import { exampleQuestions } from '../src/check/examples.js';
import { asksForSeries, displayUnit, inUnit, rankPlaces, seriesOf } from '../src/check/rank.js';
import { sampleConfig, sampleEnv } from './helpers/sample.js';
import { readIndex } from '../src/index/store.js';
import { pngSize, rankingChart, seriesChart } from '../src/present/chart.js';
import { rankingCaption, renderSeriesText, rowCitation, seriesCaption } from '../src/present/compare.js';
import { loadSynonyms } from '../src/search/understand.js';
import { assertWellFormedHtml } from './helpers/html.js';

let book: FigureBook;
beforeAll(async () => {
  const index = await readIndex(sampleConfig().indexDir);
  book = createFigureBook(index.figures!, index.allPassages(), loadSynonyms(sampleConfig().synonymsFile));
});

describe('one unit for a table', () => {
  it('reads 3270308万元 as 327.03亿元 beside figures in 亿元; leaves rates and small counts alone', () => {
    const u = displayUnit([32_703_080_000, 1_697_000_000], '元');
    expect(u).toEqual({ unit: '亿元', scale: 1e8 });
    expect([inUnit(32_703_080_000, u), inUnit(1_697_000_000, u)]).toEqual(['327.03亿元', '16.97亿元']);
    expect(displayUnit([16.1, 7], '%')).toEqual({ unit: '%', scale: 1 });
    expect(displayUnit([6725, 7557], '人')).toEqual({ unit: '人', scale: 1 });
    expect(inUnit(150_000, displayUnit([150_000, 2207], '人次'))).toBe('15万人次');
  });
});

describe('rankings', () => {
  it('aligns the places (each its latest year, said so), ranks them and gives the differences', () => {
    const r = rankPlaces(book, '哪个区去年城镇新增就业最多？');
    expect(r.rows.map((x) => [x.rank, x.place, x.year, x.shown, x.behind])).toEqual([
      [1, '城西区', 2022, '7557人', null],
      [2, '城中区', 2023, '6725人', '少832人'],
    ]); // 湟中区's 2500人 is its 2024 target (a task of 奋进·2024), not a result
    expect(r.mixedYears).toBe(true);
    const caption = rankingCaption(r);
    assertWellFormedHtml(caption);
    expect(caption).toContain('各地最新年份不同，各取其最新一年：城西区2022年；城中区2023年');
    expect(caption).toContain('最多：城西区。');
    expect(caption).toContain('未列入：湟中区（报告只给出2024年目标：2500人）');
    expect(rankPlaces(book, '哪个区城镇新增就业最少').rows[0]!.place).toBe('城中区');
    expect(rankPlaces(book, '哪个区今年城镇新增就业目标最高').rows.map((x) => [x.place, x.year, x.shown])).toContainEqual(['湟中区', 2024, '2500人']);
  });

  it('says the figure as the report wrote it beside the one in the table\'s unit', () => {
    const r = rankPlaces(book, '各区GDP对比');
    expect(r.rows[0]).toMatchObject({ place: '城中区', shown: '327.03亿元', figure: '3270308万元' });
    expect(rankingCaption(r)).toContain('<b>327.03亿元（原文3270308万元）</b>');
  });
});

describe('series', () => {
  it('gives one row per year of the span asked, result and target side by side, and names the missing years', () => {
    expect(asksForSeries('城中区近五年GDP增速')).toBe(true);
    expect(asksForSeries('城中区去年GDP增速')).toBe(false);
    const s = seriesOf(book, '城北区2021年以来一般公共预算支出')!;
    expect(s.rows.map((r) => [r.year, r.result?.shown ?? null])).toEqual([
      [2021, null],
      [2022, '15.22亿元'],
      [2023, '21.98亿元'],
      [2024, null],
    ]);
    expect(s.missing).toEqual([2021, 2024]);
    expect(seriesCaption(s)).toContain('缺少的年份：2021年、2024年');
    const five = seriesOf(book, '城中区近五年GDP增速')!;
    expect(five.rows.map((r) => r.year)).toEqual([2020, 2021, 2022, 2023, 2024]);
    expect(five.rows.find((r) => r.year === 2023)?.result?.figure).toBe('16.1%');
    expect(renderSeriesText(five)).toContain('2020年：报告中没有');
    expect(seriesOf(book, '近五年GDP增速')).toBeNull();
  });
});

describe('charts', () => {
  it('draws bars and a line as PNGs at least 800 px wide, and a row\'s citation names its source', () => {
    const bars = rankingChart(rankPlaces(book, '城镇新增就业'));
    const line = seriesChart(seriesOf(book, '城北区2021年以来一般公共预算支出')!);
    for (const png of [bars, line]) {
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
      expect(pngSize(png).width).toBeGreaterThanOrEqual(800);
    }
    const row = rankPlaces(book, '城镇新增就业').rows[1]!;
    expect(rowCitation(row)).toContain('据《城中区：开好局启新程走在前作表率》，“全年城镇新增就业6725人');
  });

  it('npm run compare -- --chart FILE.png writes the same picture and prints the table', async () => {
    const root = join(import.meta.dirname, '..');
    const file = join(mkdtempSync(join(tmpdir(), 'chart-')), 'out.png');
    const { stdout } = await promisify(execFile)(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'src', 'cli', 'compare.ts'), '--chart', file, '城镇新增就业'], {
      cwd: root,
      env: { ...process.env, ...sampleEnv(), LOG_LEVEL: 'warn' },
    });
    expect(stdout).toContain('1. 城西区 2022年 7557人');
    expect(stdout).toContain(`图表已写入 ${file}（1000×600）`);
    expect(pngSize(readFileSync(file)).width).toBeGreaterThanOrEqual(800);
  });
});

describe('example questions for /start', () => {
  it('are made from the indexed results: one place each, its year, the indicator most places report', () => {
    const made = exampleQuestions(book, 12);
    expect(made[0]).toBe('城中区2023年城镇新增就业多少？'); // 城镇新增就业 is reported by three places
    expect(new Set(made.map((q) => q.slice(0, 3))).size).toBe(made.length);
    for (const q of made) expect(q).toMatch(/^(城中区|城西区|城北区|湟中区)20\d\d年[\u4e00-\u9fa5]{4,8}多少？$/);
    expect(exampleQuestions(createFigureBook([], []))).toEqual([]);
  });
});
