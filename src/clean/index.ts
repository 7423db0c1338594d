import { hasFigure } from './figures.js';

// Undo PDF-extraction damage without changing meaning, keeping track of which original line every
// character came from (so each passage can cite its lines).

/** Where a piece of cleaned text starts: text[start..] came from original line `line`. */
export interface LineMark {
  line: number;
  start: number;
  page?: number;
}

export type BlockKind = 'heading' | 'body' | 'meta';

/** A cleaned paragraph (body), a heading, or a byline (meta). */
export interface Block {
  kind: BlockKind;
  text: string;
  /** Increasing `start`s; the first is 0. */
  marks: LineMark[];
}

/** Ideographs, CJK punctuation and full-width forms: no spaces belong between these. */
const WIDE = /[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f\u2010-\u206f]/;
const ASCII_WORD = /[A-Za-z0-9]/;
/** Punctuation that ends a sentence, possibly followed by closing quotes or brackets. */
const TERMINAL = /[。！？；!?;…][”’"'）)」』】]*$/;
const CLAUSE_PUNCT = /[。！？；!?;，,、]/;
/** Numbered headings ("一、2023年工作回顾", "（二）城市建设", "3.生态环境") use 、 or . after the number. */
const NUMBERED_HEADING = /^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]|\d+[.、．](?!\d))[^。！？；!?;，,]{2,30}$/;
/** Byline and layout credits: kept out of passages. */
const META_LINE = /^[(（]?(本报记者|记者|通讯员|设计制图|制图|摄影|图\/|图：|责任编辑|编辑)[\s：:]/;
/** "市人大代表、城北区委副书记、区长 王刚": who is speaking, not what the report says. */
const SPEAKER_LINE = /^[^。！？；，,]{2,40}(?:代表|委员|书记|区长|市长|县长|主任|局长|主席)\s+[\u4e00-\u9fa5·]{2,4}$/;

/**
 * A web copy's page furniture, never report text: breadcrumbs (当前位置：首页>…), publication metadata
 * (发布时间/来源/字号/浏览次数), buttons (打印/关闭/分享) and site footers (版权所有, ICP备).
 */
const WEB_CHROME = [
  /^(?:当前位置|您的位置|你的位置|您现在的位置|所在位置)[：:]|^首页\s*[>＞»›]|[>＞»›]\s*正文\s*$/,
  /(?:^|[\s【\[])(?:发布时间|发布日期|发布机构|发文机关|信息来源|来源|字号|作者|浏览次数|点击数|阅读次数|访问量|责任编辑)\s*[：:]/,
  /^[\s【\[]*(?:打印|关闭|分享|收藏|打印本页|关闭窗口|返回顶部|分享到|【?[大中小]】?)[\s】\]：:]*(?:[\s【\[]*(?:打印|关闭|分享|收藏|打印本页|关闭窗口|返回顶部|[大中小]|微信|微博|QQ空间)[\s】\]]*)*$/,
  /版权所有|主办单位|承办单位|ICP备|网站标识码|公网安备|网站地图|联系我们|技术支持[：:]/,
];
const isWebChrome = (line: string) => !/。/.test(line) && Array.from(line).length <= 120 && WEB_CHROME.some((re) => re.test(line));
/**
 * A top-level numbered heading on a line of its own (一、过去一年工作回顾): never glued to the paragraph after it.
 * Real reports' headings often pair two phrases with one comma (（一）聚力项目攻坚，经济运行稳中有进); such a
 * line has no figure, which tells it from the first line of a numbered paragraph.
 */
const TOP_HEADING =
  /^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）])(?:[^。！？；!?;，,：:]{2,30}|[^。！？；!?;，,：:\d]{2,16}[，,][^。！？；!?;，,：:\d]{2,16})$|^\d{1,2}[.、．](?!\d)[^。！？；!?;，,：:\d%]{2,16}$/;
