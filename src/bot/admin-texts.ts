// What the bot says to admins: upload results, /remove, /stats. HTML; every file name, title, reason and
// question is escaped, and every message stays under Telegram's 4096 characters.
import type { IngestOutcome, ReportFacts } from '../app/ingest.js';
import { IMAGE_EXTENSIONS, REPORT_EXTENSIONS, type RejectionKind } from '../corpus/load.js';
import { escapeHtml, fitBlocks } from '../present/telegram.js';
import { gazetteer } from '../places/gazetteer.js';
import type { PlaceLevel, ReportSummary } from '../types.js';
import type { UsageStats } from './stats.js';
import { clip } from './util.js';

export const ADMIN_COMMANDS = [
  { command: 'remove', description: '管理员：删除一份报告，如 /remove 2' },
  { command: 'stats', description: '管理员：使用统计' },
] as const;

const upper = (exts: string[]) => exts.map((e) => e.slice(1).toUpperCase()).join('、');
/** Every format an upload may have, from the corpus's own list (so a new format shows up here by itself). */
export const ACCEPTED_FORMATS = `${upper(REPORT_EXTENSIONS.filter((e) => !IMAGE_EXTENSIONS.includes(e)))} 文件，或报告页面的照片、扫描图片（${upper(IMAGE_EXTENSIONS)}）；扫描件和图片会做文字识别（OCR）`;

export const ADMIN_TEXT = {
  uploadRefused: '抱歉，只有管理员可以上传报告，文件没有保存。想查报告内容，请直接用文字提问。',
  removeAdminOnly: '只有管理员可以删除报告。',
  removeExpired: '这个删除请求已过期，请重新发送 /remove。',
  removeCancelled: '已取消，没有删除任何报告。',
  noReports: '还没有收录任何报告，没有可删除的。',
  photoAsFile: '要收录报告页面的照片，请以“文件”方式发送（不压缩），清晰的原图识别得更准。',
} as const;

/** Shown in /help to admins. */
export const ADMIN_HELP = [
  '<b>管理员</b>',
  `发送报告文件即可收录（最大 20 MB）：${ACCEPTED_FORMATS}。几十秒后就能提问；同名文件会替换旧版本，内容相同的文件不会重复收录。收录后可用回复下的按钮更正地方和年份。`,
  '/remove 删除一份报告（先确认）；/stats 使用统计。',
].join('\n');

const name = (file: string) => `<code>${escapeHtml(clip(file, 80))}</code>`;
export { name as fileName };
/** The index was written but the running bot could not switch to it. */
const reloadFailed = (error: string) => `⚠️ 索引已更新，但机器人暂时没能切换到新索引（${escapeHtml(clip(error, 200))}），仍在用之前的索引回答；每 15 秒会自动重试。`;
const fileSize = (bytes: number) => (bytes >= 1048576 ? `${(bytes / 1048576).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`);

export function progressText(file: string, step: 'download' | 'check' | { embedded: number; total: number } | { ocrPage: number; pages: number }, bytes?: number): string {
  const what =
    typeof step === 'object' && 'ocrPage' in step ? `正在识别扫描件：第 ${step.ocrPage}/${step.pages} 页…` : step === 'download'
      ? '正在下载…'
      : step === 'check'
        ? `已下载${bytes === undefined ? '' : `（${fileSize(bytes)}）`}，正在检查并建立索引…`
        : `正在建立索引：已处理 ${step.embedded}/${step.total} 段…`;
  return `⏳ ${name(file)}\n${what}`;
}

/** Why a file was refused, in words an editor understands: one line per kind the ingest reports. */
const REJECTION_TEXT: Record<RejectionKind, string> = {
  'file-name': '文件名不可用，请改名后再发送。',
  'file-type': `不支持这种文件类型。请发送 ${ACCEPTED_FORMATS}。`,
  'too-large': '文件太大，超过 20 MB 的上限。',
  'blank-scan': '这是扫描件，但上面没有识别出文字（空白或看不清）。请重新扫描得清晰一些，或发送文字版。',
  'no-text-layer': '这是扫描件（只有图片，没有文字层），无法引用原文。请先做文字识别（OCR），或发送文字版。',
  'undecodable-text': 'PDF 中的文字无法解码（字体缺少编码信息）。请先做文字识别（OCR），或发送文字版。',
  'no-text': '文件里没有找到正文文字。',
  password: '文件有密码保护。请去掉密码后再发送。',
  'old-format': '这是旧版 Word（.doc）文件。请用 Word 或 WPS 另存为 .docx 后再发送。',
  'wrong-type': '文件内容与扩展名不符。请改成正确的扩展名，或另存为 .docx / .pdf 后再发送。',
  corrupt: '文件已损坏或不完整。请重新下载或导出后再发送。',
  encoding: '读不出文字（编码无法识别或不是文本文件）。文本文件请存为 UTF-8。',
  unreadable: '无法读取这个文件。',
  'needs-confirmation': '文件很大，远超一份报告的篇幅，建索引需要较长时间，尚未收录。如确认是一份报告，请在服务器上用 npm run ingest -- --yes 收录；否则请拆分后再发送。',
  limit: '文件超出处理上限（压缩内容展开过大、图片像素过多、页数过多或网页嵌套过深），已拒收。请另存为 PDF 或文本后再发送；如确需收录，请管理员调高相应上限（见 docs/faults.md）。',
};

