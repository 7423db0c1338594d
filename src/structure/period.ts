// The one notion of period: what a passage or a figure is about in time. Last year's results (review), a
// multi-year review (十四五时期, 过去五年; with its span), this year's main targets, this year's tasks (plan), a
// multi-year plan (十五五). Cue words are data (cues.json); every stage that reads a period reads it from here.
import type { Period } from '../types.js';
import { CUES } from './cues.js';

const P = CUES.periods;
const anyOf = (words: string[]) => new RegExp(words.join('|'));

/** A passage about the report's own year: targets and intentions. */
const PLAN_CUES = anyOf(P.planWords);
/** A passage about the year before: results. */
const REVIEW_CUES = anyOf(P.reviewWords);
/** A sentence whose figure is a target for the report's own year rather than last year's result. */
export const TARGET_CUES = anyOf(P.targetWords);
/** A figure's sentence that marks it as a target (力争, 要, 将, 计划…). */
export const FIGURE_TARGET_CUES = new RegExp(P.figureTargetCues);
/** Section headings that announce the review (一、2024年工作回顾) or the plan (二、2025年工作安排). */
export const REVIEW_SECTION = new RegExp(P.reviewSection);
export const PLAN_SECTION = new RegExp(P.planSection);
export const TARGETS_SECTION = new RegExp(P.targetsSection);
export const MULTI_YEAR_REVIEW = new RegExp(P.multiYearReview);
export const MULTI_YEAR_PLAN = new RegExp(P.multiYearPlan);
/** 年均, 累计: a figure over a span, never one year's value. */
export const AVERAGE_WORDS = new RegExp(P.averageWords);
/** The five years before the report named in a sentence (过去五年, 五年来). */
export const FIVE_YEAR_WORDS = new RegExp(P.fiveYearWords);
/** A comparison with the year before (比上年, 同比). */
export const COMPARED_WITH_LAST_YEAR = new RegExp(P.comparedWithLastYear);
/** Words of a question asking for a target or a result. */
export const QUESTION_CUES = CUES.questions;

/** Is a passage a plan or a review? Only when its wording says so one way and not the other. */
export function periodOf(text: string): 'plan' | 'review' | null {
  const plan = PLAN_CUES.test(text);
  const review = REVIEW_CUES.test(text);
  return plan === review ? null : plan ? 'plan' : 'review';
}

/** Year `y` named as the year being planned ("2024年是…", "2024年工作", "谋划2024", "2024年…这样干"). */
export const plansYear = (y: number) =>
  new RegExp(`${y}年(?:，|,)?是|${y}年(?:的)?(?:工作|目标|主要预期|经济社会发展)|(?:谋划|干好|奋进|对)[·•]?${y}|${y}年\\S{0,6}这样干`);
/** Year `y` named as the year under review ("2023年以来", "2023年，…", "精彩回顾·2023", "2023年…工作回顾"). */
export const reviewsYear = (y: number) =>
  new RegExp(`${y}年以来|${y}年(?:，|,)(?!是)|${y}年(?:全区|全市|全县|全省|全国|用于)|[精彩回顾]+[·•]${y}|${y}年\\S{0,6}工作回顾`);

const PLAN_NAME = /十[一二三四五六七八九]五/;

/** The years a five-year plan named in a text covers (十四五 -> 2021–2025), or null. */
export function fiveYearSpan(text: string): [number, number] | null {
  // The plan the text is about ("十五五”时期…"), not one it mentions in passing ("给“十六五”预留空间").
  const name = (/(十[一二三四五六七八九]五)”?(?:时期|期间|规划)/.exec(text) ?? PLAN_NAME.exec(text))?.[1] ?? PLAN_NAME.exec(text)?.[0];
  return name ? (P.fiveYearPlans[name] ?? null) : null;
}

/**
 * The later plan of a heading that reviews one five-year plan and sets out the next ("二、“十三五”时期发展成就和
 * “十四五”时期主要目标任务"): its span, when it starts in or after the report's year; else null.
 */
export function planAhead(heading: string, reportYear: number | null): [number, number] | null {
  if (reportYear === null) return null;
  const spans = [...heading.matchAll(/十[一二三四五六七八九]五/g)].map((m) => P.fiveYearPlans[m[0]]).filter((s): s is [number, number] => s !== undefined);
  return spans.find((s) => s[0] >= reportYear) ?? null;
}

/** A paragraph's lead that turns to the plan ahead: names it (“十四五”时期…), its outline (纲要草案) or its main goals. */
export function turnsToPlan(lead: string, ahead: [number, number]): boolean {
  const named = fiveYearSpan(lead);
  if (named) return named[0] === ahead[0];
  return new RegExp(P.planAheadWords).test(lead) && !REVIEW_SECTION.test(lead) && !/完成|收官|胜利/.test(lead);
}

