// Answers from whole reports: the key figure belongs to the indicator, kind, unit and span asked (or there is
// none), ranking knows a five-year figure from one year's, and the ranking weights are chosen without the report
// they are judged on. Sentences written for these tests (figures of no real report).
import { describe, expect, it } from 'vitest';
import { askedFigureKind, askedPeriod, askedSpan, contrastsOf, figureKind, otherRate, spanFigure, unitFirm, unitMatcher } from '../src/search/cues.js';
import { contradictsYear, contradictsYears, foreignPlaceIn, passageSpan, periodFit, periodYear, spanFit, yearsAsked } from '../src/search/engine.js';
import { highlight, highlightWithKey, keyFigure, labelOf, ofIndicator, sharedName } from '../src/search/highlight.js';
import { chooseWeights, combinations, crossValidateRank, worth } from '../src/search/rank-fit.js';
import type { Passage } from '../src/types.js';
import { understand } from '../src/search/understand.js';

const weight = () => 1;
const ctx = (question: string, terms: string[], extra: { year?: number | null; place?: (c: string) => boolean } = {}) => ({
  kind: askedFigureKind(question),
  unit: unitMatcher(question),
  unitFirm: unitFirm(question),
  terms,
  weight,
  year: extra.year ?? null,
  reportYear: 2025,
  asked: null,
  period: null,
  contrasts: contrastsOf(question),
  span: askedSpan(question),
  question,
  ...(extra.place ? { foreignPlace: extra.place } : {}),
});
const lead = (sentence: string, question: string, terms: string[], extra = {}) => keyFigure(highlight([sentence], terms, weight, true), ctx(question, terms, extra))?.figure;

