// What a failed read or write of the disk means to an operator, as one line with the fix. Used by every writer
// (index, ingest, remove) and every front end; the bot's texts never carry a server path (`withoutPaths`).
import { basename } from 'node:path';

/** File system errors that mean "this machine cannot write (or read) there now", not a bug. */
const FIXES: Record<string, string> = {
  ENOSPC: 'free some space (df -h shows how much is left) and run the command again',
  EDQUOT: 'free some space or raise the quota, then run the command again',
  EROFS: 'mount the file system writable, or point INDEX_DIR / CORPUS_DIR at a writable folder',
  EACCES: 'give the bot\'s user write access (chown or chmod), or point INDEX_DIR / CORPUS_DIR elsewhere',
  EPERM: 'give the bot\'s user write access, or point INDEX_DIR / CORPUS_DIR elsewhere',
  ENAMETOOLONG: 'give the file a shorter name',
  EIO: 'check the disk (dmesg) before anything else',
  EMFILE: 'raise the limit (ulimit -n) or restart the bot',
};

export function fsErrorCode(err: unknown): string | null {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && code in FIXES ? code : null;
}

/** "disk full (ENOSPC) writing the index: free some space …", or null for any other error. */
export function fsErrorLine(err: unknown, doing: string): string | null {
  const code = fsErrorCode(err);
  if (!code) return null;
  const what = { ENOSPC: 'disk full', EDQUOT: 'disk quota exceeded', EROFS: 'read-only folder', EACCES: 'permission denied', EPERM: 'not permitted', ENAMETOOLONG: 'file name too long', EIO: 'disk error', EMFILE: 'too many open files' }[code];
  return `${what} (${code}) ${doing}: ${FIXES[code]}`;
}

/** A message for a chat: absolute paths of the server cut to their last part. */
export function withoutPaths(message: string): string {
  return message.replace(/(?:[A-Za-z]:)?(?:\/[^\s'"`/:,()]+){2,}\/?/g, (path) => `…/${basename(path)}`);
}

/** An error whose message already is the one line with the fix (a full disk, a read-only folder…). */
export class DiskError extends Error {
  readonly code: string;
  constructor(message: string, code: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** Turn a file system error into a DiskError naming what was being done; other errors pass unchanged. */
export function explainFsError(err: unknown, doing: string): unknown {
  if (err instanceof DiskError) return err;
  const line = fsErrorLine(err, doing);
  return line ? new DiskError(line, fsErrorCode(err)!, { cause: err }) : err;
}
