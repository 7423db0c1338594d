// A reproducible random sample of figure records, for counting by hand how many are read with the right period
// and unit (docs/structure.md): the same seed gives the same records on the same index.
import type { FigureRecord } from '../figures/records.js';
import { seededRandom } from '../random.js';

/** `n` records drawn without replacement (a partial Fisher–Yates shuffle), in the order drawn. */
export function sampleRecords<T extends FigureRecord>(records: readonly T[], n: number, seed: number): T[] {
  const pool = [...records];
  const next = seededRandom(seed);
  const out: T[] = [];
  for (let i = 0; i < Math.min(n, pool.length); i++) {
    const j = i + Math.floor(next() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
    out.push(pool[i]!);
  }
  return out;
}
