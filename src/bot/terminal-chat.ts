// The chat without Telegram: `npm start` with no BOT_TOKEN. Same engine, same questions, the same answers
// rendered as plain text (src/present/text.ts), so a newcomer sees the product work on a fresh machine.
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Config } from '../config/index.js';
import { chartAnswer, rankPlaces } from '../check/rank.js';
import { renderRankingText, renderSeriesText } from '../present/compare.js';
import { checkText, figureBookOf } from '../check/index.js';
import { renderCheckText } from '../present/check.js';
import { indexedPlaceNames } from '../places/find.js';
import { citation } from '../present/citation.js';
import { ANSI, PLAIN, renderContext, renderSources, renderText, type TextStyle } from '../present/text.js';
import { askInChat, coveredOf, frameStore } from '../search/followup.js';
import { loadSynonyms } from '../search/understand.js';
import { CHECK_TEXT, looksLikeDraft, MAX_DRAFT_CHARS } from './features/check.js';
import { clarified } from './features/ask.js';
import type { Answer, Engine } from '../types.js';
import { checkQuestion, MAX_PAGES, searchLogged } from './question.js';
import type { QueryLog } from './query-log.js';
import { NO_SCOPE, parseDistrictArg, parseReportArg, type Scope, scopeFromArg, scopeLabel } from './scopes.js';
import { EXAMPLE_QUESTIONS, TEXT } from './texts.js';
import { updateNotice } from './update-notice.js';

export const NO_TOKEN_HELP = `没有设置 BOT_TOKEN，先在终端里试用：回答和 Telegram 里的相同，只是纯文本。
(No BOT_TOKEN set: starting a terminal chat with the same answers. To run the Telegram bot:)
要在 Telegram 中使用：
  1. 在 Telegram 中打开 @BotFather，发送 /newbot，按提示起名，得到形如 123456789:AAH… 的 token；
  2. 复制 .env.example 为 .env，填入 BOT_TOKEN=你的token（建议同时设置 ALLOWED_USER_IDS，只让编辑部使用）；
  3. 再运行 npm start。`;

const HELP = `直接输入问题并回车，例如：${EXAMPLE_QUESTIONS[0]}
  /more            下一页结果
  /原话            上一问按原话查找（不沿用再上一问的地方、指标、年份）
  /原文 N          第 N 条结果所在的整段及前后段（也可写 /context N）
  /引用 N          第 N 条结果的引用句：据《报告》，“原句”
  /check 文字      核对一段稿件里的每个数字（✅ 一致 / ❌ 不一致 / ❓ 报告中没有）
  /compare 指标    各地各年的同一指标，例如 /compare 城镇新增就业
  /sources         已收录的报告
  /district 城中区  之后只在城中区的报告中查找（/district 全部 取消）
  /report 1        之后只在第 1 份报告中查找（/report 全部 取消）
  /quit            退出（或 Ctrl-D）`;

export interface TerminalChatOptions {
  input: Readable;
  output: Writable;
  queryLog?: QueryLog;
  /** ANSI bold on a terminal, 【】 marks otherwise. */
  style?: TextStyle;
}

