// The one percentile, shared by the bot's /stats and the benchmark.

/**
 * The q-th quantile (q in 0–1) of unsorted values; null for none. 'nearest-rank' (default) answers a value that
 * occurred (the bot's p50/p95 latencies); 'linear' interpolates between the closest ranks, numpy's default (the
 * benchmark's summaries).
 */
export function percentile(values: readonly number[], q: number, method: 'nearest-rank' | 'linear' = 'nearest-rank'): number | null {
  if (q < 0 || q > 1) throw new RangeError(`a percentile must be within 0..1, got ${q}`);
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  if (method === 'nearest-rank') return sorted[Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length))) - 1]!;
  const at = q * (sorted.length - 1);
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}
