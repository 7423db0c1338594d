// Passages and vectors read from disk when a question needs them, not all held in memory: at a million passages
// the passage objects alone would take gigabytes and a start would parse ~1.5 GB of JSON. A version keeps
// `passages.json` as it was (a JSON array, one passage a line) and `vectors.f32` (float32 rows), and beside them
// `passages.idx`: where each passage's line starts and how long it is, each passage's place and file as a number
// into two small tables (what the place/file filter reads for every passage), and an 8-byte SHA-256 prefix of
// each passage's bytes and of each vector row. The whole files are still checked against their SHA-256 at open
// (src/index/integrity.ts); the per-passage prefix makes sure that what is read later (a bot runs for days) is
// still what was checked: a changed digit is never shown, the read fails with the fix instead.
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import type { Passage } from '../types.js';
import { lru } from '../remember.js';
import { IndexDamagedError } from './integrity.js';
import { CHUNK_BYTES } from './large-file.js';

const MAGIC = 'PIDX';
const FORMAT = 1;
/** Passages kept parsed in memory (the candidates of the last few questions; a question reads up to ~100). */
export const PASSAGE_CACHE = 4096;

/** What search needs of every passage, in compact form: its place and file as numbers into small tables. */
export interface PassageFacts {
  placeOf: Int32Array;
  /** Place code of each number in placeOf ('' for a passage without a place). */
  placeCodes: string[];
  fileOf: Int32Array;
  files: string[];
}

/** The passages of a version as search reads them: one at a time, from disk or from memory. */
export interface PassageStore extends PassageFacts {
  count: number;
  /** Passage `id`, or undefined when there is none; throws PassageDamagedError when its bytes changed on disk. */
  passage(id: number): Passage | undefined;
  /** The unit vector of passage `id`. */
  vector(id: number): Float32Array;
  /** Every passage, read in one pass (building, checking drafts against every figure: not the question path). */
  all(): Passage[];
}

/** A passage or vector whose bytes on disk no longer match what was written: the version is damaged. */
export class PassageDamagedError extends IndexDamagedError {}

const prefix = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest().subarray(0, 8);

/** Numbers the distinct values of `key` in passage order: which one each passage has, and the list of them. */
function numbered(passages: readonly Passage[], key: (p: Passage) => string): { of: Int32Array; values: string[] } {
  const slots = new Map<string, number>();
  const of = new Int32Array(passages.length);
  passages.forEach((p, i) => {
    const k = key(p);
    let slot = slots.get(k);
    if (slot === undefined) slots.set(k, (slot = slots.size));
    of[i] = slot;
  });
  return { of, values: [...slots.keys()] };
}

export function passageFacts(passages: readonly Passage[]): PassageFacts {
  const places = numbered(passages, (p) => p.source.place?.code ?? '');
  const files = numbered(passages, (p) => p.source.file);
  return { placeOf: places.of, placeCodes: places.values, fileOf: files.of, files: files.values };
}

/** Everything in memory: versions written before passages.idx, and indexes made in memory (benchmarks, tests). */
export function memoryStore(passages: Passage[], vectors: Float32Array[]): PassageStore {
  return { ...passageFacts(passages), count: passages.length, passage: (id) => passages[id], vector: (id) => vectors[id]!, all: () => passages };
}

/**
 * Write passages.json (the same JSON array, one passage a line, as before) and return the bytes of
 * passages.idx describing it; vector rows are hashed as they are laid out in vectors.f32.
 */