describe('key figure by indicator', () => {
  it('never answers 收入 with the 支出 beside it', () => {
    const s = '一般公共预算收入420.5亿元、增长3.1%，一般公共预算支出1980.2亿元。';
    expect(lead(s, '东山省一般公共预算收入是多少？', ['一般公共预算收入'])).toBe('420.5亿元');
    expect(lead(s, '东山省一般公共预算支出是多少？', ['一般公共预算支出'])).toBe('1980.2亿元');
    // A statistics card's line: every figure after the colon is the 支出's.
    expect(lead('2023年全区一般公共预算支出：21.98亿元较2022年15.22亿元同比增长44.4%增支6.76亿元', '北湖区一般公共预算收入多少？', ['一般公共预算收入'])).toBeUndefined();
    // Only the other side is there: no headline.
    expect(lead('一般公共预算支出1980.2亿元。', '东山省一般公共预算收入是多少？', ['一般公共预算收入'])).toBeUndefined();
  });
  it('never answers with a figure of another indicator in the sentence that names the one asked', () => {
    // The amount asked is not there (only its growth): no headline, not the 拉动消费 amount beside it.
    const s = '发放消费券3.5亿元带动消费60亿元，新开首店120家，社会消费品零售总额增长4.2%。';
    expect(lead(s, '东山省去年社会消费品零售总额是多少亿元？', ['社会消费品零售总额'])).toBeUndefined();
    expect(lead(s, '东山省去年社会消费品零售总额增长多少？', ['社会消费品零售总额'])).toBe('4.2%');
    // A clause that only carries the figure on ("，增长6.4%") is the indicator's; one naming its own thing is not.
    const t = '全年实现地区生产总值598.6亿元，增长6.4%，改造燃气管道330公里。';
    expect(sharedName('南湖县地区生产总值增长多少？', t)).toBe('地区生产总值');
    expect(['598.6亿元', '6.4%', '330公里'].map((f) => ofIndicator(t, f, '地区生产总值'))).toEqual([true, true, false]);
    // The name after the figure counts ("860套老旧小区"), and a label before a colon.
    expect(ofIndicator('实施860套老旧小区改造，450户燃气入户。', '860套', '老旧小区')).toBe(true);
    expect(ofIndicator('一般公共预算支出：21.5亿元较上年增长4%', '21.5亿元', '一般公共预算支出')).toBe(true);
    // A question asking for two indicators keeps both figures.
    expect(lead('新建保障房3万套，改造老旧小区900个。', '新建了多少套保障房、改造了多少个老旧小区？', ['保障房', '老旧小区'])).toBeDefined();
  });
  it('never answers a whole with one of its parts', () => {
    // 外贸 asks 进出口: the 出口 of some goods beside it is a part, and 出口 asked is the part itself.
    const s = '进出口规模稳居全国第二，新能源产品出口规模达860亿元。';
    expect(lead(s, '东山省去年外贸做到了多大规模？', ['进出口', '规模'])).toBeUndefined();
    expect(lead(s, '东山省去年新能源产品出口多少亿元？', ['出口'])).toBe('860亿元');
    expect(lead('进出口总额4.2万亿元，其中出口2.6万亿元。', '东山省去年进出口总额是多少？', ['进出口总额'])).toBe('4.2万亿元');
  });
  it('never answers the whole with a list of its parts, and a part named takes its own figure', () => {
    const s = '对欧盟、东盟进出口分别增长6.1%、12.4%，进出口总额增长8.8%。';
    expect(lead(s, '东山省去年进出口总额增长多少？', ['进出口总额', '进出口'])).toBe('8.8%');
    expect(lead('对欧盟、东盟进出口分别增长6.1%、12.4%。', '东山省去年进出口总额增长多少？', ['进出口总额', '进出口'])).toBeUndefined();
    expect(lead(s, '东山省去年对东盟进出口增长多少？', ['东盟', '进出口'])).toBe('12.4%');
    // A list's items named through the question's synonyms (GDP → 地区生产总值) are named.
    expect(lead('地区生产总值、一般公共预算收入分别增长5.2%、3.1%。', '东山省去年GDP增长多少？', ['GDP', '地区生产总值', '地区', '生产总值'])).toBe('5.2%');
  });
  it('leads with the level reached, not the round figure crossed beside it', () => {
    expect(lead('地区生产总值迈上3万亿元台阶，达到31580亿元。', '东山省去年经济总量有多大？', ['地区生产总值'])).toBe('31580亿元');
    // Crossed and nothing else: that is the figure there is.
    expect(lead('地区生产总值突破3万亿元大关。', '东山省去年经济总量有多大？', ['地区生产总值'])).toBe('3万亿元');
  });
  it('never answers one rate with another', () => {
    expect(otherRate('赤字率定的多少', '政府负债率控制在')).toBe(true);
    expect(otherRate('赤字率定的多少', '赤字率拟按')).toBe(false);
    expect(lead('赤字率按3.1%安排，政府负债率控制在48%左右。', '赤字率定的多少？', ['赤字率'])).toBe('3.1%');
    expect(lead('政府负债率控制在48%左右。', '赤字率定的多少？', ['赤字率'])).toBeUndefined();
  });
  it('wants the unit asked when the question names it: 多少亿元 is not 万人', () => {
    const s = '地区生产总值增长4.9%，城镇新增就业31.2万人。';
    expect(lead(s, '东山省地区生产总值总量是多少亿元？', ['地区生产总值'])).toBeUndefined();
    expect(unitFirm('几个公园')).toBe(false);
    // Measure words counting the same things (cues.json sameCount): 部 asked, 台 given.
    expect(unitMatcher('今年给老楼加装多少部电梯？')!('500台以上')).toBe(true);
    expect(unitMatcher('今年给老楼加装多少部电梯？')!('500人')).toBe(false);
    expect(unitMatcher('今年要整治多少处管网混错接？')!('4个')).toBe(false);
    expect(lead('完成国土绿化3万亩，提升改造公园7处。', '改造了几个公园？', ['公园'])).toBe('7处');
  });
  it('reads what the question\'s words ask: things counted in their own units, a change, a rank, a level now', () => {
    // Things counted in their own units (cues.json countedIn): 集装箱 in 标准箱.
    expect(unitMatcher('去年装卸了多少集装箱？')!('2400万标准箱')).toBe(true);
    expect(unitMatcher('去年装卸了多少集装箱？')!('150条')).toBe(false);
    // 少了多少 asks a change: a rate (同比下降7.17%) or a count after the change word (减少6800多万).
    expect(askedFigureKind('五年贫困人口少了多少？')).toBe('growth');
    expect(lead('贫困人口减少6800多万，易地扶贫搬迁830万人。', '五年贫困人口少了多少？', ['贫困人口'])).toBe('6800多万');
    // 排第几 asks a place in a ranking: a 第2位 figure, never the amount ranked; 第几名 takes 第2位 too.
    expect(askedFigureKind('去年旅游人数在全市排第几？')).toBe('rank');
    expect(lead('全区旅游人数731.2万人次，居全市第2位。', '去年旅游人数在全市排第几？', ['旅游人数'])).toBe('第2位');
    expect(lead('全区旅游人数731.2万人次，居全市第2位。', '去年旅游人数在全市排第几名？', ['旅游人数'])).toBe('第2位');
    expect(lead('全区旅游人数731.2万人次，同比增长91%。', '去年旅游人数在全市排第几？', ['旅游人数'])).toBeUndefined();
    // The level now (现在一共多长) is the total reached, not what was added this year.
    expect(lead('开通3条地铁新线、新增运营里程30公里，总里程达909公里。', '东山市地铁现在一共有多长？', ['地铁', '里程'])).toBe('909公里');
    // 浓度 is a level in 微克/立方米, not a share (满意度 is).
    expect(askedFigureKind('去年PM2.5年均浓度是多少？')).toBeNull();
    expect(askedFigureKind('群众满意度是多少？')).toBe('share');
    // A unit written in letters belongs to a name, not to a question's measure (多少PM2.5).
    expect(unitMatcher('去年减少了多少PM2.5？')).toBeNull();
    // A money word names the unit only when an amount is asked: 收入涨了多少 asks a rate.
    expect(unitMatcher('去年脱贫群众的收入涨了多少？')).toBeNull();
    expect(unitMatcher('去年在研发上花了多少钱？')!('120亿元')).toBe(true);
    // 安排了多少 asks what a plan allocates, not only a result.
    expect(askedPeriod('2021年中央预算内投资安排了多少？')).not.toBe('review');
  });
  it('tells an amount from a rate and a change from a level', () => {
    const s = '全市地区生产总值2860亿元，同比增长5.1%。';
    expect(lead(s, '地区生产总值增长多少？', ['地区生产总值'])).toBe('5.1%');
    expect(lead(s, '地区生产总值是多少？', ['地区生产总值'])).toBe('2860亿元');
    expect(lead('人均预期寿命提高1岁。', '人均预期寿命是多少岁？', ['人均预期寿命'])).toBeUndefined();
    expect(lead('人均预期寿命提高1岁。', '人均预期寿命提高了多少？', ['人均预期寿命'])).toBe('1岁');
    expect(askedFigureKind('常住人口城镇化率是多少？')).toBe('share');
    expect(lead('常住人口城镇化率提高到64.3%。', '常住人口城镇化率是多少？', ['常住人口城镇化率'])).toBe('64.3%');
  });
  it('tells last year from five years', () => {
    expect(askedSpan('去年地区生产总值增长多少？')).toBe(false);
    expect(askedSpan('“十四五”期间地区生产总值年均增长多少？')).toBe(true);
    expect(askedSpan('地区生产总值增长多少？')).toBeNull();
    expect(spanFigure('地区生产总值年均增长5.6%', '5.6%')).toBe(true);
    expect(spanFigure('五年来，城镇新增就业累计达到520万人', '520万人')).toBe(false);
    expect(spanFigure('五年来，城镇新增就业520万人', '520万人')).toBe(true);
    // 年均 before a level is part of the indicator's name (年均浓度), one year's figure; before a change, several years.
    expect(askedSpan('去年PM2.5年均浓度是多少？')).toBe(false);
    expect(askedSpan('PM2.5年均浓度是多少？')).toBeNull();
    expect(spanFigure('细颗粒物年均浓度27微克/立方米、下降11.5%', '27微克/立方米')).toBe(false);
    expect(spanFigure('居民收入年均实际增长5.1%', '5.1%')).toBe(true);
    const s = '“十四五”时期地区生产总值年均增长5.6%，去年增长5.2%。';
    expect(lead(s, '去年地区生产总值增长多少？', ['地区生产总值'])).toBe('5.2%');
    expect(lead(s, '“十四五”期间地区生产总值年均增长多少？', ['地区生产总值'])).toBe('5.6%');
    expect(lead('地区生产总值年均增长5.6%。', '去年地区生产总值增长多少？', ['地区生产总值'])).toBeUndefined();
  });
  it('is not the figure of another place named before it', () => {
    const other = (clause: string) => clause.includes('北湖市');
    expect(lead('北湖市地区生产总值增长6%，全区增长5.5%。', '地区生产总值增长多少？', ['地区生产总值'], { place: other })).toBe('5.5%');
    // A place of the gazetteer other than the report's and the question's; two-character words are words first.
    expect(foreignPlaceIn('西宁市地区生产总值', '630102', new Set())).toBe(true);
    expect(foreignPlaceIn('城中区地区生产总值', '630103', new Set())).toBe(false);
    expect(foreignPlaceIn('新建高标准农田', '630103', new Set())).toBe(false);
  });
  it('reads the label of a figure from the previous figure on', () => {
    expect(labelOf('收入420.5亿元、支出1980.2亿元', '1980.2亿元').label).toBe('、支出');
  });
  it('finds the key figure in another sentence when the best one has none of the kind asked', () => {
    const sentences = ['“十四五”时期地区生产总值年均增长5.6%。', '去年地区生产总值增长5.2%，居全国前列。'];
    const { h, key } = highlightWithKey(sentences, ['地区生产总值'], weight, true, ctx('去年地区生产总值增长多少？', ['地区生产总值']));
    expect(key?.figure).toBe('5.2%');
    expect(h.sentence).toBe(sentences[1]);
  });
  it('reads a list item by item: the figure of the item the question names, labelled with that item', () => {
    const pipes = '改造老旧供水、燃气、供热管网500公里、320公里、180公里。';
    const gas = keyFigure(highlight([pipes], ['燃气', '管子'], weight, true), ctx('今年要换多少公里老燃气管子？', ['燃气', '管子']));
    expect(gas).toMatchObject({ figure: '320公里', clause: '燃气' });
    const tourism = '接待游客、旅游收入分别增长12.5%和8.1%。';
    expect(keyFigure(highlight([tourism], ['旅游收入'], weight, true), ctx('去年旅游收入增长多少？', ['旅游收入']))?.figure).toBe('8.1%');
    expect(keyFigure(highlight([tourism], ['接待', '游客'], weight, true), ctx('去年接待游客增长多少？', ['接待', '游客']))?.figure).toBe('12.5%');
    expect(figureKind(tourism, '8.1%')).toBe('growth'); // the second of a pair is of the first's kind
  });
  it('never takes it from a sentence that names the indicator less fully, nor leads with a rank', () => {
    // The amount is asked; the report gives only the growth and its rank, and a count of firms next to it.
    const sentences = ['全省货物进出口总额增长12.4%、增速居全国第5位。', '外贸企业队伍扩大，新增有进出口实绩企业860家。'];
    const q = '去年货物进出口总额是多少？';
    const { h, key } = highlightWithKey(sentences, ['货物', '进出口', '总额'], weight, true, ctx(q, ['货物', '进出口', '总额']));
    expect(key).toBeUndefined();
    expect(h.sentence).toBe(sentences[0]);
    expect(figureKind(sentences[0]!, '5位')).toBe('rank');
  });
});

