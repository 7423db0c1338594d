// npm run ask -- [--json] [--top N] [--batch] "问题"
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { toJson } from '../present/json.js';
import { ANSI, PLAIN, renderText } from '../present/text.js';
import { fatal, openEngineForCli, startup } from './common.js';

const USAGE = `usage: npm run --silent ask -- [--json] [--top N] "问题"
       npm run --silent ask -- --batch [--top N] < questions.txt   (one question per line, JSON Lines out)`;

async function main() {
  let args;
  try {
    args = parseArgs({
      allowPositionals: true,
      options: { json: { type: 'boolean' }, batch: { type: 'boolean' }, top: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
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

main().catch(fatal);
