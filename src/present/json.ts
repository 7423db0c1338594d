// Answer -> the stable JSON shape of `ask --json` (documented in README; keep it exactly).
import { citation } from './citation.js';
import { type Answer, type Carried, type Confidence, confidenceOf, type PlaceRef } from '../types.js';

export interface AnswerJson {
  query: string;
  found: boolean;
  /** "high" (found), "low" (closest passages, no certain answer: results are given, found is false) or "none". */
  confidence: Confidence;
  results: {
    rank: number;
    score: number;
    text: string;
    highlight: string;
    figures: string[];
    source: { file: string; title: string; district: string | null; place?: PlaceRef | null; year: number | null; paragraph: number; lines: [number, number]; page?: number; ocr?: boolean };
    /** Numbered headings the passage sits under (一、2024年工作回顾 › （二）…). */
    section_path?: string[];
    /** A sentence to paste into an article: 据《title》，“verbatim highlight”. */
    citation: string;
  }[];
  reason?: string;
  /** No place asked for, and the top results give the same indicator for these different places. */
  placesDiffer?: string[];
  /** When the report answers another period than the one asked: "报告只给出2023年的实际值：…". */
  note?: string;
  /** In a chat (`ask --json --batch --chats`): what a follow-up took from the chat's last question, and the question it was read as. */
  understood?: { carried: Carried | null; read_as?: string };
  /** A vague question: "请说明地方/指标", with what it could mean (the bot shows them as buttons). */
  ask_back?: { what: 'place' | 'indicator'; options: string[] };
}

export function toJson(answer: Answer): AnswerJson {
  return {
    query: answer.query,
    found: answer.found,
    confidence: confidenceOf(answer),
    results: answer.results.map((r) => ({
      rank: r.rank,
      score: r.score,
      text: r.text,
      highlight: r.highlight,
      figures: r.figures,
      source: { ...r.source },
      ...(r.sectionPath ? { section_path: r.sectionPath } : {}),
      citation: citation(r),
    })),
    ...(answer.reason ? { reason: answer.reason } : {}),
    ...(answer.placesDiffer ? { placesDiffer: answer.placesDiffer } : {}),
    ...(answer.askBack ? { ask_back: answer.askBack } : {}),
    ...(answer.note ? { note: answer.note } : {}),
    ...(answer.understood?.carried !== undefined
      ? { understood: { carried: answer.understood.carried ?? null, ...(answer.understood.readAs ? { read_as: answer.understood.readAs } : {}) } }
      : {}),
  };
}
