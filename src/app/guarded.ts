// The index as several processes share it: writers (index, ingest, remove, a reader that must build) take the
// write lock; readers never build while a writer works. They answer from the current intact version and say
// an update is under way; only with no version at all do they wait for the writer, showing its progress.
import type { Config } from '../config/index.js';
import { type Logger, silentLogger } from '../log.js';
import { type BuildOptions, type BuildReport, indexStatus, PendingBuildError, updateIndex } from '../index/build.js';
import { DiskError, fsErrorLine } from '../index/fs-errors.js';
import { type Held, ifNoWriter, LockError, updateInProgress, withWriteLock, type WriterInfo } from '../index/lock.js';
import { progressMeter } from '../index/progress.js';
import { readManifest } from '../index/store.js';

type IndexConfig = Pick<Config, 'corpusDir' | 'indexDir' | 'modelId'>;

/** For front ends (the bot's card footer, its error texts), which read the index only through this layer. */
export { updateInProgress };
export { DiskError, fsErrorLine, withoutPaths } from '../index/fs-errors.js';

/** "ingest (pid 123), embedding passages 40/200 · 12 passages/s · about 13 s left" */
export function describeWriter(w: WriterInfo | null): string {
  if (!w || !w.pid) return 'another process';
  return `${w.task} (pid ${w.pid})${w.progress ? `, ${w.progress}` : ''}`;
}

/** Build options whose progress also reaches readers waiting on the lock. */
export function sharingProgress(options: BuildOptions, held: Held): BuildOptions {
  const meter = progressMeter();
  return {
    ...options,
    onProgress: (p) => {
      options.onProgress?.(p);
      const line = meter(p);
      if (line) held.progress(line);
    },
  };
}

/** updateIndex under the write lock, queued behind any other writer (whose progress is logged meanwhile). */
export function lockedUpdate(config: IndexConfig, task: string, options: BuildOptions & { log?: Logger }): Promise<BuildReport> {
  const log = options.log ?? silentLogger;
  return withWriteLock(config.indexDir, task, (held) => updateIndex(config, sharingProgress(options, held)), {
    onWait: (w) => log.info(`waiting for ${describeWriter(w)} to finish with the index`),
  });
}

/** Passages a reader embeds itself before answering (about 2 min); a larger change is left to npm run index. */
export const READER_MAX_NEW_PASSAGES = 2000;

/**
 * Make sure a usable index exists before a reader loads it. Builds only when it is missing or stale and no other
 * writer works; with a writer at work, answers from the current version (saying so), or waits when there is none.
 */
export async function ensureIndex(config: IndexConfig, options: BuildOptions & { log?: Logger }): Promise<void> {
  const log = options.log ?? silentLogger;
  const status = indexStatus(config);
  if (status.state === 'fresh') {
    const writer = updateInProgress(config.indexDir);
    if (writer) log.warn(`an update of the index is under way (${describeWriter(writer)}): answering from the current version`);
    return;
  }
  const build = async (held: Held, maxNewPassages?: number) => {
    const now = indexStatus(config); // another writer may have brought it up to date while we waited
    if (now.state === 'fresh') return;
    log.info(`index ${now.state} (${now.reason}): building…`);
    const built = await updateIndex(config, sharingProgress({ ...options, ...(maxNewPassages !== undefined ? { maxNewPassages } : {}) }, held));
    log.info(`index ready: ${built.passageCount} passages in ${built.seconds.toFixed(1)} s`, {
      added: built.added.length,
      changed: built.changed.length,
      removed: built.removed.length,
      skipped: built.skipped.length,
    });
  };
  if (readManifest(config.indexDir)) {
    // A change that cannot be built now (a full disk, a read-only folder, no permission) must not stop the
    // answers: one warning with the cause and the fix, and the newest intact version answers.
    try {
      const outcome = await ifNoWriter(config.indexDir, 'build', (held) => build(held, READER_MAX_NEW_PASSAGES));
      if (!outcome.ran) log.warn(`an update of the index is under way (${describeWriter(outcome.holder)}): answering from the current version until it is written`);
    } catch (err) {
      const line = err instanceof DiskError || err instanceof LockError || err instanceof PendingBuildError ? err.message : fsErrorLine(err, `updating the index at ${config.indexDir}`);
      if (!line || !readManifest(config.indexDir)) throw err;
      log.warn(`the index could not be brought up to date (${status.state === 'stale' ? status.reason : status.state}): ${line}; answering from the newest intact version meanwhile`);
    }
    return;
  }
  await withWriteLock(config.indexDir, 'build', build, {
    onWait: (w) => log.info(`no index yet: waiting for ${describeWriter(w)} to build it`),
  });
}
