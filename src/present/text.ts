// Answer -> plain text for the terminal (the CLI and the no-token terminal chat).
import { type Answer, confidenceOf, type Passage, type ReportSummary, type SearchResult } from '../types.js';
import { fileLines, sourceFull, sourceInWords } from './citation.js';
import { figureWhen, placesDifferText } from './telegram.js';

export interface TextStyle {
  /** Wrap the highlighted sentence (ANSI bold on a terminal, 【】 otherwise). */
  mark: (s: string) => string;
}

export const ANSI: TextStyle = { mark: (s) => `\x1b[1m${s}\x1b[22m` };
export const PLAIN: TextStyle = { mark: (s) => `【${s}】` };


function quote(r: SearchResult, style: TextStyle): string {
  const i = r.text.indexOf(r.highlight);
  return i < 0 ? r.text : r.text.slice(0, i) + style.mark(r.highlight) + r.text.slice(i + r.highlight.length);
}

export interface TextOptions {
  /** The reader can answer an ask-back with the option's number (the terminal chat); else is told to name it in the question (npm run ask). */
  pickByNumber?: boolean;
}

export function renderText(answer: Answer, style: TextStyle = PLAIN, opts: TextOptions = {}): string {
  if (answer.results.length === 0) {
    return `没有找到答案。${answer.reason ?? ''}\n换个说法试试：写明地方（区、县、市）、年份和指标，例如“城中区去年城镇新增就业多少人？”`;
  }
  const lines: string[] = [];
  const uncertain = confidenceOf(answer) !== 'high';
  // Uncertain: say so plainly, no headline figure, nothing marked as the answer.
  if (uncertain) lines.push(UNCERTAIN, ...(answer.reason ? [`原因：${answer.reason}`] : []), '');
  if (answer.askBack && answer.askBack.options.length > 0) lines.push(...askBackLines(answer.askBack, opts.pickByNumber === true), '');
  if (answer.note) lines.push(answer.note, '');
  const lead = uncertain ? undefined : answer.results[0]?.keyFigure;
  if (lead) {
    const s = answer.results[0]!.source;
    lines.push(`${lead.figure} · ${[s.district, figureWhen(lead, s), lead.clause].filter(Boolean).join(' · ')}`, '');
  }
  if (answer.placesDiffer) lines.push(`注意：${placesDifferText(answer.placesDiffer)}`, '');
  for (const r of answer.results) {
    lines.push(`${r.rank}. ${uncertain ? `（可能相关）${r.text}` : quote(r, style)}`);
    if (r.figures.length) lines.push(`   数字：${r.figures.join('、')}`);
    lines.push(`   出处：${sourceInWords(r.source, r)}`, `   原文位置：${fileLines(r.source)} · 第${r.source.paragraph}段`, '');
  }
  return lines.join('\n').trimEnd();
}

/** A vague question's options as a numbered list (the bot's ❓ buttons), and how to pick one. */
function askBackLines(askBack: NonNullable<Answer['askBack']>, pickByNumber: boolean): string[] {
  const what = askBack.what === 'place' ? '地方' : '指标';
  return [
    `请选择要问的${what}：`,
    ...askBack.options.map((o, i) => `  ${i + 1}. ${o}`),
    pickByNumber ? `输入编号（1–${askBack.options.length}）按所选的${what}再问一次。` : `请在问题里写明其中一个${what}再问一次。`,
  ];
}

export const UNCERTAIN = '没有找到确定的答案。以下原文可能相关，请核对后再引用：';

/** The passages around the one shown, that one marked; the source cited is the one shown (not its neighbour's). */
export function renderContext(passages: Passage[], focusId: number): string {
  const focus = passages.find((p) => p.id === focusId) ?? passages[0];
  return passages.map((p) => (p.id === focusId ? PLAIN.mark(p.text) : p.text)).join('\n') + (focus ? `\n出处：${sourceFull(focus.source)}` : '');
}

export function renderSources(reports: ReportSummary[]): string {
  return reports.map((r) => `· 《${r.title}》 ${r.district ?? '未识别地方'} ${r.year ?? ''}年 · ${r.passages}段 · ${r.file}`).join('\n');
}
