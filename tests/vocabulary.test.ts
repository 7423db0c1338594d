// The learnt vocabulary: indicator words collected from a report's figures, and a question word in no passage
// stood in for by its nearest indicator words. A small report written for this test (figures of no real report),
// then the real model on it.
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEngine, type OpenedEngine } from '../src/app/open.js';
import { parseConfig } from '../src/config/index.js';
import { loadEmbedder } from '../src/embed/index.js';
import { indicatorWords, learnWords, nearestWords, withLearntWords } from '../src/search/vocabulary.js';
import { sampleConfig } from './helpers/sample.js';

describe('indicator words', () => {
  it('takes each indicator and its words named in two passages or more, Chinese words only', () => {
    const records = [
      { indicator: '粮食总产量', passageId: 1 },
      { indicator: '粮食总产量', passageId: 2 },
      { indicator: '人均预期寿命', passageId: 3 },
      { indicator: '预期寿命', passageId: 4 },
      { indicator: 'PM2.5', passageId: 5 },
      { indicator: 'PM2.5', passageId: 6 },
      { indicator: '粮食总产量', passageId: 2 },
    ];
    const words = indicatorWords(records);
    expect(words).toContain('粮食总产量');
    expect(words).toContain('寿命'); // a word of 人均预期寿命 (passage 3) and of 预期寿命 (passage 4)
    expect(words).not.toContain('人均预期寿命'); // one passage only
    expect(words).not.toContain('PM2.5');
    expect(indicatorWords(records, 3)).toEqual([]);
  });

  it('stands in only for words no passage holds, with the nearest words above the similarity', async () => {
    const v = (...x: number[]) => Float32Array.from(x);
    const learnt = { words: ['追回', '欠薪', '粮食'], vectors: [v(1, 0, 0), v(0.6, 0.8, 0), v(0, 0, 1)] };
    expect(nearestWords(v(1, 0, 0), learnt, { similarity: 0.5, top: 2 })).toEqual(['追回', '欠薪']);
    expect(nearestWords(v(1, 0, 0), learnt, { similarity: 0.7, top: 2 })).toEqual(['追回']);
    const asked: string[] = [];
    const vectorsOf = async (words: string[]) => (asked.push(...words), words.map(() => v(1, 0, 0)));
    const known = (w: string) => w === '粮食';
    const out = await withLearntWords([['讨回'], ['粮食']], ['讨回', '粮食'], known, vectorsOf, learnt, { similarity: 0.7, top: 2 });
    expect(asked).toEqual(['讨回']); // the known word is never embedded
    expect(out.concepts).toEqual([['讨回', '追回'], ['粮食']]);
    expect(out.terms).toEqual(['讨回', '粮食', '追回']);
    expect(out.learnt).toEqual({ 讨回: ['追回'] });
    // Nothing near enough: the question reads as before.
    const none = await withLearntWords([['讨回']], ['讨回'], known, vectorsOf, learnt, { similarity: 1.01, top: 2 });
    expect(none.learnt).toEqual({});
    expect(none.concepts).toEqual([['讨回']]);
  });

  it('the real model puts an everyday word next to the report word', async () => {
    const model = await loadEmbedder(sampleConfig());
    const records = ['追回欠薪', '粮食总产量', '人均预期寿命', '旅客吞吐量', '森林覆盖率'].flatMap((indicator, i) => [
      { indicator, passageId: 2 * i },
      { indicator, passageId: 2 * i + 1 },
    ]);
    const learnt = await learnWords(records, model);
    const [vector] = await model.embed(['能活多少岁']);
    expect(nearestWords(vector!, learnt, { similarity: 0, top: 1 })[0]).toMatch(/寿命/);
    const [other] = await model.embed(['讨回']);
    expect(nearestWords(other!, learnt, { similarity: 0, top: 1 })[0]).toBe('追回');
  }, 60_000);
});
