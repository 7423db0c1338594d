// A synthetic archive of any size, built from the real one so that text and vectors stay realistic:
// each synthetic passage takes one to three consecutive sentences of a real passage (and sometimes a
// sentence of another passage of the same district), and its vector is that real passage's embedding,
// mixed with the other passage's and with Gaussian noise, then normalised. Deterministic for a seed.
import { DEFAULT_HNSW, FORMAT_VERSION, type Manifest, type ManifestFile } from '../index/store.js';
import type { Passage } from '../types.js';
import { seededRandom } from '../random.js';
import { gaussian, normalizeInPlace } from './stats.js';

export interface SyntheticOptions {
  /** Norm of the Gaussian noise added to a (unit) real vector: 0.5 puts a synthetic vector at cosine ~0.85–0.9 to its source. */
  noise: number;
  /** Largest weight of the second real passage mixed into a vector. */
  mix: number;
  /** Passages per synthetic report file. */
  passagesPerFile: number;
  seed: number;
}

export const DEFAULT_SYNTHETIC: SyntheticOptions = { noise: 0.5, mix: 0.5, passagesPerFile: 200, seed: 20240501 };

/** The vectors of synthesizeCorpus alone (same draws, same vectors), for sizes whose text is not needed. */
export function synthesizeVectors(real: readonly Passage[], realVectors: readonly Float32Array[], count: number, options: SyntheticOptions = DEFAULT_SYNTHETIC): Float32Array[] {
  return synthesize(real, realVectors, count, options, false).vectors;
}

function mixVector(a: Float32Array, b: Float32Array, weight: number, noise: number, normal: () => number): Float32Array {
  const dim = a.length;
  const v = new Float32Array(dim);
  const scale = noise / Math.sqrt(dim);
  for (let k = 0; k < dim; k++) v[k] = a[k]! + weight * b[k]! + scale * normal();
  return normalizeInPlace(v);
}

/** Query vectors: each real question embedding `copies` times with a little noise (the first copy exact). */
export function perturbQueries(questions: readonly Float32Array[], copies: number, noise: number, seed: number): Float32Array[] {
  const normal = gaussian(seededRandom(seed));
  const out: Float32Array[] = [];
  for (let c = 0; c < copies; c++) {
    for (const q of questions) out.push(c === 0 ? q : mixVector(q, q, 0, noise, normal));
  }
  return out;
}

export interface SyntheticCorpus {
  passages: Passage[];
  vectors: Float32Array[];
  manifest: Manifest;
}

/** Passages (text resampled from real sentences, same district) with their vectors and a manifest. */
export function synthesizeCorpus(real: readonly Passage[], realVectors: readonly Float32Array[], count: number, options: SyntheticOptions = DEFAULT_SYNTHETIC): SyntheticCorpus {
  return synthesize(real, realVectors, count, options, true);
}

function synthesize(real: readonly Passage[], realVectors: readonly Float32Array[], count: number, options: SyntheticOptions, withText: boolean): SyntheticCorpus {
  const random = seededRandom(options.seed);
  const normal = gaussian(random);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const byDistrict = new Map<string | null, Passage[]>();
  for (const p of real) byDistrict.set(p.source.district, [...(byDistrict.get(p.source.district) ?? []), p]);

  const passages: Passage[] = new Array(withText ? count : 0);
  const vectors: Float32Array[] = new Array(count);
  const files: ManifestFile[] = [];
  let pool: Passage[] = [];
  for (let id = 0; id < count; id++) {
    // One district per synthetic report file, chosen in proportion to the real passages.
    if (id % options.passagesPerFile === 0) pool = byDistrict.get(pick(real).source.district)!;
    const a = pick(pool);
    const b = pick(pool);
    const n = Math.min(a.sentences.length, 1 + Math.floor(random() * 3));
    const start = Math.floor(random() * (a.sentences.length - n + 1));
    const sentences = a.sentences.slice(start, start + n);
    const borrow = random() < 0.3 ? [pick(b.sentences)] : [];
    vectors[id] = mixVector(realVectors[a.id]!, realVectors[b.id]!, borrow.length ? options.mix : random() * options.mix * 0.5, options.noise, normal);
    if (!withText) continue;
    const all = [...sentences, ...borrow];
    const fileNo = Math.floor(id / options.passagesPerFile);
    const file = `synthetic-${String(fileNo).padStart(5, '0')}.txt`;
    if (id % options.passagesPerFile === 0) {
      files.push({ file, hash: `synthetic-${fileNo}`, title: a.source.title, district: a.source.district, place: a.source.place ?? null, year: a.source.year, passages: 0, firstId: id });
    }
    files[files.length - 1]!.passages++;
    const paragraph = (id % options.passagesPerFile) + 1;
    passages[id] = {
      id,
      text: all.join(''),
      sentences: all,
      section: a.section,
      source: { file, title: a.source.title, district: a.source.district, place: a.source.place ?? null, year: a.source.year, paragraph, lines: [paragraph * 2 - 1, paragraph * 2 - 1] },
    };
  }
  const manifest: Manifest = {
    formatVersion: FORMAT_VERSION,
    pipeline: 'synthetic',
    model: { id: 'synthetic', dimension: realVectors[0]!.length },
    files,
    skipped: [],
    passageCount: passages.length,
    builtAt: new Date().toISOString(),
    hnsw: DEFAULT_HNSW,
  };
  return { passages, vectors, manifest };
}
