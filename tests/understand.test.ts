import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tokenize } from '../src/index/tokenize.js';
import { buildLexicalIndex } from '../src/index/lexical.js';
import { periodOf } from '../src/structure/period.js';
import { yearOfFigure } from '../src/search/highlight.js';
import { loadQuestionWords, loadSynonyms, normalizeQuestion, understand } from '../src/search/understand.js';
import { gazetteer } from '../src/places/gazetteer.js';
import { resolvePlaceName } from '../src/structure/index.js';

const words = (f: string) => join(import.meta.dirname, '..', 'src', 'search', f);
const synonyms = loadQuestionWords({ synonymsFile: words('synonyms.json'), everydayFile: words('everyday.json') });
// The sample's places by code (630103 城中区, 630104 城西区, 630105 城北区, 630106 湟中区).
const covered = ['630103', '630104', '630105', '630106'].map((c) => gazetteer().byCode.get(c)!);
const u = (q: string) => understand(q, { synonyms, covered });

describe('figures survive tokenization', () => {
  it('keeps figures and percentages whole', () => {
    const tokens = tokenize('全年城镇新增就业6725人，同比增长16.1%，完成6.5%的目标');
    expect(tokens).toEqual(expect.arrayContaining(['6725人', '16.1%', '6.5%', '6725', '城镇', '就业']));
  });
  it('finds the passage that names a figure', () => {
    const index = buildLexicalIndex(['全年城镇新增就业6725人，同比增长3.9%。', '旅游收入96.95亿元，同比增长67.83%。', '增长16.1%，新增就业1000人。']);
    expect(index.search(tokenize('6725人'), 1)[0]?.doc).toBe(0);
    expect(index.search(tokenize('16.1%'), 1)[0]?.doc).toBe(2);
    expect(index.search(tokenize('67.83%'), 1)[0]?.doc).toBe(1);
  });
});

