// npm run bench [-- --json] [--scale 100000,1000000] [--only embedding,build,query,cold,load,scale] [--no-write]
// Measures embedding throughput, index build, query latency, cold start, scale and load on this machine,
// prints a table (or one JSON object with --json; logs go to stderr) and writes bench-results/latest.{json,md}
// (git-ignored: results of this machine, not source).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openEngine } from '../app/open.js';
import { loadConfig, ROOT } from '../config/index.js';
import { loadEmbedder } from '../embed/index.js';
import { indexedText } from '../index/indexed-text.js';
import { DEFAULT_HNSW, type HnswParams } from '../index/store.js';
import { createLogger } from '../log.js';
import { readQuestions } from '../search/evaluate.js';
import { loadSynonyms } from '../search/understand.js';
import { benchBuild } from './build.js';
import { benchCheck } from './check.js';
import { benchColdStart } from './cold.js';
import { benchEmbedding } from './embedding.js';
import { timeQueries } from './latency.js';
import { benchLoad } from './load.js';
import { benchOcr } from './ocr.js';
import { currentLoad, machineInfo } from './machine.js';
import { type BenchResults, checkTargets, renderMarkdown, summaryTable } from './report.js';
import { benchScale } from './scale.js';

const SECTIONS = ['embedding', 'build', 'query', 'check', 'cold', 'load', 'scale', 'ocr'] as const;
type Section = (typeof SECTIONS)[number];

const USAGE = `usage: npm run bench [-- --json] [--scale 100000,1000000] [--only ${SECTIONS.join(',')}] [--no-write]
  --scale N,N        synthetic archive sizes (default 100000)
  --e2e-max N        run the full search path on synthetic archives up to N passages (default 100000)
  --ingest-report F  the report added to each of those archives through the ingest path (default tests/fixtures/real/quzhou-2025.txt)
  --ingests N        reports added one after the other to each of those archives (default 1; copies of that report)
  --merge-fanout N   segments of one size tier merged into one at an ingest (default 4; 1000: never)
  --hnsw M,efC,ef    HNSW parameters for the scale runs (default ${DEFAULT_HNSW.M},${DEFAULT_HNSW.efConstruction},${DEFAULT_HNSW.ef})
  --ef-sweep N,N     ef values to measure recall and latency at (default 64,128,200,300,400,512)
  --only LIST        run only these sections (does not write latest.*)
  --repeats N        passes over the dev questions for warm latency (default 10)
  --rounds N         head-to-head rounds for embedding throughput (default 3)
  --no-write         do not update bench-results/latest.json and latest.md`;

/** A wrong option: said in one line with the help, not as a crash. */
class UsageError extends Error {}

