// The structure stage: cleaned blocks -> the report's front matter (title, place, year) and its own text as a
// section tree, each paragraph with its section path and period. Between cleaning and passages; passages, figure
// records, search and the check read periods only through this stage (period.ts).
import type { Block } from '../clean/index.js';
import type { MetaCorrection, Period, PlaceRef } from '../types.js';
import { CUES } from './cues.js';
import { isPageDebris, readFrontMatter, titleIn } from './front.js';
import { headingPeriod, MULTI_YEAR_REVIEW, planAhead, refinePeriod, turnsToPlan } from './period.js';

export { resolvePlaceName, titleIn, type MetaCorrection } from './front.js';

/** Where a block stands in the report: its own text, glossary notes (名词解释) or an appendix (附件). */
export type Part = 'body' | 'notes' | 'appendix';

export interface Paragraph {
  block: Block;
  part: Part;
  /** The heading right before the paragraph, if any (a statistics card's label). */
  heading: Block | null;
  /** The last heading before the paragraph (a passage's section). */
  section: string | null;
  /** Numbered headings from the outermost down; an inline heading (（一）着力扩大内需。…) counts as one. */
  sectionPath: string[];
  period: Period | null;
}

export interface ReportStructure {
  title: string;
  place: PlaceRef | null;
  year: number | null;
  /** The report's own paragraphs (body blocks only), in order; front matter and page debris left out. */
  paragraphs: Paragraph[];
  warnings: string[];
}

const NOTES = new RegExp(CUES.front.notes);
const APPENDIX = new RegExp(CUES.front.appendix);

/** Numbering of a heading: 第一部分 (0), 一、 (1), （一） (2), 1. (3), （1） (4); null when it is not numbered. */
function headingLevel(text: string): number | null {
  if (/^第[一二三四五六七八九十]+(?:部分|篇|章)/.test(text)) return 0;
  if (/^[一二三四五六七八九十]+、/.test(text)) return 1;
  if (/^[（(][一二三四五六七八九十]+[)）]/.test(text)) return 2;
  if (/^\d+[.、．](?!\d)/.test(text)) return 3;
  if (/^[（(]\d+[)）]/.test(text)) return 4;
  return null;
}

/** A heading written at the start of a paragraph: "（一）着力扩大国内需求。…" -> "（一）着力扩大国内需求". */
function inlineHeading(text: string): string | null {
  const m = /^((?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）]|第[一二三四五六七八九十]+部分)[^。！？；，,：:]{2,30})[。！？：:]/.exec(text);
  return m ? m[1]! : null;
}

/** The period of a section path: the innermost heading that announces one. */
function pathPeriod(path: string[], reportYear: number | null): Period | null {
  let period: Period | null = null;
  for (const heading of path) {
    const inner = headingPeriod(heading, reportYear);
    // Inside a review or a plan, a subsection turns to the other only when it names a year or a five-year plan of
    // its own: a cue word in its title (（一）…稳市场稳预期) does not turn a review into a plan. Within the same
    // kind it refines it (（一）主要预期目标: this year's main targets).
    if (period && inner && inner.kind !== period.kind && !NAMES_TIME.test(heading)) continue;
    period = inner ?? period;
  }
  return period;
}
const NAMES_TIME = /(?:19|20)\d\d|十[一二三四五六七八九]五|五年/;

/** The first sentence of a paragraph: what it is about. */
const leadOf = (text: string) => /^[^。！？；]*/.exec(text)![0];

export function readStructure(blocks: Block[], correction: MetaCorrection = {}): ReportStructure {
  const front = readFrontMatter(blocks, correction);
  const { year } = front;
  const paragraphs: Paragraph[] = [];
  let path: { level: number; text: string }[] = [];
  let heading: Block | null = null;
  let section: string | null = null;
  let part: Part = 'body';
  /** In a section reviewing last year and the five years, the five years go on until a paragraph names last year. */
  let spanCarried = false;
  let sawLead = false;
  /** In a section reviewing one five-year plan and setting out the next, the next goes on once a paragraph turns to it. */
  let planCarried: string | null = null;

  const enter = (level: number, text: string) => {
    path = [...path.filter((h) => h.level < level), { level, text }];
    spanCarried = false;
    sawLead = false;
  };

  for (const block of blocks.slice(front.bodyStart)) {
    const text = block.text.trim();
    // Page debris, and the title printed again at the end, are never the report's text.
    if (isPageDebris(text) || (titleIn(text) !== null && text.replace(/\s/g, '').length <= 40)) continue;
    if (block.kind === 'heading') {
      heading = block;
      section = text;
      if (NOTES.test(text) || APPENDIX.test(text)) {
        part = NOTES.test(text) ? 'notes' : 'appendix';
        path = [{ level: 0, text }];
        continue;
      }
      const level = headingLevel(text);
      // An unnumbered heading that announces a period (“十四五”时期工作回顾) opens a top-level section.
      if (level !== null) enter(level, text);
      else if (headingPeriod(text, year)) enter(1, text);
      continue;
    }
    if (block.kind !== 'body') {
      heading = null;
      continue;
    }
    const inline = part === 'body' ? inlineHeading(text) : null;
    if (inline) {
      enter(headingLevel(inline)!, inline);
      section = inline;
    }
    const sectionPath = path.map((h) => h.text);
    const sectionPeriod = part === 'body' ? pathPeriod(sectionPath, year) : null;
    let period = refinePeriod(sectionPeriod, leadOf(text), year);
    // A review of last year and of the five years: a paragraph speaks of one or the other, and the ones after it
    // go on with the same until a paragraph's lead names the other (刚刚过去的2025年… / “十四五”时期…).
    const both = sectionPeriod?.kind === 'review' ? (sectionPeriod.alsoSpan ?? sectionPeriod.span) : undefined;
    // (This year's targets read from a paragraph's own words stay this year's.)
    if (sectionPeriod && both && period?.kind !== 'plan') {
      const lead = leadOf(text);
      if (period?.span && MULTI_YEAR_REVIEW.test(lead)) spanCarried = true;
      else if (new RegExp(`${both[1]}年(?!以来)|过去一年|去年|一年来|刚刚过去的`).test(lead)) spanCarried = false;
      else if (sectionPeriod.span && !sawLead) spanCarried = true;
      sawLead = true;
      period = spanCarried ? { kind: 'review', year: both[1], span: both } : { kind: 'review', year: both[1], alsoSpan: both };
    }
    const top = sectionPath[0] ?? null;
    const ahead = sectionPeriod?.kind === 'review' && top ? planAhead(top, year) : null;
    if (ahead) {
      if (planCarried !== top && turnsToPlan(leadOf(text), ahead)) planCarried = top;
      if (planCarried === top) period = { kind: 'plan', year: ahead[0], span: ahead };
    }
    paragraphs.push({ block, part, heading, section, sectionPath, period });
    heading = null;
  }
  return { title: front.title, place: front.place, year, paragraphs, warnings: front.warnings };
}
