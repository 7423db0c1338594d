// Index files past 2 GiB (a million passages) are written, read and hashed in chunks. The chunked paths are
// exercised here with chunks of a few bytes, so every boundary case (a chunk ending inside a line, on a newline,
// inside a multi-byte character) is met without writing gigabytes.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sha256 } from '../src/index/integrity.js';
import { hashFile, readChunked, readJsonArray, writeChunked, writeJsonArray } from '../src/index/large-file.js';

const dir = mkdtempSync(join(tmpdir(), 'large-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ITEMS = [
  { text: '城镇新增就业6725人，\n失业率5.2%', n: 1 },
  { text: '', n: 2, nested: { list: [1, 2, 3], quote: 'a "b" ]\\' } },
  null,
  '单独的字符串',
  { text: 'x'.repeat(40), n: 3 },
];

describe('chunked index files', () => {
  it('write and read a file in chunks of 1 to 64 bytes, byte for byte', () => {
    const parts = [Buffer.from('头部'), new Uint8Array(0), Buffer.from(Array.from({ length: 300 }, (_, i) => i % 251))];
    const whole = Buffer.concat(parts);
    for (const chunk of [1, 3, 7, 64]) {
      const path = join(dir, `bytes-${chunk}`);
      writeChunked(path, parts, chunk);
      expect(readFileSync(path).equals(whole)).toBe(true);
      expect(readChunked(path, chunk).equals(whole)).toBe(true);
      expect(hashFile(path, chunk)).toEqual({ bytes: whole.length, sha256: createHash('sha256').update(whole).digest('hex') });
    }
    // A buffer is hashed in pieces too (one hash update takes at most 2 GiB: the graph of a million passages is 2.3 GB).
    for (const chunk of [1, 7, 1000]) expect(sha256(whole, chunk)).toBe(createHash('sha256').update(whole).digest('hex'));
    writeChunked(join(dir, 'empty'), [], 4);
    expect(readChunked(join(dir, 'empty'), 4).length).toBe(0);
    expect(hashFile(join(dir, 'empty'), 4).sha256).toBe(createHash('sha256').digest('hex'));
  });

  it('a JSON array written a line per element reads back equal with any chunk size, and is plain JSON', () => {
    for (const chunk of [1, 2, 5, 16, 1000]) {
      const path = join(dir, `items-${chunk}.json`);
      writeJsonArray(path, ITEMS, chunk);
      expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(ITEMS);
      expect(readJsonArray(path, chunk)).toEqual(ITEMS);
    }
    writeJsonArray(join(dir, 'none.json'), [], 3);
    expect(readJsonArray(join(dir, 'none.json'), 3)).toEqual([]);
  });

  it('reads arrays written in one piece by older versions, and refuses a cut one', () => {
    writeFileSync(join(dir, 'old.json'), JSON.stringify(ITEMS));
    expect(readJsonArray(join(dir, 'old.json'), 4)).toEqual(ITEMS);
    const path = join(dir, 'cut.json');
    writeJsonArray(path, ITEMS, 8);
    const bytes = readFileSync(path);
    writeFileSync(path, bytes.subarray(0, bytes.length - 20));
    expect(() => readJsonArray(path, 8)).toThrow();
  });
});
