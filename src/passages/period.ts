// The words that tell a plan for the report's own year from a review of the year before: one place for every
// stage that reads a period from wording (the report's year in segmentation, a passage's period and a figure's
// year in search). Words of work reports in general, not of any one report.

/** A passage about the report's own year: targets and intentions. */
const PLAN_WORDS = ['今年', '新的一年', '力争', '确保', '计划', '预期', '争取', '再建', '再创建', '将围绕', '将继续', '将扛牢', '将以', '目标是'];
/** A passage about the year before: results. */
const REVIEW_WORDS = ['过去一年', '过去的一年', '去年', '同比增长', '同比下降', '较上年', '增长了', '完成了', '获评', '入选', '建成', '办结', '累计'];
/** A sentence whose figure is a target for the report's own year rather than last year's result. */
const TARGET_WORDS = ['目标', '预期', '力争', '计划', '今年'];

const anyOf = (words: string[]) => new RegExp(words.join('|'));
export const PLAN_CUES = anyOf(PLAN_WORDS);
export const REVIEW_CUES = anyOf(REVIEW_WORDS);
export const TARGET_CUES = anyOf(TARGET_WORDS);

/** Is a passage a plan or a review? Only when its wording says so one way and not the other. */
export function periodOf(text: string): 'plan' | 'review' | null {
  const plan = PLAN_CUES.test(text);
  const review = REVIEW_CUES.test(text);
  return plan === review ? null : plan ? 'plan' : 'review';
}

/** Year `y` named as the year being planned ("2024年是…", "2024年工作", "谋划2024", "2024年…这样干"). */
export const plansYear = (y: number) => new RegExp(`${y}年(?:，|,)?是|${y}年(?:的)?(?:工作|目标|主要预期)|(?:谋划|干好|奋进)[·•]?${y}|${y}年\\S{0,6}这样干`);
/** Year `y` named as the year under review ("2023年以来", "2023年，…", "精彩回顾·2023", "2023年…工作回顾"). */
export const reviewsYear = (y: number) =>
  new RegExp(`${y}年以来|${y}年(?:，|,)(?!是)|${y}年(?:全区|全市|全县|全省|全国|用于)|[精彩回顾]+[·•]${y}|${y}年\\S{0,6}工作回顾`);

/** Section headings that announce the review (一、2024年工作回顾) or the plan (二、2025年工作安排, 主要预期目标). */
export const REVIEW_SECTION = /回顾|过去[一五]年|工作情况|主要成绩|取得的成绩|成绩与不足|工作总结/;
export const PLAN_SECTION = /安排|任务|目标|打算|计划|展望|工作思路|总体要求|预期/;
