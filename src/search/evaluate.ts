// Scores a question set through an engine: retrieval recall, highlight quality, found/not-found decisions.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { findFigures } from '../clean/figures.js';
import { type Answer, type Confidence, confidenceOf, type Engine } from '../types.js';

export interface EvalQuestion {
  id?: string;
  question: string;
  /** File that answers it, or null when no report does. */
  source: string | null;
  answer: string | null;
  /** Exact substring of the source once whitespace is removed. */
  evidence: string | null;
  kind?: string;
  /** The place asked about, as the question set labels it. */
  district?: string | null;
  alt_sources?: string[];
  alt_evidence?: string[];
}

export interface EvalMetrics {
  answerable: number;
  unanswerable: number;
  recallAt1: number;
  recallAt3: number;
  recallAt5: number;
  mrr: number;
  highlightHasAnswer: number;
  notFoundCorrect: number;
  foundCorrect: number;
  latencyMeanMs: number;
  latencyP95Ms: number;
  /** Share of all questions answered with each confidence. */
  outcomes: Record<Confidence, number>;
  /** Confident answers (found: true) whose evidence is in the top 3, over all confident answers. */
  precisionConfident: number;
  /** Confident answers to one-figure questions whose first figure (the card's headline) is the answer. */
  headlineCorrect: number;
  headlineCount: number;
}

export interface EvalDetail {
  id?: string;
  question: string;
  kind?: string;
  found: boolean;
  confidence: Confidence;
  /** The card's headline figure (first figure of the first result), when there is one. */
  headline: string | null;
  /** 1-based rank of the first result that holds the evidence, or null. */
  hitRank: number | null;
  highlightOk: boolean | null;
  ok: boolean;
  note: string;
  ms: number;
}

/** A question file in the format of tests/dev.jsonl, one JSON object a line; a bad line names its number. */
const QuestionSchema = z.object({
  id: z.string().optional(),
  question: z.string(),
  source: z.string().nullable(),
  answer: z.string().nullable(),
  evidence: z.string().nullable(),
  kind: z.string().optional(),
  district: z.string().nullable().optional(),
  alt_sources: z.array(z.string()).optional(),
  alt_evidence: z.array(z.string()).optional(),
});

