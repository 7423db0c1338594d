// Resident memory as the process sees it, after a full garbage collection so the figures mean "kept".
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | undefined;

/** Run a full GC (exposing it on demand, so the bench needs no node flag). */
export function collectGarbage(): void {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
  gc();
}

export interface MemorySample {
  rss: number;
  heapUsed: number;
  /** ArrayBuffers and native memory V8 knows about (vectors live here). */
  external: number;
}

export function memorySample(collect = true): MemorySample {
  if (collect) collectGarbage();
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external };
}
