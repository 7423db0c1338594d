// What the bot says besides answer cards, in one place so the wording stays consistent. HTML.
import { escapeHtml, fitBlocks } from '../present/telegram.js';
import type { ReportSummary } from '../types.js';
import { ADMIN_HELP } from './admin-texts.js';

/** Questions that the corpus answers; shown by /start as tap-to-ask buttons. */
export const EXAMPLE_QUESTIONS = ['城中区去年城镇新增就业多少人？', '城西区发放优抚资金多少？', '湟中区2023年新建高标准农田多少亩？'] as const;

/** Longer questions are almost always pasted text; the model reads only the first ~500 characters anyway. */
export const MAX_QUESTION_CHARS = 300;

export const COMMANDS = [
  { command: 'start', description: '这个机器人能做什么' },
  { command: 'help', description: '怎么提问' },
  { command: 'sources', description: '已收录的报告' },
  { command: 'district', description: '只在一个区的报告中查找，如 /district 城中区' },
  { command: 'report', description: '只在一份报告中查找，如 /report 1' },
  { command: 'ask', description: '提问（群聊中使用），如 /ask 城西区发放优抚资金多少？' },
  { command: 'check', description: '核对稿件中的数字，如 /check 城中区去年城镇新增就业6725人' },
  { command: 'compare', description: '各地各年的同一指标，如 /compare 城镇新增就业' },
] as const;

export function welcomeText(examples: readonly string[] = EXAMPLE_QUESTIONS): string {
  return [
    '👋 你好！我回答关于已收录的各地<b>政府工作报告</b>的问题，只引用报告<b>原文</b>，并注明出处（报告、段落、文件和行号）。',
    '',
    '直接发一个问题就行，例如：',
    ...examples.map((q) => `• ${escapeHtml(q)}`),
    '',
    '点下面的按钮试一试。发送 /help 查看更多用法。',
  ].join('\n');
}

/** How to use the bot; admins also see how to upload and remove reports. */
export function helpText(botUsername: string, admin = false): string {
  const at = escapeHtml('@' + botUsername);
  return [
    '<b>怎么提问</b>',
    '写明区、年份和指标，如“城中区去年城镇新增就业多少人？”。回答是报告原文，数字加粗，每条都有出处。',
    '找不到就会直说，不会拿无关的段落凑数。',
    '',
    '<b>按钮</b>',
    '◀ ▶ 翻页看更多原文；📄 原文 n：查看第 n 条所在的整段及前后段；👍 / 👎 反馈回答是否有用。',
    '',
    '<b>命令</b>',
    '/sources 已收录的报告',
    '/district 城中区 之后只在城中区的报告中查找（/district 全部 取消）',
    '/report 1 之后只在 /sources 中第 1 份报告中查找（/report 全部 取消）',
    '/ask 问题 在群聊中提问',
    '/check 文字 核对稿件里的每个数字：✅ 与报告一致、❌ 不一致（附报告的数字）、❓ 报告中没有；直接发来的稿件段落也会核对',
    '/compare 指标 各地各年的同一指标对比，如 /compare 城镇新增就业',
    '',
    '<b>群聊</b>',
    `在群里用 /ask 提问，或 ${at} 问题，或回复我的消息。`,
    '',
    '<b>在任何聊天中引用</b>',
    `输入 ${at} 问题，从弹出的结果中选一条，就能把带出处的原文发给同事。`,
    ...(admin ? ['', ADMIN_HELP] : []),
  ].join('\n');
}

export function sourcesText(reports: readonly ReportSummary[]): string {
  if (reports.length === 0) return '还没有收录任何报告。';
  const lines = reports.map(
    (r, i) =>
      `${i + 1}. 《${escapeHtml(r.title)}》\n    ${escapeHtml([r.district ?? '未注明区', r.year === null ? '年份不详' : `${r.year}年`, `${r.passages}段`, r.file].join(' · '))}`,
  );
  return fitBlocks([`<b>已收录的报告（${reports.length}份）</b>`, ...lines, '发送 /report 编号 只在其中一份中查找。'], undefined, '\n');
}

export const TEXT = {
  emptyQuestion: '请直接发送问题，例如：城中区去年城镇新增就业多少人？',
  askUsage: '用法：/ask 问题，例如 /ask 城西区发放优抚资金多少？',
  tooLong: `问题太长了（超过${MAX_QUESTION_CHARS}字）。请只写要问的事，例如：城中区去年城镇新增就业多少人？`,
  noWords: '没看到文字问题。请用文字提问，例如：城中区去年城镇新增就业多少人？',
  notText: '我只能回答文字问题（图片、贴纸、语音等看不懂）。请用文字提问，例如：城中区去年城镇新增就业多少人？',
  unknownCommand: '不认识这个命令。发送 /help 查看可用的命令。',
  expired: '这个按钮已过期，请重新提问。',
  passageGone: '这段原文已不在索引中，请重新提问。',
  rateLimited: '提问太频繁了，请一分钟后再试。',
  rateLimitedButton: '操作太频繁了，请稍后再试。',
  failed: '抱歉，处理时出了点问题，请稍后再试。如果一直这样，请告诉管理员。',
  adminOnly: '这个命令只对管理员开放。',
  feedbackThanks: '谢谢反馈！',
  feedbackExpired: '这张卡片已过期，反馈没有记录。谢谢！可以重新提问后再反馈。',
  updating: '⏳ 报告库正在更新，本次回答来自更新前的版本。',
} as const;
