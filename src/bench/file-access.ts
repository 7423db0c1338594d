// Counts file-system reads while some work runs: the hot path must not re-read files (index, model,
// synonyms) per question. Patches node:fs and node:fs/promises for the duration (ES module importers
// see the patch through syncBuiltinESMExports).
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

const SYNC = ['readFileSync', 'openSync', 'readdirSync', 'statSync', 'existsSync'] as const;
const CALLBACK = ['readFile', 'open', 'readdir', 'stat'] as const;
const PROMISES = ['readFile', 'open', 'readdir', 'stat'] as const;

export async function countFileReads<T>(work: () => Promise<T>): Promise<{ result: T; reads: number; paths: string[] }> {
  const paths: string[] = [];
  const restore: (() => void)[] = [];
  const patch = (target: Record<string, unknown>, name: string) => {
    const original = target[name] as (...args: unknown[]) => unknown;
    target[name] = function (this: unknown, ...args: unknown[]) {
      paths.push(String(args[0]));
      return original.apply(this, args);
    };
    restore.push(() => (target[name] = original));
  };
  const f = fs as unknown as Record<string, unknown>;
  for (const name of [...SYNC, ...CALLBACK]) patch(f, name);
  for (const name of PROMISES) patch(fs.promises as unknown as Record<string, unknown>, name);
  syncBuiltinESMExports();
  try {
    const result = await work();
    return { result, reads: paths.length, paths: [...new Set(paths)].slice(0, 10) };
  } finally {
    for (const r of restore) r();
    syncBuiltinESMExports();
  }
}
