// Where tsx's files are, as a URL: child processes and worker threads running TypeScript entries load them
// explicitly (Node 20 does not hand the parent's --import hooks on). Throws when tsx is not installed.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

export function tsxFile(...parts: string[]): string {
  return pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), ...parts)).href;
}