describe('period ranking', () => {
  const passage = (period: Passage['period'], text = '地区生产总值增长。'): Passage => ({ id: 0, text, sentences: [text], section: null, period, source: { file: 'f', title: 't', district: null, year: 2026, paragraph: 1, lines: [1, 1] } });
  const lastYear = passage({ kind: 'review', year: 2025 });
  const fiveYears = passage({ kind: 'review', year: 2025, span: [2021, 2025] });
  const both = passage({ kind: 'review', year: 2025, alsoSpan: [2021, 2025] });
  const targets = passage({ kind: 'plan', year: 2026, targets: true });
  const tasks = passage({ kind: 'plan', year: 2026 });
  const nextFive = passage({ kind: 'plan', year: 2026, span: [2026, 2030] });
  const ask = (q: string) => understand(q, { synonyms: {}, covered: [] });
  it("reads a multi-year passage from the structure stage's period, not from headings", () => {
    expect(passageSpan(fiveYears)).toBe(true);
    expect(passageSpan(nextFive)).toBe(true);
    expect(passageSpan(both)).toBe(false);
    expect(passageSpan(lastYear)).toBe(false);
    expect(passageSpan(passage(undefined))).toBe(false);
    expect(periodYear(lastYear)).toBe(2025);
    expect(periodYear(fiveYears)).toBeNull();
  });
  it('prefers the single year reviewed for a last-year question, the main targets for a target question', () => {
    const q = ask('去年地区生产总值增长多少？');
    expect(periodFit(lastYear, q, 'review')).toBeGreaterThan(periodFit(fiveYears, q, 'review'));
    expect(periodFit(tasks, q, 'review')).toBe(0);
    const t = ask('今年地区生产总值增长目标是多少？');
    expect(periodFit(targets, t, 'plan')).toBeGreaterThan(periodFit(tasks, t, 'plan'));
    expect(periodFit(tasks, t, 'plan')).toBeGreaterThan(periodFit(nextFive, t, 'plan'));
    expect(periodFit(lastYear, t, 'plan')).toBe(0);
  });
  it("puts a named year's result (next year's report) before its plan, unless a target is asked", () => {
    const plan2025: Passage = { ...targets, period: { kind: 'plan', year: 2025, targets: true }, source: { ...targets.source, year: 2025 } };
    const q = ask('2025年地区生产总值增长多少？');
    expect(periodFit(lastYear, q, null)).toBeGreaterThan(periodFit(plan2025, q, null));
    const t = ask('2025年地区生产总值增长目标定的多少？');
    expect(askedPeriod(t.normalized)).toBe('plan');
    expect(periodFit(plan2025, t, 'plan')).toBeGreaterThan(periodFit(lastYear, t, 'plan'));
    expect(askedPeriod('2022年赤字率定的多少？')).toBe('plan');
    expect(askedPeriod('2022年预计减税多少？')).toBe('plan');
  });
  it('dates a passage whose text names no year by its period', () => {
    expect(contradictsYear(lastYear, ask('2024年地区生产总值增长多少？'), 'review')).toBe(true);
    expect(contradictsYear(lastYear, ask('2025年地区生产总值增长多少？'), 'review')).toBe(false);
    // A five-year review covers each of its years: a span, not another year (the span weight judges it).
    expect(contradictsYear(fiveYears, ask('2023年地区生产总值增长多少？'), 'review')).toBe(false);
    expect(contradictsYear(fiveYears, ask('2019年地区生产总值增长多少？'), 'review')).toBe(true);
  });
  it('reads the years of a named five-year plan or a written range, and judges a passage by its period against them', () => {
    expect(yearsAsked('“十三五”期间城镇新增就业多少人？')).toEqual([2016, 2020]);
    expect(yearsAsked('“十四五”常住人口城镇化率目标是多少？')).toEqual([2021, 2025]);
    expect(yearsAsked('2013到2017这五年贫困人口少了多少？')).toEqual([2013, 2017]);
    expect(yearsAsked('2025年地区生产总值增长多少？')).toBeNull();
    const earlierFive = passage({ kind: 'review', year: 2022, span: [2018, 2022] });
    expect(contradictsYears(fiveYears, [2021, 2025])).toBe(false);
    expect(contradictsYears(earlierFive, [2016, 2020])).toBe(true); // another five years
    expect(contradictsYears(both, [2021, 2025])).toBe(false); // last year, inside the span
    expect(contradictsYears(targets, [2021, 2025])).toBe(true); // this year's plan is after it
    expect(contradictsYears(nextFive, [2021, 2025])).toBe(true);
    expect(contradictsYears(passage(undefined), [2021, 2025])).toBe(false);
    // The whole span asked (“十三五”期间…一共多少): one year's review is not it, unless it reviews the span alongside.
    expect(contradictsYears(lastYear, [2021, 2025], true)).toBe(true);
    expect(contradictsYears(both, [2021, 2025], true)).toBe(false);
    expect(contradictsYears(fiveYears, [2021, 2025], true)).toBe(false);
    // A named plan's target (“十四五”…要降低多少): the plan over those years before one year's targets.
    expect(spanFit(fiveYears, [2021, 2025])).toBeGreaterThan(spanFit(targets, [2021, 2025]));
    expect(spanFit(nextFive, [2021, 2025])).toBe(0);
  });
  it('reads the state now (现在, 目前) as a result and 要 + a verb as a target', () => {
    expect(askedPeriod('地铁现在一共有多长？')).toBe('review');
    expect(askedPeriod('目前城镇化率是多少？')).toBe('review');
    expect(askedPeriod('2021年全国要新开工改造多少个老旧小区？')).toBe('plan');
    expect(askedPeriod('“十四五”要让老百姓平均多活几岁？')).toBe('plan');
  });
});

