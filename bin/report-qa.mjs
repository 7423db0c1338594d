#!/usr/bin/env node
// npx report-qa COMMAND [ARGS]: the same commands as `npm run COMMAND -- ARGS`, without npm's "> script" banner on
// stdout, so `npx report-qa ask --json "…"` prints the JSON object and nothing else.
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Command → its entry point; the same files the package.json scripts run. */
const COMMANDS = {
  ask: 'src/cli/ask.ts',
  check: 'src/cli/check.ts',
  compare: 'src/cli/compare.ts',
  ingest: 'src/cli/ingest.ts',
  index: 'src/cli/index-cmd.ts',
  eval: 'src/cli/eval.ts',
  fit: 'src/cli/fit.ts',
  start: 'src/cli/start.ts',
  demo: 'src/cli/demo.ts',
  drill: 'src/drill/index.ts',
  bench: 'src/bench/index.ts',
};

const [command, ...args] = process.argv.slice(2);
if (!command || !(command in COMMANDS)) {
  process.stderr.write(`${command ? `unknown command "${command}". ` : ''}usage: npx report-qa ${Object.keys(COMMANDS).join('|')} [ARGS]   (e.g. npx report-qa ask --json "城中区去年城镇新增就业多少人？")\n`);
  process.exit(command === '--help' || command === '-h' ? 0 : 2);
}
const entry = join(root, COMMANDS[command]);
process.argv = [process.argv[0], entry, ...args];
register();
await import(pathToFileURL(entry).href);
