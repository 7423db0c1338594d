// Index build: the five reports from nothing, then an update after one file changed (only it re-embedded).
import { appendFileSync, cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/index.js';
import type { Embedder } from '../embed/index.js';
import { updateIndex } from '../index/build.js';
import { readManifest } from '../index/store.js';
import { round } from './stats.js';

export interface BuildResult {
  files: number;
  passages: number;
  /** Seconds for a build into an empty index folder (model already loaded). */
  fromNothingS: number;
  /** Seconds for the update after appending a paragraph to one file. */
  updateS: number;
  changedFile: string;
  /** Passages embedded by the update (should be exactly the changed file's). */
  reembedded: number;
  changedFilePassages: number;
}

/** Works on a copy of the corpus in `workDir`; returns the config of that copy, with its index built and fresh. */
export async function benchBuild(config: Config, embedder: Embedder, workDir: string): Promise<{ result: BuildResult; config: Config }> {
  const corpusDir = join(workDir, 'corpus');
  const indexDir = join(workDir, 'index');
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });
  cpSync(config.corpusDir, corpusDir, { recursive: true });
  const cfg: Config = { ...config, corpusDir, indexDir };

  let embedded = 0;
  const counting: Embedder = {
    ...embedder,
    embed: (texts, options) => {
      embedded += texts.length;
      return embedder.embed(texts, options);
    },
  };
  const build = async () => {
    embedded = 0;
    const started = performance.now();
    const report = await updateIndex(cfg, { embedder: async () => counting });
    return { report, seconds: (performance.now() - started) / 1000, embedded };
  };

  const first = await build();
  // Change one report: a new paragraph at its end, so its hash changes and only it is re-read and re-embedded.
  const text = first.report.added.filter((f) => f.endsWith('.txt')).sort()[0];
  if (!text) throw new Error('benchBuild: no .txt report in the corpus to change');
  const path = join(corpusDir, text);
  const original = readFileSync(path);
  appendFileSync(path, '\n\n今年还将新建社区食堂12个，新增养老床位300张。\n');
  const second = await build();
  if (second.report.changed.join() !== text) throw new Error(`benchBuild: expected only ${text} to change, got ${second.report.changed.join(', ')}`);
  const changedFilePassages = readManifest(indexDir)!.files.find((f) => f.file === text)!.passages;
  // Put the file back so the rest of the bench searches the real reports.
  writeFileSync(path, original);
  await build();

  return {
    config: cfg,
    result: {
      files: first.report.added.length,
      passages: first.report.passageCount,
      fromNothingS: round(first.seconds),
      updateS: round(second.seconds),
      changedFile: text,
      reembedded: second.embedded,
      changedFilePassages,
    },
  };
}