describe('query understanding', () => {
  it.each([
    ['城中区去年城镇新增就业多少人？', '城中区'],
    ['中区社会消费品零售总额增长多少', '城中区'],
    ['城西发放优抚资金多少？', '城西区'],
    ['西区帮农民工追回了多少欠薪？', '城西区'],
    ['北区文化科技方面投了多少钱？', '城北区'],
    ['湟中今年转移农村劳动力目标多少？', '湟中区'],
    ['湟中区新建高标准农田多少亩？', '湟中区'],
    ['城中區去年城鎮新增就業多少人？', '城中区'],
    ['西宁获评全国养老工作成效明显城市', '西宁市'],
    ['城中村改造了多少户？', null],
  ])('%s -> %s', (q, district) => {
    expect(u(q).district).toBe(district);
  });

  it('resolves relative and absolute years', () => {
    expect(u('城中区去年新增就业多少人').year).toEqual({ relative: -1 });
    expect(u('湟中区今年项目储备').year).toEqual({ relative: 0 });
    expect(u('明年计划').year).toEqual({ relative: 1 });
    expect(u('湟中区2023年新建高标准农田').year).toEqual({ absolute: 2023 });
    expect(u('城西区发放优抚资金多少？').year).toBeNull();
  });

  it('never counts a word for now (现在, 目前) as a word the passage must name', () => {
    expect(u('城中区现在人均预期寿命多少岁？').concepts.flat()).not.toContain('现在');
    expect(u('城中区目前有多少家养老机构？').concepts.flat()).not.toContain('目前');
  });

  it('never counts words about the report itself (政府工作报告里说) as words the passage must name', () => {
    const words = u('政府工作报告说城中区2023年地区生产总值增长多少？').concepts.flat();
    for (const w of ['政府', '工作', '报告', '说']) expect(words).not.toContain(w);
    expect(u('报告里提到城中区有多少家养老机构？').concepts.flat()).toEqual(expect.arrayContaining(['养老']));
    expect(u('报告里提到城中区有多少家养老机构？').concepts.flat()).not.toContain('提到');
    // 在…里 and 定的多少 are no words to find either.
    expect(u('城中区民营经济在全区经济里占多大比重？').concepts.flat()).not.toContain('里');
    expect(u('城中区今年GDP增长目标定的多少？').concepts.flat()).not.toContain('定');
    // A short place name right after them still names the place (湟中 is a place only where a phrase starts).
    expect(u('政府工作报告里说湟中今年转移农村劳动力目标多少？').district).toBe('湟中区');
  });

  it('segments the stretches between the words taken out apart, so their ends glue into no word nobody asked', () => {
    // 到去年底 without 去年 is no 到底; 一共产了 is no 共产 (一共 is a question word, taken out as such).
    expect(u('城中区到去年底经济总量有多大？').concepts.flat()).not.toContain('到底');
    expect(u('城中区去年一共产了多少粮食？').concepts.flat()).not.toContain('共产');
    expect(u('城中区去年一共产了多少粮食？').concepts.flat()).toContain('粮食');
    // 多快 asks a figure, and like 多少 it is no word a passage must name.
    expect(u('城中区去年外贸涨得有多快？').wantsFigure).toBe(true);
    expect(u('城中区去年外贸涨得有多快？').concepts.flat()).not.toContain('快');
  });

  it('reads a key of both word files with the values of both', () => {
    const dir = mkdtempSync(join(tmpdir(), 'words-'));
    writeFileSync(join(dir, 's.json'), JSON.stringify({ 游客: ['旅游人数'] }));
    writeFileSync(join(dir, 'e.json'), JSON.stringify({ _comment: 'x', 游客: ['接待游客', '旅游人数'], 来玩: ['旅游'] }));
    expect(loadQuestionWords({ synonymsFile: join(dir, 's.json'), everydayFile: join(dir, 'e.json') })).toEqual({ 游客: ['旅游人数', '接待游客'], 来玩: ['旅游'] });
    // A file that cannot be read or parsed names itself and the setting to change, in one line.
    writeFileSync(join(dir, 'bad.json'), '{"游客": ');
    expect(() => loadQuestionWords({ synonymsFile: join(dir, 's.json'), everydayFile: join(dir, 'bad.json') })).toThrow(/bad\.json cannot be read .*EVERYDAY_FILE/);
    expect(() => loadQuestionWords({ synonymsFile: join(dir, 'none.json'), everydayFile: join(dir, 'e.json') })).toThrow(/none\.json cannot be read .*SYNONYMS_FILE/);
    rmSync(dir, { recursive: true });
  });

  it('expands reporters words with the synonym list', () => {
    const q = u('城中区去年GDP是多少？');
    expect(q.terms).toContain('地区生产总值');
    expect(q.concepts.find((c) => c.includes('GDP'))).toContain('地区生产总值');
    expect(u('城西区固投增长多少').terms).toContain('固定资产投资');
    // a country-wide question: GDP is 国内生产总值 (synonyms.json "全国:GDP"), and place words are not concepts
    expect(u('全国GDP今年增长目标多少？').terms).toContain('国内生产总值');
    expect(u('全国GDP今年增长目标多少？').terms).not.toContain('地区生产总值');
    expect(u('城中区去年GDP是多少？').concepts.flat()).not.toContain('城中区');
    // Everyday words (经济盘子) name the indicator too, and 生产总值 alone (全市生产总值) is GDP in a city's report.
    expect(u('城中区去年经济盘子有多大？').concepts.find((c) => c.includes('盘子'))).toEqual(expect.arrayContaining(['地区生产总值', '生产总值']));
    // Everyday words are read in questions only: the synonym file alone (what the fact-check reads) has none of them.
    expect(loadSynonyms(words('synonyms.json'))['经济盘子']).toBeUndefined();
  });

  it('notices places no indexed report covers', () => {
    expect(u('湟源县2023年固定资产投资增长多少？').uncoveredPlace).toBe('湟源县');
    expect(u('城东区去年新增就业多少人').uncoveredPlace).toBe('城东区');
    expect(u('大通县GDP多少').uncoveredPlace).toBe('大通回族土族自治县');
    expect(u('共和镇饮水工程').uncoveredPlace).toBeNull();
    expect(u('北京市东城区去年城镇新增就业多少人？').uncoveredPlace).toBe('北京市东城区');
    expect(u('湟中区2023年新建高标准农田多少亩？').uncoveredPlace).toBeNull();
    expect(u('新建学校多少所？').uncoveredPlace).toBeNull(); // 新建 is also a district of 南昌: a bare short form of an unindexed place is not taken as one
    expect(u('新建学校多少所？').terms).toContain('新建');
    expect(u('新建区去年新建学校多少所？').uncoveredPlace).toBe('新建区');
  });

  it('takes the covered places from the index, not from the sample: a place outside the five districts', () => {
    const coveredBy = (names: string[]) => (q: string) => understand(q, { synonyms, covered: names.map((n) => resolvePlaceName(n)!) });
    // once a 大通县 report is indexed, a question about it is searched, not refused
    expect(coveredBy(['大通县'])('大通县GDP多少').uncoveredPlace).toBeNull();
    expect(coveredBy(['大通县'])('格尔木市GDP多少').uncoveredPlace).toBe('格尔木市');
    expect(coveredBy([])('大通县GDP多少').uncoveredPlace).toBe('大通回族土族自治县');
  });

  it('normalises traditional characters and full-width digits', () => {
    expect(normalizeQuestion('城中區２０２３年  旅遊收入')).toBe('城中区2023年 旅游收入');
    // Remembered per question as written: asked again, or another question, each gets its own reading.
    expect(normalizeQuestion('城中區２０２３年  旅遊收入')).toBe('城中区2023年 旅游收入');
    expect(normalizeQuestion('城中區２０２４年 財政收入')).toBe('城中区2024年 财政收入');
    expect(u('多少？').wantsFigure).toBe(true);
    expect(u('城中区有哪些重点工作').wantsFigure).toBe(false);
  });
});

describe('the year a figure is about', () => {
  it('uses an explicit year, then the question, then the report', () => {
    expect(yearOfFigure('2022年新增就业100人。', 2024, null)).toBe(2022);
    expect(yearOfFigure('全年新增就业6725人。', 2024, { relative: -1 })).toBe(2023);
    expect(yearOfFigure('全年新增就业6725人。', 2024, { absolute: 2023 })).toBe(2023);
    expect(yearOfFigure('全年新增就业6725人。', 2024, null)).toBe(2023);
    expect(yearOfFigure('今年预期目标增长6%。', 2024, null)).toBe(2024);
    expect(yearOfFigure('全年新增就业6725人。', null, null)).toBeNull();
  });
});

describe('plan or review', () => {
  it('reads the period from the wording, only when it is one-sided', () => {
    expect(periodOf('确保全区项目滚动储备保持在200亿元以上。')).toBe('plan');
    expect(periodOf('今年，湟中区上下将以奋斗激情乘势而上。')).toBe('plan');
    expect(periodOf('过去一年，湟中区完成国土绿化4.1万亩。')).toBe('review');
    expect(periodOf('社会消费品零售总额同比增长17.9%。')).toBe('review');
    expect(periodOf('实现城镇新增就业2500人。')).toBeNull();
    expect(periodOf('过去一年成效显著，今年力争更好。')).toBeNull();
  });
});