describe('ranking weights fitted by leaving reports out', () => {
  it('chooses the combination with the best recall and scores each report with weights chosen without it', () => {
    expect(combinations({ a: [1, 2], b: [3, 4, 5] })).toHaveLength(6);
    // Every weight the engine reads from rank.json is on the grid, coverage included (1 = off is a choice).
    const grid = combinations();
    expect(grid).toHaveLength(3 ** 6);
    expect(new Set(grid.map((c) => c.coveragePenalty))).toEqual(new Set([0.6, 0.8, 1]));
    expect(Object.keys(grid[0]!).sort()).toEqual(['coveragePenalty', 'figureBoost', 'lexicalWeight', 'periodPenalty', 'spanPenalty', 'yearPenalty']);
    expect(worth(1)).toBe(1);
    expect(worth(3)).toBe(0.5);
    expect(worth(null)).toBe(0);
    const questions = [
      { question: 'q1', source: 'a.txt', answer: null, evidence: null },
      { question: 'q2', source: 'a.txt', answer: null, evidence: null },
      { question: 'q3', source: 'b.txt', answer: null, evidence: null },
    ];
    // Combination 0 is best on a.txt, combination 1 on b.txt.
    const table = [
      [1, 1, 4],
      [2, 2, 1],
    ];
    expect(chooseWeights(table, () => true)).toBe(0);
    const combos = [{ lexicalWeight: 0.5, figureBoost: 1, yearPenalty: 1, periodPenalty: 1, spanPenalty: 1, coveragePenalty: 1 }, { lexicalWeight: 0.5, figureBoost: 1.2, yearPenalty: 1, periodPenalty: 1, spanPenalty: 1, coveragePenalty: 1 }];
    const fit = crossValidateRank(table, questions, combos, 0);
    // a.txt held out -> chosen on b.txt -> combination 1 -> ranks 2, 2; b.txt held out -> combination 0 -> rank 4.
    expect(fit.heldOut.recallAt1).toBe(0);
    expect(fit.heldOut.recallAt3).toBeCloseTo(2 / 3, 3);
    expect(fit.before.recallAt1).toBeCloseTo(2 / 3, 3);
    expect(fit.best.figureBoost).toBe(1);
  });
});

