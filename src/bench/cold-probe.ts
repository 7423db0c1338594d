// Run as a fresh process by the cold-start measurement: the start-up of `ask` split into its phases, each
// mark in milliseconds since this process started (performance.now() counts from process start).
// Modules are imported dynamically so that loading (and tsx's transpiling) them is a phase of its own.
const booted = performance.now();
// --index-only: a synthetic archive (src/bench/scale.ts) has no corpus folder, so its freshness is not checked.
const indexOnly = process.argv.includes('--index-only');
const question = process.argv.slice(2).find((a) => !a.startsWith('--')) ?? '城中区去年城镇新增就业多少人？';

const { loadConfig } = await import('../config/index.js');
const { loadEmbedder } = await import('../embed/index.js');
const { indexStatus } = await import('../index/build.js');
const { readIndex } = await import('../index/store.js');
const { createEngine, DEFAULT_RANK } = await import('../search/engine.js');
const { loadQuestionWords } = await import('../search/understand.js');
const imported = performance.now();

const config = await loadConfig();
const status = indexOnly ? { state: 'fresh' } : indexStatus(config);
const checked = performance.now();
const model = await loadEmbedder(config);
const modelLoaded = performance.now();
const index = await readIndex(config.indexDir);
const indexRead = performance.now();
const engine = createEngine(index, model, loadQuestionWords(config), DEFAULT_RANK);
const opened = performance.now();
const answer = await engine.search(question);
const answered = performance.now();

process.stdout.write(
  JSON.stringify({
    fresh: status.state === 'fresh',
    found: answer.found,
    /** Resident memory of the process answering (model, index, engine), after the first answer. */
    rss: process.memoryUsage().rss,
    marks: { booted, imported, checked, modelLoaded, indexRead, opened, answered },
  }) + '\n',
);
