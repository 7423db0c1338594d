// npm run --silent reports -- [--json]   what the index holds: each report's title, place, year, passages and figures.
// npm run --silent reports -- --sample N --seed S [--file PREFIX] [--json]   N random figure records with their
// sentence, section and period, to count by hand how many are read right (docs/structure.md).
import { parseArgs } from 'node:util';
import { figureBookOf } from '../check/index.js';
import { sampleRecords } from '../check/sample.js';
import { loadSynonyms } from '../search/understand.js';
import { fatal, openEngineForCli, startup } from './common.js';

const USAGE = `usage: npm run --silent reports -- [--json]   (--json: one object per report: {"file","status","title","place","year","passages","figures","warnings"})
       npm run --silent reports -- --sample N --seed S [--file PREFIX,...] [--json]   (N random figure records of the files starting with PREFIX, with sentence and section)`;

async function main() {
  let args;
  try {
    args = parseArgs({ options: { json: { type: 'boolean' }, sample: { type: 'string' }, seed: { type: 'string' }, file: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
  if (args.values.help) return void process.stdout.write(USAGE + '\n');
  const sample = args.values.sample === undefined ? null : Number(args.values.sample);
  const seed = Number(args.values.seed ?? 1);
  if (sample !== null && !(Number.isInteger(sample) && sample > 0 && Number.isInteger(seed))) {
    process.stderr.write(`--sample and --seed take whole numbers (--sample 60 --seed 7)\n${USAGE}\n`);
    process.exit(2);
  }
  const { config, log } = await startup();
  const engine = await openEngineForCli(config, log);
  const book = figureBookOf(engine, loadSynonyms(config.synonymsFile));
  if (sample !== null) {
    const prefixes = (args.values.file ?? '').split(',').filter(Boolean);
    const records = (book?.records ?? []).filter((r) => prefixes.length === 0 || prefixes.some((p) => book!.passages[r.passageId]!.source.file.startsWith(p)));
    sampleRecords(records, sample, seed).forEach((r, n) => {
      const passage = book!.passages[r.passageId]!;
      const row = { n: n + 1, file: passage.source.file, figure: r.figure, unit: r.unit, kind: r.kind, indicator: r.indicator, year: r.year, period: r.period, span: r.span ?? null, section: passage.section, sectionPeriod: passage.period ?? null, sentence: passage.sentences[r.sentence] ?? passage.text };
      if (args.values.json) process.stdout.write(JSON.stringify(row) + '\n');
      else process.stdout.write(`#${row.n} ${row.file} 【${r.figure}】 unit ${r.unit} · ${r.kind} · ${r.period} ${r.span ? r.span.join('–') : r.year ?? '?'} · ${r.indicator}\n   § ${passage.section ?? '—'} ${passage.period ? JSON.stringify(passage.period) : ''}\n   “${row.sentence}”\n`);
    });
    return;
  }
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