export function writePassages(path: string, passages: readonly Passage[], vectors: readonly Float32Array[]): Buffer {
  const n = passages.length;
  const starts = new Float64Array(n);
  const lengths = new Uint32Array(n);
  const passageSums = Buffer.alloc(8 * n);
  const vectorSums = Buffer.alloc(8 * n);
  const fd = openSync(path, 'w');
  try {
    let at = 0;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const write = (b: Buffer) => {
      pending.push(b);
      pendingBytes += b.length;
      at += b.length;
      if (pendingBytes >= CHUNK_BYTES / 4) flush();
    };
    const flush = () => {
      const chunk = Buffer.concat(pending);
      for (let done = 0; done < chunk.length; ) done += writeSync(fd, chunk, done, chunk.length - done);
      pending = [];
      pendingBytes = 0;
    };
    write(Buffer.from('[\n'));
    passages.forEach((p, i) => {
      const json = Buffer.from(JSON.stringify(p), 'utf8');
      starts[i] = at;
      lengths[i] = json.length;
      prefix(json).copy(passageSums, 8 * i);
      const v = vectors[i]!;
      prefix(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)).copy(vectorSums, 8 * i);
      write(json);
      write(Buffer.from(i < n - 1 ? ',\n' : '\n'));
    });
    write(Buffer.from(']'));
    flush();
  } finally {
    closeSync(fd);
  }
  const facts = passageFacts(passages);
  const table = Buffer.from(JSON.stringify({ placeCodes: facts.placeCodes, files: facts.files }), 'utf8');
  const header = Buffer.alloc(16);
  header.write(MAGIC, 0, 'latin1');
  header.writeUInt32LE(FORMAT, 4);
  header.writeUInt32LE(n, 8);
  header.writeUInt32LE(table.length, 12);
  const pad = Buffer.alloc((8 - (table.length % 8)) % 8);
  const bytes = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  return Buffer.concat([header, table, pad, bytes(starts), bytes(lengths), bytes(facts.placeOf), bytes(facts.fileOf), passageSums, vectorSums]);
}

interface Layout {
  starts: Float64Array;
  lengths: Uint32Array;
  facts: PassageFacts;
  passageSums: Buffer;
  vectorSums: Buffer;
}

/** Parse passages.idx; throws with what is wrong (the caller turns it into IndexDamagedError). */
export function readLayout(idx: Buffer, count: number, passagesBytes: number): Layout {
  if (idx.length < 16 || idx.toString('latin1', 0, 4) !== MAGIC) throw new Error('passages.idx is not a passage index');
  if (idx.readUInt32LE(4) !== FORMAT) throw new Error(`passages.idx has format ${idx.readUInt32LE(4)}, this program reads ${FORMAT}`);
  const n = idx.readUInt32LE(8);
  if (n !== count) throw new Error(`passages.idx describes ${n} passages, the manifest says ${count}`);
  const tableLength = idx.readUInt32LE(12);
  let at = 16 + tableLength;
  if (at + (8 - (tableLength % 8)) % 8 + n * 36 !== idx.length) throw new Error('passages.idx has the wrong size for its passages');
  const table = JSON.parse(idx.toString('utf8', 16, at)) as { placeCodes: string[]; files: string[] };
  at += (8 - (tableLength % 8)) % 8;
  // Copies: the typed arrays need aligned memory of their own.
  const take = (bytes: number) => {
    const b = idx.buffer.slice(idx.byteOffset + at, idx.byteOffset + at + bytes);
    at += bytes;
    return b;
  };
  const starts = new Float64Array(take(8 * n));
  const lengths = new Uint32Array(take(4 * n));
  const placeOf = new Int32Array(take(4 * n));
  const fileOf = new Int32Array(take(4 * n));
  const passageSums = Buffer.from(take(8 * n));
  const vectorSums = Buffer.from(take(8 * n));
  for (let i = 0; i < n; i++) {
    if (!(starts[i]! >= 2 && starts[i]! + lengths[i]! <= passagesBytes)) throw new Error(`passages.idx places passage ${i} outside passages.json`);
    if (placeOf[i]! < 0 || placeOf[i]! >= table.placeCodes.length || fileOf[i]! < 0 || fileOf[i]! >= table.files.length) throw new Error(`passages.idx: place or file of passage ${i} out of its table`);
  }
  return { starts, lengths, facts: { placeOf, placeCodes: table.placeCodes, fileOf, files: table.files }, passageSums, vectorSums };
}

// The files stay open for as long as the store is used (a later build may delete the folder: the open file stays
// readable), and are closed when the store is collected.
const closer = new FinalizationRegistry<number[]>((fds) => fds.forEach((fd) => closeSync(fd)));

/**
 * The passages and vectors of a version on disk, read one at a time and checked against their 8-byte prefixes.
 * `readAll` parses the whole passages.json (for all()).
 */
