// Answer -> the stable JSON shape of `ask --json` (documented in README; keep it exactly).
import type { Answer } from '../types.js';

export interface AnswerJson {
  query: string;
  found: boolean;
  results: {
    rank: number;
    score: number;
    text: string;
    highlight: string;
    figures: string[];
    source: { file: string; title: string; district: string | null; year: number | null; paragraph: number; lines: [number, number]; page?: number; ocr?: boolean };
  }[];
  reason?: string;
}

export function toJson(answer: Answer): AnswerJson {
  return {
    query: answer.query,
    found: answer.found,
    results: answer.results.map((r) => ({
      rank: r.rank,
      score: r.score,
      text: r.text,
      highlight: r.highlight,
      figures: r.figures,
      source: { ...r.source },
    })),
    ...(answer.reason ? { reason: answer.reason } : {}),
  };
}
