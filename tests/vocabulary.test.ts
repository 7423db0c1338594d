// The learnt vocabulary: indicator words collected from a report's figures, and a question word in no passage
// stood in for by its nearest indicator words. A small report written for this test (figures of no real report),
// then the real model on it.
import { appendFileSync, chmodSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestReports } from '../src/app/ingest.js';
import { openEngine } from '../src/app/open.js';
import { parseConfig } from '../src/config/index.js';
import { type Embedder, loadEmbedder } from '../src/embed/index.js';
import { currentProblem, currentVersion, readIndex } from '../src/index/store.js';
import { indicatorWords, learnWords, withLookup } from '../src/index/vocabulary.js';
import { DEFAULT_RANK } from '../src/search/engine.js';
import { understand } from '../src/search/understand.js';
import { type LearntWords, type LearntWordsOptions, nearestWords, type StandIns, standInMemory, standInsOf, withLearntWords } from '../src/search/vocabulary.js';
import { SAMPLE_DIR, sampleConfig } from './helpers/sample.js';

/** Stand-ins found afresh each time (the engine's memory without the remembering): `vectorsOf` embeds the words. */
function standInsBy(vectorsOf: (words: string[]) => Promise<Float32Array[]>, learnt: LearntWords, options: LearntWordsOptions): StandIns {
  const near = async (words: string[]) => {
    if (learnt.words.length === 0) return words.map(() => []);
    const vectors = await vectorsOf(words);
    return words.map((w, i) => standInsOf(w, vectors[i]!, learnt, options));
  };
  return Object.assign(near, { vectors: vectorsOf });
}

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
    // Past the cap, the words named in the most passages: 粮食总产量 and its words (three passages now), not 寿命 (two).
    const more = [...records, { indicator: '粮食总产量', passageId: 9 }];
    const widest = indicatorWords(more, 3);
    expect(widest).toContain('粮食总产量');
    expect(indicatorWords(more, 2, widest.length)).toEqual(widest);
    expect(indicatorWords(more, 2, widest.length)).not.toContain('寿命');
    // Words known already are left out before the cap: the next widest come in.
    expect(indicatorWords(more, 2, 1, new Set(widest))).toEqual(['寿命']);
    expect(indicatorWords(records, 2, 100)).toEqual(words);
  });

  it('stands in only for words no passage holds, with the nearest words above the similarity', async () => {
    const v = (...x: number[]) => Float32Array.from(x);
    const learnt = { words: ['追回', '欠薪', '粮食'], vectors: [v(1, 0, 0), v(0.6, 0.8, 0), v(0, 0, 1)] };
    expect(nearestWords(v(1, 0, 0), learnt, { similarity: 0.5, top: 2 })).toEqual(['追回', '欠薪']);
    expect(nearestWords(v(1, 0, 0), learnt, { similarity: 0.7, top: 2 })).toEqual(['追回']);
    const asked: string[] = [];
    const vectorsOf = async (words: string[]) => (asked.push(...words), words.map(() => v(1, 0, 0)));
    const known = (w: string) => w === '粮食';
    const out = await withLearntWords([['讨回'], ['粮食']], ['讨回', '粮食'], known, standInsBy(vectorsOf, learnt, { similarity: 0.7, top: 2 }), learnt, { similarity: 0.7, top: 2 });
    expect(asked).toEqual(['讨回']); // the known word is never embedded
    expect(out.concepts).toEqual([['讨回', '追回'], ['粮食']]);
    expect(out.terms).toEqual(['讨回', '粮食', '追回']);
    expect(out.learnt).toEqual({ 讨回: ['追回'] });
    // Nothing near enough: the question reads as before.
    const none = await withLearntWords([['讨回']], ['讨回'], known, standInsBy(vectorsOf, learnt, { similarity: 1.01, top: 2 }), learnt, { similarity: 1.01, top: 2 });
    expect(none.learnt).toEqual({});
    expect(none.concepts).toEqual([['讨回']]);
  });

  it("stands in for the question's everyday phrase: the words that agree with its nearest indicator word, and the one-character verbs around a word it extends", async () => {
    const v = (...x: number[]) => Float32Array.from(x);
    const learnt = { words: ['常住人口城镇化率', '粮食产量', '城镇'], vectors: [v(1, 0, 0), v(0, 1, 0), v(0, 0, 1)] };
    const phrase = { similarity: 0.57, top: 1, words: 0.65, unknownWords: 0.45 };
    const options = { similarity: 0.75, top: 2, every: true, phrase };
    // 住在城里的人占多大比例: the question's vector is near 常住人口城镇化率 (0.9), 城里's own only at 0.5 (its word stand-in is 城镇, 0.87).
    const words: Record<string, Float32Array> = { 城里: v(0.5, 0, 0.866), 粮食: v(0, 0.6, -0.8) };
    const vectorsOf = async (ws: string[]) => ws.map((w) => words[w]!);
    const city = [['住'], ['城里'], ['人'], ['占']];
    const question = (text: string, vector: Float32Array) => ({ text, vector: async () => vector });
    const asked = question('住在城里的人占多大比例', v(0.9, 0, 0.436));
    // 城里 is in no passage: 0.5 is enough, and the stand-in is searched.
    const unknown = await withLearntWords(city, ['城里'], (w) => w !== '城里', standInsBy(vectorsOf, learnt, options), learnt, options, asked);
    expect(unknown.learnt).toEqual({ 城里: ['城镇', '常住人口城镇化率'] });
    expect(unknown.terms).toContain('常住人口城镇化率');
    // A word some passage holds must agree at 0.65: 0.5 is not enough.
    const held = await withLearntWords(city, ['城里'], () => true, standInsBy(vectorsOf, learnt, options), learnt, options, asked);
    expect(held.learnt).toEqual({ 城里: ['城镇'] });
    // Phrases off (or no question given): word by word, as before.
    expect((await withLearntWords(city, ['城里'], (w) => w !== '城里', standInsBy(vectorsOf, learnt, { ...options, phrase: undefined }), learnt, { ...options, phrase: undefined }, asked)).learnt).toEqual({ 城里: ['城镇'] });
    expect((await withLearntWords(city, ['城里'], (w) => w !== '城里', standInsBy(vectorsOf, learnt, options), learnt, options)).learnt).toEqual({ 城里: ['城镇'] });
    // The question's vector far from every indicator word: nothing of the phrase.
    expect((await withLearntWords(city, ['城里'], (w) => w !== '城里', standInsBy(vectorsOf, learnt, options), learnt, options, question('住在城里的人占多大比例', v(0.5, 0, 0.866)))).learnt).toEqual({ 城里: ['城镇'] });
    // 打多少粮食: 粮食产量 extends 粮食, a word the question names: it stands in for 打 (counted, not searched).
    // A unit (吨) is what the figure is counted in: never stood in for.
    const grain = await withLearntWords([['打'], ['粮食'], ['吨']], ['打', '粮食', '吨'], () => true, standInsBy(vectorsOf, learnt, options), learnt, options, question('打多少吨粮食', v(0, 1, 0)));
    expect(grain.learnt).toEqual({ 打: ['粮食产量'] });
    expect(grain.concepts).toEqual([['打', '粮食产量'], ['粮食'], ['吨']]);
    expect(grain.terms).toEqual(['打', '粮食', '吨']);
    // An indicator word the question names already adds nothing.
    expect((await withLearntWords([['打'], ['粮食']], ['打', '粮食'], () => true, standInsBy(vectorsOf, learnt, options), learnt, options, question('打多少粮食产量', v(0, 1, 0)))).learnt).toEqual({});
  });

  it('a remembered word\'s stand-ins are never changed by the phrase of the question that asked it', async () => {
    const v = (...x: number[]) => Float32Array.from(x);
    const learnt = withLookup({ words: ['常住人口城镇化率', '城镇'], vectors: [v(1, 0, 0), v(0, 0, 1)] });
    const options = { similarity: 0.75, top: 2, every: true, phrase: { similarity: 0.57, top: 1, words: 0.65, unknownWords: 0.45 } };
    const memo = standInMemory(async (ws) => ws.map(() => v(0.5, 0, 0.866)));
    const standIns = memo.standIns(learnt, options);
    const asked = { text: '住在城里的人占多大比例', vector: async () => v(0.9, 0, 0.436) };
    const first = await withLearntWords([['城里']], ['城里'], () => false, standIns, learnt, options, asked);
    expect(first.learnt).toEqual({ 城里: ['城镇', '常住人口城镇化率'] });
    // The next question naming 城里 gets the word's own stand-ins, not the last question's phrase.
    expect(await standIns(['城里'])).toEqual([['城镇']]);
  });

  it('remembers each question word\'s stand-ins: a word asked again costs no model call and no pass over the vocabulary', async () => {
    const v = (...x: number[]) => Float32Array.from(x);
    const learnt = withLookup({ words: ['追回', '欠薪', '粮食'], vectors: [v(1, 0, 0), v(0.6, 0.8, 0), v(0, 0, 1)] });
    const options = { similarity: 0.5, top: 2 };
    const calls: string[][] = [];
    const vectors: Record<string, Float32Array> = { 讨回: v(1, 0, 0), 口粮: v(0, 0, 1), 工钱: v(0.6, 0.8, 0) };
    const memo = standInMemory(async (words) => (calls.push(words), words.map((w) => vectors[w]!)), 2);
    const ask = memo.standIns(learnt, options);
    // The new words of a question are embedded in one call, together, as before.
    expect(await ask(['讨回', '口粮'])).toEqual([['追回', '欠薪'], ['粮食']]);
    expect(calls).toEqual([['讨回', '口粮']]);
    // Asked again: no model call, and no pass over the vocabulary (a changed word list would show in a new pass).
    learnt.words[0] = '变了';
    expect(await ask(['讨回'])).toEqual([['追回', '欠薪']]);
    expect(calls).toHaveLength(1);
    learnt.words[0] = '追回';
    // Another vocabulary (a new index version): found again from the remembered vector, not embedded again.
    const next = withLookup({ words: ['欠薪'], vectors: [v(0.6, 0.8, 0)] });
    expect(await memo.standIns(next, options)(['讨回'])).toEqual([['欠薪']]);
    expect(calls).toHaveLength(1);
    // At most two words: the least recently asked (口粮) is dropped, 讨回 kept.
    expect(await ask(['工钱'])).toEqual([['欠薪', '追回']]);
    expect(memo.size).toBe(2);
    await ask(['讨回']);
    expect(calls).toEqual([['讨回', '口粮'], ['工钱']]);
    await ask(['口粮']);
    expect(calls).toEqual([['讨回', '口粮'], ['工钱'], ['口粮']]);
    // A vocabulary word is never embedded.
    expect(await ask(['欠薪'])).toEqual([['追回']]);
    expect(calls).toHaveLength(3);
  });

  it('a word asked by two questions at once is embedded once; a failed embedding is asked again next time', async () => {
    const v = (...x: number[]) => Float32Array.from(x);
    const learnt = { words: ['追回'], vectors: [v(1, 0)] };
    const options = { similarity: 0.5, top: 2 };
    const calls: string[][] = [];
    let fail = true;
    const memo = standInMemory(async (words) => {
      calls.push(words);
      await new Promise((r) => setTimeout(r, 10));
      if (fail) throw new Error('model busy');
      return words.map(() => v(1, 0));
    });
    const ask = memo.standIns(learnt, options);
    const both = await Promise.allSettled([ask(['讨回']), ask(['讨回'])]);
    expect(both.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(calls).toEqual([['讨回']]);
    fail = false;
    const again = await Promise.all([ask(['讨回']), ask(['讨回', '要回'])]);
    expect(again).toEqual([[['追回']], [['追回'], ['追回']]]);
    expect(calls).toEqual([['讨回'], ['讨回'], ['要回']]);
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
  it("the real model matches an everyday phrase to the indicator no word of it is near, with the question's own vector", async () => {
    const model = await loadEmbedder(sampleConfig());
    const indicators = ['常住人口城镇化率', '粮食总产量', '人均预期寿命', '旅客吞吐量', '森林覆盖率', '地区生产总值', '居民人均可支配收入', '城镇新增就业', '进出口总额'];
    const learnt = await learnWords(indicators.flatMap((indicator, i) => [{ indicator, passageId: 2 * i }, { indicator, passageId: 2 * i + 1 }]), model);
    // A word "some passage holds": one the indicator words hold.
    const known = (w: string) => learnt.words.some((x) => x.includes(w));
    const standIns = async (q: string, phrase: boolean) => {
      const u = understand(q, { synonyms: {}, covered: [] });
      const vector = await model.embedQuery(u.normalized);
      const options = { ...DEFAULT_RANK.learntWords!, ...(phrase ? {} : { phrase: undefined }) };
      return (await withLearntWords(u.concepts, u.terms, known, standInsBy((ws) => model.embed(ws), learnt, options), learnt, options, { text: u.normalized, vector: async () => vector })).learnt;
    };
    for (const [q, indicator, word] of [
      ['住在城里的人占多大比例？', '常住人口城镇化率', '城里'],
      ['平均能活到多少岁？', '人均预期寿命', '能活'],
      ['外贸做到了多大规模？', '进出口总额', '外贸'],
    ] as const) {
      expect((await standIns(q, true))[word], q).toContain(indicator);
      expect((await standIns(q, false))[word] ?? [], q).not.toContain(indicator);
    }
  }, 60_000);
});

// End to end through the real model and index: the sample plus a small report written for this test
// (tests/fixtures/vocab, figures of no real report). 医生 is in no passage and in no synonym list; the report says
// 执业医师, an indicator of two of its passages.
describe('learnt vocabulary, end to end', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'vocab-'));
    cpSync(SAMPLE_DIR, join(dir, 'corpus'), { recursive: true });
    cpSync(join(import.meta.dirname, 'fixtures', 'vocab'), join(dir, 'corpus'), { recursive: true });
    for (const f of readdirSync(join(dir, 'corpus'))) chmodSync(join(dir, 'corpus', f), 0o644);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('answers a paraphrase the synonym file does not list confidently, and not without the learnt words', async () => {
    const env = { CORPUS_DIR: join(dir, 'corpus'), INDEX_DIR: join(dir, 'index') };
    const config = parseConfig(env);
    const on = await openEngine(config);
    const question = '海东市去年每千人口医生多少人？';
    const a = await on.search(question);
    expect(a.confidence).toBe('high');
    expect(a.results[0]!.highlight).toContain('每千人口执业医师数达到2.9人');
    expect(a.understood.concepts.find((c) => c[0] === '医生')).toContain('医师');
    const off = await openEngine(parseConfig({ ...env, LEARNT_WORDS: 'off' }), { embedder: on.embedder });
    expect((await off.search(question)).confidence).not.toBe('high');
    // The question's word cannot be embedded now: that question is answered without stand-ins, the next one has them.
    let fail = true;
    const flaky = { ...on.embedder, embed: async (texts: string[], o?: Parameters<typeof on.embedder.embed>[1]) => {
      if (fail) throw new Error('model busy');
      return on.embedder.embed(texts, o);
    } };
    const once = await openEngine(config, { embedder: flaky });
    expect((await once.search(question)).confidence).not.toBe('high');
    fail = false;
    expect((await once.search(question)).confidence).toBe('high');
  }, 180_000);

  it('the build stores the vocabulary: read back, it is what learnWords makes of the figure records', async () => {
    const config = parseConfig({ CORPUS_DIR: join(dir, 'corpus'), INDEX_DIR: join(dir, 'index') });
    const model = await loadEmbedder(config);
    const index = await readIndex(config.indexDir);
    const version = join(config.indexDir, index.version);
    expect(index.manifest.stored?.['vocabulary.json']?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(index.manifest.stored?.['vocabulary.f32']?.bytes).toBe(index.vocabulary!.words.length * 512 * 4);
    const learnt = await learnWords(index.figures, model);
    expect(index.vocabulary!.words).toEqual(learnt.words);
    expect(index.vocabulary!.words).toContain('医师');
    const largest = Math.max(...learnt.vectors.map((v, i) => Math.max(...v.map((x, k) => Math.abs(x - index.vocabulary!.vectors[i]![k]!)))));
    expect(largest).toBeLessThan(1e-5);
    expect(index.vocabulary!.vectorOf!.get('医师')).toBe(index.vocabulary!.vectors[index.vocabulary!.words.indexOf('医师')]);
    const stored = JSON.parse(readFileSync(join(version, 'vocabulary.json'), 'utf8')) as { words: string[]; once: string[] };
    expect(stored.words).toEqual(learnt.words);
    // The words of one passage only, kept for an ingest: none of them is a vocabulary word.
    expect(stored.once).toEqual(indicatorWords(index.figures, 1, Infinity).filter((w) => !learnt.words.includes(w)));
  }, 120_000);

  it('answers a paraphrase with no call to the model for the vocabulary: only the question\'s own word is embedded', async () => {
    const config = parseConfig({ CORPUS_DIR: join(dir, 'corpus'), INDEX_DIR: join(dir, 'index') });
    const model = await loadEmbedder(config);
    const embedded: string[] = [];
    const queries: string[] = [];
    const spy: Embedder = { ...model, embed: async (texts, o) => (embedded.push(...texts), model.embed(texts, o)), embedQuery: async (q) => (queries.push(q), model.embedQuery(q)) };
    const engine = await openEngine(config, { embedder: spy });
    expect(embedded).toEqual([]); // the index was fresh: nothing built
    const a = await engine.search('海东市去年每千人口医生多少人？');
    expect(a.confidence).toBe('high');
    expect(a.understood.concepts.find((c) => c[0] === '医生')).toContain('医师');
    expect(embedded.length).toBeGreaterThan(0);
    expect(embedded.length).toBeLessThanOrEqual(a.understood.concepts.length);
    expect(embedded).not.toContain('医师');
    // The question's phrase is matched with the question's own vector: one model call for the question, none for its phrase.
    expect(queries).toEqual(['海东市去年每千人口医生多少人？']);
  }, 120_000);

  it('a damaged vocabulary file is found like any other data file', async () => {
    const copy = mkdtempSync(join(tmpdir(), 'vocab-damaged-'));
    try {
      cpSync(join(dir, 'index'), join(copy, 'index'), { recursive: true });
      const version = currentVersion(join(copy, 'index'))!;
      appendFileSync(join(copy, 'index', version, 'vocabulary.json'), ' ');
      expect(currentProblem(join(copy, 'index'))).toMatchObject({ version, problem: expect.stringMatching(/vocabulary\.json/) });
      await expect(readIndex(join(copy, 'index'))).rejects.toThrow(/damaged.*vocabulary\.json.*npm run index/);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});

// A report added as a segment brings its new indicator words: embedded at the ingest, stored in the segment.
describe('learnt vocabulary of a segment', () => {
  let work: string;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'vocab-seg-'));
    cpSync(SAMPLE_DIR, join(work, 'corpus'), { recursive: true });
    for (const f of readdirSync(join(work, 'corpus'))) chmodSync(join(work, 'corpus', f), 0o644);
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('adds the words of the new report the vocabulary lacks, and answers with them', async () => {
    const config = parseConfig({ CORPUS_DIR: join(work, 'corpus'), INDEX_DIR: join(work, 'index') });
    const engine = await openEngine(config);
    const base = engine.index.vocabulary!;
    expect(base.words).not.toContain('医师');
    const name = 'haidong-2026.txt';
    const bytes = new Uint8Array(readFileSync(join(import.meta.dirname, 'fixtures', 'vocab', name)));
    await ingestReports(config, [{ name, bytes }], { embedder: async () => engine.embedder, compactShare: 1 });
    const index = await readIndex(config.indexDir);
    expect(index.manifest.segments).toHaveLength(1);
    const seg = join(config.indexDir, index.version, index.manifest.segments![0]!.dir);
    const own = (JSON.parse(readFileSync(join(seg, 'vocabulary.json'), 'utf8')) as { words: string[] }).words;
    expect(own).toContain('医师');
    expect(own.filter((w) => base.words.includes(w))).toEqual([]); // only new words
    expect(index.vocabulary!.words).toEqual([...base.words, ...own]);
    // The words of the report's own passages that a full build would take, less those the base already had.
    // What a full build of the same reports takes, less the base's words: also a word of one base passage and one new one.
    expect(own).toEqual(indicatorWords(index.figures).filter((w) => !base.words.includes(w)));
    const records = index.figures.filter((r) => r.passageId >= index.manifest.segments![0]!.firstId);
    expect(own.some((w) => !indicatorWords(records).includes(w))).toBe(true);
    expect(existsSync(join(seg, 'vocabulary.f32'))).toBe(true);
    const fresh = await openEngine(config, { embedder: engine.embedder });
    expect((await fresh.search('海东市去年每千人口医生多少人？')).confidence).toBe('high');
  }, 240_000);
});

describe('LEARNT_WORDS', () => {
  it('reads on, off and a cosine', () => {
    expect(parseConfig({ LEARNT_WORDS: 'on' }).learntWords).toBeUndefined();
    expect(parseConfig({ LEARNT_WORDS: 'off' }).learntWords).toBeNull();
    expect(parseConfig({ LEARNT_WORDS: '0.8' }).learntWords).toBe(0.8);
  });
});

describe('LEARNT_PHRASES', () => {
  it('reads on (the default) and off, and refuses anything else with the values it takes', () => {
    expect(parseConfig({}).learntPhrases).toBe(true);
    expect(parseConfig({ LEARNT_PHRASES: 'on' }).learntPhrases).toBe(true);
    expect(parseConfig({ LEARNT_PHRASES: 'off' }).learntPhrases).toBe(false);
    expect(() => parseConfig({ LEARNT_PHRASES: 'maybe' })).toThrow(/LEARNT_PHRASES/);
    expect(DEFAULT_RANK.learntWords!.phrase).toEqual({ similarity: 0.57, top: 1, words: 0.65, unknownWords: 0.45 });
  });
});
