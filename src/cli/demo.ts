// npm run demo: the real bot (createBot + runBot, long polling) against a local Telegram Bot API emulator
// (telegram-test-api), and a chat in the terminal that talks to the bot through the emulator, so a newsroom can try
// cards, buttons, uploads and /check before it has a token. The demo user is the bot's only user and its admin.
// It works on a copy of corpus/ and the index in a temporary folder, thrown away at /quit, so trying uploads and
// /remove changes nothing; `npm run demo -- --in-place` uses corpus/ and the index themselves.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { Transformer } from 'grammy';
import { createBot } from '../bot/create-bot.js';
import { runBot } from '../bot/run.js';
import type { Config } from '../config/index.js';
import { createLogger } from '../log.js';
import { htmlToTerminal } from '../present/html-text.js';
import { fatal, freePort, openEngineForCli, startup } from './common.js';

const TOKEN = '123456:demo-token-for-the-local-emulator';
const DEMO_USER = 1001;

const HELP = `本地演示：真实的机器人，连接本机的 Telegram 模拟服务器（无需 token）。
  直接输入问题，如：城中区去年城镇新增就业多少人？
  /check 稿件文字 · /compare 城镇新增就业 · /sources · /district 城中区 · /help
  /tap N        按下第 N 个按钮（按钮编号显示在消息下方）
  /upload 文件  以管理员身份上传一份报告（收入报告库的临时副本，退出时丢弃）
  /quit         退出`;

/** Methods the emulator does not implement and that change nothing a reporter sees: answered "ok" here. */
const COSMETIC = new Set(['setMyCommands', 'deleteMyCommands', 'setChatMenuButton', 'sendChatAction']);

interface Button {
  text: string;
  data: string;
  messageId: number;
}

