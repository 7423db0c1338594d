// Scores a draft set (tests/check.jsonl): one figure per line with the verdict it deserves and, for supported and
// contradicted ones, the report's figure and file. A verdict counts as right only with the right report and figure.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { checkText, type FigureBook, type Verdict } from './index.js';

const Draft = z.object({
  text: z.string().min(1),
  verdict: z.enum(['supported', 'contradicted', 'unverified']),
  /** The figure of the text the verdict is about, as written (else its first figure). */
  figure: z.string().optional(),
  reportFigure: z.string().optional(),
  file: z.string().optional(),
});
export type Draft = z.infer<typeof Draft>;

export function readDrafts(path: string): Draft[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((line, i) => {
      const parsed = Draft.safeParse(JSON.parse(line));
      if (!parsed.success) throw new Error(`${path} line ${i + 1}: ${parsed.error.issues[0]?.message ?? 'bad line'} (want {"text","verdict","reportFigure"?,"file"?})`);
      return parsed.data;
    });
}

export interface DraftScore {
  drafts: number;
  /** Right verdict, and for supported/contradicted the right report and report figure. */
  accuracy: number;
  byVerdict: Record<Verdict, { total: number; right: number }>;
  /** Claims called supported that the set says are not. */
  wrongSupported: number;
  misses: { text: string; expected: Verdict; got: Verdict | 'no figure'; reportFigure: string | null }[];
  p95Ms: number;
}

export function scoreDrafts(book: FigureBook, drafts: Draft[]): DraftScore {
  const byVerdict = { supported: { total: 0, right: 0 }, contradicted: { total: 0, right: 0 }, unverified: { total: 0, right: 0 } };
  const misses: DraftScore['misses'] = [];
  const times: number[] = [];
  let right = 0;
  let wrongSupported = 0;
  for (const d of drafts) {
    const result = checkText(book, d.text);
    times.push(result.tookMs);
    // The claim the line is about: the one with its figure ("304个项目完成投资2992亿元" is about 2992亿元).
    const claim = (d.figure !== undefined ? result.claims.find((c) => c.figure === d.figure) ?? result.claims.find((c) => c.figure.includes(d.figure!) || d.figure!.includes(c.figure)) : undefined) ?? result.claims[0];
    const got = claim?.verdict ?? 'no figure';
    const ok =
      claim !== undefined &&
      got === d.verdict &&
      (d.verdict === 'unverified' || ((!d.reportFigure || claim.reportFigure === d.reportFigure) && (!d.file || claim.source?.file === d.file)));
    byVerdict[d.verdict].total++;
    if (ok) {
      right++;
      byVerdict[d.verdict].right++;
    } else misses.push({ text: d.text, expected: d.verdict, got, reportFigure: claim?.reportFigure ?? null });
    if (got === 'supported' && d.verdict !== 'supported') wrongSupported++;
  }
  times.sort((a, b) => a - b);
  return {
    drafts: drafts.length,
    accuracy: drafts.length ? right / drafts.length : 0,
    byVerdict,
    wrongSupported,
    misses,
    p95Ms: times[Math.min(times.length - 1, Math.floor(times.length * 0.95))] ?? 0,
  };
}
