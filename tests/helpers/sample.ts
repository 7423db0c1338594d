// The sample the tests answer from: a temporary copy of tests/fixtures/sample/ indexed once by tests/global-setup.ts.
// Read-only for every test: a test that adds, corrects or removes reports copies SAMPLE_DIR into its own folder.
import { join } from 'node:path';
import { inject } from 'vitest';
import { type Config, parseConfig } from '../../src/config/index.js';

/** The five sample reports as shipped (the same files as corpus/ of a fresh clone). */
export const SAMPLE_DIR = join(import.meta.dirname, '..', 'fixtures', 'sample');

/** CORPUS_DIR and INDEX_DIR of the indexed sample copy, for child processes' environment. */
export function sampleEnv(): { CORPUS_DIR: string; INDEX_DIR: string } {
  const { corpusDir, indexDir } = inject('sample');
  return { CORPUS_DIR: corpusDir, INDEX_DIR: indexDir };
}

/** A Config answering from the indexed sample copy; `env` adds or overrides variables. */
export function sampleConfig(env: Record<string, string> = {}): Config {
  return parseConfig({ ...sampleEnv(), ...env });
}
