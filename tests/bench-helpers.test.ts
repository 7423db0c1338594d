// Pure helpers of the benchmark (npm run bench). Nothing here is timed.
import { describe, expect, it } from 'vitest';
import { gaussian, maxAbsDiff, median, normalizeInPlace, recallAtK, summarize } from '../src/bench/stats.js';
import { seededRandom } from '../src/random.js';
import { percentile } from '../src/percentile.js';
import { displayWidth, markdownTable } from '../src/bench/table.js';
import { mainThreadCpuMs } from '../src/bench/load.js';

describe('percentile', () => {
  it('interpolates between the closest ranks (linear)', () => {
    const xs = [15, 20, 35, 40, 50];
    expect(percentile(xs, 0, 'linear')).toBe(15);
    expect(percentile(xs, 0.5, 'linear')).toBe(35);
    expect(percentile(xs, 1, 'linear')).toBe(50);
    expect(percentile(xs, 0.4, 'linear')).toBeCloseTo(29, 10); // 1.6 of the way: 20 + 0.6 × 15
    expect(percentile([1, 2, 3, 4], 0.95, 'linear')).toBeCloseTo(3.85, 10);
  });
  it('answers a value that occurred (nearest rank, the default)', () => {
    expect(percentile([1, 2, 3, 4], 0.95)).toBe(4);
    expect(percentile([1, 2, 3, 4], 0.5)).toBe(2);
  });
  it('does not depend on the order of the samples and does not reorder them', () => {
    const xs = [9, 1, 5, 3, 7];
    expect(percentile(xs, 0.5, 'linear')).toBe(5);
    expect(xs).toEqual([9, 1, 5, 3, 7]);
  });
  it('is null for no samples (the bench summary says NaN) and rejects a quantile outside 0..1', () => {
    expect(percentile([], 0.5)).toBeNull();
    expect(summarize([]).p50).toBeNaN();
    expect(() => percentile([1], 1.01)).toThrow(RangeError);
  });
  it('summarizes', () => {
    const s = summarize(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(s).toMatchObject({ n: 100, mean: 50.5, max: 100 });
    expect(s.p50).toBeCloseTo(50.5, 10);
    expect(s.p95).toBeCloseTo(95.05, 10);
    expect(s.p99).toBeCloseTo(99.01, 10);
    expect(median([3, 1, 2])).toBe(2);
  });
});

describe('recall@k', () => {
  it('is the share of the exact top k found, averaged over queries', () => {
    expect(recallAtK([[1, 2, 3]], [[1, 2, 3]], 3)).toBe(1);
    expect(recallAtK([[3, 2, 9]], [[1, 2, 3]], 3)).toBeCloseTo(2 / 3, 10);
    expect(recallAtK([[1, 2], [7, 8]], [[1, 2], [8, 9]], 2)).toBeCloseTo(0.75, 10);
  });
  it('looks at the first k of each list only', () => {
    expect(recallAtK([[5, 1]], [[1, 5]], 1)).toBe(0);
  });
});

describe('synthetic numbers', () => {
  it('are the same for the same seed', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const xs = Array.from({ length: 5 }, a);
    expect(Array.from({ length: 5 }, b)).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(Array.from({ length: 5 }, seededRandom(43))).not.toEqual(xs);
  });
  it('gaussian samples have mean 0 and variance 1', () => {
    const g = gaussian(seededRandom(1));
    const xs = Array.from({ length: 20000 }, g);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
  });
  it('normalizes to unit length', () => {
    const v = normalizeInPlace(new Float32Array([3, 4]));
    expect(Array.from(v)).toEqual([Math.fround(0.6), Math.fround(0.8)]);
    expect(maxAbsDiff(v, [0.6, 0.8])).toBeLessThan(1e-7);
    expect(maxAbsDiff([1], [1, 2])).toBe(Infinity);
  });
});

describe('markdownTable', () => {
  it('pads columns and escapes pipes', () => {
    expect(markdownTable(['a', 'value'], [['x|y', 1]])).toBe(['| a    | value |', '| ---- | ----- |', '| x\\|y | 1     |'].join('\n'));
  });
  it('counts Chinese characters as two columns', () => {
    expect(displayWidth('城中区')).toBe(6);
    expect(markdownTable(['区'], [['城中区']]).split('\n')[0]).toBe('| 区     |');
  });
});

describe('CPU time of the main thread (the load section)', () => {
  it('counts this thread working, not waiting', async () => {
    const before = mainThreadCpuMs();
    if (before === null) return expect(process.platform).not.toBe('linux'); // only Linux has /proc per thread
    // Busy until the process has used 300 ms of CPU (however long a shared machine makes that take).
    const cpu = process.cpuUsage();
    const giveUp = performance.now() + 20_000;
    while (process.cpuUsage(cpu).user < 300_000 && performance.now() < giveUp);
    const processMs = (process.cpuUsage(cpu).user + process.cpuUsage(cpu).system) / 1000;
    const busy = mainThreadCpuMs()! - before;
    expect(busy).toBeGreaterThanOrEqual(200); // the loop ran on this thread (10 ms ticks; other threads add a little)
    expect(busy).toBeLessThanOrEqual(processMs + 20);
    const idleFrom = mainThreadCpuMs()!;
    await new Promise((r) => setTimeout(r, 300));
    expect(mainThreadCpuMs()! - idleFrom).toBeLessThan(60);
  });
});

describe('npm run bench: a wrong option', () => {
  // Read before any work: a typo in --e2e-max used to surface as a stack trace after every other section had run.
  it('is said in one line, with the help, before the bench starts', async () => {
    const { execFile } = await import('node:child_process');
    const { promisify } = await import('node:util');
    const root = new URL('..', import.meta.url).pathname;
    for (const [args, said] of [
      [['--e2e-max', '0'], '--e2e-max: "0" is not a positive whole number'],
      [['--hnsw', '32,200'], '--hnsw: three numbers'],
      [['--only', 'speed'], '--only: unknown section "speed"'],
      [['--bogus'], "Unknown option '--bogus'"],
    ] as const) {
      const run = await promisify(execFile)('npm', ['run', '--silent', 'bench', '--', ...args], { cwd: root }).then(
        () => null,
        (e: { code: number; stderr: string; stdout: string }) => e,
      );
      expect(run?.code).toBe(1);
      expect(run!.stderr.trim().split('\n')).toEqual([expect.stringContaining(said)]);
      expect(run!.stderr).toContain('npm run bench -- --help');
      expect(run!.stdout).toBe('');
    }
  }, 60_000);
});
