// Pure helpers for the benchmark: percentiles, summaries, recall. No timing, no I/O (unit-tested).
import { percentile } from '../percentile.js';

export interface Summary {
  n: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** The p-th percentile (0–100) of the samples, interpolated between the closest ranks (numpy's default); NaN for none. */
const pct = (samples: readonly number[], p: number): number => percentile(samples, p / 100, 'linear') ?? NaN;

export function median(samples: readonly number[]): number {
  return pct(samples, 50);
}

export function summarize(samples: readonly number[]): Summary {
  const n = samples.length;
  const mean = n === 0 ? NaN : samples.reduce((s, x) => s + x, 0) / n;
  return {
    n,
    mean,
    p50: pct(samples, 50),
    p95: pct(samples, 95),
    p99: pct(samples, 99),
    max: n === 0 ? NaN : Math.max(...samples),
  };
}

/** Share of the exact top-k that the approximate top-k found, averaged over queries. */
export function recallAtK(approximate: readonly (readonly number[])[], exact: readonly (readonly number[])[], k: number): number {
  if (approximate.length !== exact.length) throw new Error('recallAtK: one approximate result list per exact one');
  if (exact.length === 0) return NaN;
  let total = 0;
  for (let q = 0; q < exact.length; q++) {
    const truth = new Set(exact[q]!.slice(0, k));
    const hits = approximate[q]!.slice(0, k).filter((id) => truth.has(id)).length;
    total += truth.size === 0 ? 1 : hits / truth.size;
  }
  return total / exact.length;
}

/** Round to `digits` decimals (for JSON output that stays readable). */
export function round(x: number, digits = 2): number {
  if (!Number.isFinite(x)) return x;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Standard normal samples from a uniform source (Box–Muller). */
export function gaussian(random: () => number): () => number {
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    let u = 0;
    while (u === 0) u = random();
    const v = random();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

/** Scale a vector to unit length in place (returns it). */
export function normalizeInPlace(v: Float32Array): Float32Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  const norm = Math.sqrt(s) || 1;
  for (let i = 0; i < v.length; i++) v[i]! /= norm;
  return v;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
