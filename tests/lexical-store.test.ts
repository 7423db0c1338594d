// The BM25 postings stored with an index version (lexical.bin) must search exactly as postings collected from
// the passages at open did, and every way the file can be damaged must be caught before it is used.
import { describe, expect, it } from 'vitest';
import { buildLexicalIndex, collectPostings, decodePostings, encodePostings, openLexicalIndex } from '../src/index/lexical.js';
import { tokenize } from '../src/index/tokenize.js';

const TEXTS = [
  '城中区 全年城镇新增就业6725人，城镇调查失业率5.2%。',
  '新建乡村公路86公里，改造老旧小区23个，新增就业岗位。',
  '地区生产总值完成182.4亿元，同比增长6.1%。',
  '完成植树造林1.2万亩，新建污水处理厂2座。',
  '城镇新增就业4210人，城镇调查失业率控制在5%以内。',
  '全年城镇新增就业4000人以上，地区生产总值增长6%左右。',
];
const QUESTIONS = ['城镇新增就业多少人', '地区生产总值增长', '污水处理厂', '失业率5%', '不存在的词语'];

describe('stored BM25 postings', () => {
  it('round-trip through lexical.bin and search exactly as BM25 built from the texts', () => {
    const built = buildLexicalIndex(TEXTS);
    const bytes = encodePostings(collectPostings(TEXTS));
    // an odd byte offset, as a slice of a larger read would give: the decoder copies to align
    const shifted = Buffer.concat([Buffer.alloc(1), bytes]).subarray(1);
    for (const raw of [bytes, shifted]) {
      const opened = openLexicalIndex(decodePostings(raw, TEXTS.length));
      expect(opened.size).toBe(built.size);
      for (const q of QUESTIONS) {
        const tokens = tokenize(q);
        expect(opened.search(tokens, 10)).toEqual(built.search(tokens, 10));
        expect(opened.search(tokens, 3, (d) => d % 2 === 0)).toEqual(built.search(tokens, 3, (d) => d % 2 === 0));
        for (const t of tokens) expect(opened.idf(t)).toBe(built.idf(t));
      }
    }
    expect(built.search(tokenize('城镇新增就业'), 10).length).toBeGreaterThan(1);
  });

  it('rejects a cut, a wrong passage count, another layout and out-of-range postings', () => {
    const bytes = encodePostings(collectPostings(TEXTS));
    expect(() => decodePostings(bytes.subarray(0, bytes.length - 4), TEXTS.length)).toThrow(/lexical.bin is damaged \(its size/);
    expect(() => decodePostings(bytes.subarray(0, 10), TEXTS.length)).toThrow(/shorter than its header/);
    expect(() => decodePostings(bytes, TEXTS.length + 1)).toThrow(/6 passages, the manifest says 7/);
    const other = Buffer.from(bytes);
    other.writeUInt32LE(0, 0);
    expect(() => decodePostings(other, TEXTS.length)).toThrow(/not a lexical index/);
    // a document number beyond the passages, at the first posting (after the header, token list and offsets)
    const postings = collectPostings(TEXTS);
    postings.docs[0] = TEXTS.length + 5;
    expect(() => decodePostings(encodePostings(postings), TEXTS.length)).toThrow(/postings of token 0/);
  });
});