/** The line saying where and when the report was delivered (——2025年1月9日在…人民代表大会…会议上): who and when, not content. */
const MEETING_LINE = /^[—－-]{1,2}\s*20\d\d\s*年.{0,60}人民代表大会.{0,20}会议上\s*$/;

/**
 * Collapse a token whose every run is printed twice (fake-bold headings in PDFs):
 * `20222022年工作回顾年工作回顾` -> `2022年工作回顾`. Returns null when the token is not fully doubled,
 * so genuine repetition such as `学习学习再学习` survives.
 */
export function undouble(token: string): string | null {
  const chars = Array.from(token);
  const n = chars.length;
  if (n < 2) return null;
  const memo = new Map<number, number[] | null>();
  // parse(i): lengths of runs covering chars[i..] where each run is immediately repeated; longest runs first.
  const parse = (i: number): number[] | null => {
    if (i === n) return [];
    const cached = memo.get(i);
    if (cached !== undefined) return cached;
    let result: number[] | null = null;
    for (let len = Math.floor((n - i) / 2); len >= 1 && !result; len--) {
      let same = true;
      for (let k = 0; k < len && same; k++) same = chars[i + k] === chars[i + len + k];
      if (!same) continue;
      const rest = parse(i + 2 * len);
      if (rest) result = [len, ...rest];
    }
    memo.set(i, result);
    return result;
  };
  const runs = parse(0);
  if (!runs) return null;
  let out = '';
  let i = 0;
  for (const len of runs) {
    out += chars.slice(i, i + len).join('');
    i += 2 * len;
  }
  return out;
}

/** A whole line printed twice (every whitespace-separated token doubled), collapsed; else null. */
export function undoubleLine(line: string): string | null {
  const tokens = line.trim().split(/\s+/).filter(Boolean);
  if (tokens.length === 0) return null;
  const collapsed = tokens.map(undouble);
  if (collapsed.some((t) => t === null)) return null;
  const joined = collapsed.join(' ');
  // Require some Chinese so short numeric lines ("1111") are not mistaken for headings.
  return /[\u3400-\u9fff]/.test(joined) ? joined : null;
}

/**
 * Remove whitespace that PDF extraction put inside Chinese text or between Chinese and figures
 * (`同 比 增 长 91.06% ` -> `同比增长91.06%`); keep one space between two Latin words or numbers.
 */
export function removeSpuriousSpaces(s: string): string {
  const t = s.replace(/[\u00a0\u2000-\u200b\u3000\t]/g, ' ').trim();
  return t.replace(/ +/g, (spaces, offset: number, all: string) => {
    const before = all[offset - 1] ?? '';
    const after = all[offset + spaces.length] ?? '';
    return ASCII_WORD.test(before) && ASCII_WORD.test(after) ? ' ' : '';
  });
}

/** Strip Markdown marks that text exports carry (`## `, `**bold**`, `- ` bullets, decorative squares). */
export function stripMarkdown(line: string): { text: string; heading: boolean; bullet: boolean } {
  let text = line;
  let heading = false;
  let bullet = false;
  const h = /^\s*#{1,6}\s+/.exec(text);
  if (h) {
    heading = true;
    text = text.slice(h[0].length);
  }
  const b = /^\s*(?:[-*+•]|\d+[.)、])\s+/.exec(text);
  if (!heading && b && /^\s*[-*+•]/.test(b[0])) {
    bullet = true;
    text = text.slice(b[0].length);
  }
  text = text.replace(/\*\*|__/g, '').replace(/^[■□●◆◇▲△★☆▶►]+\s*/, '');
  return { text, heading, bullet };
}

interface CleanLine {
  line: number;
  page?: number;
  text: string;
  /** Line forced to be a block of its own: doubled heading, Markdown heading, bullet, byline. */
  own?: BlockKind;
  bullet?: boolean;
}

