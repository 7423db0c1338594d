// npm run --silent reports -- [--json]   what the index holds: each report's title, place, year, passages and figures.
import { parseArgs } from 'node:util';
import { figureBookOf } from '../check/index.js';
import { loadSynonyms } from '../search/understand.js';
import { fatal, openEngineForCli, startup } from './common.js';

const USAGE = 'usage: npm run --silent reports -- [--json]   (--json: one object per report: {"file","status","title","place","year","passages","figures","warnings"})';

async function main() {
  let args;
  try {
    args = parseArgs({ options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
  if (args.values.help) return void process.stdout.write(USAGE + '\n');
  const { config, log } = await startup();
  const engine = await openEngineForCli(config, log);
  const book = figureBookOf(engine, loadSynonyms(config.synonymsFile));
  const figures = new Map<string, number>();
  for (const r of book?.records ?? []) {
    const file = book!.passages[r.passageId]!.source.file;
    figures.set(file, (figures.get(file) ?? 0) + 1);
  }
  for (const r of engine.reports()) {
    const warnings = [...(r.place ? [] : ['no place recognised: correct with npm run ingest -- FILE --place 名称']), ...(r.year === null ? ['no year recognised: correct with npm run ingest -- FILE --year 年份'] : [])];
    const row = { file: r.file, status: 'indexed', title: r.title, place: r.place ?? null, year: r.year, passages: r.passages, figures: figures.get(r.file) ?? 0, warnings };
    if (args.values.json) process.stdout.write(JSON.stringify(row) + '\n');
    else process.stdout.write(`${r.file}  《${r.title}》 ${r.place?.name ?? '未识别地方'} ${r.year ?? '未识别年份'} · ${r.passages} passages · ${row.figures} figures${warnings.length ? ` · ${warnings.join('; ')}` : ''}\n`);
  }
}

main().catch(fatal);
