// npm run ask -- [--json] [--top N] [--batch [--chats]] "问题"
import { createInterface } from 'node:readline';
import { ChatLineSchema } from '../search/conversations.js';
import { chatsInOrder } from '../search/followup.js';
import { parseArgs } from 'node:util';
import { toJson } from '../present/json.js';
import { ANSI, PLAIN, renderText } from '../present/text.js';
import { fatal, openEngineForCli, startup } from './common.js';

const USAGE = `usage: npm run --silent ask -- [--json] [--top N] "问题"
       npm run --silent ask -- --batch [--top N] < questions.txt   (one question per line, JSON Lines out)
       npm run --silent ask -- --json --batch --chats < turns.jsonl  (lines {"chat": "c1", "question": "那城西区呢？"}: follow-ups read per chat)`;

async function main() {
  let args;
  try {
    args = parseArgs({
      allowPositionals: true,
      options: { json: { type: 'boolean' }, batch: { type: 'boolean' }, chats: { type: 'boolean' }, top: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
  const { values, positionals } = args;
  if (values.help) return void process.stdout.write(USAGE + '\n');
  const top = values.top === undefined ? 3 : Number(values.top);
  if (!Number.isInteger(top) || top < 1 || top > 20) {
    process.stderr.write(`--top must be a whole number from 1 to 20\n${USAGE}\n`);
    process.exit(2);
  }
  const question = positionals.join(' ').trim();
  if (!values.batch && !question) {
    process.stderr.write(`please give a question\n${USAGE}\n`);
    process.exit(2);
  }

  const { config, log } = await startup();
  const engine = await openEngineForCli(config, log);

  if (values.chats && !values.batch) {
    process.stderr.write(`--chats reads conversations from stdin: use it with --batch\n${USAGE}\n`);
    process.exit(2);
  }
  if (values.batch && values.chats) {
    const ask = chatsInOrder(engine.reports());
    const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
    let n = 0;
    for await (const line of lines) {
      n += 1;
      if (!line.trim()) continue;
      const turn = readChatLine(line);
      if (typeof turn === 'string') {
        process.stdout.write(JSON.stringify({ line: n, error: turn }) + '\n');
        continue;
      }
      const answer = await ask(turn.chat, turn.question, (q) => engine.search(q, { top }));
      process.stdout.write(JSON.stringify(toJson(answer)) + '\n');
    }
    return;
  }
  if (values.batch) {
    const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
    for await (const line of lines) {
      if (!line.trim()) continue;
      process.stdout.write(JSON.stringify(toJson(await engine.search(line.trim(), { top }))) + '\n');
    }
    return;
  }
  const answer = await engine.search(question, { top });
  if (values.json) process.stdout.write(JSON.stringify(toJson(answer)) + '\n');
  else process.stdout.write(renderText(answer, process.stdout.isTTY ? ANSI : PLAIN) + '\n');
}

/** One line of a conversation: {"chat": "c1", "question": "…"}, or what is wrong with it (answered in its place). */
function readChatLine(line: string): { chat: string; question: string } | string {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return 'not JSON: each line must be {"chat": "c1", "question": "…"}';
  }
  const turn = ChatLineSchema.safeParse(v);
  if (!turn.success || !turn.data.question.trim()) return 'each line must be {"chat": "c1", "question": "…"} with a chat id and a question';
  return { chat: turn.data.chat, question: turn.data.question.trim() };
}

main().catch(fatal);