describe('honest cards', () => {
  it('tells the data year from the report year and marks a target', async () => {
    const { figureWhen } = await import('../src/present/telegram.js');
    const source = { file: 'f', title: 't', district: '南山区', year: 2026, paragraph: 1, lines: [1, 1] as [number, number] };
    expect(figureWhen({ figure: '5.2%', clause: '增长', year: 2025 }, source)).toBe('2025年 · 据2026年报告');
    expect(figureWhen({ figure: '5%左右', clause: '增长', year: 2026, target: true }, source)).toBe('2026年目标');
    expect(figureWhen({ figure: '5%左右', clause: '增长', year: null }, source)).toBe('据2026年报告');
  });
  it('marks a plan sentence of the report year as a target', () => {
    const key = keyFigure(highlight(['今年地区生产总值预期目标增长5%左右。'], ['地区生产总值'], weight, true), { ...ctx('今年地区生产总值增长目标是多少？', ['地区生产总值']), reportYear: 2026, year: 2026, period: 'plan' });
    expect(key).toMatchObject({ figure: '5%左右', year: 2026, target: true });
  });
  it('says why an answer is uncertain', async () => {
    const { uncertainWhy } = await import('../src/search/engine.js');
    const none = { yearContradicts: 0, periodConflicts: 0, figureMissing: 0, unitMissing: 0, kindMissing: 0 };
    expect(uncertainWhy({ ...none, yearContradicts: 1 }, '', [], weight)).toContain('另一个年份');
    expect(uncertainWhy(none, '城镇新增就业3100人', [['新增就业'], ['高校毕业生']], weight)).toContain('高校毕业生');
  });
});

