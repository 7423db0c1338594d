// The results of one run: targets checked, and the tables printed to the terminal and written to latest.md.
import type { BuildResult } from './build.js';
import type { CheckLatency } from './check.js';
import type { ColdStartResult } from './cold.js';
import type { EmbeddingResult } from './embedding.js';
import { STAGES, type QueryLatency } from './latency.js';
import type { LoadResult } from './load.js';
import type { MachineInfo } from './machine.js';
import type { OcrBenchResult } from './ocr.js';
import type { ScaleRow } from './scale.js';
import { count, markdownTable, mib, ms, sec } from './table.js';

export interface BenchResults {
  startedAt: string;
  seconds: number;
  command: string;
  machine: MachineInfo;
  embedding?: EmbeddingResult;
  build?: BuildResult;
  query?: QueryLatency;
  check?: CheckLatency;
  coldStart?: ColdStartResult;
  scale?: ScaleRow[];
  /** The first is the product as deployed (targets are checked on it). */
  load?: LoadResult[];
  ocr?: OcrBenchResult;
  targets: TargetCheck[];
}

export interface TargetCheck {
  name: string;
  target: string;
  measured: string;
  met: boolean;
}

/** The issue's targets, checked against whatever was measured in this run. */
export function checkTargets(r: Omit<BenchResults, 'targets'>): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const add = (name: string, target: string, measured: string, met: boolean) => checks.push({ name, target, measured, met });
  if (r.embedding) {
    add('embedding throughput vs bare onnxruntime-node', '≥ 90 %', `${(r.embedding.ratio * 100).toFixed(0)} %`, r.embedding.ratio >= 0.9);
  }
  if (r.query) {
    add('warm query p95, five reports', '≤ 30 ms', ms(r.query.total.p95), r.query.total.p95 <= 30);
    add('file reads in the hot path', 'none', String(r.query.fileReads), r.query.fileReads === 0);
  }
  if (r.check) add('check a text of five sentences, warm p95', '≤ 200 ms', ms(r.check.total.p95), r.check.total.p95 <= 200);
  const at100k = r.scale?.find((s) => s.passages === 100_000);
  if (at100k?.e2e) add('warm query p95 end to end, 100,000 passages', '≤ 60 ms', ms(at100k.e2e.total.p95), at100k.e2e.total.p95 <= 60);
  if (at100k) add('HNSW recall@10 vs exact, 100,000 passages', '≥ 0.98', at100k.dense.recallAt10.toFixed(3), at100k.dense.recallAt10 >= 0.98);
  if (r.coldStart) add('cold start to first answer, index on disk', '≤ 3 s', sec(r.coldStart.medianS, 2), r.coldStart.medianS <= 3);
  // Issue 20's targets for large archives.
  if (at100k?.e2e) add('cold start to first answer, 100,000 passages', '≤ 2 s', sec(at100k.e2e.coldStart.medianS, 2), at100k.e2e.coldStart.medianS <= 2);
  const atMillion = r.scale?.find((s) => s.passages === 1_000_000);
  if (atMillion) add('HNSW recall@10 vs exact, 1,000,000 passages', '≥ 0.98', atMillion.dense.recallAt10.toFixed(3), atMillion.dense.recallAt10 >= 0.98);
  if (atMillion?.e2e) {
    const { total, coldStart } = atMillion.e2e;
    add('warm query p50 / p95 end to end, 1,000,000 passages', '≤ 30 / 60 ms', `${total.p50.toFixed(1)} / ${total.p95.toFixed(1)} ms`, total.p50 <= 30 && total.p95 <= 60);
    add('cold start to first answer, 1,000,000 passages', '≤ 5 s', sec(coldStart.medianS, 2), coldStart.medianS <= 5);
    add('resident memory answering, 1,000,000 passages', '≤ 3 GiB', mib(coldStart.rss), coldStart.rss <= 3 * 1024 ** 3);
    const { ingest } = atMillion.e2e;
    if (ingest) add('one report added, 1,000,000 passages', '≤ 10 s', sec(ingest.seconds, 2), ingest.seconds <= 10 && ingest.segment && ingest.answered === ingest.asked);
  }
  const load = r.load?.[0];
  if (load) {
    add(`load: ${load.questions} questions from ${load.users} users, all answered`, 'none lost', `${load.answered} answered, ${load.lost} lost, ${load.refused} refused`, load.lost === 0 && load.refused === 0 && load.answered === load.questions);
    add('load: answer latency p95', '≤ 1 s', ms(load.latency.p95, 0), load.latency.p95 <= 1000);
  }
  return checks;
}