export function reasonInChinese(kind: RejectionKind): string {
  return REJECTION_TEXT[kind];
}

const LEVEL: Record<PlaceLevel, string> = { country: '全国', province: '省级', city: '市级', county: '县级' };

/** "宜君县（县级 · 铜川市）": a place with its level and the city or province it belongs to, when known. */
export function placeText(f: Pick<ReportFacts, 'district' | 'place'>): string {
  if (!f.place) return f.district ?? '未识别';
  const g = gazetteer();
  const parent = g.byCode.get(g.byCode.get(f.place.code)?.parent ?? '');
  const about = [f.place.level === 'country' ? null : LEVEL[f.place.level], parent && parent.level !== 'country' ? parent.name : null].filter(Boolean);
  return about.length ? `${f.place.name}（${about.join(' · ')}）` : f.place.name;
}

export function factsLine(f: Pick<ReportFacts, 'district' | 'place' | 'year' | 'passages'> & { pages?: number | null }): string {
  return [
    `地方：${placeText(f)}`,
    `年份：${f.year === null ? '未识别' : `${f.year}年`}`,
    ...(f.pages ? [`页数：${f.pages}`] : []),
    `段落：${f.passages}`,
  ].join(' · ');
}

export interface IndexTotals {
  reports: number;
  passages: number;
}

export const totalsOf = (reports: readonly ReportSummary[]): IndexTotals => ({ reports: reports.length, passages: reports.reduce((n, r) => n + r.passages, 0) });

export function rejectedText(file: string, reason: string, detail?: string): string {
  return fitBlocks([
    `❌ <b>没有收录</b> ${name(file)}`,
    escapeHtml(reason),
    ...(detail ? [`<i>${escapeHtml(clip(detail, 400))}</i>`] : []),
    '已收录的报告和索引没有任何改动。',
  ], undefined, '\n');
}

/** The result of one uploaded file. */
export function ingestResultText(o: IngestOutcome, after: { totals: IndexTotals | null; reloadError?: string }): string {
  if (o.status === 'rejected') return rejectedText(o.file, reasonInChinese(o.kind), o.reason);
  if (o.status === 'duplicate') {
    return `ℹ️ <b>没有重复收录</b> ${name(o.file)}\n内容与已收录的 ${name(o.duplicateOf)} 完全相同。`;
  }
  const f = o.facts;
  const lines = [
    `✅ <b>${o.status === 'added' ? '已收录' : '已更新（替换了同名的旧版本）'}</b> ${name(o.file)}`,
    `《${escapeHtml(clip(f.title, 80))}》`,
    escapeHtml(factsLine(f)),
  ];
  const unknown = [f.district === null ? '所属的地方' : null, f.year === null ? '年份' : null].filter(Boolean);
  if (unknown.length) lines.push(`⚠️ 没能认出这份报告${unknown.join('和')}；按地方或年份提问时可能找不到它。请点下面的按钮更正。`);
  if (f.ocrPages) lines.push(`🔍 第 ${f.ocrPages.join('、')} 页是扫描件，已做文字识别，数字请与原件核对。${f.blankPages ? `⚠️ 第 ${f.blankPages.join('、')} 页几乎没有识别出文字（空白或看不清），请核对原件。` : ''}`);
  if (after.reloadError) {
    lines.push('', reloadFailed(after.reloadError));
  } else if (after.totals) {
    lines.push('', `现在就可以提问了。索引共 ${after.totals.reports} 份报告、${after.totals.passages} 段。`);
  }
  return fitBlocks([lines.join('\n')]);
}