/** An explicit span written in a text: 2013年至2017年, 2021—2025年. */
export function writtenSpan(text: string): [number, number] | null {
  const m = /((?:19|20)\d\d)年?\s*(?:至|到|—|－|-|~|～)\s*((?:19|20)\d\d)年/.exec(text);
  if (!m) return null;
  const [a, b] = [Number(m[1]), Number(m[2])];
  return b > a ? [a, b] : null;
}

/**
 * The period a heading announces, for a report delivered in `reportYear`: a multi-year review or plan (with its
 * span), this year's main targets, this year's tasks, last year's review; null when it says none of them.
 */
export function headingPeriod(heading: string, reportYear: number | null): Period | null {
  const review = REVIEW_SECTION.test(heading);
  const plan = PLAN_SECTION.test(heading) || TARGETS_SECTION.test(heading);
  const named5 = fiveYearSpan(heading);
  if (review === plan || (plan && named5 && reportYear !== null && !/(?:19|20)\d\d\s*年/.test(heading))) {
    // A five-year plan named without a year (二、“十五五”时期工作的主要考虑): ahead of the report or behind it.
    if (named5 && reportYear !== null) return named5[0] >= reportYear ? { kind: 'plan', year: named5[0], span: named5 } : named5[1] < reportYear ? { kind: 'review', year: named5[1], span: named5 } : null;
    return null;
  }
  const named = /((?:19|20)\d\d)\s*年|[·•]\s*((?:19|20)\d\d)/.exec(heading);
  if (named && !named[1]) named[1] = named[2]!;
  if (review) {
    // "一、2025年和“十四五”时期工作回顾": last year and the five years; a paragraph's wording tells which (see refine).
    const single = named ? Number(named[1]) : reportYear !== null && !MULTI_YEAR_REVIEW.test(heading) ? reportYear - 1 : null;
    if (MULTI_YEAR_REVIEW.test(heading) || /五年/.test(heading) || fiveYearSpan(heading)) {
      const span = fiveYearSpan(heading) ?? writtenSpan(heading) ?? (reportYear !== null ? ([reportYear - 5, reportYear - 1] as [number, number]) : null);
      if (!span) return null;
      return single !== null ? { kind: 'review', year: single, alsoSpan: span } : { kind: 'review', year: span[1], span };
    }
    return single === null ? null : { kind: 'review', year: single };
  }
  if (MULTI_YEAR_PLAN.test(heading) && !named && reportYear !== null) return multiYear('plan', heading, reportYear);
  const year = named ? Number(named[1]) : reportYear;
  if (year === null) return null;
  return TARGETS_SECTION.test(heading) ? { kind: 'plan', year, targets: true } : { kind: 'plan', year };
}

function multiYear(kind: 'plan' | 'review', text: string, reportYear: number): Period {
  const span = fiveYearSpan(text) ?? writtenSpan(text) ?? (kind === 'plan' ? [reportYear, reportYear + 4] : [reportYear - 5, reportYear - 1]);
  return { kind, year: kind === 'plan' ? span[0] : span[1], span: span as [number, number] };
}

/**
 * A passage's or a figure's period from its section first and its words second: in a section that covers last
 * year and the five years, a paragraph that speaks of 十四五/五年来 is the five years; 主要预期目标 in a plan
 * section marks the main targets.
 */
export function refinePeriod(section: Period | null, text: string, reportYear: number | null): Period | null {
  if (!section) return null;
  if (section.kind === 'review' && section.alsoSpan && (MULTI_YEAR_REVIEW.test(text) || /五年/.test(text))) {
    return { kind: 'review', year: section.alsoSpan[1], span: section.alsoSpan };
  }
  if (section.kind === 'plan' && !section.span && !section.targets && TARGETS_SECTION.test(text)) return { ...section, targets: true };
  // "经济社会发展主要预期目标：…" under a review heading (a news copy's 2022年工作回顾): this year's targets.
  // Opening with this year (2026年…主要预期目标是, 今年…), they are this year's even when one says 完成 (完成…约束性指标).
  const thisYear = /^(?:(20\d\d)年|今年)/.exec(text);
  const opensThisYear = thisYear !== null && (thisYear[1] === undefined || Number(thisYear[1]) === reportYear);
  if (section.kind === 'review' && !section.span && reportYear !== null && TARGETS_SECTION.test(text) && (opensThisYear || !/(?:完成|实现|达到)/.test(text))) {
    return { kind: 'plan', year: reportYear, targets: true };
  }
  // A paragraph of this year's plan about the five years ahead ("十五五”时期…", 未来五年): the multi-year plan.
  if (section.kind === 'plan' && !section.span && reportYear !== null && (MULTI_YEAR_PLAN.test(text) || MULTI_YEAR_REVIEW.test(text)) && (fiveYearSpan(text)?.[0] ?? reportYear) >= reportYear && !/今年|20\d\d年/.test(text)) {
    return multiYear('plan', text, reportYear);
  }
  return section;
}
