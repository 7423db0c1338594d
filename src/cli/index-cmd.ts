// npm run index [-- --force]: build or update the index from corpus/, embedding only new or changed files.
// Also verifies the current version's checksums and rebuilds it when damaged (no --force needed).
import { parseArgs } from 'node:util';
import { buildIndex } from '../app/open.js';
import { fatal, progressReporter, startup } from './common.js';

async function main() {
  const { values } = parseArgs({ options: { force: { type: 'boolean' } } });
  const { config, log } = await startup();
  const report = await buildIndex(config, { log, onProgress: progressReporter(log), force: values.force ?? false });
  if (!report.rebuilt) {
    log.info(`index is up to date and intact (checksums verified): ${report.passageCount} passages from ${report.unchanged.length} files (${config.indexDir})`);
    return;
  }
  const list = (label: string, files: string[]) => (files.length ? `\n  ${label}: ${files.join(', ')}` : '');
  log.info(
    (report.repaired ? `repaired: version ${report.repaired.version} was damaged (${report.repaired.problem})\n` : '') +
    `index written: ${report.passageCount} passages in ${report.seconds.toFixed(1)} s (${config.indexDir})` +
      list('added', report.added) +
      list('changed', report.changed) +
      list('removed', report.removed) +
      list('unchanged (not re-embedded)', report.unchanged) +
      list('skipped', report.skipped.map((s) => `${s.file} (${s.reason})`)),
  );
}

main().catch(fatal);