export function diskStore(files: { passages: string; vectors: string }, layout: Layout, dimension: number, readAll: () => Passage[], cacheSize = PASSAGE_CACHE): PassageStore {
  const passagesFd = openSync(files.passages, 'r');
  const vectorsFd = openSync(files.vectors, 'r');
  const n = layout.starts.length;
  const cache = lru<number, Passage>(cacheSize);
  const rowBytes = 4 * dimension;
  const store: PassageStore & { cached: () => number } = {
    ...layout.facts,
    count: n,
    passage(id) {
      if (!Number.isInteger(id) || id < 0 || id >= n) return undefined;
      const hit = cache.get(id);
      if (hit) return hit;
      const bytes = Buffer.allocUnsafe(layout.lengths[id]!);
      const got = readSync(passagesFd, bytes, 0, bytes.length, layout.starts[id]!);
      if (got !== bytes.length || !prefix(bytes).equals(layout.passageSums.subarray(8 * id, 8 * id + 8))) {
        throw new PassageDamagedError(`passage ${id} in ${files.passages} changed on disk since it was written: run "npm run index" to rebuild the index`);
      }
      const p = JSON.parse(bytes.toString('utf8')) as Passage;
      cache.set(id, p);
      return p;
    },
    vector(id) {
      if (!Number.isInteger(id) || id < 0 || id >= n) throw new RangeError(`no vector ${id} (${n} passages)`);
      const row = new Float32Array(dimension);
      const bytes = new Uint8Array(row.buffer);
      const got = readSync(vectorsFd, bytes, 0, rowBytes, id * rowBytes);
      if (got !== rowBytes || !prefix(bytes).equals(layout.vectorSums.subarray(8 * id, 8 * id + 8))) {
        throw new PassageDamagedError(`vector ${id} in ${files.vectors} changed on disk since it was written: run "npm run index" to rebuild the index`);
      }
      return row;
    },
    all: readAll,
    cached: () => cache.size,
  };
  closer.register(store, [passagesFd, vectorsFd]);
  return store;
}

/**
 * The passages of a version with segments (src/index/store.ts): the full build's and each segment's store, ids
 * numbered on from one to the next. A passage of a report removed or replaced since the full build (`removed`)
 * reads as none; all() keeps every position (the figure book looks passages up by id), those included.
 */
export function combinedStore(parts: { store: PassageStore; firstId: number }[], removed: Uint8Array): PassageStore {
  const sorted = [...parts].sort((a, b) => a.firstId - b.firstId);
  const last = sorted[sorted.length - 1]!;
  const n = last.firstId + last.store.count;
  const partOf = (id: number) => {
    for (let k = sorted.length - 1; k >= 0; k--) if (id >= sorted[k]!.firstId) return sorted[k]!;
    return sorted[0]!;
  };
  // One table of places and of files over all parts, each part's numbers mapped into it.
  const merged = (tables: string[][], ofs: Int32Array[]) => {
    const slots = new Map<string, number>();
    const of = new Int32Array(n);
    sorted.forEach((part, k) => {
      const map = tables[k]!.map((v) => {
        let slot = slots.get(v);
        if (slot === undefined) slots.set(v, (slot = slots.size));
        return slot;
      });
      ofs[k]!.forEach((x, i) => (of[part.firstId + i] = map[x]!));
    });
    return { of, values: [...slots.keys()] };
  };
  const places = merged(sorted.map((p) => p.store.placeCodes), sorted.map((p) => p.store.placeOf));
  const files = merged(sorted.map((p) => p.store.files), sorted.map((p) => p.store.fileOf));
  return {
    placeOf: places.of,
    placeCodes: places.values,
    fileOf: files.of,
    files: files.values,
    count: n,
    passage(id) {
      if (!Number.isInteger(id) || id < 0 || id >= n || removed[id] === 1) return undefined;
      const part = partOf(id);
      return part.store.passage(id - part.firstId);
    },
    vector(id) {
      if (!Number.isInteger(id) || id < 0 || id >= n) throw new RangeError(`no vector ${id} (${n} passages)`);
      const part = partOf(id);
      return part.store.vector(id - part.firstId);
    },
    all: () => sorted.flatMap((p) => p.store.all()),
  };
}
