// One writer at a time across processes: building, ingesting and removing take a lock on the index folder
// (proper-lockfile: an atomic mkdir whose mtime the holder refreshes). A writer killed with -9 leaves its lock
// behind; it is taken over at once when the holder's pid is gone, or after `STALE_MS` without a refresh.
// Inside the lock folder the writer keeps owner.json (pid, task, progress), so readers can say what is under way;
// it lives and dies with the lock, so a reader never mistakes an old writer's pid for the current one's.
import fs, { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import { fsErrorLine } from './fs-errors.js';

/** A holder that has not refreshed its lock for this long is presumed dead (its event loop may block a few s). */
export const STALE_MS = 30_000;

export interface WriterInfo {
  pid: number;
  /** What the writer does: "index", "ingest", "remove", "build". */
  task: string;
  since: string;
  /** Latest progress line, e.g. "embedding passages 120/400 · 35 passages/s · about 8 s left". */
  progress?: string;
}

export class LockError extends Error {}

const lockPath = (indexDir: string) => join(indexDir, 'writer.lock');
const infoPath = (indexDir: string) => join(lockPath(indexDir), 'owner.json');
// proper-lockfile removes a lock with rmdir, which refuses a folder holding owner.json.
const lockFs = {
  ...fs,
  rmdir: (path: string, cb: (err: Error | null) => void) => fs.rm(path, { recursive: true, force: true }, cb),
  rmdirSync: (path: string) => fs.rmSync(path, { recursive: true, force: true }), // on process exit
};
const lockOptions = (indexDir: string) => ({ lockfilePath: lockPath(indexDir), realpath: false, stale: STALE_MS, fs: lockFs });

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readInfo(indexDir: string): WriterInfo | null {
  try {
    return JSON.parse(readFileSync(infoPath(indexDir), 'utf8')) as WriterInfo;
  } catch {
    return null; // no writer, or a lock just taken whose owner.json is not written yet
  }
}

function writeInfo(indexDir: string, info: WriterInfo): void {
  // Adding a file to the lock folder moves the folder's mtime, which proper-lockfile's next refresh would read as
  // another process taking the lock ("compromised"): it would stop refreshing, and after STALE_MS a reader could
  // take over a lock whose writer still works. So the folder's times are put back.
  const { atime, mtime } = statSync(lockPath(indexDir));
  const tmp = `${infoPath(indexDir)}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(info));
  renameSync(tmp, infoPath(indexDir));
  utimesSync(lockPath(indexDir), atime, mtime);
}

/**
 * The writer working on this index now, or null. A lock left by a dead process does not count.
 * (The bot's card footer can use this to say "an update is under way".)
 */
export function updateInProgress(indexDir: string): WriterInfo | null {
  if (!existsSync(lockPath(indexDir))) return null;
  let locked: boolean;
  try {
    locked = lockfile.checkSync(indexDir, lockOptions(indexDir));
  } catch {
    return null;
  }
  if (!locked) return null;
  const info = readInfo(indexDir);
  if (info && !alive(info.pid)) return null;
  return info ?? { pid: 0, task: 'update', since: '' };
}

/** Take the lock now, or return null when another live writer holds it. Clears a lock left by a dead writer. */
async function tryLock(indexDir: string, task: string): Promise<(() => Promise<void>) | null> {
  mkdirSync(indexDir, { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const release = await lockfile.lock(indexDir, {
        ...lockOptions(indexDir),
        retries: 0,
        // Compromised = someone else judged us dead and took over; finishing our write would still be atomic
        // (a complete version folder, then a rename), so log instead of proper-lockfile's default crash.
        onCompromised: (err) => process.stderr.write(`warning: index lock taken over by another process (${err.message})\n`),
      });
      try {
        writeInfo(indexDir, { pid: process.pid, task, since: new Date().toISOString() });
      } catch (err) {
        await release().catch(() => {}); // a lock we cannot describe (full disk) is not kept
        throw err;
      }
      return release;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ELOCKED') {
        throw new LockError(`cannot lock the index at ${indexDir}: ${fsErrorLine(err, 'taking the write lock') ?? `${(err as Error).message}: check that the folder is writable`}`);
      }
      const holder = readInfo(indexDir);
      // A writer killed with -9 never refreshes again; when its pid is gone, its lock is ours at once.
      if (holder && holder.pid !== process.pid && !alive(holder.pid)) {
        rmSync(lockPath(indexDir), { recursive: true, force: true });
        continue;
      }
      return null;
    }
  }
  return null;
}

export interface LockOptions {
  /** Called about every `waitReportMs` while another writer holds the lock (null when its info is unreadable). */
  onWait?: (holder: WriterInfo | null) => void;
  waitReportMs?: number;
  /** Poll interval while waiting. */
  pollMs?: number;
}

export interface Held {
  /** Record the latest progress line for readers waiting on us. */
  progress(line: string): void;
}

/** Run `job` holding the write lock, waiting (and reporting) while another writer works. */
export async function withWriteLock<T>(indexDir: string, task: string, job: (held: Held) => Promise<T>, opts: LockOptions = {}): Promise<T> {
  const release = (await tryLock(indexDir, task)) ?? (await waitForLock(indexDir, task, opts));
  return holding(indexDir, task, release, job);
}

/** Run `job` under the lock only if no other writer works now; otherwise say who does, without waiting. */
export async function ifNoWriter<T>(indexDir: string, task: string, job: (held: Held) => Promise<T>): Promise<{ ran: true; value: T } | { ran: false; holder: WriterInfo | null }> {
  const release = await tryLock(indexDir, task);
  if (!release) return { ran: false, holder: readInfo(indexDir) };
  return { ran: true, value: await holding(indexDir, task, release, job) };
}

async function holding<T>(indexDir: string, task: string, release: () => Promise<void>, job: (held: Held) => Promise<T>): Promise<T> {
  const since = new Date().toISOString();
  let last = 0;
  const held: Held = {
    progress(line) {
      const now = Date.now();
      if (now - last < 500) return;
      last = now;
      try {
        writeInfo(indexDir, { pid: process.pid, task, since, progress: line });
      } catch {
        // progress for waiting readers is a courtesy: a full disk must not fail the build for it
      }
    },
  };
  try {
    return await job(held);
  } finally {
    await release().catch(() => {}); // already released by a takeover: nothing left to do
  }
}

async function waitForLock(indexDir: string, task: string, opts: LockOptions): Promise<() => Promise<void>> {
  const pollMs = opts.pollMs ?? 250;
  const reportMs = opts.waitReportMs ?? 3000;
  let lastReport = 0;
  for (;;) {
    const now = Date.now();
    if (now - lastReport >= reportMs) {
      lastReport = now;
      opts.onWait?.(readInfo(indexDir));
    }
    await new Promise((r) => setTimeout(r, pollMs));
    const release = await tryLock(indexDir, task);
    if (release) return release;
  }
}
