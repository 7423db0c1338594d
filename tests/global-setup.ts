// Every test works on copies, never on the live corpus/ and index a newsroom changes: the sample (the five reports
// shipped in corpus/, kept as tests/fixtures/sample/) is copied into a temporary folder and indexed once here, before
// the test files run in parallel. Tests read it through tests/helpers/sample.ts and never write to it.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { parseConfig } from '../src/config/index.js';
import { loadEmbedder } from '../src/embed/index.js';
import { updateIndex } from '../src/index/build.js';


export default async function setup(project: TestProject) {
  const work = mkdtempSync(join(tmpdir(), 'report-qa-sample-'));
  cpSync(join(import.meta.dirname, 'fixtures', 'sample'), join(work, 'corpus'), { recursive: true });
  const config = parseConfig({ CORPUS_DIR: join(work, 'corpus'), INDEX_DIR: join(work, 'index') });
  await updateIndex(config, { embedder: () => loadEmbedder(config) });
  project.provide('sample', { corpusDir: config.corpusDir, indexDir: config.indexDir });
  return () => rmSync(work, { recursive: true, force: true });
}

declare module 'vitest' {
  export interface ProvidedContext {
    sample: { corpusDir: string; indexDir: string };
  }
}
