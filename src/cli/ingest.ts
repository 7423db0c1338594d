// npm run ingest -- FILE...   copy reports (.pdf .docx .txt .md, page images .png .jpg) into corpus/ and update the index.
// npm run ingest -- --remove NAME   take a report out.
// npm run --silent ingest -- --json FILE...   one JSON object per file on stdout (for scripts; logs stay on stderr).
import { existsSync, readFileSync } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { correctionOf, ingestReports, readFacts, type ReportFacts, removeReport } from '../app/ingest.js';
import { loadEmbedder } from '../embed/index.js';
import type { MetaCorrection } from '../types.js';
import { fatal, progressReporter, startup } from './common.js';

const USAGE = `usage: npm run ingest -- FILE... [--place 宜君县] [--year 2025] [--title "…"] [--json] [--yes] | --remove NAME
  --json   one JSON object per file on stdout: {"file","status":"added"|"replaced"|"unchanged"|"rejected","title","place","year","passages","figures","warnings","error"?}
  --yes    add a file of more than PASSAGES_CONFIRM_OVER passages`;

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
    options: { remove: { type: 'string' }, place: { type: 'string' }, year: { type: 'string' }, title: { type: 'string' }, json: { type: 'boolean' }, yes: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) return void process.stdout.write(USAGE + '\n');
  const json = (out: unknown) => values.json && process.stdout.write(JSON.stringify(out) + '\n');
  const { config, log } = await startup();
  const build = { embedder: () => loadEmbedder(config), onProgress: progressReporter(log), warn: (m: string) => log.warn(m) };
  if (values.remove) {
    const result = await removeReport(config, values.remove, build);
    if ('reason' in result) {
      json({ removed: null, reason: result.reason });
      log.error(result.reason);
      process.exit(1);
    }
    json({ removed: basename(values.remove), passageCount: result.passageCount });
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
      return { name: basename(path), bytes: new Uint8Array(readFileSync(locate(path, config.corpusDir))), ...corrected, ...(values.yes ? { confirmed: true } : {}) };
    } catch (err) {
      const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
      return { name: basename(path), bytes: new Uint8Array(), error: missing ? `no such file (looked in ${process.env.INIT_CWD ?? process.cwd()}${basename(path) === path ? ' and in corpus/' : ''}): check the path` : (err as Error).message };
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
        // A duplicate is known by its hash before it is read: its facts are read here, within the configured limits.
        const sent = files.find((f) => f.name === o.file);
        process.stdout.write(jsonLine(o.duplicateOf, 'unchanged', sent ? await readFacts(sent.bytes, o.duplicateOf, correction, config.limits) : null) + '\n');
      } else process.stdout.write(jsonLine(o.file, o.status, o.facts) + '\n');
    }
    if (unreadable.length || outcomes.some((o) => o.status === 'rejected')) process.exitCode = 1;
    return;
  }
  for (const o of outcomes) {
    if (o.status === 'rejected') log.error(`${o.file}: rejected: ${o.reason}`);
    else if (o.status === 'duplicate' && corrected.correction) log.info(`${o.file}: already indexed${o.duplicateOf === o.file ? '' : ` as ${o.duplicateOf}`}; its correction is recorded`);
    else if (o.status === 'duplicate') log.warn(`${o.file}: already indexed as ${o.duplicateOf}, skipped`);
    else {
      const f = o.facts;
      log.info(`${o.file}: ${o.status} · 《${f.title}》 ${f.district ?? '未识别地方'} ${f.year ?? ''} · ${f.pages ? `${f.pages} pages · ` : ''}${f.passages} passages${f.ocrPages ? ` · OCR on page(s) ${f.ocrPages.join(', ')}` : ''}`);
      for (const w of f.warnings ?? []) log.warn(`${o.file}: ${w}`);
      if (!f.place || f.year === null) {
        const missing = [!f.place ? '--place 地方全称或6位代码' : null, f.year === null ? '--year 年份' : null].filter(Boolean).join(' ');
        log.warn(`${o.file}: ${!f.place ? 'place' : 'year'}${!f.place && f.year === null ? ' and year' : ''} not recognised; questions naming its place or year will not find it. Correct with: npm run ingest -- ${shellWord(o.file)} ${missing}`);
      }
    }
  }
  if (report) log.info(`index updated: ${report.passageCount} passages in ${report.seconds.toFixed(1)} s`);
  if (unreadable.length || outcomes.some((o) => o.status === 'rejected')) process.exit(1);
}

/** A file name as one shell word, quoted only when it must be, so the printed command works when pasted. */
function shellWord(s: string): string {
  return /^[\p{L}\p{N}_.,+@%=:\/-]+$/u.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * Where a file named on the command line is: as given, relative to the folder the command was typed in (npm run
 * starts scripts in the project root and says where it was typed in INIT_CWD), or, for a bare name, the report of
 * that name already in corpus/ (so `npm run ingest -- report.txt --place …` corrects an indexed report, as printed).
 */
function locate(path: string, corpusDir: string): string {
  const typedIn = process.env.INIT_CWD;
  const candidates = [
    ...(typedIn && !isAbsolute(path) ? [resolve(typedIn, path)] : []),
    resolve(path),
    ...(basename(path) === path ? [join(corpusDir, path)] : []),
  ];
  return candidates.find((p) => existsSync(p)) ?? path;
}

main().catch(fatal);
