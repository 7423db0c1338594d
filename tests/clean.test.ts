import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanReport, removeSpuriousSpaces, undouble, undoubleLine } from '../src/clean/index.js';
import { findFigures } from '../src/clean/figures.js';
import { decodeReport, readTextReport, splitLines } from '../src/corpus/load.js';
import { segmentReport } from '../src/passages/index.js';

const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name);
const blocksOf = (name: string) => cleanReport(splitLines(readFileSync(fixture(`clean/${name}`), 'utf8')));
const bodies = (name: string) => blocksOf(name).filter((b) => b.kind === 'body').map((b) => b.text);
const headings = (name: string) => blocksOf(name).filter((b) => b.kind === 'heading').map((b) => b.text);

describe('decoding', () => {
  const expected = '全年城镇新增就业6725人，同比增长3.9%。';
  it.each(['gbk.txt', 'gb18030.txt', 'utf16le-bom.txt', 'utf16be-nobom.txt', 'utf8-bom.txt'])('decodes %s', (name) => {
    const decoded = decodeReport(readFileSync(fixture(`encodings/${name}`)));
    expect('text' in decoded && decoded.text).toContain(expected);
    expect('text' in decoded && decoded.text.startsWith('\ufeff')).toBe(false);
  });
  it.each([
    ['empty.txt', /empty/],
    ['blank.txt', /empty/],
    ['binary.txt', /binary/],
    ['latin1.txt', /encoding/],
  ])('refuses %s with a reason', (name, reason) => {
    const decoded = decodeReport(readFileSync(fixture(`encodings/${name}`)));
    expect('error' in decoded && decoded.error).toMatch(reason);
  });
  it('names the file it skips', () => {
    const read = readTextReport(fixture('encodings/binary.txt'), 'binary.txt');
    expect(read).toMatchObject({ file: 'binary.txt', reason: expect.stringMatching(/binary/) });
  });
});

describe('cleaning', () => {
  it('joins lines broken mid-sentence', () => {
    expect(bodies('broken-lines.txt')).toEqual(['全年城镇新增就业6725人，农村劳动力转移就业7152人次，全体居民人均可支配收入43269元，同比增长3.9%。']);
  });

  it('removes spaces inside Chinese text and between Chinese and figures', () => {
    expect(removeSpuriousSpaces('同 比 增 长 91.06% ')).toBe('同比增长91.06%');
    expect(removeSpuriousSpaces('EGO PARK 主题 公园')).toBe('EGO PARK主题公园');
    expect(bodies('spaced.txt')[0]).toBe('备案托育机构19家，新增托位2040个。资助贫困家庭学生5441.5万元，义务教育巩固率达98.36%。农业总产值同比增长91.06%。');
  });

  it('collapses headings whose every run is doubled', () => {
    expect(undouble('20222022年城西区工作回顾年城西区工作回顾')).toBe('2022年城西区工作回顾');
    expect(undoubleLine('这一年这一年，，我们直面困难我们直面困难')).toBe('这一年，我们直面困难');
    expect(undoubleLine('优化空间布局优化空间布局 促进城乡融合促进城乡融合')).toBe('优化空间布局 促进城乡融合');
    expect(undoubleLine('精彩精彩··20232023')).toBe('精彩·2023');
    expect(headings('doubled-heading.txt')).toEqual(['2022年城西区工作回顾', '这一年，我们直面困难，奋力防住新冠疫情冲击波']);
  });

  it('leaves genuine repetition alone', () => {
    expect(undouble('学习学习再学习')).toBeNull();
    expect(undoubleLine('1111')).toBeNull();
    expect(bodies('genuine-repeat.txt')).toEqual(['坚定信心、抢抓机遇，把市两会精神学习学习再学习、落实落实再落实。']);
  });

  it('strips Markdown emphasis and keeps headings as sections', () => {
    const blocks = blocksOf('markdown.txt');
    expect(blocks.map((b) => [b.kind, b.text])).toEqual([
      ['heading', '以实干实绩展现北区担当'],
      ['heading', '2023年全区一般公共预算支出'],
      ['body', '21.98亿元较2022年15.22亿元 同比增长44.4%增支6.76亿元'],
      ['body', '文化科技方面，投入资金3522万元，健全公共服务发展体系。'],
    ]);
  });

  it('joins a sentence split by a blank line and drops verbatim repeats', () => {
    const report = segmentReport({ file: 'r.txt', hash: 'x', encoding: 'utf-8', lines: splitLines(readFileSync(fixture('clean/repeated-paragraph.txt'), 'utf8')) });
    const texts = report.passages.map((p) => p.text);
    expect(texts[0]).toBe('湟中区深化平安建设，调解矛盾纠纷1640件，挽回经济损失9465万元。');
    expect(report.passages[0]!.source.lines).toEqual([1, 3]);
    expect(texts.filter((t) => t.includes('三管三必须'))).toHaveLength(1);
    expect(texts.join('').match(/推动各类生产设备更新和技术改造/g)).toHaveLength(1);
    expect(texts.join('')).toContain('鼓励汽车以旧换新。');
  });

  it('keeps bylines and speakers out of passages', () => {
    const blocks = blocksOf('bylines.txt');
    expect(blocks.filter((b) => b.kind === 'meta').map((b) => b.text)).toEqual(['本报记者王琼', '市人大代表、城北区委副书记、区长王刚', '(记者小蕊)']);
    expect(bodies('bylines.txt')).toEqual(['湟中区完成国土绿化4.1万亩。']);
    expect(headings('bylines.txt')).toEqual(['步履铿锵踏浪前行湟中区砥砺奋进开新篇']);
  });
});

describe('figures', () => {
  it('finds numbers with their units, percentages and qualifiers', () => {
    expect(findFigures('旅游收入96.95亿元，同比增长67.83%，80%以上的村集体经济收入超10万元，发放优抚资金4500余万元')).toEqual([
      '96.95亿元',
      '67.83%',
      '80%以上',
      '10万元',
      '4500余万元',
    ]);
    expect(findFigures('2023年，城中区')).toEqual([]);
    // Counts in 万 or 亿 with no unit, the thing counted named before them.
    expect(findFigures('贫困人口减少6800多万，1亿多农村人口，装机2000万千瓦')).toEqual(['6800多万', '1亿多', '2000万千瓦']);
    // Units of air quality and computing power.
    expect(findFigures('PM2.5年均浓度36.2微克/立方米，算力规模达到11.4万P')).toEqual(['36.2微克/立方米', '11.4万P']);
    // Amounts in other currencies keep their unit (a 外资 question asks 多少钱), and so do minutes and 班次.
    expect(findFigures('实际使用外资3.86亿美元，办事时间缩短到15分钟，开行中欧班列620班次')).toEqual(['3.86亿美元', '15分钟', '620班次']);
    // A number inside a name of letters and digits is no figure.
    expect(findFigures('清理P2P网贷机构，B2B和P2P平台')).toEqual([]);
  });
});
