// The key figure, question cues and statistics cards, on text written for other places and formats.
import { describe, expect, it } from 'vitest';
import { describeFigures } from '../src/figures/records.js';
import { segmentReport } from '../src/passages/index.js';
import { askedFigureKind, askedPeriod, unitMatcher } from '../src/search/cues.js';
import { describedOf, highlight, keyFigure } from '../src/search/highlight.js';

const weight = () => 1;
const lead = (sentence: string, question: string, terms: string[], extra: { year?: number | null; period?: 'plan' | 'review' | null } = {}) =>
  keyFigure(highlight([sentence], terms, weight, true), {
    kind: askedFigureKind(question),
    unit: unitMatcher(question),
    terms,
    weight,
    year: extra.year ?? null,
    reportYear: 2025,
    asked: null,
    period: extra.period ?? null,
  });

describe('question cues', () => {
  it('tells a target from a result', () => {
    expect(askedPeriod('海淀区今年地区生产总值预期目标是多少？')).toBe('plan');
    expect(askedPeriod('南山区去年完成了多少亿元投资？')).toBe('review');
    expect(askedPeriod('南山区地区生产总值多少？')).toBeNull();
  });
  it('reads the kind and unit of figure asked', () => {
    expect(askedFigureKind('南山区去年GDP涨了多少')).toBe('growth');
    expect(askedFigureKind('南山区社会消费品零售总额是多少亿元？')).toBe('amount');
    expect(askedFigureKind('南山区森林覆盖率多少？')).toBe('share');
    // 强度 is a ratio (研发经费投入强度 2.5%), though 投入 names an amount elsewhere.
    expect(askedFigureKind('南山区今年研发经费投入强度目标是多少？')).toBe('share');
    expect(unitMatcher('改造了多少户？')!('1101户')).toBe(true);
    expect(unitMatcher('改造了多少户？')!('18家')).toBe(false);
    expect(unitMatcher('给企业补贴了多少钱？')!('626万元')).toBe(true);
    expect(unitMatcher('企业开办要多久？')!('6小时')).toBe(true);
    expect(unitMatcher('南山区GDP是多少')).toBeNull();
  });
});

describe('key figure', () => {
  it('leads a growth question with the rate and an amount question with the amount', () => {
    const s = '全年实现地区生产总值1250.6亿元，同比增长6.2%。';
    expect(lead(s, '南山区去年地区生产总值增长多少？', ['地区生产总值', '增长'])?.figure).toBe('6.2%');
    expect(lead(s, '南山区去年地区生产总值是多少亿元？', ['地区生产总值'])?.figure).toBe('1250.6亿元');
  });
  it('never leads with a figure its clause dates to another year', () => {
    const s = '2024年全区一般公共预算收入：36.4亿元较2023年31.2亿元 同比增长16.7%';
    expect(lead(s, '南山区2024年一般公共预算收入多少？', ['一般公共预算收入'], { year: 2024 })?.figure).toBe('36.4亿元');
    expect(lead(s, '南山区一般公共预算收入增长了多少？', ['一般公共预算收入', '增长'])?.figure).toBe('16.7%');
  });
  it('prefers the unit asked and the clause that names the thing asked', () => {
    const s = '完成燃气锅炉改造12家40台，清洁取暖改造2100户。';
    expect(lead(s, '清洁取暖改造了多少户？', ['清洁取暖', '改造'])?.figure).toBe('2100户');
    expect(lead(s, '燃气锅炉改造了多少台？', ['燃气锅炉', '改造'])?.figure).toBe('40台');
  });
  it('takes the figure reached, not the starting point', () => {
    expect(lead('企业开办时间由3天压缩到4小时。', '企业开办要多久？', ['企业开办'])?.figure).toBe('4小时');
  });
  it('dates a figure by its passage period before the question', () => {
    expect(lead('全年新增学位1200个。', '今年新增学位多少个？', ['新增学位'], { period: 'review' })?.year).toBe(2024);
  });
});

describe('statistics cards', () => {
  it('quote their label with their figures, lines from the heading on', () => {
    const lines = ['南山区：稳中求进开新局', '', '2024年，南山区坚持稳中求进，各项工作取得新成效，群众获得感持续增强。', '', '### ■2024年全区研发投入', '', '**58.3亿元** 较2023年**49.1亿元**', '同比增长**18.7%**', ''];
    const report = segmentReport({ file: 'nanshan.md', hash: 'x', lines, encoding: 'utf-8' });
    const card = report.passages.find((p) => p.text.includes('58.3亿元'))!;
    expect(card.text).toBe('2024年全区研发投入：58.3亿元较2023年49.1亿元 同比增长18.7%');
    expect(card.source.lines).toEqual([5, 8]);
  });
});

describe('headline context', () => {
  it('says what a statistics card figure is', async () => {
    const { clauseOf } = await import('../src/search/highlight.js');
    const s = '2024年全区研发投入：58.3亿元较2023年49.1亿元 同比增长18.7%';
    expect(clauseOf(s, '18.7%')).toBe('2024年全区研发投入 同比增长');
    expect(clauseOf(s, '58.3亿元')).toBe('2024年全区研发投入');
    expect(clauseOf('全年城镇新增就业3100人，同比增长2%。', '3100人')).toBe('全年城镇新增就业');
  });
});

describe('a sentence\'s figures described once', () => {
  it('gives what describeFigures gives, frozen and remembered per sentence', () => {
    const sentence = '供热、燃气、排水管网分别改造800公里、600公里、300公里。';
    const once = describedOf(sentence);
    expect(once).toEqual(describeFigures(sentence, null));
    expect(once.length).toBeGreaterThan(0);
    expect(describedOf(sentence)).toBe(once); // remembered, not described again
    expect(Object.isFrozen(once[0])).toBe(true);
    expect(describedOf('粮食总产量达到120万吨。')).not.toBe(once);
  });
});