export function readQuestions(path: string): EvalQuestion[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .map((line, i) => [line.trim(), i + 1] as const)
    .filter(([line]) => line !== '')
    .map(([line, n]) => {
      const parsed = QuestionSchema.safeParse(JSON.parse(line));
      if (!parsed.success) throw new Error(`${path}:${n}: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
      return parsed.data;
    });
}

/** Compare texts the way the question set is written: no whitespace, no Markdown emphasis. */
export const normalizeForMatch = (s: string) => s.replace(/\s+/g, '').replace(/\*\*|__/g, '');

/** The first result holding the question's evidence (in its source or an alternative one), or undefined. */
export function hitOf(q: EvalQuestion, answer: Answer): Answer['results'][number] | undefined {
  if (q.source === null) return undefined;
  const targets = [
    { file: q.source, evidence: q.evidence ?? '' },
    ...(q.alt_sources ?? []).map((file, i) => ({ file, evidence: q.alt_evidence?.[i] ?? q.evidence ?? '' })),
  ].map((t) => ({ file: t.file, evidence: normalizeForMatch(t.evidence) }));
  // A statistics card is quoted as "<label>：<figures>"; evidence copied from the file has no "：" there.
  const texts = (r: Answer['results'][number]) => {
    const text = normalizeForMatch(r.text);
    const label = r.section ? normalizeForMatch(r.section).replace(/^[■\s]+/, '') : null;
    return label && text.startsWith(`${label}：`) ? [text, label + text.slice(label.length + 1)] : [text];
  };
  return answer.results.find((r) => targets.some((t) => r.source.file === t.file && texts(r).some((x) => x.includes(t.evidence))));
}

/** An answer that is exactly one figure ("6725人", "200亿元以上"), or null: the questions the headline is scored on. */
export function oneFigure(answer: string | null): string | null {
  if (!answer) return null;
  const compact = normalizeForMatch(answer);
  const figures = findFigures(compact);
  return figures.length === 1 && figures[0] === compact ? compact : null;
}

export async function scoreQuestions(engine: Engine, questions: EvalQuestion[]): Promise<{ metrics: EvalMetrics; details: EvalDetail[] }> {
  const details: EvalDetail[] = [];
  for (const q of questions) {
    const answer = await engine.search(q.question, { top: 5 });
    const ms = answer.tookMs;
    const confidence = confidenceOf(answer);
    const headline = answer.results[0]?.figures[0] ?? null;
    if (q.source === null) {
      const ok = !answer.found;
      details.push({ id: q.id, question: q.question, kind: q.kind, found: answer.found, confidence, headline, hitRank: null, highlightOk: null, ok, ms, note: ok ? `not found, as expected (${confidence})` : `answered found:true (top: ${answer.results[0]?.text.slice(0, 40)}…)` });
      continue;
    }
    const hit = hitOf(q, answer);
    const hitRank = hit ? hit.rank : null;
    const highlightOk = hit ? normalizeForMatch(hit.highlight).includes(normalizeForMatch(q.answer ?? '')) : null;
    const ok = answer.found && hitRank === 1 && highlightOk === true;
    const top = answer.results[0];
    const note = confidence === 'none'
      ? `found:false (${answer.reason})`
      : !answer.found
      ? `low confidence, hit at ${hitRank ?? '-'}`
      : hitRank === null
        ? `evidence not in top 5 (top: ${top?.source.file} ${top?.text.slice(0, 40)}…)`
        : `hit at ${hitRank}${highlightOk ? '' : `, highlight misses "${q.answer}": ${hit!.highlight.slice(0, 50)}`}`;
    const figure = oneFigure(q.answer);
    const headlineNote = answer.found && figure && headline !== figure ? `; headline ${headline} ≠ ${figure}` : '';
    details.push({ id: q.id, question: q.question, kind: q.kind, found: answer.found, confidence, headline, hitRank, highlightOk, ok, ms, note: note + headlineNote });
  }

  const answerable = details.filter((d, i) => questions[i]!.source !== null);
  const unanswerable = details.filter((d, i) => questions[i]!.source === null);
  const share = (xs: EvalDetail[], f: (d: EvalDetail) => boolean) => (xs.length ? xs.filter(f).length / xs.length : 0);
  const hits = answerable.filter((d) => d.hitRank !== null);
  const headlined = details.filter((d, i) => d.found && oneFigure(questions[i]!.answer) !== null);
  const latencies = details.map((d) => d.ms).sort((a, b) => a - b);
  const metrics: EvalMetrics = {
    answerable: answerable.length,
    unanswerable: unanswerable.length,
    recallAt1: share(answerable, (d) => d.hitRank !== null && d.hitRank <= 1),
    recallAt3: share(answerable, (d) => d.hitRank !== null && d.hitRank <= 3),
    recallAt5: share(answerable, (d) => d.hitRank !== null && d.hitRank <= 5),
    mrr: answerable.length ? answerable.reduce((s, d) => s + (d.hitRank ? 1 / d.hitRank : 0), 0) / answerable.length : 0,
    highlightHasAnswer: share(hits, (d) => d.highlightOk === true),
    notFoundCorrect: share(unanswerable, (d) => !d.found),
    foundCorrect: share(answerable, (d) => d.found),
    latencyMeanMs: latencies.reduce((s, x) => s + x, 0) / Math.max(1, latencies.length),
    latencyP95Ms: latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.95))] ?? 0,
    outcomes: { high: share(details, (d) => d.confidence === 'high'), low: share(details, (d) => d.confidence === 'low'), none: share(details, (d) => d.confidence === 'none') },
    precisionConfident: share(details.filter((d) => d.found), (d) => d.hitRank !== null && d.hitRank <= 3),
    headlineCorrect: share(headlined, (d) => d.headline === oneFigure(questions[details.indexOf(d)]!.answer)),
    headlineCount: headlined.length,
  };
  return { metrics, details };
}

export interface GroupFigures {
  group: string;
  questions: number;
  recallAt1: number;
  recallAt3: number;
  /** Answerable answered found: true. */
  found: number;
  /** Unanswerable answered found: false (null when the group has none). */
  refused: number | null;
  /** Confident answers with the evidence in the top 3 (null when none is confident). */
  precision: number | null;
}

/**
 * The figures per group of questions: per kind ("figure", "paraphrase", "negative"…) or per report (the source
 * file; questions no report answers grouped by the place they name).
 */
export function breakdown(questions: EvalQuestion[], details: EvalDetail[], by: (q: EvalQuestion) => string): GroupFigures[] {
  const groups = new Map<string, number[]>();
  questions.forEach((q, i) => groups.set(by(q), [...(groups.get(by(q)) ?? []), i]));
  const r = (x: number) => Math.round(x * 1000) / 1000;
  return [...groups.entries()].map(([group, idx]) => {
    const answerable = idx.filter((i) => questions[i]!.source !== null);
    const unanswerable = idx.filter((i) => questions[i]!.source === null);
    const confident = idx.filter((i) => details[i]!.found);
    const share = (xs: number[], f: (i: number) => boolean) => (xs.length ? r(xs.filter(f).length / xs.length) : 0);
    const hit = (i: number, n: number) => details[i]!.hitRank !== null && details[i]!.hitRank! <= n;
    return {
      group,
      questions: idx.length,
      recallAt1: share(answerable, (i) => hit(i, 1)),
      recallAt3: share(answerable, (i) => hit(i, 3)),
      found: share(answerable, (i) => details[i]!.found),
      refused: unanswerable.length ? share(unanswerable, (i) => !details[i]!.found) : null,
      precision: confident.length ? share(confident, (i) => hit(i, 3)) : null,
    };
  }).sort((a, b) => a.group.localeCompare(b.group));
}

/** Report a question belongs to: its source, else the place it was asked about (the id's file for unanswerable ones). */
export const reportOf = (q: EvalQuestion) => q.source ?? `（无答案）${q.district ?? ''}`;