describe('counts in words', () => {
  it('are figures for the decision, except 一 (一个中心 is a word)', async () => {
    const { wordCounts } = await import('../src/search/decide.js');
    expect(wordCounts('突出做好以下三个方面工作，两年内完成整改，建设一个中心。')).toEqual(['三个', '两年']);
    expect(wordCounts('实施十二项民生实事')).toEqual(['十二项']);
  });
});

describe('decision folds', () => {
  it('keep each report in one fold', async () => {
    const { reportFolds } = await import('../src/search/calibrate.js');
    const ex = (source: string | null, i: number) => ({ question: { question: `q${i}`, source, answer: null, evidence: null, district: `d${i % 2}` }, features: {} as never, correct: i % 2, answerable: source !== null, hitRank: null });
    const examples = ['a', 'a', 'b', 'b', 'b', 'c', null, null, 'd', 'e'].map((s, i) => ex(s, i));
    const fold = reportFolds(examples, 3);
    const foldOf = (s: string) => new Set(examples.map((e, i) => (e.question.source === s ? fold[i]! : -1)).filter((f) => f >= 0));
    for (const s of ['a', 'b', 'c', 'd', 'e']) expect(foldOf(s).size).toBe(1);
    expect(new Set(fold).size).toBe(3);
  });
});

