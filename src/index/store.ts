// The index on disk: passages, their vectors, the HNSW graph and a manifest, written as one version folder and
// switched to atomically through the CURRENT file, so readers never see half an index.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import hnswlib from 'hnswlib-node';
import type { Passage, PlaceRef } from '../types.js';

const { HierarchicalNSW } = hnswlib;
export type Hnsw = InstanceType<typeof HierarchicalNSW>;

export const FORMAT_VERSION = 2;

/** HNSW parameters (see README "Index parameters" for the trade-offs). */
export interface HnswParams {
  /** Links per node: more = better recall and more memory. */
  M: number;
  /** Candidate list while building: more = better graph, slower build. */
  efConstruction: number;
  /** Candidate list while searching: more = better recall, slower queries. */
  ef: number;
}

/**
 * Tuned on a synthetic archive of 100,000 passages (npm run bench, README "Performance"): recall@10 against exact
 * search was 0.925 with M 16 / ef 64 (0.976 at ef 400); M 32 and ef 400 reach 0.989 for ~0.6 ms more per search,
 * a build ~10 % longer and ~13 MB more memory per 100,000 passages. efConstruction 400 gained less than a larger ef,
 * at twice the build time. At a few hundred passages the search is exact either way.
 */
export const DEFAULT_HNSW: HnswParams = { M: 32, efConstruction: 200, ef: 400 };

export interface ManifestFile {
  file: string;
  hash: string;
  title: string;
  /** The place's name (compatibility); `place` has its code and level. */
  district: string | null;
  place?: PlaceRef | null;
  year: number | null;
  passages: number;
  /** Passage ids of this file are [firstId, firstId + passages). */
  firstId: number;
}

export interface Manifest {
  formatVersion: number;
  /** Fingerprint of the segmentation code that produced the passages. */
  pipeline: string;
  model: { id: string; dimension: number };
  files: ManifestFile[];
  /** Files in the corpus folder that could not be indexed, with why; unchanged ones are not retried. */
  skipped: { file: string; hash: string; reason: string }[];
  passageCount: number;
  builtAt: string;
  hnsw: HnswParams;
}

export interface StoredIndex {
  manifest: Manifest;
  passages: Passage[];
  /** Row i is the unit vector of passage i. */
  vectors: Float32Array[];
  dense: Hnsw;
  /** Version folder the index was read from (changes on every build). */
  version: string;
}

const CURRENT = 'CURRENT';

/** The version folder CURRENT points to, or null when there is no complete index. */
export function currentVersion(indexDir: string): string | null {
  const pointer = join(indexDir, CURRENT);
  if (!existsSync(pointer)) return null;
  const version = readFileSync(pointer, 'utf8').trim();
  return existsSync(join(indexDir, version, 'manifest.json')) ? version : null;
}

export function readManifest(indexDir: string): Manifest | null {
  const version = currentVersion(indexDir);
  if (!version) return null;
  try {
    return JSON.parse(readFileSync(join(indexDir, version, 'manifest.json'), 'utf8')) as Manifest;
  } catch {
    return null;
  }
}

export function buildHnsw(vectors: Float32Array[], dimension: number, params: HnswParams): Hnsw {
  const index = new HierarchicalNSW('cosine', dimension);
  index.initIndex(Math.max(1, vectors.length), params.M, params.efConstruction, 100);
  vectors.forEach((v, i) => index.addPoint(Array.from(v), i));
  index.setEf(params.ef);
  return index;
}

function packVectors(vectors: Float32Array[], dimension: number): Buffer {
  const flat = new Float32Array(vectors.length * dimension);
  vectors.forEach((v, i) => flat.set(v, i * dimension));
  return Buffer.from(flat.buffer);
}

function unpackVectors(buf: Buffer, dimension: number): Float32Array[] {
  const flat = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  const rows: Float32Array[] = [];
  for (let i = 0; i < flat.length; i += dimension) rows.push(flat.subarray(i, i + dimension));
  return rows;
}

/** Write a complete new version, then switch CURRENT to it (rename is atomic), then drop older versions. */
export async function writeIndex(indexDir: string, manifest: Manifest, passages: Passage[], vectors: Float32Array[], dense: Hnsw): Promise<string> {
  mkdirSync(indexDir, { recursive: true });
  const version = `v-${Date.now()}-${process.pid}`;
  const dir = join(indexDir, version);
  mkdirSync(dir);
  writeFileSync(join(dir, 'passages.json'), JSON.stringify(passages));
  writeFileSync(join(dir, 'vectors.f32'), packVectors(vectors, manifest.model.dimension));
  await dense.writeIndex(join(dir, 'dense.hnsw'));
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  const tmp = join(indexDir, `${CURRENT}.tmp-${process.pid}`);
  writeFileSync(tmp, version);
  renameSync(tmp, join(indexDir, CURRENT));
  for (const old of readdirSync(indexDir)) {
    if (old.startsWith('v-') && old !== version) rmSync(join(indexDir, old), { recursive: true, force: true });
  }
  return version;
}

export class IndexMissingError extends Error {}

export async function readIndex(indexDir: string): Promise<StoredIndex> {
  const version = currentVersion(indexDir);
  if (!version) throw new IndexMissingError(`no index at ${indexDir}: run "npm run index"`);
  const dir = join(indexDir, version);
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
  const passages = JSON.parse(readFileSync(join(dir, 'passages.json'), 'utf8')) as Passage[];
  const vectors = unpackVectors(readFileSync(join(dir, 'vectors.f32')), manifest.model.dimension);
  const dense = new HierarchicalNSW('cosine', manifest.model.dimension);
  await dense.readIndex(join(dir, 'dense.hnsw'), true);
  dense.setEf(manifest.hnsw.ef);
  if (passages.length !== manifest.passageCount || vectors.length !== manifest.passageCount) {
    throw new IndexMissingError(`index at ${dir} is inconsistent: run "npm run index"`);
  }
  return { manifest, passages, vectors, dense, version };
}
