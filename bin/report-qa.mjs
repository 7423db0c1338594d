#!/usr/bin/env node
// npx report-qa COMMAND [ARGS]: the same commands as `npm run COMMAND -- ARGS`, without npm's "> script" banner on
// stdout, so `npx report-qa ask --json "…"` prints the JSON object and nothing else.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Command → its entry point: the package.json scripts that run one file with tsx, so the two never disagree. */
const { scripts } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const COMMANDS = Object.fromEntries(
  Object.entries(scripts).flatMap(([name, line]) => {
    const m = /^tsx (\S+\.ts)$/.exec(line);
    return m ? [[name, m[1]]] : [];
  }),
);

const [command, ...args] = process.argv.slice(2);
if (!command || !Object.hasOwn(COMMANDS, command)) {
  process.stderr.write(`${command ? `unknown command "${command}". ` : ''}usage: npx report-qa ${Object.keys(COMMANDS).join('|')} [ARGS]   (e.g. npx report-qa ask --json "城中区去年城镇新增就业多少人？")\n`);
  process.exit(command === '--help' || command === '-h' ? 0 : 2);
}
const entry = join(root, COMMANDS[command]);
process.argv = [process.argv[0], entry, ...args];
register();
await import(pathToFileURL(entry).href);