async function main() {
  let TelegramServer: typeof import('telegram-test-api/lib/telegramServer.js').TelegramServer;
  try {
    ({ TelegramServer } = await import('telegram-test-api/lib/telegramServer.js'));
  } catch {
    process.stderr.write('npm run demo needs the development packages (telegram-test-api): run "npm install" without --omit=dev\n');
    process.exit(1);
  }
  const { values } = parseArgs({ options: { 'in-place': { type: 'boolean' } } });
  const { config: base } = await startup();
  // A scratch copy unless asked otherwise: uploads and removals in a trial must not change the newsroom's reports.
  const scratch = values['in-place'] ? null : mkdtempSync(join(tmpdir(), 'report-qa-demo-'));
  const dirs = scratch
    ? { corpusDir: join(scratch, 'corpus'), indexDir: join(scratch, 'index'), queryLog: join(scratch, 'queries.jsonl'), feedbackLog: join(scratch, 'feedback.jsonl') }
    : {};
  if (scratch) {
    cpSync(base.corpusDir, join(scratch, 'corpus'), { recursive: true });
    if (existsSync(base.indexDir)) cpSync(base.indexDir, join(scratch, 'index'), { recursive: true });
  }
  // Bot logs would interleave with the chat: warnings and errors only, unless LOG_LEVEL asks for more.
  const log = createLogger(base.logLevel === 'debug' || base.logLevel === 'silent' ? base.logLevel : 'warn');
  const server = new TelegramServer({ port: await freePort(), host: '127.0.0.1', storeTimeout: 24 * 3600 });
  await server.start();
  const config: Config = { ...base, ...dirs, botToken: TOKEN, telegramApiRoot: server.config.apiURL, allowedUserIds: [DEMO_USER], allowedChatIds: [], adminUserIds: [DEMO_USER] };
  const out = (s: string) => process.stdout.write(s + '\n');
  const tty = Boolean(process.stdout.isTTY);

  // Uploads: the emulator has no getFile; the file a /upload names is served from disk under its own path.
  const uploads = new Map<string, { path: string; size: number }>();
  const toasts: string[] = [];
  const demoApi: Transformer = async (prev, method, payload, signal) => {
    if (COSMETIC.has(method)) return { ok: true, result: true } as never;
    if (method === 'getFile') {
      const id = (payload as { file_id: string }).file_id;
      const file = uploads.get(id);
      if (!file) return { ok: false, error_code: 400, description: 'Bad Request: file not found' } as never;
      return { ok: true, result: { file_id: id, file_unique_id: id, file_size: file.size, file_path: file.path } } as never;
    }
    if (method === 'answerCallbackQuery' && (payload as { text?: string }).text) toasts.push((payload as { text: string }).text);
    return prev(method, payload, signal);
  };

  const engine = await openEngineForCli(config, createLogger(base.logLevel === 'silent' ? 'silent' : 'info'));
  const bot = createBot(engine, config, { log, download: async (path) => new Uint8Array(readFileSync(path)), apiTransformers: [demoApi] });
  const running = await runBot(bot, config, { log, engine });
  const client = server.getClient(TOKEN, { userId: DEMO_USER, chatId: DEMO_USER, firstName: '记者', userName: 'reporter', timeout: 60_000 });

  // What the bot sends or edits in the demo chat, printed as it happens; buttons numbered across the chat.
  const seen = new Map<number, string>();
  const buttons: Button[] = [];
  const show = () => {
    for (const t of toasts.splice(0)) out(`  (提示：${t})`);
    for (const u of server.storage.botMessages) {
      const m = u.message as { chat_id: number | string; text: string; reply_markup?: { inline_keyboard?: { text: string; callback_data?: string }[][] } };
      if (String(m.chat_id) !== String(DEMO_USER)) continue;
      const keyboard = m.reply_markup?.inline_keyboard ?? [];
      const key = m.text + JSON.stringify(keyboard);
      if (seen.get(u.messageId) === key) continue;
      const edited = seen.has(u.messageId);
      seen.set(u.messageId, key);
      const lines = [`── 机器人${edited ? '（更新了上一条消息）' : ''} ──`, htmlToTerminal(m.text, tty)];
      const row = keyboard.flat().filter((b) => b.callback_data).map((b) => {
        buttons.push({ text: b.text, data: b.callback_data!, messageId: u.messageId });
        return `[${buttons.length} ${b.text}]`;
      });
      if (row.length) lines.push(row.join(' '));
      out(lines.join('\n'));
    }
  };
  const watcher = setInterval(show, 250);

  const stop = async () => {
    clearInterval(watcher);
    await running.stop(5000);
    await running.done.catch(() => {});
    await server.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  };

  out(HELP);
  out(scratch ? `（报告库的临时副本：${config.corpusDir}，退出时丢弃；npm run demo -- --in-place 则直接使用 ${base.corpusDir}）` : `（直接使用 ${base.corpusDir}：上传和删除会真的改变报告库）`);
  const rl = createInterface({ input: process.stdin, terminal: Boolean(process.stdin.isTTY) });
  for await (const raw of rl) {
    const line = raw.trim();
    if (!line) continue;
    if (line === '/quit' || line === '/exit') break;
    try {
      const tap = /^\/tap\s+(\d+)$/.exec(line);
      const upload = /^\/upload\s+(.+)$/.exec(line);
      if (tap) {
        const b = buttons[Number(tap[1]) - 1];
        if (!b) out(`没有第 ${tap[1]} 个按钮（共 ${buttons.length} 个）。`);
        else await client.sendCallback(client.makeCallbackQuery(b.data, { message: { message_id: b.messageId } }));
      } else if (upload) {
        const path = resolve(process.env.INIT_CWD ?? process.cwd(), upload[1]!.replace(/^['"]|['"]$/g, ''));
        const size = statSync(path, { throwIfNoEntry: false });
        if (!size?.isFile()) out(`找不到文件 ${path}`);
        else {
          const id = `demo-${uploads.size + 1}`;
          uploads.set(id, { path, size: size.size });
          const msg = client.makeMessage('', { document: { file_id: id, file_unique_id: id, file_name: basename(path), file_size: size.size } } as never) as { text?: string };
          delete msg.text; // a document, not a text message
          await client.sendMessage(msg as never);
        }
      } else if (line.startsWith('/')) await client.sendCommand(client.makeCommand(line));
      else await client.sendMessage(client.makeMessage(line));
    } catch (err) {
      out(`发送失败：${(err as Error).message}`);
    }
  }
  await new Promise((r) => setTimeout(r, 300));
  show();
  await stop();
  process.exit(0);
}

main().catch(fatal);
