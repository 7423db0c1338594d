// The one jieba instance of the process: each instance loads its own copy of the dictionary (time at the first
// question, and memory), and every user of it (place finding, the gazetteer, BM25 tokens) only cuts and tags.
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';

let shared: Jieba | undefined;

/** The shared segmenter, loaded on first use. Never add words to it: every stage reads the same cuts. */
export const jieba = (): Jieba => (shared ??= Jieba.withDict(dict));