describe('a vague question asks back', () => {
  const result = (district: string, clause: string) => ({ rank: 1, score: 1, text: 't', highlight: 't', figures: ['5%'], keyFigure: { figure: '5%', clause, year: 2025 }, section: null, passageId: 0, source: { file: `${district}.txt`, title: 't', district, year: 2026, paragraph: 1, lines: [1, 1] as [number, number] } });
  const understood = (concepts: string[][], district: string | null = null) => ({ normalized: '', district, uncoveredPlace: null, year: null, wantsFigure: true, terms: concepts.flat(), concepts });
  it('asks which indicator when the question names none', async () => {
    const { vagueQuestion } = await import('../src/search/engine.js');
    const { namesIndicator } = await import('../src/search/cues.js');
    expect(namesIndicator([['增长'], ['了'], ['多少']])).toBe(false);
    expect(namesIndicator([['地区生产总值'], ['增长']])).toBe(true);
    const ask = vagueQuestion([result('南山区', '全年地区生产总值 同比增长'), result('南山区', '社会消费品零售总额')], understood([['增长'], ['多少']]), true, 3, []);
    expect(ask).toEqual({ what: 'indicator', options: ['地区生产总值 同比增长', '社会消费品零售总额'] });
  });
  it('offers the indicator a key figure counts, never a verb, a dangling bracket or trailing punctuation', async () => {
    const { vagueQuestion } = await import('../src/search/engine.js');
    const { clauseOf } = await import('../src/search/highlight.js');
    const keyed = (figure: string, text: string) => ({ ...result('城西区', ''), text, keyFigure: { figure, clause: clauseOf(text, figure), year: 2022 } });
    const ask = vagueQuestion(
      [keyed('6小时', '企业开办由1天缩短到6小时，入选全国典型。'), keyed('40户', '申报科技项目38项，培育各类创新型中小企业40户、企业研发中心1家。'), keyed('1200件', '全年受理群众来信来访事项（次）1200件。')],
      understood([['增长'], ['多少']]),
      true,
      3,
      [],
    );
    expect(ask).toEqual({ what: 'indicator', options: ['企业开办', '培育各类创新型中小企业', '受理群众来信来访事项'] });
  });
  it('asks which place when none is named and the results give the indicator for several', async () => {
    const { vagueQuestion } = await import('../src/search/engine.js');
    const u = understood([['地区生产总值'], ['增长']]);
    expect(vagueQuestion([result('南山区', 'x')], u, false, 3, ['南山区', '北湖市'])).toEqual({ what: 'place', options: ['南山区', '北湖市'] });
    // A place named, or one report in the library: no question back.
    expect(vagueQuestion([result('南山区', 'x')], u, true, 3, ['南山区', '北湖市'])).toBeUndefined();
    expect(vagueQuestion([result('南山区', 'x')], u, false, 1, ['南山区', '北湖市'])).toBeUndefined();
  });
  it('offers the options as buttons that ask again', async () => {
    const { answerKeyboard } = await import('../src/bot/keyboards.js');
    const { decodeCallback } = await import('../src/bot/callback-data.js');
    const { clarified } = await import('../src/bot/features/ask.js');
    const answer = { query: '去年GDP增长多少？', found: false, confidence: 'low' as const, results: [result('南山区', 'x')], understood: understood([]), askBack: { what: 'place' as const, options: ['南山区', '北湖市'] }, tookMs: 1 };
    const kb = answerKeyboard('abcd1234', { answer, scope: { district: null, file: null }, chatId: 1, votes: new Map() }, 0, 3);
    const first = kb.inline_keyboard[0]!;
    expect(first.map((b) => b.text)).toEqual(['❓ 南山区', '❓ 北湖市']);
    expect(decodeCallback((first[1] as { callback_data: string }).callback_data)).toEqual({ kind: 'clarify', sid: 'abcd1234', index: 1 });
    expect(clarified(answer.query, '北湖市')).toBe('北湖市去年GDP增长多少？');
  });
  it('lists the options by number in terminal text, with how to pick one', async () => {
    const { renderText } = await import('../src/present/text.js');
    const answer = { query: '去年GDP增长多少？', found: false, confidence: 'low' as const, results: [result('南山区', 'x')], understood: understood([]), askBack: { what: 'place' as const, options: ['南山区', '北湖市'] }, reason: '请说明地方：南山区、北湖市的报告都有相关原文。', tookMs: 1 };
    expect(renderText(answer)).toContain('请选择要问的地方：\n  1. 南山区\n  2. 北湖市\n请在问题里写明其中一个地方再问一次。');
    expect(renderText(answer, undefined, { pickByNumber: true })).toContain('输入编号（1–2）按所选的地方再问一次。');
    const { askBack: _, ...plain } = answer;
    expect(renderText(plain)).not.toContain('请选择');
  });
});

