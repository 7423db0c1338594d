// npm run ingest -- FILE...   copy reports (.pdf .docx .txt .md, page images .png .jpg) into corpus/ and update the index.
// npm run ingest -- --remove NAME   take a report out.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { loadEmbedder } from '../embed/index.js';
import { ingestReports, removeReport } from '../index/ingest.js';
import { fatal, progressReporter, startup } from './common.js';

async function main() {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { remove: { type: 'string' } } });
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
    process.stderr.write('usage: npm run ingest -- FILE... | --remove NAME\n');
    process.exit(2);
  }
  const files = positionals.map((path) => {
    try {
      return { name: basename(path), bytes: new Uint8Array(readFileSync(path)) };
    } catch (err) {
      return { name: basename(path), bytes: new Uint8Array(), error: (err as Error).message };
    }
  });
  const unreadable = files.filter((f) => 'error' in f);
  for (const f of unreadable) log.error(`cannot read ${f.name}: ${(f as { error: string }).error}`);
  const { outcomes, build: report } = await ingestReports(config, files.filter((f) => !('error' in f)), build);
  for (const o of outcomes) {
    if (o.status === 'rejected') log.error(`${o.file}: rejected: ${o.reason}`);
    else if (o.status === 'duplicate') log.warn(`${o.file}: already indexed as ${o.duplicateOf}, skipped`);
    else {
      const f = o.facts;
      log.info(`${o.file}: ${o.status} · 《${f.title}》 ${f.district ?? '未知区'} ${f.year ?? ''} · ${f.pages ? `${f.pages} pages · ` : ''}${f.passages} passages${f.ocrPages ? ` · OCR on page(s) ${f.ocrPages.join(', ')}` : ''}`);
      for (const w of f.warnings ?? []) log.warn(`${o.file}: ${w}`);
    }
  }
  if (report) log.info(`index updated: ${report.passageCount} passages in ${report.seconds.toFixed(1)} s`);
  if (unreadable.length || outcomes.some((o) => o.status === 'rejected')) process.exit(1);
}

main().catch(fatal);
