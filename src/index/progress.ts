// Progress that tells the truth: passages per second and the time left, measured, at most every few seconds.

/** Where a build is: reading files, recognising scanned pages (page done of total), embedding passages, linking them into the HNSW graph, writing. */
export type Progress = { phase: 'read' | 'ocr' | 'embed' | 'graph' | 'write'; done: number; total: number; file?: string };

/** Seconds between progress lines on a non-terminal (logs, the drill, a waiting reader). */
export const PROGRESS_EVERY_MS = 3000;

/**
 * Turns embed (or graph) progress into a line such as "embedding passages 120/400 · 35 passages/s · about 8 s
 * left"; each phase's rate is measured from its own start.
 */
export function progressMeter(now: () => number = Date.now): (p: Progress) => string | null {
  let started: number | null = null;
  let startDone = 0;
  let phase: Progress['phase'] = 'embed';
  return (p) => {
    if (p.phase === 'write') return p.done === 0 ? 'writing the index' : 'index written';
    if (p.phase !== 'embed' && p.phase !== 'graph') return null;
    if (started === null || p.done < startDone || p.phase !== phase) {
      phase = p.phase;
      started = now();
      startDone = p.done;
    }
    const seconds = (now() - started!) / 1000;
    const rate = seconds > 0 ? (p.done - startDone) / seconds : 0;
    const left = rate > 0 ? (p.total - p.done) / rate : NaN;
    return `${p.phase === 'graph' ? 'linking passages into the graph' : 'embedding passages'} ${p.done}/${p.total}` + (rate > 0 ? ` · ${rate.toFixed(rate >= 10 ? 0 : 1)} passages/s · ${p.done >= p.total ? 'done' : `about ${formatSeconds(left)} left`}` : '');
  };
}

export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 90) return `${Math.max(1, Math.round(s))} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}
