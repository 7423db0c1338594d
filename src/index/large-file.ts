// Index files of any size: Node's readFileSync/writeFileSync stop at 2 GiB (ERR_FS_FILE_TOO_LARGE) and a string
// at ~512 MiB, and a million passages make a graph, vectors and passages JSON past those limits. These read,
// write and hash a file in chunks; JSON arrays are written one element per line and parsed a chunk of lines at a
// time, so neither a single string nor a single write ever holds the whole file.
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { constants } from 'node:buffer';

/** Bytes per read or write call (far below the 2 GiB a single call can move). */
export const CHUNK_BYTES = 64 * 1024 * 1024;

/** Write the parts to a new file, in calls of at most `chunk` bytes. */
export function writeChunked(path: string, parts: Uint8Array[], chunk = CHUNK_BYTES): void {
  const fd = openSync(path, 'w');
  try {
    for (const part of parts) {
      for (let at = 0; at < part.byteLength; ) {
        at += writeSync(fd, part, at, Math.min(chunk, part.byteLength - at));
      }
    }
  } finally {
    closeSync(fd);
  }
}

/** A whole file in one buffer, read in calls of at most `chunk` bytes (a buffer holds up to buffer.constants.MAX_LENGTH). */
export function readChunked(path: string, chunk = CHUNK_BYTES): Buffer {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size > constants.MAX_LENGTH) throw new Error(`${path} is ${size} bytes, more than one buffer can hold (${constants.MAX_LENGTH})`);
    const out = Buffer.allocUnsafe(size);
    for (let at = 0; at < size; ) {
      const n = readSync(fd, out, at, Math.min(chunk, size - at), at);
      if (n === 0) throw new Error(`${path} ended at ${at} of ${size} bytes while it was read`);
      at += n;
    }
    return out;
  } finally {
    closeSync(fd);
  }
}

/** SHA-256 of a file and its size, read through one reused buffer of `chunk` bytes. */
export function hashFile(path: string, chunk = CHUNK_BYTES): { bytes: number; sha256: string } {
  const fd = openSync(path, 'r');
  try {
    const hash = createHash('sha256');
    const buf = Buffer.allocUnsafe(Math.min(chunk, Math.max(1, fstatSync(fd).size)));
    let bytes = 0;
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, bytes);
      if (n === 0) break;
      hash.update(buf.subarray(0, n));
      bytes += n;
    }
    return { bytes, sha256: hash.digest('hex') };
  } finally {
    closeSync(fd);
  }
}

/**
 * A JSON array written as "[\n", one element per line ("…,\n"), "]": valid JSON, read back by readJsonArray
 * without one string holding the whole file. No element's JSON holds a raw newline (JSON.stringify escapes them).
 */
export function writeJsonArray(path: string, items: unknown[], chunk = CHUNK_BYTES): void {
  const parts: Buffer[] = [Buffer.from('[\n')];
  let pending: string[] = [];
  let pendingLength = 0;
  const flush = () => {
    if (pending.length) parts.push(Buffer.from(pending.join(''), 'utf8'));
    pending = [];
    pendingLength = 0;
  };
  items.forEach((item, i) => {
    const line = JSON.stringify(item) + (i < items.length - 1 ? ',\n' : '\n');
    pending.push(line);
    pendingLength += line.length;
    if (pendingLength >= chunk / 4) flush(); // a UTF-16 length; up to 3 UTF-8 bytes each
  });
  flush();
  parts.push(Buffer.from(']'));
  writeChunked(path, parts, chunk);
}

/** Read a JSON array: one written by writeJsonArray a chunk of lines at a time, any other with one JSON.parse. */
export function readJsonArray<T>(path: string, chunk = CHUNK_BYTES): T[] {
  const raw = readChunked(path, chunk);
  if (raw.length < 3 || raw[0] !== 0x5b || raw[1] !== 0x0a) {
    const whole = JSON.parse(raw.toString('utf8')) as unknown;
    if (!Array.isArray(whole)) throw new Error('not a JSON array');
    return whole as T[];
  }
  if (raw[raw.length - 1] !== 0x5d || raw[raw.length - 2] !== 0x0a) throw new Error('the array is not closed (cut short?)');
  const out: T[] = [];
  const end = raw.length - 1; // the closing bracket
  for (let at = 2; at < end; ) {
    // The lines in [at, stop): up to `chunk` bytes, always ending after a newline.
    let stop = raw.indexOf(0x0a, Math.min(end - 1, at + chunk - 1));
    stop = stop < 0 || stop >= end ? end : stop + 1;
    let text = raw.subarray(at, stop).toString('utf8').trimEnd();
    if (text.endsWith(',')) text = text.slice(0, -1);
    const items = JSON.parse(`[${text}]`) as T[];
    for (const item of items) out.push(item);
    at = stop;
  }
  return out;
}
