// TEST DOUBLE. An in-memory Engine over a few hand-written passages (copied from the corpus), so the
// bot's tests run in milliseconds without the model or the index. It implements the Engine interface
// with naive bigram matching; it is not the real search and must never be used outside tests.
import type { Answer, Engine, Passage, QueryUnderstanding, ReportSummary, SearchOptions, SearchResult, Source } from '../../src/types.js';
import { clauseOf, yearOfFigure } from '../../src/search/highlight.js';

const REPORTS: Record<string, { title: string; district: string; year: number }> = {
  '000_be770faa11c46e25.txt': { title: '城中区：开好局启新程走在前作表率', district: '城中区', year: 2024 },
  '001_338ed807dc2533c7.txt': { title: '城西区：奋楫笃行谱新篇', district: '城西区', year: 2023 },
};

type Raw = [file: string, paragraph: number, lines: [number, number], sentences: string[]];

const RAW: Raw[] = [
  ['000_be770faa11c46e25.txt', 3, [7, 24], ['2023年，城中区坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻落实党的二十大精神。', '各项工作均取得了新进展、新成效。']],
  ['000_be770faa11c46e25.txt', 4, [26, 37], ['坚持稳就业、促增收。', '打造全市首个“零工驿站”家门口就业服务站，实现“临时用工找驿站，灵活就业进驿站”。']],
  ['000_be770faa11c46e25.txt', 4, [26, 37], ['全年城镇新增就业6725人，农村劳动力转移就业7152人次，全体居民人均可支配收入43269元，同比增长3.9%。']],
  ['000_be770faa11c46e25.txt', 5, [39, 48], ['坚持兴文化、展形象。', '全年接待游客1693.2万人次，实现旅游收入96.95亿元，同比增长67.83%。']],
  ['000_be770faa11c46e25.txt', 6, [50, 58], ['坚持优服务、强保障。', '城镇就业困难人员就业帮扶实现全覆盖，新增就业见习岗位320个。']],
  ['001_338ed807dc2533c7.txt', 10, [200, 210], ['坚持就业优先，完成城镇新增就业7557人，发放稳岗返还、留工培训补助5400余万元。']],
  ['001_338ed807dc2533c7.txt', 11, [212, 218], ['扎实做好退役军人服务保障，发放优抚资金4500余万元，分配公租房 248套。', '新增就业岗位与城镇新增就业统筹推进。']],
  ['001_338ed807dc2533c7.txt', 12, [220, 226], ['城西区新增城镇就业困难人员就业帮扶对象1200人，城镇新增就业指标全面完成。']],
];

export const FAKE_PASSAGES: Passage[] = RAW.map(([file, paragraph, lines, sentences], id) => {
  const r = REPORTS[file]!;
  const source: Source = { file, title: r.title, district: r.district, year: r.year, paragraph, lines };
  return { id, text: sentences.join(''), sentences, section: null, source };
});

const FIGURE_RE = /\d+(?:\.\d+)?(?:余)?(?:万|亿)?(?:元|人次|人|个|套|%)/g;
const UNCOVERED = ['湟源县', '大通县', '湟源縣'];

const normalize = (s: string) => s.replace(/區/g, '区').replace(/寧/g, '宁').replace(/縣/g, '县');
const bigrams = (s: string) => {
  const cjk = normalize(s).replace(/[^\p{Script=Han}\d]/gu, '');
  const out = new Set<string>();
  for (let i = 0; i + 1 < cjk.length; i++) out.add(cjk.slice(i, i + 2));
  return out;
};

export interface FakeEngine extends Engine {
  /** Every search call, for assertions (e.g. that /district reached the engine). */
  calls: { query: string; options: SearchOptions | undefined }[];
  /** Every answer returned, in order: what the bot's cards must show. */
  answers: Answer[];
  /** Make the next search throw (error-handling tests). */
  failNext: boolean;
  /** Delay each search (concurrency tests). */
  delayMs: number;
}

export function createFakeEngine(): FakeEngine {
  const engine: FakeEngine = {
    calls: [],
    answers: [],
    failNext: false,
    delayMs: 0,
    async search(query, options) {
      engine.calls.push({ query, options });
      const answer = await answerFor(query, options);
      engine.answers.push(answer);
      return answer;
    },
    context(passageId, radius = 1) {
      const center = FAKE_PASSAGES[passageId];
      if (!center) return [];
      return FAKE_PASSAGES.filter((p) => p.source.file === center.source.file && Math.abs(p.id - passageId) <= radius);
    },
    reload: async () => false,
    reports(): ReportSummary[] {
      return Object.entries(REPORTS).map(([file, r]) => ({ file, ...r, passages: FAKE_PASSAGES.filter((p) => p.source.file === file).length }));
    },
  };
  async function answerFor(query: string, options: SearchOptions | undefined): Promise<Answer> {
    if (engine.delayMs) await new Promise((r) => setTimeout(r, engine.delayMs));
    if (engine.failNext) {
      engine.failNext = false;
      throw new Error('fake engine failure');
    }
    const normalized = normalize(query);
    const asked = [...new Set(Object.values(REPORTS).map((r) => r.district))].find((d) => normalized.includes(d)) ?? null;
    const uncovered = UNCOVERED.find((p) => query.includes(p)) ?? null;
    const understood: QueryUnderstanding = {
      normalized,
      district: asked,
      uncoveredPlace: uncovered ? normalize(uncovered) : null,
      year: null,
      wantsFigure: /多少|几/.test(query),
      terms: [],
      concepts: [],
    };
    const base = { query, understood, tookMs: 1 };
    if (uncovered) {
      return { ...base, found: false, results: [], reason: `已收录的报告不包括${normalize(uncovered)}。` } satisfies Answer;
    }
    const q = bigrams(query.replace(/多少|是|了|去年|今年/g, ''));
    const district = options?.district ?? asked;
    const scored = FAKE_PASSAGES.filter((p) => (!district || p.source.district === district) && (!options?.file || p.source.file === options.file))
      .map((p) => {
        const b = bigrams(p.text);
        return { p, score: [...q].filter((x) => b.has(x)).length };
      })
      .filter((x) => x.score >= 2)
      .sort((a, b) => b.score - a.score || a.p.id - b.p.id)
      .slice(0, options?.top ?? 3);
    if (scored.length === 0) {
      return { ...base, found: false, results: [], reason: '报告中没有与问题足够相关的段落。' } satisfies Answer;
    }
    const results: SearchResult[] = scored.map(({ p, score }, i) => {
      const highlight = [...p.sentences].sort((a, b) => [...bigrams(b)].filter((x) => q.has(x)).length - [...bigrams(a)].filter((x) => q.has(x)).length)[0]!;
      const figures = highlight.replace(/\s+/g, '').match(FIGURE_RE) ?? [];
      const lead = figures[0];
      const keyFigure = lead ? { figure: lead, clause: clauseOf(highlight, lead), year: yearOfFigure(highlight, p.source.year, understood.year) } : undefined;
      return { rank: i + 1, score, text: p.text, highlight, figures, ...(keyFigure ? { keyFigure } : {}), section: null, passageId: p.id, source: p.source };
    });
    return { ...base, found: true, results };
  }
  return engine;
}
