// npm run --silent compare -- [--json] [--chart FILE.png] "城镇新增就业": one indicator across the indexed places and
// years; --chart writes the ranking's bar chart (the picture /compare sends in Telegram).
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { compareIndicator } from '../check/compare.js';
import { figureBookOf } from '../check/index.js';
import { rankPlaces } from '../check/rank.js';
import { rankingChart, pngSize } from '../present/chart.js';
import { compareToJson, renderCompareText } from '../present/check.js';
import { renderRankingText } from '../present/compare.js';
import { ANSI, PLAIN } from '../present/text.js';
import { loadSynonyms } from '../search/understand.js';
import { fatal, openEngineForCli, startup } from './common.js';

const USAGE = 'usage: npm run --silent compare -- [--json] [--chart FILE.png] "指标"   (e.g. 城镇新增就业, 地区生产总值增长)';

async function main() {
  let args;
  try {
    args = parseArgs({ allowPositionals: true, options: { json: { type: 'boolean' }, chart: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
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
  const book = figureBookOf(await openEngineForCli(config, log), loadSynonyms(config.synonymsFile))!;
  const comparison = compareIndicator(book, indicator);
  if (values.chart) {
    const ranking = rankPlaces(book, indicator);
    if (ranking.rows.length === 0) {
      process.stderr.write(`报告中没有找到“${indicator}”的数字，没有写图表。\n`);
      process.exit(1);
    }
    const png = rankingChart(ranking);
    writeFileSync(values.chart, png);
    const { width, height } = pngSize(png);
    if (!values.json) process.stdout.write(`${renderRankingText(ranking)}\n\n图表已写入 ${values.chart}（${width}×${height}）\n`);
  }
  if (values.chart && !values.json) return;
  if (values.json) process.stdout.write(JSON.stringify(compareToJson(comparison)) + '\n');
  else process.stdout.write(renderCompareText(comparison, process.stdout.isTTY ? ANSI : PLAIN) + '\n');
}

main().catch(fatal);
