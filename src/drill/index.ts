// npm run drill [-- --kills N] [--corpus DIR --questions FILE] [--only kills,damage,writers,botapi,model,hostile]: the fault
// drill. On a temporary copy of the repo's sample reports (tests/fixtures/sample, whose questions are tests/dev.jsonl;
// `--corpus` drills another folder, never the live corpus/ itself) and its own index, it kills writers with -9 at random points, damages each index file in turn, runs two
// ingests beside concurrent asks, points the bot at a Bot API it cannot reach, and damages a copy of the model.
// After each fault the next `ask` must answer correctly or print one clear line, and corpus/ must hold only
// whole files. Prints a table (docs/faults.md) and exits non-zero when any check failed.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/index.js';
import { hostileDrill } from './hostile-drill.js';
import { type Row, type Run, secs } from './rows.js';

const drillStarted = Date.now();
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { values } = parseArgs({ options: { kills: { type: 'string' }, corpus: { type: 'string' }, questions: { type: 'string' }, only: { type: 'string' } } });
/** Sections to run (`--only hostile` runs the hostile files and damaged disks alone). */
const SECTIONS = new Set((values.only ?? 'kills,damage,writers,botapi,model,hostile').split(','));
const KILLS = Number(values.kills ?? 20);
const config = await loadConfig();
if (values.corpus && !values.questions) {
  console.error('drill: --corpus needs --questions FILE with answerable questions about those reports (JSON lines with "question" and "answer").');
  process.exit(2);
}
const question = (() => {
  const file = values.questions ?? join(ROOT, 'tests', 'dev.jsonl');
  const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { question: string; answer?: string });
  const q = lines.find((l) => l.answer);
  if (!q) throw new Error(`no answerable question in ${file}`);
  return q as { question: string; answer: string };
})();

const work = mkdtempSync(join(tmpdir(), 'drill-'));
const corpus = join(work, 'corpus');
const indexDir = join(work, 'index');
// The sample by default, so the drill checks the software the same way whatever reports a newsroom keeps in corpus/.
cpSync(values.corpus ?? join(ROOT, 'tests', 'fixtures', 'sample'), corpus, { recursive: true });
const env: NodeJS.ProcessEnv = { ...process.env, CORPUS_DIR: corpus, INDEX_DIR: indexDir, LOG_LEVEL: 'info', QUERY_LOG: join(work, 'queries.jsonl') };
delete env.BOT_TOKEN;
// Reports added during the drill: the repo's own fixtures, copied so the originals are never touched.
const extra = ['report.docx', 'two-columns.pdf'].map((f) => {
  const path = join(work, f);
  cpSync(join(ROOT, 'tests', 'fixtures', 'reports', f), path);
  return { name: f, path, hash: sha(readFileSync(path)) };
});

function sha(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}

/** Resident memory of a process and all its descendants, in KB (Linux /proc; 0 elsewhere). */
function treeRssKb(root: number): number {
  let table: string;
  try {
    table = execFileSync('ps', ['-eo', 'pid=,ppid=,rss='], { encoding: 'utf8' });
  } catch {
    return 0;
  }
  const kids = new Map<number, number[]>();
  const rss = new Map<number, number>();
  for (const line of table.split('\n')) {
    const [pid, ppid, kb] = line.trim().split(/\s+/).map(Number);
    if (!pid) continue;
    rss.set(pid, kb!);
    kids.set(ppid!, [...(kids.get(ppid!) ?? []), pid]);
  }
  let total = 0;
  for (const stack = [root]; stack.length > 0; ) {
    const pid = stack.pop()!;
    total += rss.get(pid) ?? 0;
    stack.push(...(kids.get(pid) ?? []));
  }
  return total;
}

