// npm run --silent compare -- [--json] "城镇新增就业": one indicator across the indexed places and years.
import { parseArgs } from 'node:util';
import { compareIndicator } from '../check/compare.js';
import { figureBookOf } from '../check/index.js';
import { compareToJson, renderCompareText } from '../present/check.js';
import { ANSI, PLAIN } from '../present/text.js';
import { loadSynonyms } from '../search/understand.js';
import { fatal, openEngineForCli, startup } from './common.js';

const USAGE = 'usage: npm run --silent compare -- [--json] "指标"   (e.g. 城镇新增就业, 地区生产总值增长)';

async function main() {
  let args;
  try {
    args = parseArgs({ allowPositionals: true, options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
  const { values, positionals } = args;
  if (values.help) return void process.stdout.write(USAGE + '\n');
  const indicator = positionals.join(' ').trim();
  if (!indicator) {
    process.stderr.write(`please name an indicator\n${USAGE}\n`);
    process.exit(2);
  }
  const { config, log } = await startup();
  const comparison = compareIndicator(figureBookOf(await openEngineForCli(config, log), loadSynonyms(config.synonymsFile))!, indicator);
  if (values.json) process.stdout.write(JSON.stringify(compareToJson(comparison)) + '\n');
  else process.stdout.write(renderCompareText(comparison, process.stdout.isTTY ? ANSI : PLAIN) + '\n');
}

main().catch(fatal);
