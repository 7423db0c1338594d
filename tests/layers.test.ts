// The data flow reads the same way in the imports: corpus → clean → passages → figures → index → search/check → present →
// app → bot / cli. A stage imports only stages before it; search only reads an index; front ends change the
// corpus and open the engine through src/app.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '..', 'src');
/** What each folder of src/ may import besides itself and the neutral top-level modules (types, log, percentile, format, expiring, remember, random, tsx). */
const MAY_IMPORT: Record<string, string[]> = {
  config: [],
  // Knowledge every stage may read: China's administrative divisions (a package) and their forms.
  places: [],
  corpus: [],
  clean: ['corpus'],
  // Front matter, section tree and the one notion of period, between cleaning and passages.
  structure: ['corpus', 'clean', 'places'],
  passages: ['corpus', 'clean', 'structure', 'places'],
  embed: ['config'],
  figures: ['passages', 'structure', 'places'],
  index: ['config', 'corpus', 'clean', 'structure', 'passages', 'figures', 'embed', 'places'],
  search: ['clean', 'structure', 'passages', 'figures', 'embed', 'index', 'places'],
  check: ['structure', 'passages', 'figures', 'index', 'places'],
  present: ['structure', 'passages', 'figures', 'check', 'places'],
  app: ['config', 'corpus', 'clean', 'structure', 'passages', 'figures', 'embed', 'index', 'search', 'places'],
  bot: ['app', 'config', 'corpus', 'clean', 'structure', 'passages', 'figures', 'embed', 'search', 'check', 'present', 'places'],
  cli: ['app', 'config', 'corpus', 'structure', 'passages', 'embed', 'index', 'search', 'check', 'present', 'bot', 'places'],
  drill: ['config'],
  bench: ['app', 'config', 'corpus', 'clean', 'structure', 'passages', 'embed', 'index', 'search', 'check', 'present', 'bot', 'places'],
};
/** Writing the index is the application layer's (and the benchmark's, which measures it). */
const WRITES_INDEX = ['index/build.ts'];

function* sources(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) yield* sources(join(dir, e.name));
    else if (e.name.endsWith('.ts')) yield join(dir, e.name);
  }
}

const imports = [...sources(SRC)].flatMap((file) =>
  [...readFileSync(file, 'utf8').matchAll(/(?:from|import\()\s*'(\.{1,2}\/[^']+)'/g)].map((m) => ({
    from: relative(SRC, file),
    to: relative(SRC, resolve(dirname(file), m[1]!)).replace(/\.js$/, '.ts'),
  })),
);
const folder = (path: string) => (path.includes('/') ? path.split('/')[0]! : null);

describe('layers', () => {
  it('every folder imports only the stages before it', () => {
    const wrong = imports.filter(({ from, to }) => {
      const [a, b] = [folder(from), folder(to)];
      return a !== null && b !== null && a !== b && !(MAY_IMPORT[a] ?? []).includes(b);
    });
    expect(wrong).toEqual([]);
    expect(Object.keys(MAY_IMPORT).sort()).toEqual(readdirSync(SRC, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort());
  });

  it('search, the front ends and the present stage never build an index; only app does (and the benchmark)', () => {
    const builders = imports.filter(({ to }) => WRITES_INDEX.includes(to)).map(({ from }) => folder(from));
    expect(new Set(builders)).toEqual(new Set(['app', 'bench']));
  });

  it('the neutral top-level modules import no stage', () => {
    expect(imports.filter(({ from, to }) => folder(from) === null && folder(to) !== null)).toEqual([]);
  });

  it('docs/how-it-works.md lists every folder of src/ in its tree of folders', () => {
    const doc = readFileSync(join(import.meta.dirname, '..', 'docs', 'how-it-works.md'), 'utf8');
    const listed = [...doc.matchAll(/^[├└]── (\w+)\//gm)].map((m) => m[1]!).sort();
    expect(listed).toEqual(Object.keys(MAY_IMPORT).sort());
  });
});