function start(cli: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}, measure = false): { child: ChildProcess; done: Promise<Run> } {
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'cli', `${cli === 'index' ? 'index-cmd' : cli}.ts`), ...args], { cwd: ROOT, env: { ...env, ...extraEnv } });
  // Peak memory of the whole process tree (the command, its file reader and OCR processes), sampled every 100 ms.
  let peakKb = 0;
  const sampler = measure
    ? setInterval(() => {
        const kb = treeRssKb(child.pid!);
        if (kb > peakKb) peakKb = kb;
      }, 100)
    : null;
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d));
  child.stderr!.on('data', (d: Buffer) => (stderr += d));
  const done = new Promise<Run>((resolve) =>
    child.on('close', (code, signal) => {
      if (sampler) clearInterval(sampler);
      resolve({ code, stdout, stderr, ms: Date.now() - started, killed: signal === 'SIGKILL', peakMb: measure && peakKb > 0 ? Math.round(peakKb / 1024) : null });
    }),
  );
  return { child, done };
}

const run = (cli: string, args: string[], extraEnv?: NodeJS.ProcessEnv) => start(cli, args, extraEnv).done;

const measuredRun = (cli: string, args: string[], extraEnv?: NodeJS.ProcessEnv) => start(cli, args, extraEnv, true).done;

async function killAfter(cli: string, args: string[], ms: number): Promise<Run> {
  const { child, done } = start(cli, args);
  const timer = setTimeout(() => child.kill('SIGKILL'), ms);
  const result = await done;
  clearTimeout(timer);
  return result;
}

/** One clear line: a non-zero exit whose stderr holds one "error:" line and no stack frame. */
function oneLine(r: Run): boolean {
  const lines = r.stderr.split('\n').filter((l) => /^(error|unexpected error):/.test(l));
  return r.code !== 0 && lines.length === 1 && !/^\s+at /m.test(r.stderr);
}

type Verdict = 'answered' | 'one line' | 'FAILED';

interface AskCheck {
  verdict: Verdict;
  rebuilt: boolean;
  fellBack: boolean;
  underWay: boolean;
  ms: number;
  detail: string;
}

async function ask(extraEnv?: NodeJS.ProcessEnv): Promise<AskCheck> {
  const r = await run('ask', ['--json', question.question], extraEnv);
  const flags = { rebuilt: /building…/.test(r.stderr), fellBack: /answering from the previous version/.test(r.stderr), underWay: /update of the index is under way/.test(r.stderr), ms: r.ms };
  if (r.code === 0) {
    try {
      const a = JSON.parse(r.stdout) as { found: boolean; results: { text: string }[] };
      if (a.found && a.results.some((x) => x.text.includes(question.answer))) return { verdict: 'answered', ...flags, detail: '' };
      return { verdict: 'FAILED', ...flags, detail: `wrong answer: ${r.stdout.slice(0, 200)}` };
    } catch {
      return { verdict: 'FAILED', ...flags, detail: `not JSON: ${r.stdout.slice(0, 200)}` };
    }
  }
  return { verdict: oneLine(r) ? 'one line' : 'FAILED', ...flags, detail: r.stderr.trim().split('\n').slice(-3).join(' | ') };
}

/** corpus/ holds the original reports unchanged, and each added report either whole or not at all. */
const originals = new Map(readdirSync(corpus).map((f) => [f, sha(readFileSync(join(corpus, f)))]));
function corpusIntact(): string | null {
  for (const [f, h] of originals) if (!existsSync(join(corpus, f)) || sha(readFileSync(join(corpus, f))) !== h) return `${f} lost or changed`;
  for (const f of readdirSync(corpus)) {
    if (originals.has(f) || f.startsWith('.')) continue; // dot files: a killed ingest's temporary copy, never read
    const e = extra.find((x) => x.name === f);
    if (!e) return `unexpected file ${f}`;
    if (sha(readFileSync(join(corpus, f))) !== e.hash) return `${f} is half-written`;
  }
  return null;
}

const rows: Row[] = [];
const log = (m: string) => process.stderr.write(`[drill] ${m}\n`);
const tally = (checks: AskCheck[]) => {
  const n = (v: Verdict) => checks.filter((c) => c.verdict === v).length;
  return `${n('answered')} answered, ${n('one line')} one clear line, ${n('FAILED')} failed`;
};

log(`working in ${work}; question: ${question.question} (expects ${question.answer})`);
const first = await run('index', ['--force']);
if (first.code !== 0) throw new Error(`initial build failed: ${first.stderr}`);
const fullBuildMs = first.ms;
log(`initial build: ${secs(fullBuildMs)}`);

