// Cold start: a fresh process, from its start to the first answer on stdout, with the index on disk.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../config/index.js';
import { median, round } from './stats.js';

export interface ColdStartResult {
  command: string;
  /** Seconds from spawning the process to the answer on stdout, per run. */
  runs: number[];
  medianS: number;
  /** Where the time goes (milliseconds, phase durations, median over runs of the probe). */
  phases: Record<string, number>;
}

const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

interface Timed {
  seconds: number;
  stdout: string;
}

/** Spawn, and time until stdout holds a complete line (the answer), then wait for the exit. */
function timeToFirstLine(args: string[], env: NodeJS.ProcessEnv): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let firstLine: number | null = null;
    let stdout = '';
    let stderr = '';
    const child = spawn(TSX, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      if (firstLine === null && stdout.includes('\n')) firstLine = performance.now();
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0 || firstLine === null) reject(new Error(`${args.join(' ')} exited with ${code}: ${stderr.slice(-500)}`));
      else resolve({ seconds: (firstLine - started) / 1000, stdout });
    });
  });
}

type Mark = 'booted' | 'imported' | 'checked' | 'modelLoaded' | 'indexRead' | 'opened' | 'answered';

function phasesOf(m: Record<Mark, number>): [string, number][] {
  return [
    ['node + tsx start', m.booted],
    ['import modules (transpile)', m.imported - m.booted],
    ['config + index freshness', m.checked - m.imported],
    ['load model (ONNX session)', m.modelLoaded - m.checked],
    ['read index (checksums, graph, BM25)', m.indexRead - m.modelLoaded],
    ['open engine', m.opened - m.indexRead],
    ['first answer', m.answered - m.opened],
  ];
}

export interface ArchiveColdStart {
  /** Seconds from spawning the probe to its answer on stdout, per run. */
  runs: number[];
  medianS: number;
  phases: Record<string, number>;
  /** Resident memory of the answering process after its first answer (median over runs). */
  rss: number;
}

/**
 * Cold start on an index without a corpus folder (a synthetic archive): a fresh process that loads the model,
 * reads the index (checksums and all), opens the engine and answers one question, timed to its answer on stdout.
 */
export async function benchArchiveColdStart(indexDir: string, question: string, runs: number): Promise<ArchiveColdStart> {
  const env = { ...process.env, INDEX_DIR: indexDir, LOG_LEVEL: 'warn' };
  const times: number[] = [];
  const rss: number[] = [];
  const phases: Record<string, number[]> = {};
  for (let i = 0; i < runs; i++) {
    const { seconds, stdout } = await timeToFirstLine(['src/bench/cold-probe.ts', '--index-only', question], env);
    const probe = JSON.parse(stdout) as { rss: number; marks: Record<Mark, number> };
    times.push(seconds);
    rss.push(probe.rss);
    for (const [k, v] of phasesOf(probe.marks)) (phases[k] ??= []).push(v);
  }
  return {
    runs: times.map((t) => round(t, 2)),
    medianS: round(median(times), 2),
    phases: Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, round(median(v), 0)])),
    rss: median(rss),
  };
}

export async function benchColdStart(env: NodeJS.ProcessEnv, question: string, runs: number): Promise<ColdStartResult> {
  const args = ['src/cli/ask.ts', '--json', question];
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const { seconds, stdout } = await timeToFirstLine(args, env);
    if (!stdout.trimStart().startsWith('{')) throw new Error(`ask printed no JSON answer: ${stdout.slice(0, 200)}`);
    times.push(seconds);
  }

  const phases: Record<string, number[]> = {};
  for (let i = 0; i < runs; i++) {
    const { stdout } = await timeToFirstLine(['src/bench/cold-probe.ts', question], env);
    const probe = JSON.parse(stdout) as { fresh: boolean; marks: Record<string, number> };
    if (!probe.fresh) throw new Error('cold start: the index on disk is not fresh, so the process would rebuild it');
    for (const [k, v] of phasesOf(probe.marks as Record<Mark, number>)) (phases[k] ??= []).push(v);
  }
  return {
    command: `tsx ${args.slice(0, 2).join(' ')} "…"`,
    runs: times.map((t) => round(t, 2)),
    medianS: round(median(times), 2),
    phases: Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, round(median(v), 0)])),
  };
}