/** Clean one original line (markdown, doubling, spaces), classifying lines that stand alone. */
export function cleanLine(raw: string, line: number, page?: number): CleanLine {
  const md = stripMarkdown(raw.replace(/[\u200b-\u200d\ufeff]/g, ''));
  const undoubled = undoubleLine(md.text);
  const text = removeSpuriousSpaces(undoubled ?? md.text);
  const base: CleanLine = page === undefined ? { line, text } : { line, page, text };
  if (text === '') return base;
  if (META_LINE.test(md.text.trim()) || SPEAKER_LINE.test(md.text.trim()) || isWebChrome(text) || MEETING_LINE.test(text)) return { ...base, own: 'meta' };
  if (undoubled !== null || md.heading || TOP_HEADING.test(text)) return { ...base, own: 'heading' };
  if (md.bullet) return { ...base, own: 'body', bullet: true };
  return base;
}

const terminated = (s: string) => TERMINAL.test(s);
const PARAGRAPH_START = /^(?:[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+、|——|\d{1,2}[.．、](?!\d))/;
/** Glossary notes or an appendix after the body (名词解释, 附件1). */
const NOTES_START = /^(?:名词解释|注释|附件\s*\d*|附录)[：:]?$/;
/** Characters from which a line is a paragraph of its own rather than a line of a column. */
const LONG_LINE = 60;

/** Joining two lines of one paragraph: a space only between Latin words/numbers. */
function joiner(a: string, b: string, statCard: boolean): string {
  if (statCard) return ' ';
  return ASCII_WORD.test(a.slice(-1)) && ASCII_WORD.test(b.slice(0, 1)) ? ' ' : '';
}

function toBlock(kind: BlockKind, lines: CleanLine[], statCard = false): Block {
  let text = '';
  const marks: LineMark[] = [];
  for (const l of lines) {
    if (text) text += joiner(text, l.text, statCard);
    marks.push(l.page === undefined ? { line: l.line, start: text.length } : { line: l.line, start: text.length, page: l.page });
    text += l.text;
  }
  return { kind, text, marks };
}

/** Append b to a (a paragraph continued after a blank line), shifting b's marks. */
function concat(a: Block, b: Block): Block {
  const sep = joiner(a.text, b.text, false);
  const offset = a.text.length + sep.length;
  return { kind: a.kind, text: a.text + sep + b.text, marks: [...a.marks, ...b.marks.map((m) => ({ ...m, start: m.start + offset }))] };
}

/**
 * Lines of a report -> blocks in reading order: headings, bylines and body paragraphs, with lines broken
 * mid-sentence joined (also across the blank lines PDF columns leave inside a sentence).
 */
export function cleanReport(lines: string[], pages?: number[]): Block[] {
  // 1. group cleaned lines into raw blocks at blank lines and at lines that stand alone
  const groups: { lines: CleanLine[]; own?: BlockKind; bullet?: boolean }[] = [];
  const filled = lines.map((l) => l.trim()).filter(Boolean);
  // One paragraph a line: many long lines ending a sentence, and (almost) no blank lines to separate paragraphs.
  const linePerParagraph =
    filled.length > 0 && lines.length - filled.length < filled.length * 0.1 && filled.filter((l) => Array.from(l).length >= LONG_LINE && terminated(l)).length >= filled.length * 0.25;
  let current: CleanLine[] = [];
  const flush = () => {
    if (current.length) groups.push({ lines: current });
    current = [];
  };
  lines.forEach((raw, i) => {
    const cl = cleanLine(raw, i + 1, pages?.[i]);
    if (cl.text === '') return flush();
    if (cl.own) {
      flush();
      groups.push({ lines: [cl], own: cl.own, bullet: cl.bullet ?? false });
      return;
    }
    // A sentence that ends its line, then a numbered or dashed line: a new paragraph starts (（二）…, ——…).
    if (NOTES_START.test(cl.text)) {
      flush();
      groups.push({ lines: [cl], own: 'heading' });
      return;
    }
    if (linePerParagraph && !CLAUSE_PUNCT.test(cl.text) && !hasFigure(cl.text)) flush();
    const last = current[current.length - 1];
    if (last && terminated(last.text) && PARAGRAPH_START.test(cl.text)) flush();
    current.push(cl);
    // A web copy writes one paragraph per line with no blank line between: there every line stands alone, and
    // elsewhere a long line that ends a sentence ends its paragraph (PDF lines, a column wide, are far shorter).
    const headingLike = !CLAUSE_PUNCT.test(cl.text) && !hasFigure(cl.text);
    if ((linePerParagraph && (terminated(cl.text) || headingLike)) || (Array.from(cl.text).length >= LONG_LINE && terminated(cl.text))) flush();
  });
  flush();

  // 2. classify: a block without clause punctuation and without figures, made of short lines, is a heading
  //    (or a list of sub-headings); a block of figures without punctuation is a statistics card.
  const classified = groups.map((g): { block: Block; statCard: boolean; bullet: boolean } => {
    const joined = g.lines.map((l) => l.text).join('');
    if (g.own) return { block: toBlock(g.own, g.lines), statCard: false, bullet: g.bullet ?? false };
    const noPunct = !CLAUSE_PUNCT.test(joined);
    const numbered = g.lines.length === 1 && NUMBERED_HEADING.test(joined);
    if (numbered || (noPunct && !hasFigure(joined) && g.lines.every((l) => Array.from(l.text).length <= 24))) {
      return { block: toBlock('heading', g.lines), statCard: false, bullet: false };
    }
    const statCard = noPunct && hasFigure(joined);
    return { block: toBlock('body', g.lines, statCard), statCard, bullet: false };
  });

  // 3. join a body paragraph that stops mid-sentence with the body paragraph that follows it
  const out: Block[] = [];
  let open: { block: Block; statCard: boolean } | null = null;
  for (const c of classified) {
    const continues = open && c.block.kind === 'body' && !c.bullet && !c.statCard && !open.statCard && !terminated(open.block.text);
    if (open && continues) {
      open = { block: concat(open.block, c.block), statCard: false };
      continue;
    }
    if (open) out.push(open.block);
    open = c.block.kind === 'body' ? c : null;
    if (!open) out.push(c.block);
  }
  if (open) out.push(open.block);
  return dropTableOfContents(out);
}

/**
 * A leading table of contents: a run of three or more headings with no body between them, each of which
 * comes back later as a heading of the text itself (a 目录 line before it goes too).
 */
function dropTableOfContents(blocks: Block[]): Block[] {
  const firstBody = blocks.findIndex((b) => b.kind === 'body');
  const key = (b: Block) => b.text.replace(/[\s.·…]+\d*$/, '').replace(/\s+/g, '');
  for (let start = 0; start < (firstBody < 0 ? blocks.length : firstBody); start++) {
    let end = start;
    while (end < blocks.length && blocks[end]!.kind === 'heading') end++;
    if (end - start < 3) continue;
    const later = new Set(blocks.slice(end).filter((b) => b.kind === 'heading').map(key));
    const run = blocks.slice(start, end);
    const tocStart = run.findIndex((b) => later.has(key(b)));
    if (tocStart < 0 || !run.slice(tocStart).every((b) => later.has(key(b))) || run.length - tocStart < 3) continue;
    // Keep the headings before the contents (the title); drop a 目录 heading right before them.
    const from = start + tocStart - (tocStart > 0 && /^目\s*录$/.test(run[tocStart - 1]!.text) ? 1 : 0);
    return [...blocks.slice(0, from), ...blocks.slice(end)];
  }
  return blocks;
}

/** Original line (and page) of a character offset in a block. */
export function lineAt(block: Block, offset: number): LineMark {
  let found = block.marks[0]!;
  for (const m of block.marks) {
    if (m.start <= offset) found = m;
    else break;
  }
  return found;
}
