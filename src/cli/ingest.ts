// npm run ingest -- FILE...   copy reports (.pdf .docx .txt .md, page images .png .jpg) into corpus/ and update the index.
// npm run ingest -- --remove NAME   take a report out.
// npm run --silent ingest -- --json FILE...   one JSON object per file on stdout (for scripts).
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { correctionOf, ingestReports, readFacts, type ReportFacts, removeReport } from '../app/ingest.js';
import { loadEmbedder } from '../embed/index.js';
import type { MetaCorrection } from '../types.js';
import { fatal, progressReporter, startup } from './common.js';

const USAGE = `usage: npm run ingest -- FILE... [--place 宜君县] [--year 2025] [--title "…"] [--json] | --remove NAME
  --json   one JSON object per file on stdout: {"file","status":"added"|"replaced"|"unchanged"|"rejected","title","place","year","passages","figures","warnings","error"?}`;

/** One file's outcome as a machine reads it. */
function jsonLine(file: string, status: string, facts: ReportFacts | null, error?: string): string {
  return JSON.stringify({
    file,
    status,
    title: facts?.title ?? null,
    place: facts?.place ?? null,
    year: facts?.year ?? null,
    passages: facts?.passages ?? 0,
    figures: facts?.figures ?? 0,
    warnings: facts?.warnings ?? [],
    ...(error ? { error } : {}),
  });
}

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { remove: { type: 'string' }, place: { type: 'string' }, year: { type: 'string' }, title: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) return void process.stdout.write(USAGE + '\n');
  const { config, log } = await startup();
  const build = { embedder: () => loadEmbedder(config), onProgress: progressReporter(log), warn: (m: string) => log.warn(m) };
  if (values.remove) {
    const result = await removeReport(config, values.remove, build);
    if ('reason' in result) {
      log.error(result.reason);
      process.exit(1);
    }
    log.info(`removed ${values.remove}; index now has ${result.passageCount} passages`);
    return;
  }
  if (positionals.length === 0) {
    process.stderr.write(USAGE + '\n');
    process.exit(2);
  }
  // --place/--year/--title correct what is read from the report; kept in corpus/reports.json for every rebuild.
  const correction: MetaCorrection = {};
  const problems = {
    place: 'not a place name this product knows, or several places have it: give the full name (南京市鼓楼区, 互助土族自治县) or its 6-digit code',
    year: 'give the year the report was delivered, e.g. --year 2025',
  };
  for (const field of ['place', 'year'] as const) {
    const value = values[field];
    if (value === undefined) continue;
    const given = correctionOf(field, value);
    if (!given) {
      process.stderr.write(`--${field} "${value}": ${problems[field]}\n`);
      process.exit(2);
    }
    Object.assign(correction, given);
  }
  if (values.title) correction.title = values.title;
  const corrected = Object.keys(correction).length > 0 ? { correction } : {};
  const files = positionals.map((path) => {
    try {
      return { name: basename(path), bytes: new Uint8Array(readFileSync(path)), ...corrected };
    } catch (err) {
      return { name: basename(path), bytes: new Uint8Array(), error: (err as Error).message };
    }
  });
  const unreadable = files.filter((f) => 'error' in f);
  for (const f of unreadable) {
    if (values.json) process.stdout.write(jsonLine(f.name, 'rejected', null, `cannot read the file: ${(f as { error: string }).error}`) + '\n');
    else log.error(`cannot read ${f.name}: ${(f as { error: string }).error}`);
  }
  const { outcomes, build: report } = await ingestReports(config, files.filter((f) => !('error' in f)), build);
  if (values.json) {
    for (const o of outcomes) {
      if (o.status === 'rejected') process.stdout.write(jsonLine(o.file, 'rejected', null, o.reason) + '\n');
      else if (o.status === 'duplicate') {
        const sent = files.find((f) => basename(f.name) === o.file || f.name === o.file);
        process.stdout.write(jsonLine(o.duplicateOf, 'unchanged', sent ? await readFacts(sent.bytes, o.duplicateOf, correction) : null) + '\n');
      } else process.stdout.write(jsonLine(o.file, o.status, o.facts) + '\n');
    }
    if (unreadable.length || outcomes.some((o) => o.status === 'rejected')) process.exitCode = 1;
    return;
  }
  for (const o of outcomes) {
    if (o.status === 'rejected') log.error(`${o.file}: rejected: ${o.reason}`);
    else if (o.status === 'duplicate') log.warn(`${o.file}: already indexed as ${o.duplicateOf}, skipped${corrected.correction ? ' (its correction is recorded)' : ''}`);
    else {
      const f = o.facts;
      log.info(`${o.file}: ${o.status} · 《${f.title}》 ${f.district ?? '未识别地方'} ${f.year ?? ''} · ${f.pages ? `${f.pages} pages · ` : ''}${f.passages} passages${f.ocrPages ? ` · OCR on page(s) ${f.ocrPages.join(', ')}` : ''}`);
      for (const w of f.warnings ?? []) log.warn(`${o.file}: ${w}`);
      if (!f.place || f.year === null) log.warn(`${o.file}: place or year not recognised; questions naming its place will not find it. Correct with: npm run ingest -- ${o.file} --place 名称 --year 年份`);
    }
  }
  if (report) log.info(`index updated: ${report.passageCount} passages in ${report.seconds.toFixed(1)} s`);
  if (unreadable.length || outcomes.some((o) => o.status === 'rejected')) process.exit(1);
}

main().catch(fatal);
