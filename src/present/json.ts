// Answer -> the stable JSON shape of `ask --json` (documented in README; keep it exactly).
import type { Answer, PlaceRef } from '../types.js';

export interface AnswerJson {
  query: string;
  found: boolean;
  results: {
    rank: number;
    score: number;
    text: string;
    highlight: string;
    figures: string[];
    source: { file: string; title: string; district: string | null; place?: PlaceRef | null; year: number | null; paragraph: number; lines: [number, number]; page?: number };
    /** Numbered headings the passage sits under (一、2024年工作回顾 › （二）…). */
    section_path?: string[];
  }[];
  reason?: string;
  /** No place asked for, and the top results give the same indicator for these different places. */
  placesDiffer?: string[];
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
      ...(r.sectionPath ? { section_path: r.sectionPath } : {}),
    })),
    ...(answer.reason ? { reason: answer.reason } : {}),
    ...(answer.placesDiffer ? { placesDiffer: answer.placesDiffer } : {}),
  };
}
