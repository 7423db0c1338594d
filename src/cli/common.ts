// Shared start-up for the command-line front ends: config, logger, progress bar, engine, friendly fatal errors.
import cliProgress from 'cli-progress';
import { type Config, ConfigError, loadConfig } from '../config/index.js';
import { ModelMissingError } from '../embed/index.js';
import type { Progress } from '../index/build.js';
import { IndexMissingError } from '../index/store.js';
import { createLogger, type Logger } from '../log.js';
import { openEngine } from '../search/engine.js';

/** A progress reporter on stderr: a bar on a terminal, a few log lines otherwise. */
export function progressReporter(log: Logger): (p: Progress) => void {
  let bar: cliProgress.SingleBar | null = null;
  let phase = '';
  return (p) => {
    // Scanned pages take seconds each: one line per page.
    if (p.phase === 'ocr' && p.done < p.total) log.info(`OCR ${p.file ?? ''}: page ${p.done + 1} of ${p.total}`);
    if (p.phase !== 'embed') return;
    if (!process.stderr.isTTY) {
      if (p.done === p.total || phase !== p.phase) log.info(`embedding passages: ${p.done}/${p.total}`);
      phase = p.phase;
      return;
    }
    if (!bar) {
      bar = new cliProgress.SingleBar({ stream: process.stderr, format: 'embedding passages [{bar}] {value}/{total} ({eta}s left)' }, cliProgress.Presets.shades_classic);
      bar.start(p.total, 0);
    }
    bar.update(p.done);
    if (p.done >= p.total) {
      bar.stop();
      bar = null;
    }
  };
}

export async function startup(): Promise<{ config: Config; log: Logger }> {
  const config = await loadConfig();
  return { config, log: createLogger(config.logLevel) };
}

export async function openEngineForCli(config: Config, log: Logger) {
  return openEngine(config, { log, onProgress: progressReporter(log) });
}

/** Print an error with its fix and exit non-zero; unknown errors keep their stack for bug reports. */
export function fatal(err: unknown): never {
  if (err instanceof ConfigError || err instanceof ModelMissingError || err instanceof IndexMissingError) {
    process.stderr.write(`error: ${err.message}\n`);
  } else {
    process.stderr.write(`unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  }
  process.exit(1);
}
