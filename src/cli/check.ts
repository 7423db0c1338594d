// npm run --silent check -- [--json] "TEXT" | --batch | --eval tests/check.jsonl [--json]
// Every figure of a draft checked against the reports' figure records (no model needed once the index exists).
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { type FigureBook, checkText, figureBookOf } from '../check/index.js';
import { readDrafts, scoreDrafts } from '../check/evaluate.js';
import { checkToJson, renderCheckText } from '../present/check.js';
import { ANSI, PLAIN } from '../present/text.js';
import { loadSynonyms } from '../search/understand.js';
import { fatal, openEngineForCli, startup } from './common.js';

const USAGE = `usage: npm run --silent check -- [--json] "稿件文字"
       npm run --silent check -- --batch < drafts.txt        (one text per line, JSON Lines out)
       npm run --silent check -- --eval tests/check.jsonl [--json]   (verdict accuracy on a draft set)`;

async function main() {
  let args;
  try {
    args = parseArgs({ allowPositionals: true, options: { json: { type: 'boolean' }, batch: { type: 'boolean' }, eval: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
  const { values, positionals } = args;
  if (values.help) return void process.stdout.write(USAGE + '\n');
  const text = positionals.join(' ').trim();
  if (!values.batch && !values.eval && !text) {
    process.stderr.write(`please give the text to check\n${USAGE}\n`);
    process.exit(2);
  }
  if (values.eval && !existsSync(values.eval)) {
    process.stderr.write(`no draft file at ${values.eval}: give a JSON Lines file like tests/check.jsonl\n`);
    process.exit(2);
  }
  const { config, log } = await startup();
  const book: FigureBook = figureBookOf(await openEngineForCli(config, log), loadSynonyms(config.synonymsFile))!;

  if (values.eval) {
    const score = scoreDrafts(book, readDrafts(values.eval));
    if (values.json) return void process.stdout.write(JSON.stringify(score) + '\n');
    const v = score.byVerdict;
    process.stdout.write(
      [
        `drafts: ${score.drafts}   verdict accuracy: ${score.accuracy.toFixed(3)}   wrong "supported": ${score.wrongSupported}   p95 ${score.p95Ms.toFixed(1)} ms`,
        `supported ${v.supported.right}/${v.supported.total} · contradicted ${v.contradicted.right}/${v.contradicted.total} · unverified ${v.unverified.right}/${v.unverified.total}`,
        ...score.misses.map((m) => `  miss: expected ${m.expected}, got ${m.got}${m.reportFigure ? ` (${m.reportFigure})` : ''}: ${m.text}`),
      ].join('\n') + '\n',
    );
    return;
  }
  if (values.batch) {
    for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
      if (line.trim()) process.stdout.write(JSON.stringify(checkToJson(checkText(book, line.trim()))) + '\n');
    }
    return;
  }
  const result = checkText(book, text);
  if (values.json) process.stdout.write(JSON.stringify(checkToJson(result)) + '\n');
  else process.stdout.write(renderCheckText(result, process.stdout.isTTY ? ANSI : PLAIN) + '\n');
}

main().catch(fatal);
