// Reports of one or more fixture folders copied into a temporary corpus, indexed through the real model and
// opened as the product opens them: the set-up of the end-to-end tests on reports written for them.
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEngine } from '../../src/app/open.js';
import { type Config, parseConfig } from '../../src/config/index.js';
import { type Embedder, loadEmbedder } from '../../src/embed/index.js';
import { updateIndex } from '../../src/index/build.js';
import type { Engine } from '../../src/types.js';

export interface IndexedCopy {
  work: string;
  config: Config;
  embedder: Embedder;
  engine: Engine;
  /** Removes the temporary folder. */
  remove: () => void;
}

export async function indexedCopy(prefix: string, ...folders: string[]): Promise<IndexedCopy> {
  const work = mkdtempSync(join(tmpdir(), `${prefix}-`));
  for (const dir of folders) for (const f of readdirSync(dir)) cpSync(join(dir, f), join(work, 'corpus', f));
  const config = parseConfig({ CORPUS_DIR: join(work, 'corpus'), INDEX_DIR: join(work, 'index') });
  const embedder = await loadEmbedder(config);
  await updateIndex(config, { embedder: async () => embedder });
  const engine = await openEngine(config, { embedder });
  return { work, config, embedder, engine, remove: () => rmSync(work, { recursive: true, force: true }) };
}
