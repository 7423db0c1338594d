// The decision's coverage for many candidates of one question: each concept's weight worked out once, the same
// figure as summing concept by concept for every text.
import { describe, expect, it } from 'vitest';
import { coverageOf } from '../src/search/decide.js';

describe('coverage of one question over many texts', () => {
  const concepts = [['城镇新增就业', '新增就业'], ['人均可支配收入'], ['讨回', '追回']];
  const idf: Record<string, number> = { 城镇新增就业: 2.1, 新增就业: 1.7, 人均可支配收入: 3.3, 讨回: 0, 追回: 0.9 };
  const texts = ['城镇新增就业12万人', '全体居民人均可支配收入增长5%', '追回欠薪，新增就业8万人', '无关的话'];

  it('gives each text the share the concept-by-concept sum gives, to the last bit', () => {
    const byHand = (text: string) => {
      let total = 0;
      let hit = 0;
      for (const alts of concepts) {
        const w = Math.max(...alts.map((a) => idf[a]!));
        total += w;
        if (alts.some((a) => text.includes(a))) hit += w;
      }
      return total > 0 ? hit / total : 0;
    };
    const covers = coverageOf(concepts, (t) => idf[t]!);
    expect(texts.map(covers)).toEqual(texts.map(byHand));
    expect(texts.map((t) => coverageOf(concepts, (w) => idf[w]!)(t))).toEqual(texts.map(byHand));
    expect(covers(texts[1]!)).toBeCloseTo(3.3 / (2.1 + 3.3 + 0.9), 12);
    expect(coverageOf([], () => 1)('任何')).toBe(0);
  });

  it('weighs the concepts once, not again for every text', () => {
    let weighed = 0;
    const covers = coverageOf(concepts, (t) => (weighed++, idf[t]!));
    for (const t of texts) covers(t);
    expect(weighed).toBe(5);
  });
});