// 1. kill -9 at random points of `index --force`, `ingest` and `ingest --remove`.
if (SECTIONS.has('kills')) {
  const failures: string[] = [];
  const checks: AskCheck[] = [];
  let indexKills = 0;
  let ingestKills = 0;
  // Kill points are drawn over the time a run of that kind last took, so most runs die before they finish.
  const typical: Record<string, number> = { index: fullBuildMs, ingest: 4000, remove: 3000 };
  for (let attempt = 0; indexKills + ingestKills < KILLS && attempt < 3 * KILLS; attempt++) {
    const present = existsSync(join(corpus, extra[0]!.name));
    const kind = attempt % 2 === 0 ? 'index' : present ? 'remove' : 'ingest';
    const args = kind === 'index' ? ['--force'] : kind === 'remove' ? ['--remove', extra[0]!.name] : [extra[0]!.path];
    const at = 200 + Math.random() * 0.9 * typical[kind]!;
    const r = await killAfter(kind === 'index' ? 'index' : 'ingest', args, at);
    if (r.killed) kind === 'index' ? indexKills++ : ingestKills++;
    else typical[kind] = r.ms;
    const check = await ask();
    checks.push(check);
    const corpusProblem = corpusIntact();
    log(`kill ${indexKills + ingestKills}/${KILLS}: ${kind} at ${secs(at)}${r.killed ? '' : ' (finished first)'} -> ask ${check.verdict}${check.rebuilt ? ' (after rebuilding)' : ''} in ${secs(check.ms)}${corpusProblem ? `; corpus: ${corpusProblem}` : ''}`);
    if (check.verdict === 'FAILED') failures.push(`${kind} killed at ${secs(at)}: ${check.detail}`);
    if (corpusProblem) failures.push(`${kind} killed at ${secs(at)}: corpus ${corpusProblem}`);
  }
  if (indexKills + ingestKills < KILLS) failures.push(`only ${indexKills + ingestKills} runs were killed before they finished`);
  rows.push({
    fault: `kill -9 at a random point of \`index --force\` (${indexKills}×) and of \`ingest\` / \`ingest --remove\` (${ingestKills}×)`,
    runs: checks.length,
    outcome: `next ask after each (${checks.length} runs, ${indexKills + ingestKills} killed): ${tally(checks)}; ${checks.filter((c) => c.rebuilt).length} rebuilt the missing update first (no writer left); corpus/ whole every time`,
    failures,
    operator: 'nothing: the lock of the killed writer is taken over at once (its pid is gone); run the ingest again if it did not report success',
  });
}
// Settle: the extra report out, index up to date.
if (existsSync(join(corpus, extra[0]!.name))) await run('ingest', ['--remove', extra[0]!.name]);
// Two more builds of the same corpus: the older versions kept are then what a fallback should find.
await run('index', ['--force']);
await run('index', ['--force']);

