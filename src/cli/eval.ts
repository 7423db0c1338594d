// npm run eval -- FILE.jsonl [--json] [--mode hybrid|dense|lexical] [--instruction] [--misses]
// npm run eval -- --chats tests/conversations.jsonl [--json]
// Scores a question set (format of tests/dev.jsonl), or a conversation set, through the real engine.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readConversations, scoreConversations } from '../search/conversations.js';
import { DECISION_FILE } from '../search/decide.js';
import { RANK_FILE } from '../search/engine.js';
import { breakdown, type GroupFigures, readQuestions, reportOf, scoreQuestions } from '../search/evaluate.js';
import { fatal, openEngineForCli, startup } from './common.js';

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      json: { type: 'boolean' },
      mode: { type: 'string' },
      instruction: { type: 'boolean' },
      misses: { type: 'boolean' },
      chats: { type: 'boolean' },
    },
  });
  const file = positionals[0] ?? (values.chats ? 'tests/conversations.jsonl' : 'tests/dev.jsonl');
  const mode = (values.mode ?? 'hybrid') as 'hybrid' | 'dense' | 'lexical';
  if (!['hybrid', 'dense', 'lexical'].includes(mode)) throw new Error('--mode must be hybrid, dense or lexical');
  if (!existsSync(file)) {
    process.stderr.write(`no question file at ${file}: give a JSON Lines file like tests/dev.jsonl\n`);
    process.exit(2);
  }
  if (values.chats) return evalConversations(file, values.json ?? false);
  const questions = readQuestions(file);
  const { config, log } = await startup();
  if (values.instruction) config.queryInstruction = true;
  const engine = await openEngineForCli(config, log);
  engine.rank.mode = mode;
  const report = await scoreQuestions(engine, questions);

  if (values.json) {
    process.stdout.write(JSON.stringify({ file, mode, instruction: config.queryInstruction, ...report }, null, 2) + '\n');
    return;
  }
  const m = report.metrics;
  const pct = (x: number) => x.toFixed(3);
  const rows: [string, string][] = [
    ['questions (answerable / not answerable)', `${m.answerable} / ${m.unanswerable}`],
    ['recall@1 (results of every outcome)', pct(m.recallAt1)],
    ['recall@3', pct(m.recallAt3)],
    ['recall@5', pct(m.recallAt5)],
    ['MRR', pct(m.mrr)],
    ['answer inside highlight (share of hits)', pct(m.highlightHasAnswer)],
    ['not-answerable answered found:false', pct(m.notFoundCorrect)],
    ['answerable answered found:true', pct(m.foundCorrect)],
    ['outcomes high / low / none (share of all)', `${pct(m.outcomes.high)} / ${pct(m.outcomes.low)} / ${pct(m.outcomes.none)}`],
    ['precision of confident answers (evidence in top 3)', pct(m.precisionConfident)],
    ['headline = asked figure (confident one-figure answers)', `${pct(m.headlineCorrect)} (of ${m.headlineCount})`],
    ['latency mean / p95 (ms)', `${m.latencyMeanMs.toFixed(1)} / ${m.latencyP95Ms.toFixed(1)}`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  process.stdout.write(`${file} · mode ${mode}${config.queryInstruction ? ' · with query instruction' : ''}\n`);
  for (const [k, v] of rows) process.stdout.write(`${k.padEnd(width)}  ${v}\n`);
  const table = (title: string, groups: GroupFigures[]) => {
    const w = Math.max(title.length, ...groups.map((g) => g.group.length));
    const n = (x: number | null) => (x === null ? '  -  ' : x.toFixed(3));
    process.stdout.write(`\n${title.padEnd(w)}  questions  recall@1  recall@3  found  refused  precision\n`);
    for (const g of groups) process.stdout.write(`${g.group.padEnd(w)}  ${String(g.questions).padStart(9)}  ${n(g.recallAt1).padStart(8)}  ${n(g.recallAt3).padStart(8)}  ${n(g.found)}  ${n(g.refused).padStart(7)}  ${n(g.precision).padStart(9)}\n`);
  };
  table('per kind', breakdown(questions, report.details, (q) => q.kind ?? '(none)'));
  table('per report', breakdown(questions, report.details, reportOf));
  // What the fits measured on questions they were not fitted on (npm run fit; npm run fit -- --rank).
  const stored = (url: URL, key: string) => (existsSync(url) ? (JSON.parse(readFileSync(fileURLToPath(url), 'utf8')) as Record<string, unknown>)[key] : undefined);
  const rankHeld = stored(RANK_FILE, 'heldOut');
  const decisionHeld = stored(DECISION_FILE, 'cv');
  if (rankHeld) process.stdout.write(`\nranking weights, leaving each report out (src/search/rank.json): ${JSON.stringify(rankHeld)}\n`);
  if (decisionHeld) {
    const { perKind, perReport, ...figures } = decisionHeld as Record<string, unknown>;
    process.stdout.write(`decision, leaving reports out (src/search/decision.json cv): ${JSON.stringify(figures)}\n`);
    if (perKind) process.stdout.write(`  per kind: ${JSON.stringify(perKind)}\n`);
  }
  if (values.misses) {
    for (const d of report.details.filter((d) => !d.ok)) process.stdout.write(`miss ${d.id ?? ''} ${d.question} -> ${d.note}\n`);
  }
}

/** Every turn of each chat read against that chat's frame, as `ask --json --batch --chats` does. */
async function evalConversations(file: string, json: boolean) {
  const turns = readConversations(file);
  const { config, log } = await startup();
  const score = await scoreConversations(await openEngineForCli(config, log), turns);
  if (json) return void process.stdout.write(JSON.stringify({ file, ...score }, null, 2) + '\n');
  const line = (k: string, v: { ok: number; of: number }) => `${k.padEnd(44)}  ${v.ok} of ${v.of}\n`;
  process.stdout.write(`${file}\n`);
  process.stdout.write(line('first turns with the evidence in the top 3', score.first));
  process.stdout.write(line('follow-ups with the evidence in the top 3', score.followups));
  process.stdout.write(line('places with no report refused by name', score.refusals));
  for (const d of score.details.filter((d) => !d.ok)) process.stdout.write(`miss ${d.chat} ${d.question} -> read as ${d.readAs ?? '(as written)'}\n`);
}

main().catch(fatal);
