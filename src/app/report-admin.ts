// Adding and removing reports from a running engine (the bot's uploads and /remove): ./ingest.ts does the
// work (validation before anything is written, serialized ingests, a new index version switched to
// atomically); this adds the switch of the running engine, so a new report answers at once and a removed one
// stops answering.
import type { Config } from '../config/index.js';
import type { Embedder } from '../embed/index.js';
import type { BuildReport, Progress } from '../index/build.js';
import type { Logger } from '../log.js';
import type { MetaCorrection } from '../types.js';
import { correctReport, type IncomingFile, type IngestOutcome, ingestReports, removeReport } from './ingest.js';

export interface IngestResult {
  outcomes: IngestOutcome[];
  /** Null when nothing changed (every file rejected or a duplicate): the index was not touched. */
  build: BuildReport | null;
  /** Why the bot could not switch to the new index version (it retries every 15 s); absent when it did. */
  reloadError?: string;
}

/** Of a removal or a correction: the index was updated (and maybe not switched to), or why nothing was done. */
export type RemoveResult = { build: BuildReport; reloadError?: string } | { reason: string };

export interface ReportAdmin {
  ingest(files: IncomingFile[], onProgress?: (p: Progress) => void): Promise<IngestResult>;
  remove(file: string): Promise<RemoveResult>;
  /** Correct a report's place or year (corpus/reports.json, like `ingest --place/--year`) and update the index. */
  correct(file: string, correction: MetaCorrection): Promise<RemoveResult>;
}

export interface ReportAdminDeps {
  /** The engine's already loaded model (never a second copy). */
  embedder: () => Promise<Embedder>;
  /** Switch the running engine to the newest index version (serialized with the 15 s watch). */
  reload: () => Promise<boolean>;
  log: Logger;
}

export function createReportAdmin(config: Pick<Config, 'corpusDir' | 'indexDir' | 'modelId'>, deps: ReportAdminDeps): ReportAdmin {
  const { log } = deps;
  const switchNow = async (): Promise<string | undefined> => {
    try {
      await deps.reload();
      return undefined;
    } catch (err) {
      log.warn(`the index was updated but could not be loaded; still answering from the previous version: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      return err instanceof Error ? err.message : String(err);
    }
  };
  const build = { embedder: deps.embedder, warn: (m: string) => log.warn(m) };
  const switched = async (result: BuildReport | { reason: string }, done: string): Promise<RemoveResult> => {
    if ('reason' in result) return result;
    log.info(done, { passages: result.passageCount });
    const reloadError = await switchNow();
    return { build: result, ...(reloadError ? { reloadError } : {}) };
  };
  return {
    async ingest(files, onProgress) {
      const { outcomes, build } = await ingestReports(config, files, { embedder: deps.embedder, onProgress, warn: (m) => log.warn(m) });
      for (const o of outcomes) log.info(`upload ${o.file}: ${o.status}`, o.status === 'rejected' ? { kind: o.kind, reason: o.reason } : o.status === 'duplicate' ? { duplicateOf: o.duplicateOf } : o.facts);
      if (!build) return { outcomes, build };
      const reloadError = await switchNow();
      return { outcomes, build, ...(reloadError ? { reloadError } : {}) };
    },
    async remove(file) {
      return switched(await removeReport(config, file, build), `removed ${file}`);
    },
    async correct(file, correction) {
      return switched(await correctReport(config, file, correction, build), `corrected ${file}: ${JSON.stringify(correction)}`);
    },
  };
}