// 2. Each index file damaged in turn (cut to half its size), then plain `npm run index`.
if (SECTIONS.has('damage')) for (const file of ['passages.json', 'vectors.f32', 'dense.hnsw', 'figures.json', 'manifest.json', 'CURRENT']) {
  const failures: string[] = [];
  const current = readFileSync(join(indexDir, 'CURRENT'), 'utf8').trim();
  const path = file === 'CURRENT' ? join(indexDir, 'CURRENT') : join(indexDir, current, file);
  writeFileSync(path, readFileSync(path).subarray(0, Math.floor(statSync(path).size / 2)));
  const before = await ask();
  const repair = await run('index', []);
  const after = await ask();
  const said = repair.stderr.match(/repaired: .*/)?.[0] ?? '';
  // The ask answers from the previous intact version (and `npm run index` repairs), or, when that version is older
  // than the corpus, brings the index up to date itself (and `npm run index` then finds it intact).
  if (before.verdict !== 'answered') failures.push(`ask on damaged ${file}: ${before.detail}`);
  if (repair.code !== 0 || (!said && !before.rebuilt)) failures.push(`npm run index did not repair ${file}: ${repair.stderr.slice(-300)}`);
  if (after.verdict !== 'answered' || after.fellBack || after.rebuilt) failures.push(`ask after repair of ${file}: ${after.verdict} ${after.detail}`);
  log(`damaged ${file}: ask ${before.verdict}${before.fellBack ? ' from the previous version' : ''}${before.rebuilt ? ' after rebuilding' : ''} in ${secs(before.ms)}; npm run index: ${said || 'no repair'} (${secs(repair.ms)}); ask after: ${after.verdict}`);
  rows.push({
    fault: `\`${file}\` of the current version cut to half`,
    runs: 2,
    outcome:
      `ask ${before.verdict}${before.fellBack ? ' from the previous intact version, with a warning' : ''}${before.rebuilt ? ' after rebuilding (the previous version was older than corpus/)' : ''} (${secs(before.ms)}); ` +
      (said ? `\`npm run index\` says "${said.replace(/\(.*/, '').trim()} (…)" and rebuilds (${secs(repair.ms)})` : `\`npm run index\` finds it intact (${secs(repair.ms)})`) +
      `; ask after: ${after.verdict}`,
    failures,
    operator: 'run `npm run index` (no --force needed) when the warning appears',
  });
}
// Damaged with no older version left: the reader rebuilds.
if (SECTIONS.has('damage')) {
  const failures: string[] = [];
  const current = readFileSync(join(indexDir, 'CURRENT'), 'utf8').trim();
  for (const v of readdirSync(indexDir)) if (v.startsWith('v-') && v !== current) rmSync(join(indexDir, v), { recursive: true });
  const path = join(indexDir, current, 'dense.hnsw');
  writeFileSync(path, readFileSync(path).subarray(0, 1000));
  const check = await ask();
  if (check.verdict !== 'answered') failures.push(check.detail);
  log(`damaged dense.hnsw, no older version: ask ${check.verdict}${check.rebuilt ? ' after rebuilding' : ''} in ${secs(check.ms)}`);
  rows.push({
    fault: '`dense.hnsw` damaged and no older version left',
    runs: 1,
    outcome: `ask ${check.verdict}${check.rebuilt ? ' after rebuilding the index itself' : ''} (${secs(check.ms)})`,
    failures,
    operator: 'nothing',
  });
}

// 3. Two ingests at once, with asks from other processes meanwhile.
if (SECTIONS.has('writers')) {
  const failures: string[] = [];
  const ingests = extra.map((e) => start('ingest', [e.path]).done);
  const asks: Promise<AskCheck>[] = [];
  for (let i = 0; i < 6; i++) {
    asks.push(ask());
    await new Promise((r) => setTimeout(r, 2000));
  }
  const [checks, results] = await Promise.all([Promise.all(asks), Promise.all(ingests)]);
  for (const [i, r] of results.entries()) if (r.code !== 0) failures.push(`ingest ${extra[i]!.name} failed: ${r.stderr.slice(-300)}`);
  for (const c of checks) {
    if (c.verdict !== 'answered') failures.push(`ask: ${c.verdict} ${c.detail}`);
    if (c.rebuilt) failures.push('an ask rebuilt the index during the ingests');
  }
  const after = await ask();
  const both = extra.every((e) => existsSync(join(corpus, e.name)));
  if (!both) failures.push('an ingested report is missing from corpus/');
  if (after.rebuilt) failures.push('the index was not up to date after both ingests');
  log(`two ingests (${results.map((r) => secs(r.ms)).join(', ')}) with ${checks.length} asks: ${tally(checks)}; ${checks.filter((c) => c.underWay).length} said an update is under way`);
  rows.push({
    fault: 'two `ingest` at once, 6 `ask` from other processes meanwhile',
    runs: checks.length,
    outcome: `ingests queued one behind the other (${results.map((r) => secs(r.ms)).join(' and ')}); asks: ${tally(checks)}, none rebuilt, ${checks.filter((c) => c.underWay).length} said "an update of the index is under way"; slowest ask ${secs(Math.max(...checks.map((c) => c.ms)))}`,
    failures,
    operator: 'nothing',
  });
}

