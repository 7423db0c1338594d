// Shared start-up for the command-line front ends: config, logger, progress bar, engine, friendly fatal errors.
import { createServer } from 'node:net';
import cliProgress from 'cli-progress';
import { openEngine, type Progress } from '../app/open.js';
import { DownloadError } from '../bot/download.js';
import { BotApiError } from '../bot/startup.js';
import { type Config, ConfigError, loadConfig } from '../config/index.js';
import { ModelMissingError } from '../embed/index.js';
import { DiskError, fsErrorLine } from '../index/fs-errors.js';
import { IndexDamagedError } from '../index/integrity.js';
import { LockError } from '../index/lock.js';
import { PROGRESS_EVERY_MS, progressMeter } from '../index/progress.js';
import { IndexMissingError } from '../index/store.js';
import { createLogger, type Logger } from '../log.js';

/** A progress reporter on stderr: a bar on a terminal, a line every few seconds otherwise (rate and time left). */
export function progressReporter(log: Logger): (p: Progress) => void {
  let bar: cliProgress.SingleBar | null = null;
  let last = 0;
  const meter = progressMeter();
  return (p) => {
    // Scanned pages take seconds each: one line per page.
    if (p.phase === 'ocr' && p.done < p.total) log.info(`OCR ${p.file ?? ''}: page ${p.done + 1} of ${p.total}`);
    if (p.phase !== 'embed' && p.phase !== 'graph') return;
    const line = meter(p);
    if (!line) return;
    // The graph phase (minutes only for very large archives) as lines, also on a terminal.
    if (!process.stderr.isTTY || p.phase === 'graph') {
      const now = Date.now();
      if (p.done === p.total || now - last >= PROGRESS_EVERY_MS || last === 0) {
        last = now;
        log.info(line);
      }
      return;
    }
    if (!bar) {
      bar = new cliProgress.SingleBar({ stream: process.stderr, format: 'embedding passages [{bar}] {value}/{total} · {speed} passages/s · {eta_formatted} left' }, cliProgress.Presets.shades_classic);
      bar.start(p.total, 0, { speed: '…' });
    }
    const rate = / · ([\d.]+) passages\/s/.exec(line)?.[1] ?? '…';
    bar.update(p.done, { speed: rate });
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

export async function openEngineForCli(config: Config, log: Logger, options: { embedInWorker?: boolean } = {}) {
  return openEngine(config, { log, onProgress: progressReporter(log), ...options });
}

/** Errors whose message already names the fix. */
const EXPLAINED = [ConfigError, ModelMissingError, IndexMissingError, IndexDamagedError, LockError, BotApiError, DownloadError, DiskError];

/**
 * Print an error as one line with its fix and exit non-zero. An unexpected error is one line too; its stack
 * only with LOG_LEVEL=debug (for bug reports).
 */
export function fatal(err: unknown): never {
  const disk = fsErrorLine(err, 'on the disk');
  if (EXPLAINED.some((E) => err instanceof E)) {
    process.stderr.write(`error: ${(err as Error).message}\n`);
  } else if (disk && process.env.LOG_LEVEL !== 'debug') {
    const path = (err as NodeJS.ErrnoException).path;
    process.stderr.write(`error: ${disk}${path ? ` (${path})` : ''}\n`);
  } else if (process.env.LOG_LEVEL === 'debug') {
    process.stderr.write(`unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  } else {
    const code = (err as NodeJS.ErrnoException)?.code;
    const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
    process.stderr.write(`unexpected error: ${message}${code === 'ENOENT' || code === 'EACCES' ? ': check that the path exists and is readable' : ''} (run with LOG_LEVEL=debug for details)\n`);
  }
  process.exit(1);
}

/** A port nobody listens on (the emulator treats port 0 as "use 9000"). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}