describe('a place inside a covered report', () => {
  it('is answered from its host report, labelled, only by passages naming it', async () => {
    const { understand, loadSynonyms } = await import('../src/search/understand.js');
    const { gazetteer } = await import('../src/places/gazetteer.js');
    const { join } = await import('node:path');
    const synonyms = loadSynonyms(join(import.meta.dirname, '..', 'src', 'search', 'synonyms.json'));
    const g = gazetteer();
    const province = [...g.byCode.values()].find((p) => p.name === '浙江省')!;
    const city = [...g.byCode.values()].find((p) => p.name === '宁波市')!;
    const u = understand('宁波舟山港去年集装箱吞吐量是多少？', { synonyms, covered: [province] });
    expect(u.uncoveredPlace).toBeNull();
    expect(u.places).toEqual([{ code: province.code, name: '浙江省', level: 'province' }]);
    expect(u.inside).toEqual({ names: ['宁波', '宁波市'], report: '浙江省' });
    // The city's own report indexed: no detour. A place of another province: still not covered.
    expect(understand('宁波舟山港去年集装箱吞吐量是多少？', { synonyms, covered: [province, city] }).inside).toBeUndefined();
    expect(understand('西宁市去年地区生产总值是多少？', { synonyms, covered: [province] }).uncoveredPlace).toBe('西宁市');
  });
  it('leads only with a figure whose clause names the place', () => {
    // The province's container figure stands in a clause that does not name the port: no headline.
    const s = '全省港口集装箱吞吐量3600万标箱。';
    const h = highlight([s], ['集装箱'], weight, true);
    expect(keyFigure(h, { ...ctx('宁波港集装箱吞吐量是多少？', ['集装箱']), mustName: ['宁波'] })).toBeUndefined();
    const named = highlight(['宁波港集装箱吞吐量3600万标箱，保税燃料油加注700万吨。'], ['集装箱'], weight, true);
    expect(keyFigure(named, { ...ctx('宁波港集装箱吞吐量是多少？', ['集装箱']), mustName: ['宁波'] })?.figure).toBe('3600万标箱');
    expect(keyFigure(highlight(['宁波港货物吞吐量12亿吨。'], ['吞吐量'], weight, true), { ...ctx('宁波港货物吞吐量是多少？', ['吞吐量']), mustName: ['宁波'] })?.figure).toBe('12亿吨');
  });
});