// 4. The Bot API unreachable or rejecting the token: `npm start -- --once` reports it.
if (SECTIONS.has('botapi')) {
  const server = createServer((_, res) => {
    res.writeHead(401, { 'content-type': 'application/json' });
    res.end('{"ok":false,"error_code":401,"description":"Unauthorized"}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  const freePort = (closed.address() as { port: number }).port;
  await new Promise((r) => closed.close(r)); // nothing listens there now
  const token = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0';
  for (const [label, root, cause] of [
    ['nothing listening', `http://127.0.0.1:${freePort}`, /refused/],
    ['unresolvable host', 'http://bot-api.invalid', /does not resolve/],
    ['server answering 401', `http://127.0.0.1:${port}`, /401/],
  ] as const) {
    const r = await run('start', ['--once'], { BOT_TOKEN: token, TELEGRAM_API_ROOT: root });
    const failures: string[] = [];
    const line = r.stderr.split('\n').find((l) => l.startsWith('error:')) ?? '';
    if (!oneLine(r) || !line.includes(root) || !cause.test(line)) failures.push(r.stderr.slice(-300));
    if (r.ms > 30_000) failures.push(`reported after ${secs(r.ms)}`);
    if (r.stderr.includes(token)) failures.push('the token appears in the output');
    log(`Bot API ${label}: exit ${r.code} after ${secs(r.ms)}: ${line}`);
    rows.push({
      fault: `Bot API ${label} (\`npm start -- --once\`)`,
      runs: 1,
      outcome: `exit ${r.code} after ${secs(r.ms)}: "${line.replace(token, '***').slice(7, 120)}…"`,
      failures,
      operator: label === 'server answering 401' ? 'copy the token again from @BotFather' : 'fix TELEGRAM_API_ROOT or the network; without --once the bot retries (5, 10, 20, 40, 60 s…) and logs each attempt',
    });
  }
  server.close();
}

// 5. A damaged model file (on a copy of the model).
if (SECTIONS.has('model')) {
  const modelDir = join(work, 'models');
  cpSync(join(config.modelDir, config.modelId), join(modelDir, config.modelId), { recursive: true });
  const onnx = join(modelDir, config.modelId, 'onnx', 'model_quantized.onnx');
  writeFileSync(onnx, readFileSync(onnx).subarray(0, Math.floor(statSync(onnx).size / 3)));
  const r = await run('ask', ['--json', question.question], { MODEL_DIR: modelDir });
  const line = r.stderr.split('\n').find((l) => l.startsWith('error:')) ?? '';
  const failures = oneLine(r) && /npm install/.test(line) ? [] : [r.stderr.slice(-300)];
  log(`damaged model: exit ${r.code}: ${line}`);
  rows.push({
    fault: '`model_quantized.onnx` cut to a third (a copy)',
    runs: 1,
    outcome: `exit ${r.code}: "${line.slice(7, 110)}…"`,
    failures,
    operator: 'run `npm install` (it checks the model\'s SHA-256 and fetches it again)',
  });
}

// 6. Hostile files and damaged disks (src/drill/hostile.ts).
if (SECTIONS.has('hostile')) rows.push(...(await hostileDrill({ work, corpus, indexDir, question, run, measuredRun, log })));

rmSync(work, { recursive: true, force: true });
const bad = rows.filter((r) => r.failures.length > 0);
process.stdout.write('\n| fault | checks | what happens | what the operator does |\n| --- | --- | --- | --- |\n');
// Version names and the temporary folder change on every run: the table shows them generically.
const generic = (t: string) => t.split(work).join('<copy>').replace(/v-\d+-\d+/g, 'v-…');
for (const r of rows) process.stdout.write(generic(`| ${r.fault} | ${r.runs} | ${r.failures.length ? `**FAILED**: ${r.failures.join('; ').replace(/\|/g, '/').replace(/\n/g, ' ')}` : r.outcome} | ${r.operator} |\n`));
process.stdout.write(`\n${bad.length === 0 ? 'all checks passed' : `${bad.length} fault(s) with failed checks`} · ${secs(Date.now() - drillStarted)} · load average at the end ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores\n`);
process.exit(bad.length === 0 ? 0 : 1);