/** Runs until the input ends or the user types /quit. Never throws on user input. */
export async function terminalChat(engine: Engine, config: Config, opts: TerminalChatOptions): Promise<void> {
  const out = (s: string) => void opts.output.write(s + '\n');
  const style = opts.style ?? ((opts.output as { isTTY?: boolean }).isTTY ? ANSI : PLAIN);
  const perPage = config.resultsPerPage;
  const interactive = Boolean((opts.input as { isTTY?: boolean }).isTTY);
  const rl = createInterface({ input: opts.input, output: interactive ? opts.output : undefined, terminal: interactive });
  rl.on('SIGINT', () => rl.close()); // without a listener, Ctrl-C would only pause the prompt
  let scope: Scope = NO_SCOPE;
  let last: { answer: Answer; page: number } | null = null;
  // The terminal is one chat: its frame of the last question, for follow-ups (那城西区呢？).
  const frames = frameStore({ ttlMs: config.followupMinutes * 60_000 });
  let lastQuestion: string | null = null;
  /** A series or ranking answer as Telegram gives it (the table of its chart), or null for an ordinary question. */
  const comparisonOf = (text: string): string | null => {
    const chart = chartAnswer(() => figureBookOf(engine, synonyms), text);
    return chart === null ? null : chart.kind === 'series' ? renderSeriesText(chart.series) : renderRankingText(chart.ranking);
  };
  const synonyms = loadSynonyms(config.synonymsFile);
  const notice = updateNotice(config.indexDir);

  const showPage = (answer: Answer, page: number) => {
    // The headline figure belongs to the best result; later pages must not promote theirs to it.
    const results = answer.results
      .slice(page * perPage, page * perPage + perPage)
      .map((r) => (page === 0 ? r : { ...r, keyFigure: undefined }));
    out(renderText({ ...answer, results }, style, { pickByNumber: true }));
    const pages = Math.ceil(answer.results.length / perPage);
    if (pages > 1) out(`\n（第${page + 1}/${pages}页${page + 1 < pages ? '，输入 /more 看下一页' : ''}）`);
  };

  out(`\n输入问题，/help 查看用法，/quit 退出。`);
  const prompt = () => interactive && rl.prompt();
  rl.setPrompt('问> ');
  prompt();
  for await (const raw of rl) {
    const typed = raw.replace(/\s+/g, ' ').trim();
    // A number after a vague question picks one of its options (the bot's ❓ buttons): asked again with it.
    const picked = /^\d{1,2}$/.test(typed) ? last?.answer.askBack?.options[Number(typed) - 1] : undefined;
    const line = picked && last ? clarified(last.answer.query, picked) : typed;
    if (picked) out(`（问：${line}）`);
    try {
      if (line === '/quit' || line === '/exit') break;
      const [cmd = '', ...rest] = line.split(' ');
      const arg = rest.join(' ');
      let comparison: string | null = null; // found once, in its turn below
      if (line === '') {
        // Enter on an empty line: nothing to do.
      } else if (cmd === '/help' || cmd === '/start') out(HELP);
      else if (cmd === '/sources') {
        // Numbered, for /report N (renderSources gives one line per report).
        out(renderSources(engine.reports()).split('\n').map((l, i) => `${i + 1}. ${l.replace(/^· /, '')}`).join('\n'));
      }
      else if (cmd === '/more') {
        if (!last || (last.page + 1) * perPage >= last.answer.results.length) out('没有更多结果了。');
        else showPage(last.answer, ++last.page);
      } else if (cmd === '/原文' || cmd === '/context') {
        const r = last?.answer.results[Number(arg) - 1];
        if (!r) out('用法：/原文 N，N 是上一个回答中结果的编号。');
        else out(renderContext(engine.context(r.passageId, 2), r.passageId));
      } else if (cmd === '/引用' || cmd === '/cite') {
        const r = last?.answer.results[Number(arg) - 1];
        if (!r) out('用法：/引用 N，N 是上一个回答中结果的编号。');
        // As the 引用 buttons in Telegram: an uncertain answer is not the answer, so no sentence to paste.
        else if (!last!.answer.found) out('上一个回答没有确定的答案，不给引用句：请用 /原文 N 核对原文。');
        else out(citation(r));
      } else if (cmd === '/district' || cmd === '/report') {
        const places = indexedPlaceNames(engine.reports());
        const p = cmd === '/district' ? parseDistrictArg(arg, places) : parseReportArg(arg, engine.reports());
        if (p.kind !== 'unknown') {
          scope = scopeFromArg(p);
          out(`查找范围：${scopeLabel(scope, engine.reports()) ?? '全部报告'}`);
        } else if (cmd === '/district') out(`已收录的报告中没有“${p.text}”。可选：${places.join('、')}，或“全部”。`);
        else out('用 /sources 中的编号，例如 /report 1；/report 全部 取消限定。');
      } else if (cmd === '/check' || cmd === '/compare') {
        const book = figureBookOf(engine, synonyms);
        if (!arg) out(cmd === '/check' ? '用法：/check 要核对的文字' : '用法：/compare 指标，例如 /compare 城镇新增就业');
        else if (!book) out('核对功能需要已建好的索引，暂时不可用。');
        else if (cmd === '/check') out(renderCheckText(checkText(book, arg), style));
        else {
          const r = rankPlaces(book, arg.slice(0, 100));
          out(r.rows.length > 0 ? renderRankingText(r) : `报告中没有找到“${arg}”的数字，无法对比。`);
        }
      } else if (cmd === '/原话' && !lastQuestion) out('还没有可以按原话查找的问题。');
      else if (cmd.startsWith('/') && cmd !== '/原话') out(TEXT.unknownCommand);
      else if (cmd !== '/原话' && looksLikeDraft(line)) {
        // A pasted draft is checked, as in Telegram.
        const book = figureBookOf(engine, synonyms);
        if ([...line].length > MAX_DRAFT_CHARS) out(CHECK_TEXT.tooLong);
        else if (!book) out('核对功能需要已建好的索引，暂时不可用。');
        else out(renderCheckText(checkText(book, line), style));
      } else if (cmd !== '/原话' && (comparison = comparisonOf(line)) !== null) {
        // A comparison question gets the comparison, as in Telegram (one nothing matches is a question).
        out(comparison);
      } else {
        const asWritten = cmd === '/原话';
        const question: string = asWritten ? lastQuestion! : line;
        const problem = checkQuestion(question);
        if (problem) out(TEXT[problem]);
        else {
          // Pick up a new index version written meanwhile (npm run ingest in another terminal).
          if (await engine.reload().catch(() => false)) last = null;
          const search = async (q: string) => (await searchLogged(engine, q, { top: perPage * MAX_PAGES, scope }, { queryLog: opts.queryLog, who: { userId: 'terminal', via: 'terminal' } })).answer;
          const answer = await askInChat(frames, 'terminal', question, coveredOf(engine.reports()), search, { asWritten });
          lastQuestion = question;
          last = answer.results.length > 0 ? { answer, page: 0 } : null;
          if (answer.understood.readAsLabel) out(`（按上一问理解为：${answer.understood.readAsLabel}；输入 /原话 按原话查找）\n`);
          showPage(answer, 0);
          if (scope !== NO_SCOPE) out(`（限定：${scopeLabel(scope, engine.reports())}）`);
          const updating = notice();
          if (updating) out(updating);
        }
      }
    } catch (err) {
      out(`${TEXT.failed}\n(${err instanceof Error ? err.message : String(err)})`);
    }
    out('');
    prompt();
  }
  rl.close();
}
