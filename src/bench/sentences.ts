// Ablation of sentence vectors beside passage vectors (issue 10, docs/calibration.md): a candidate's cosine
// becomes the best of its own and its sentences'. The sentences are embedded here, in memory, from the current
// index; the index format does not store them, because the measurement did not show a gain.
// Run: npx tsx src/bench/sentences.ts [FILE.jsonl ...]   (default: dev, extra and calib, npm run fit's files
// in its order, so the folds are the same)
import { loadConfig } from '../config/index.js';
import { loadEmbedder } from '../embed/index.js';
import { readIndex } from '../index/store.js';
import { splitSentences } from '../passages/sentences.js';
import { collectExamples, crossValidate } from '../search/calibrate.js';
import { createEngine, DEFAULT_RANK } from '../search/engine.js';
import { readQuestions, scoreQuestions } from '../search/evaluate.js';
import { loadQuestionWords } from '../search/understand.js';

async function main() {
  const files = process.argv.length > 2 ? process.argv.slice(2) : ['tests/dev.jsonl', 'tests/extra.jsonl', 'tests/calib.jsonl'];
  const say = (s: string) => process.stdout.write(s + '\n');
  const config = await loadConfig();
  const [index, model] = await Promise.all([readIndex(config.indexDir), loadEmbedder(config)]);
  // Sentences of passages with more than one; a one-sentence passage's vector already is its sentence's.
  const texts: string[] = [];
  const owner: number[] = [];
  index.allPassages().forEach((p, i) => {
    const sentences = splitSentences(p.text);
    if (sentences.length < 2) return;
    for (const s of sentences) {
      texts.push(`${p.source.district ?? ''} ${s.text.trim()}`.trim());
      owner.push(i);
    }
  });
  const t0 = performance.now();
  const vectors = await model.embed(texts);
  say(`${texts.length} sentences of ${new Set(owner).size} of ${index.manifest.passageCount} passages embedded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  index.sentenceVectors = Array.from({ length: index.manifest.passageCount }, () => []);
  vectors.forEach((v, i) => index.sentenceVectors![owner[i]!]!.push(v));

  const synonyms = loadQuestionWords(config);
  const f3 = (x: number) => x.toFixed(3);
  for (const sentences of [false, true]) {
    const engine = createEngine(index, model, synonyms, { ...DEFAULT_RANK, sentences });
    say(`\n${sentences ? 'with' : 'without'} sentence vectors`);
    for (const file of files) {
      const questions = readQuestions(file);
      const paraphrases = questions.filter((q) => q.kind === 'paraphrase');
      const m = (await scoreQuestions(engine, questions)).metrics;
      const scored = paraphrases.length ? await scoreQuestions(engine, paraphrases) : null;
      const p = scored?.metrics;
      say(
        `  ${file} (decision.json as is): recall@1 / @3 ${f3(m.recallAt1)} / ${f3(m.recallAt3)}, answerable found ${f3(m.foundCorrect)}, ` +
          `unanswerable not found ${f3(m.notFoundCorrect)}, precision ${f3(m.precisionConfident)}` +
          (p ? ` | ${paraphrases.length} paraphrases: recall@1 / @3 ${f3(p.recallAt1)} / ${f3(p.recallAt3)}, found ${f3(p.foundCorrect)}` : ''),
      );
      for (const d of scored?.details.filter((d) => !d.ok) ?? []) say(`    miss ${d.question} -> ${d.note}`);
    }
    // The decision refitted for each variant (its features include the cosine), judged held out as npm run fit does.
    const examples = await collectExamples(engine, files.flatMap((f) => readQuestions(f)));
    const ranked = (kind?: string) => {
      const e = examples.filter((x) => x.answerable && (!kind || x.question.kind === kind));
      return `${e.filter((x) => x.hitRank === 1).length} / ${e.filter((x) => x.hitRank !== null && x.hitRank <= 3).length} of ${e.length}`;
    };
    say(`  ranking alone, answer at 1 / in top 3: all ${ranked()}, paraphrases ${ranked('paraphrase')}`);
    const cv = crossValidate(examples).figures;
    say(
      `  refitted, held out: precision at 10 % unanswerable ${f3(cv.precisionConfidentAtMix)}, answerable found ${f3(cv.answerableFound)}, ` +
        `unanswerable not found ${f3(cv.unanswerableNotFound)}, recall@1 / @3 ${f3(cv.recallAt1)} / ${f3(cv.recallAt3)}`,
    );
  }
}

// Errors (no index, no model) already name their fix: one line, no stack.
main().catch((err: unknown) => {
  process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
