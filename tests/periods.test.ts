// Ranking that knows periods and places, end to end through the real model and index, on two reports written for
// this test (tests/fixtures/periods: a national report reviewing one five-year plan and setting out the next, and
// a province's report of the year after it): the years of a named plan against each passage's period, the state
// now as the latest result, and no place named meaning the country's report.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../src/types.js';
import { indexedCopy } from './helpers/indexed.js';

const fixtures = join(import.meta.dirname, 'fixtures', 'periods');

describe('periods and places in ranking, end to end', () => {
  let engine: Engine;
  let remove = () => {};
  beforeAll(async () => {
    ({ engine, remove } = await indexedCopy('periods-test', fixtures));
  }, 120_000);
  afterAll(() => remove());

  const first = async (q: string) => (await engine.search(q)).results[0];

  it("answers a named five-year plan's target from the plan over those years, not from a year's targets or the next plan", async () => {
    const r = await first('“十四五”常住人口城镇化率目标是多少？');
    expect(r?.source.file).toBe('national-2021.txt');
    expect(r?.text).toContain('65%');
    expect((await first('“十四五”单位国内生产总值能耗要降低多少？'))?.text).toContain('13.5%');
  });

  it("answers a five-year total from the review of those five years, not from one year's", async () => {
    expect((await first('“十三五”期间城镇新增就业多少人？'))?.text).toContain('6000万人');
    expect((await first('山西“十四五”期间城镇新增就业一共多少人？'))?.text).toContain('230万人');
    // A five-year figure in last year's review (“十四五”时期…年均增长) answers the five years.
    expect((await first('山西“十四五”以来农村居民人均可支配收入年均增长多少？'))?.text).toContain('7.1%');
    // One year asked still gets that year's review.
    expect((await first('2020年城镇新增就业多少人？'))?.text).toContain('1186万人');
  });

  it("takes a question naming no place as the country's when the country's report is indexed", async () => {
    const a = await engine.search('城镇新增就业目标是多少？');
    expect(a.results[0]?.source.file).toBe('national-2021.txt');
    expect(a.results[0]?.text).toContain('1100万人以上');
    expect((await first('山西城镇新增就业目标是多少？'))?.text).toContain('45万人以上');
  });

  it("answers last year from last year's figure in a section reviewing last year and the five years together", async () => {
    // The subsection's title says 稳预期 (a plan's cue word): it is still the review. The figure given for each of
    // the five years (每年…15万人以上) is not last year's.
    const r = await first('山西去年高校毕业生留晋就业多少人？');
    expect(r?.text).toContain('18.6万人');
  });

  it('takes the five-year plan a question names as its time, not as a word the passage must repeat', async () => {
    // Only the section heading says “十四五”; the passage answering is about those years, and is found.
    const a = await engine.search('全国“十四五”时期人均预期寿命要提高多少？');
    expect(a.results[0]?.source.file).toBe('national-2021.txt');
    expect(a.results[0]?.figures[0]).toBe('1岁');
    expect(a.found).toBe(true);
    // The decision reads the question's words as all there.
    expect(a.decision?.features.coverage).toBe(1);
  });

  it('answers a year with the level a five-year review reached in it, and counts in 万 with no unit', async () => {
    // The year's own review gives the growth only: the level reached at the end of the five years is the answer.
    const a = await engine.search('2020年国内生产总值是多少？');
    expect(a.results[0]?.figures[0]).toBe('101.6万亿元');
    expect(a.found).toBe(true);
    expect((await engine.search('“十三五”期间农村贫困人口减少了多少？')).results[0]?.figures[0]).toBe('5575万');
    // Another plan's years asked: the 十三五 review's figure is no confident answer, and the card says why.
    const other = await engine.search('全国“十四五”时期贫困人口减少了多少？');
    expect(other.found).toBe(false);
    expect(other.reason).toContain('另一段时期');
  });

  it('reads 现在 as the latest result, not a plan', async () => {
    const r = await first('山西现在常住人口城镇化率是多少？');
    expect(r?.text).toContain('66.5%');
  });
});