export function removeListText(reports: readonly ReportSummary[], shown: number): string {
  const lines = reports.slice(0, shown).map(
    (r, i) => `${i + 1}. ${name(r.file)} 《${escapeHtml(clip(r.title, 40))}》 ${escapeHtml([r.district ?? '未注明区', r.year === null ? '年份不详' : `${r.year}年`].join(' · '))}`,
  );
  const more = reports.length > shown ? [`另有 ${reports.length - shown} 份未列出：用 /remove 编号 或 /remove 文件名。`] : [];
  return fitBlocks(['<b>删除哪一份报告？</b>（点按钮后还会再确认一次）', ...lines, ...more], undefined, '\n');
}

export function removeConfirmText(r: Pick<ReportSummary, 'file' | 'title'>): string {
  return `确定要删除 ${name(r.file)}《${escapeHtml(clip(r.title, 60))}》吗？\n删除后文件从语料库中移除，它的段落不再被检索。`;
}

export function removingText(file: string): string {
  return `⏳ 正在删除 ${name(file)} 并更新索引…`;
}

export function removedText(file: string, after: { totals: IndexTotals; reloadError?: string }): string {
  const tail = after.reloadError
    ? reloadFailed(after.reloadError)
    : `索引现有 ${after.totals.reports} 份报告、${after.totals.passages} 段。`;
  return `🗑 <b>已删除</b> ${name(file)}\n${tail}`;
}

export function correctingText(file: string): string {
  return `⏳ 正在更正 ${name(file)} 并更新索引…`;
}

/** A report after its place or year was corrected, as the index now has it. */
export function correctedText(r: ReportSummary, reloadError?: string): string {
  return [`✅ <b>已更正</b> ${name(r.file)}`, `《${escapeHtml(clip(r.title, 80))}》`, escapeHtml(factsLine(r)), ...(reloadError ? [reloadFailed(reloadError)] : [])].join('\n');
}

export function correctFailedText(file: string): string {
  return `❌ <b>没有更正</b> ${name(file)}：语料库中没有这个文件（可能已经删除）。`;
}

export function removeFailedText(file: string, reason: string): string {
  return `❌ <b>没有删除</b> ${name(file)}：语料库中没有这个文件（可能已经删除）。\n<i>${escapeHtml(clip(reason, 200))}</i>`;
}

export function removeUnknownText(arg: string): string {
  return `没有找到报告“${escapeHtml(clip(arg, 40))}”。发送 /remove 查看列表，或用 /sources 中的编号，例如 /remove 2。`;
}

const percent = (x: number) => `${(x * 100).toFixed(1)}%`;
const ms = (x: number | null) => (x === null ? '—' : x >= 1000 ? `${(x / 1000).toFixed(1)} s` : `${Math.round(x)} ms`);

/** "03-05 14:20" in Beijing time. */
function shortTime(iso: string): string {
  const d = new Date(Date.parse(iso) + 8 * 3600_000).toISOString();
  return `${d.slice(5, 10)} ${d.slice(11, 16)}`;
}

export function statsText(s: UsageStats, live: { tasks: number; sessions: number }): string {
  const list = (items: { time: string; query: string }[]) =>
    items.length ? items.map((u) => `• ${escapeHtml(clip(u.query.replace(/\s+/g, ' '), 80))} <i>${shortTime(u.time)}</i>`) : ['（无）'];
  const head = [
    '<b>使用统计</b>（来自查询日志和反馈日志）',
    `今天提问 ${s.today} 次，累计提问 ${s.total} 次。`,
    s.notFoundShare === null ? '未找到答案：—' : `未找到答案 ${s.notFound} 次，占 ${percent(s.notFoundShare)}。`,
    `响应时间：p50 ${ms(s.p50)}，p95 ${ms(s.p95)}。`,
    `反馈：👍 ${s.votes.up} · 👎 ${s.votes.down}。`,
    `进行中的回答 ${live.tasks} 个，可用的按钮会话 ${live.sessions} 个。`,
  ];
  if (s.skipped.queries || s.skipped.feedback) head.push(`<i>跳过了无法解析的日志行：查询 ${s.skipped.queries} 行，反馈 ${s.skipped.feedback} 行。</i>`);
  for (const e of s.unreadable) head.push(`<i>有日志文件读不出：${escapeHtml(clip(e, 200))}</i>`);
  return fitBlocks([
    head.join('\n'),
    ['<b>最近未找到答案的问题</b>', ...list(s.recentUnanswered)].join('\n'),
    ['<b>最近 👎 的问题</b>', ...list(s.recentDown)].join('\n'),
    '<i>“今天”按北京时间计算。</i>',
  ]);
}
