// Append-only JSON-lines files (the query log and the feedback log) and a tolerant reader for /stats.
// Writes are chained so lines keep their order; a failing disk is one warning, never a failed answer.
// Reading skips lines that are not JSON or not the expected shape (a crash mid-append, a hand edit).
import { createReadStream } from 'node:fs';
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import type { Logger } from '../log.js';

export interface JsonLines<T> {
  /** Accepted entries, in file order (oldest first). */
  entries: T[];
  /** Lines that were not valid JSON or not the expected shape. */
  skipped: number;
  /** The file does not exist (yet): nothing was logged. */
  missing: boolean;
  /** The file exists but could not be read (permissions, a directory…). */
  error?: string;
}

export class JsonlFile<T> {
  private tail: Promise<void> = Promise.resolve();
  private readonly memory: T[] = [];
  private dirReady: Promise<unknown> | null = null;
  private warned = false;

  /**
   * @param path file to append to; null keeps the last `memoryLimit` entries in memory only (tests).
   * @param opts.label what the file is ("the query log"), and opts.variable the setting that names it,
   *   both quoted in the warning so the fix is obvious.
   */
  constructor(
    readonly path: string | null,
    private readonly opts: { log: Logger; label: string; variable: string; memoryLimit?: number },
  ) {}

  append(entry: T): void {
    const path = this.path;
    if (!path) {
      this.memory.push(entry);
      const limit = this.opts.memoryLimit ?? 10_000;
      if (this.memory.length > limit) this.memory.splice(0, this.memory.length - limit);
      return;
    }
    // The folder is created on the first line, so a log nobody writes to leaves no trace on disk.
    this.dirReady ??= mkdir(dirname(path), { recursive: true });
    const dirReady = this.dirReady;
    this.tail = this.tail
      .then(() => dirReady)
      .then(() => appendFile(path, JSON.stringify(entry) + '\n', 'utf8'))
      .catch((err: unknown) => {
        if (!this.warned) this.opts.log.warn(`cannot write ${this.opts.label} ${path}: ${String(err)} (check ${this.opts.variable})`);
        this.warned = true;
      });
  }

  /** Resolves when every appended line is on disk. */
  flush(): Promise<void> {
    return this.tail;
  }

  /** Every entry that passes `accept`, after the pending writes; never throws. */
  async read(accept: (value: unknown) => value is T): Promise<JsonLines<T>> {
    if (!this.path) return { entries: [...this.memory], skipped: 0, missing: false };
    await this.flush();
    return readJsonLines(this.path, accept);
  }
}

/** Read a JSON-lines file line by line (streamed), keeping what `accept` recognises. Never throws. */
export async function readJsonLines<T>(path: string, accept: (value: unknown) => value is T): Promise<JsonLines<T>> {
  const out: JsonLines<T> = { entries: [], skipped: 0, missing: false };
  const stream = createReadStream(path, { encoding: 'utf8' });
  try {
    const lines = createInterface({ input: stream, crlfDelay: Infinity });
    for await (const line of lines) {
      if (line.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        out.skipped += 1;
        continue;
      }
      if (accept(value)) out.entries.push(value);
      else out.skipped += 1;
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') out.missing = true;
    else out.error = (err as Error).message;
  } finally {
    stream.destroy();
  }
  return out;
}

export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
export const isTime = (v: unknown): v is string => typeof v === 'string' && Number.isFinite(Date.parse(v));