const numbers = (s: string, what: string) =>
  s.split(',').map((x) => {
    const n = Number(x.trim().replace(/_/g, ''));
    if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${what}: "${x}" is not a positive whole number`);
    return n;
  });

/** The questions of one of the repository's question files (tests/dev.jsonl…). */
const questionsOf = (file: string) => readQuestions(join(ROOT, file)).map((q) => q.question);

/**
 * The report the scale section adds to each end-to-end archive, and the questions about it: those of
 * tests/real.jsonl whose source is a file of that name (none for another report: then only the time is measured).
 */
function ingestReport(file: string): { file: string; questions: { question: string; answer: string }[] } {
  const name = file.split('/').pop()!;
  const questions = readQuestions(join(ROOT, 'tests/real.jsonl'))
    .filter((q) => q.source === name && q.answer)
    .map((q) => ({ question: q.question, answer: q.answer! }));
  return { file, questions };
}

async function main() {
  const { values } = parseArgs({
    options: {
      json: { type: 'boolean' },
      scale: { type: 'string', default: '100000' },
      'e2e-max': { type: 'string', default: '100000' },
      'ingest-report': { type: 'string', default: join(ROOT, 'tests/fixtures/real/quzhou-2025.txt') },
      ingests: { type: 'string', default: '1' },
      'merge-fanout': { type: 'string' },
      hnsw: { type: 'string' },
      'ef-sweep': { type: 'string', default: '64,128,200,300,400,512' },
      only: { type: 'string' },
      repeats: { type: 'string', default: '10' },
      rounds: { type: 'string', default: '3' },
      'no-write': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return void process.stdout.write(USAGE + '\n');
  const only = new Set((values.only ? values.only.split(',') : SECTIONS).map((s) => s.trim()));
  for (const s of only) if (!SECTIONS.includes(s as Section)) throw new UsageError(`--only: unknown section "${s}" (${SECTIONS.join(', ')})`);
  const run = (s: Section) => only.has(s);
  const [M, efConstruction, ef] = values.hnsw ? numbers(values.hnsw, '--hnsw') : [DEFAULT_HNSW.M, DEFAULT_HNSW.efConstruction, DEFAULT_HNSW.ef];
  if (ef === undefined) throw new UsageError('--hnsw: three numbers, M,efConstruction,ef (e.g. 32,200,400)');
  const hnsw: HnswParams = { M: M!, efConstruction: efConstruction!, ef };
  // Every number read before any work, so a typo fails at once rather than after an hour.
  const repeats = numbers(values.repeats!, '--repeats')[0]!;
  const rounds = numbers(values.rounds!, '--rounds')[0]!;
  const sizes = numbers(values.scale!, '--scale');
  const efSweep = numbers(values['ef-sweep']!, '--ef-sweep');
  const e2eMax = numbers(values['e2e-max']!, '--e2e-max')[0]!;
  const ingests = numbers(values.ingests!, '--ingests')[0]!;
  const mergeFanout = values['merge-fanout'] === undefined ? undefined : numbers(values['merge-fanout'], '--merge-fanout')[0]!;

  const config = await loadConfig();
  const log = createLogger(config.logLevel === 'silent' ? 'silent' : 'info');
  const machine = machineInfo();
  const startedAt = new Date().toISOString();
  const started = performance.now();
  const workDir = mkdtempSync(join(tmpdir(), 'report-bench-'));
  const results: Omit<BenchResults, 'targets'> = {
    startedAt,
    seconds: 0,
    command: `npm run bench${process.argv.length > 2 ? ' -- ' + process.argv.slice(2).join(' ') : ''}`,
    machine,
  };
  log.info(`bench: ${machine.cores} × ${machine.cpu}, load average ${machine.loadStart}; working in ${workDir}`);

  try {
    // Question cache off: every measured question really goes through the model.
    const embedder = await loadEmbedder(config, { queryCache: 0 });
    // Always on a private copy of the corpus and index, so a test run elsewhere cannot change them meanwhile.
    log.info('index build…');
    const built = await benchBuild(config, embedder, join(workDir, 'build'));
    if (run('build')) results.build = built.result;
    const engine = await openEngine(built.config, { embedder, log, answerMemory: 0 });
    const dev = questionsOf('tests/dev.jsonl');
    const extra = questionsOf('tests/extra.jsonl');

    if (run('embedding')) {
      log.info('embedding throughput…');
      const texts = engine.index.allPassages().map(indexedText);
      results.embedding = await benchEmbedding(built.config, texts, { batchSizes: [1, 4, 8, 16, 32], threads: [1, 2], rounds, log });
    }
    if (run('query')) {
      log.info('warm query latency…');
      results.query = await timeQueries(engine, dev, repeats);
    }
    if (run('check')) {
      log.info('checking drafts of five sentences…');
      results.check = benchCheck(engine, loadSynonyms(config.synonymsFile), join(ROOT, 'tests/check.jsonl'), repeats * 2);
    }
    if (run('cold')) {
      log.info('cold start…');
      const env = { ...process.env, CORPUS_DIR: built.config.corpusDir, INDEX_DIR: built.config.indexDir, LOG_LEVEL: 'warn' };
      results.coldStart = await benchColdStart(env, dev[0]!, 3);
    }
    if (run('load')) {
      log.info('load through the bot…');
      const questions = [...dev, ...extra];
      // As deployed (npm start): a fresh engine, its question cache empty (each distinct question embedded once),
      // the model in a worker thread unless EMBED_WORKER=false.
      const deployed = await openEngine(built.config, { embedder: await loadEmbedder(built.config, { worker: built.config.embedWorker, onWarning: (m) => log.warn(m) }), log });
      results.load = [{ ...(await benchLoad(deployed, built.config, questions, 100, 5, workDir)), variant: 'as deployed (question and answer memories, empty at start)' }];
      // Every question through the model, as if all 500 were different (the model where the bot has it).
      const uncached = await openEngine(built.config, { embedder: await loadEmbedder(built.config, { queryCache: 0, worker: built.config.embedWorker, onWarning: (m) => log.warn(m) }), log, answerMemory: 0 });
      results.load.push({ ...(await benchLoad(uncached, built.config, questions, 100, 5, workDir)), variant: 'question and answer memories off (every question embedded and answered)' });
    }
    if (run('scale')) {
      const questionVectors = await Promise.all([...dev, ...extra].map((q) => embedder.embedQuery(q)));
      const passages = engine.index.allPassages();
      results.scale = await benchScale(
        { passages, vectors: passages.map((p) => engine.index.vector(p.id)) },
        questionVectors,
        dev,
        embedder,
        loadSynonyms(config.synonymsFile),
        {
          sizes,
          hnsw,
          efSweep,
          queryCopies: 4,
          e2eMax,
          e2eRepeats: 5,
          ingest: ingestReport(values['ingest-report']!),
          ingests,
          ...(mergeFanout ? { mergeFanout } : {}),
          workDir,
          log,
        },
      );
    }
    if (run('ocr')) {
      log.info('OCR of scanned pages…');
      results.ocr = await benchOcr(log);
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }

  results.seconds = Math.round((performance.now() - started) / 1000);
  machine.loadEnd = currentLoad();
  const full: BenchResults = { ...results, targets: checkTargets(results) };
  // A partial run (--only) never replaces the full results docs/performance.md links to.
  if (!values['no-write'] && !values.only) {
    const out = join(ROOT, 'bench-results');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'latest.json'), JSON.stringify(full, null, 2) + '\n');
    writeFileSync(join(out, 'latest.md'), renderMarkdown(full));
    log.info('wrote bench-results/latest.json and bench-results/latest.md');
  }
  if (values.json) process.stdout.write(JSON.stringify(full) + '\n');
  else process.stdout.write(summaryTable(full) + '\n');
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    // parseArgs' own errors (an unknown or valueless option) are usage errors too.
    const usage = err instanceof UsageError || (err instanceof Error && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS'));
    if (usage) process.stderr.write(`bench: ${(err as Error).message} (npm run bench -- --help)\n`);
    else process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