const mark = (met: boolean) => (met ? 'met' : '**missed**');
const rate = (x: number) => `${x.toFixed(0)} passages/s`;
const trio = (s: { p50: number; p95: number; p99?: number }) => [s.p50, s.p95, ...(s.p99 === undefined ? [] : [s.p99])].map((x) => x.toFixed(1)).join(' / ') + ' ms';

/** The one-table summary (docs/performance.md and terminal). */
export function summaryTable(r: BenchResults): string {
  const rows: string[][] = [];
  const target = (name: string) => r.targets.find((t) => t.name === name);
  const withTarget = (name: string, label: string, value: string) => {
    const t = target(name);
    rows.push([label, value, t ? t.target : '', t ? mark(t.met) : '']);
  };
  if (r.embedding) {
    const e = r.embedding;
    rows.push([`embedding, project path (batch ${e.project.batchSize}, sorted by length, ${e.project.threads} thread${e.project.threads > 1 ? 's' : ''})`, rate(e.project.passagesPerSecond), '', '']);
    rows.push([`embedding, bare onnxruntime-node (best: batch ${e.bare.batchSize}, ${e.bare.threads} thread${e.bare.threads > 1 ? 's' : ''}${e.bare.sorted ? ', sorted' : ''})`, rate(e.bare.passagesPerSecond), '', '']);
    withTarget('embedding throughput vs bare onnxruntime-node', 'embedding, project / bare', `${(e.ratio * 100).toFixed(0)} %`);
  }
  if (r.build) {
    rows.push([`index build from nothing (${r.build.files} reports, ${r.build.passages} passages)`, sec(r.build.fromNothingS), '', '']);
    rows.push([`index update, one file changed (${r.build.reembedded} of ${r.build.passages} passages re-embedded)`, sec(r.build.updateS), '', '']);
  }
  if (r.query) {
    withTarget('warm query p95, five reports', `warm query p50 / p95 / p99, five reports (${r.query.questions} dev questions × ${r.query.repeats})`, trio(r.query.total));
    withTarget('file reads in the hot path', `file reads while answering those ${r.query.total.n} questions`, String(r.query.fileReads));
  }
  if (r.check) {
    const c = r.check;
    withTarget('check a text of five sentences, warm p95', `check a draft: p50 / p95 / p99, ${c.texts} texts of 5 sentences (${c.claimsPerText.toFixed(1)} figures each) × ${c.repeats}`, trio(c.total));
  }
  if (r.ocr) {
    const o = r.ocr;
    rows.push([`OCR, scanned pages at ${o.dpi} dpi (${o.pages} dense pages; median / worst s per page; model load ${sec(o.modelLoadS)})`, `${o.pagesPerMinute.toFixed(1)} pages/min (${sec(o.pageMedianS)} / ${sec(o.pageMaxS)})`, '', '']);
    rows.push(['OCR: numbers read exactly / main thread held at most', `${o.numbersFound}/${o.numbers} / ${o.maxEventLoopDelayMs} ms`, '', '']);
  }
  if (r.coldStart) withTarget('cold start to first answer, index on disk', 'cold start to first answer (`ask --json`, index on disk)', sec(r.coldStart.medianS, 2));
  for (const s of r.scale ?? []) {
    const n = count(s.passages);
    const p = `M ${s.hnsw.M}, efConstruction ${s.hnsw.efConstruction}, ef ${s.hnsw.ef}`;
    rows.push([`${n} passages: HNSW build (${p})`, sec(s.buildS, 0), '', '']);
    rows.push([`${n} passages: index on disk${s.disk.passages === null ? ' (graph + vectors)' : ''}`, mib(s.disk.total), '', '']);
    rows.push(
      s.e2e
        ? [`${n} passages: resident memory added, engine open (vectors, graph, passages, BM25)`, mib(s.e2e.rssAdded), '', '']
        : [`${n} passages: resident memory added (vectors + graph)`, mib(s.memory.vectors + s.memory.hnsw), '', ''],
    );
    rows.push([`${n} passages: HNSW search p50 / p95 (k 10)`, `${s.dense.p50Ms.toFixed(2)} / ${s.dense.p95Ms.toFixed(2)} ms`, '', '']);
    const recallName = 'HNSW recall@10 vs exact, 100,000 passages';
    if (s.passages === 100_000) withTarget(recallName, `${n} passages: HNSW recall@10 vs exact search`, s.dense.recallAt10.toFixed(3));
    else rows.push([`${n} passages: HNSW recall@10 vs exact search`, s.dense.recallAt10.toFixed(3), '', '']);
    if (s.e2e) {
      const name = s.passages === 100_000 ? 'warm query p95 end to end, 100,000 passages' : `warm query p50 / p95 end to end, ${n} passages`;
      withTarget(name, `${n} passages: warm query p50 / p95, end to end`, trio({ p50: s.e2e.total.p50, p95: s.e2e.total.p95 }));
      withTarget(`cold start to first answer, ${n} passages`, `${n} passages: cold start to first answer (fresh process, median of ${s.e2e.coldStart.runs.length})`, sec(s.e2e.coldStart.medianS, 2));
      withTarget(`resident memory answering, ${n} passages`, `${n} passages: resident memory of that process after its answer (model, index, engine)`, mib(s.e2e.coldStart.rss));
      const i = s.e2e.ingest;
      if (i) withTarget(`one report added, ${n} passages`, `${n} passages: one report added through ingest (${i.file}, ${i.added} passages${i.segment ? ', as a segment' : ', rebuilt'}; its questions answered ${i.answered}/${i.asked})`, sec(i.seconds, 2));
      if (i?.after) {
        const a = i.after;
        rows.push([`${n} passages: ${a.ingests} reports added one by one (later ingests, slowest; segments left; warm p50 / p95 then)`, `${sec(Math.max(...a.seconds), 2)}; ${a.segments.length} segments (${a.segments.join(', ')} passages); ${trio(a.warm)}`, '', '']);
      }
    }
  }
  for (const [i, l] of (r.load ?? []).entries()) {
    const lost = `${l.answered} answered, ${l.lost} lost${l.refused ? `, ${l.refused} refused` : ''}`;
    const latency = `${l.latency.p50.toFixed(0)} / ${l.latency.p95.toFixed(0)} / ${l.latency.max.toFixed(0)} ms`;
    const what = `load, ${l.variant ?? ''}`;
    if (i === 0) {
      withTarget(`load: ${l.questions} questions from ${l.users} users, all answered`, `${what}: ${l.questions} questions from ${l.users} users at once through the bot`, lost);
      withTarget('load: answer latency p95', `${what}: answer latency p50 / p95 / max`, latency);
    } else {
      rows.push([`${what}: ${l.questions} questions, answered`, lost, '', '']);
      rows.push([`${what}: answer latency p50 / p95 / max`, latency, '', '']);
    }
    if (l.mainThreadCpuMs !== null) rows.push([`${what}: CPU time of the main thread for the burst`, `${l.mainThreadCpuMs} ms`, '', '']);
    if (l.processCpuMs !== undefined) rows.push([`${what}: CPU time of the whole process for the burst (main, embedding worker, GC and compiler threads)`, `${l.processCpuMs} ms`, '', '']);
    rows.push([`${what}: resident memory before → after (peak)`, `${mib(l.memory.rssBefore)} → ${mib(l.memory.rssAfter)} (${mib(l.memory.rssPeak)})`, '', '']);
  }
  return markdownTable(['measurement', 'result', 'target', ''], rows);
}

