// Chinese word segmentation for the lexical index, with figures kept whole ("6725人", "16.1%").
import { FIGURE_RE } from '../clean/figures.js';
import { jieba as segmenter } from '../places/segmenter.js';

/** Words that carry no meaning for retrieval (function words, question words, punctuation). */
export const STOPWORDS = new Set(
  (
    '的 了 和 与 及 等 是 在 对 为 将 把 被 从 以 于 之 其 这 那 这些 那些 个 也 都 又 并 而 或 就 还 要 让 向 到 由 上 中 下 里 定 ' +
    '多少 几 几个 几家 几项 什么 哪些 哪个 哪里 怎么 怎样 如何 吗 呢 吧 啊 是否 有 有没有 一共 总共 共 大概 大约 ' +
    '请问 请 问 告诉 我 你 他们 我们 给 帮 了解 情况 一下 能 可以 达到 达 多大 多快 多高 多长 多远 比例 多久 目标 计划 打算'
  ).split(' '),
);

const isWordChar = /[\p{L}\p{N}%％‰]/u;

/** Tokens of a text for BM25: search-mode jieba words, plus every figure and bare number as a whole token. */
export function tokenize(text: string): string[] {
  const compact = text.replace(/\s+/g, '');
  const figures = Array.from(compact.matchAll(FIGURE_RE), (m) => m[0]);
  const numbers = Array.from(compact.matchAll(/\d+(?:\.\d+)?%?/g), (m) => m[0]);
  const words = segmenter()
    .cutForSearch(compact, true)
    .filter((w) => isWordChar.test(w) && !STOPWORDS.has(w));
  return [...words, ...figures, ...numbers];
}
