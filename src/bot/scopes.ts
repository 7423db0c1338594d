// Per-chat restriction set by /district or /report: the next questions in that chat search only one
// district or one report. Bounded like the sessions, least recently set goes first.
import { matchPlaceName } from '../places/find.js';
import { normalizeQuestion } from '../search/understand.js';
import type { ReportSummary } from '../types.js';

export interface Scope {
  /** Name of an indexed place. */
  district: string | null;
  file: string | null;
}

export const NO_SCOPE: Scope = { district: null, file: null };

export class ScopeStore {
  private readonly scopes = new Map<number, Scope>();
  constructor(private readonly maxEntries = 10_000) {}

  get(chatId: number | undefined): Scope {
    return (chatId !== undefined && this.scopes.get(chatId)) || NO_SCOPE;
  }

  set(chatId: number, scope: Scope): void {
    this.scopes.delete(chatId);
    if (scope.district === null && scope.file === null) return;
    if (this.scopes.size >= this.maxEntries) {
      const oldest = this.scopes.keys().next();
      if (!oldest.done) this.scopes.delete(oldest.value);
    }
    this.scopes.set(chatId, scope);
  }
}

const CLEAR_WORDS = new Set(['全部', '所有', '不限', '取消', '清除', 'all', 'none', 'clear', '-']);

export type ScopeArg = { kind: 'clear' } | { kind: 'district'; district: string } | { kind: 'unknown'; text: string };

/** Parse the argument of /district: an indexed place by name or short form (simplified or traditional) or "全部". */
export function parseDistrictArg(arg: string, places: readonly string[]): ScopeArg {
  const text = normalizeQuestion(arg).replace(/\s+/g, '');
  if (CLEAR_WORDS.has(text.toLowerCase())) return { kind: 'clear' };
  const hit = matchPlaceName(text, places);
  return hit ? { kind: 'district', district: hit } : { kind: 'unknown', text: arg.trim() };
}

export type ReportArg = { kind: 'clear' } | { kind: 'report'; report: ReportSummary } | { kind: 'unknown'; text: string };

/** Parse the argument of /report: its number in /sources, its file name, or "全部". */
export function parseReportArg(arg: string, reports: readonly ReportSummary[]): ReportArg {
  const text = arg.trim();
  if (CLEAR_WORDS.has(text.toLowerCase())) return { kind: 'clear' };
  if (/^\d{1,4}$/.test(text)) {
    const r = reports[Number(text) - 1];
    return r ? { kind: 'report', report: r } : { kind: 'unknown', text };
  }
  const r = reports.find((x) => x.file === text || x.file.replace(/\.[^.]+$/, '') === text);
  return r ? { kind: 'report', report: r } : { kind: 'unknown', text };
}

/** The scope a recognised /district or /report argument sets. */
export function scopeFromArg(arg: Exclude<ScopeArg | ReportArg, { kind: 'unknown' }>): Scope {
  if (arg.kind === 'clear') return NO_SCOPE;
  return arg.kind === 'district' ? { district: arg.district, file: null } : { district: null, file: arg.report.file };
}

export function scopeLabel(scope: Scope, reports: readonly ReportSummary[]): string | null {
  if (scope.file) {
    const r = reports.find((x) => x.file === scope.file);
    return r ? `《${r.title}》` : scope.file;
  }
  return scope.district;
}