/** Everything: the summary, then the details behind it. */
export function renderMarkdown(r: BenchResults): string {
  const m = r.machine;
  const out: string[] = [
    '# Benchmark: latest run',
    '',
    `Run ${r.startedAt} with \`${r.command}\` in ${sec(r.seconds, 0)}, on ${m.cores} × ${m.cpu}, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}. ` +
      `Load average (1 min) ${m.loadStart} at the start and ${m.loadEnd ?? '?'} at the end: the machine is shared, so figures move with what else runs.`,
    '',
    summaryTable(r),
  ];
  if (r.query) {
    out.push('', '## Warm query latency per stage (five reports)', '');
    const rows = STAGES.map((s) => [s, ...[r.query!.stages[s].p50, r.query!.stages[s].p95, r.query!.stages[s].p99].map((x) => x.toFixed(2))]);
    rows.push(['end to end', ...[r.query.total.p50, r.query.total.p95, r.query.total.p99].map((x) => x.toFixed(2))]);
    out.push(markdownTable(['stage', 'p50 ms', 'p95 ms', 'p99 ms'], rows));
    out.push('', `${r.query.fullPath} of ${r.query.total.n} searches went through every stage (the others stop early, e.g. a place no report covers); "rank" is fusion, the found decision and highlighting.`);
  }
  for (const s of r.scale ?? []) {
    if (!s.e2e) continue;
    out.push('', `## Warm query latency per stage (${count(s.passages)} synthetic passages)`, '');
    const rows = STAGES.map((st) => [st, ...[s.e2e!.stages[st].p50, s.e2e!.stages[st].p95, s.e2e!.stages[st].p99].map((x) => x.toFixed(2))]);
    rows.push(['end to end', ...[s.e2e.total.p50, s.e2e.total.p95, s.e2e.total.p99].map((x) => x.toFixed(2))]);
    out.push(markdownTable(['stage', 'p50 ms', 'p95 ms', 'p99 ms'], rows));
    out.push('', `Index read from disk in ${sec(s.e2e.loadS)}, engine opened in ${sec(s.e2e.openS)}.`);
    out.push('', `Cold start of a fresh process (runs ${s.e2e.coldStart.runs.map((t) => `${t} s`).join(', ')}), median ms per phase:`, '');
    out.push(markdownTable(['phase', 'ms'], Object.entries(s.e2e.coldStart.phases).map(([k, v]) => [k, String(v)])));
  }
  if (r.scale?.length) {
    out.push('', '## HNSW: ef against recall@10 and latency', '');
    const rows = r.scale.flatMap((s) => s.efSweep.map((p) => [count(s.passages), String(p.ef), p.recallAt10.toFixed(4), p.p50Ms.toFixed(3), p.p95Ms.toFixed(3)]));
    out.push(markdownTable(['passages', 'ef', 'recall@10', 'p50 ms', 'p95 ms'], rows));
    const detail = r.scale.map(
      (s) =>
        `${count(s.passages)}: ${s.queries} queries, exact search ${s.exactP50Ms} ms per query; on disk ${mib(s.disk.dense)} graph + ${mib(s.disk.vectors)} vectors` +
        (s.disk.passages !== null ? ` + ${mib(s.disk.passages)} passages` : '') +
        `; resident: vectors ${mib(s.memory.vectors)}, graph ${mib(s.memory.hnsw)}`,
    );
    out.push('', ...detail.map((d) => `- ${d}`));
  }
  if (r.embedding) {
    const e = r.embedding;
    out.push('', `## Embedding levers (${e.passages} passages, ${e.meanChars} characters on average, one pass each)`, '');
    const rows = e.levers.map((l) => [l.path, l.threads === null ? 'default' : String(l.threads), String(l.batchSize), l.sorted ? 'yes' : 'no', l.passagesPerSecond.toFixed(0)]);
    out.push(markdownTable(['path', 'threads', 'batch', 'sorted', 'passages/s'], rows));
    out.push(
      '',
      `Head to head over ${e.rounds} interleaved rounds: project ${rate(e.project.passagesPerSecond)}, bare ${rate(e.bare.passagesPerSecond)}, ratio ${e.ratio}. ` +
        `Largest difference between a project vector and the bare one: ${e.maxAbsDiff.toExponential(1)}. Model load ${sec(e.modelLoadS, 2)}.`,
    );
  }
  if (r.coldStart) {
    out.push('', '## Cold start: where the time goes (median of the probe runs, ms)', '');
    out.push(markdownTable(['phase', 'ms'], Object.entries(r.coldStart.phases).map(([k, v]) => [k, String(v)])));
    out.push('', `\`${r.coldStart.command}\` runs: ${r.coldStart.runs.map((t) => `${t} s`).join(', ')}.`);
  }
  return out.join('\n') + '\n';
}
