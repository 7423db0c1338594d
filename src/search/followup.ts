// Follow-up questions: a chat keeps the frame of its last understood question (place, indicator, year, period,
// kind of figure), and a message that lacks pieces ("那城西区呢？", "去年呢？", "增长了多少？") takes them from it.
// The message is read as a whole question ("城西区2023年城镇新增就业多少？") and searched like any other, so the
// engine, the decision and the refusal of a place with no report stay exactly what they are for typed questions.
// Cue words live in followup.json, and how a question asks in cues.ts (data, not code).
import { readFileSync } from 'node:fs';
import { ExpiringStore } from '../expiring.js';
import { UNITS } from '../clean/figures.js';
import { gazetteer } from '../places/gazetteer.js';
import { findPlaces, namedPlaces } from '../places/find.js';
import type { Answer, Carried, Place, ReportSummary } from '../types.js';
import { askedFigureKind, askedPeriod, ASKING_WORDS, type AskedKind, FRAME_WORDS, type Period } from './cues.js';
import { normalizeQuestion, placesAsked, WANTS_FIGURE } from './understand.js';

interface Words {
  leading: string[];
  trailing: string[];
  years: string[];
  fillers: string[];
  edges: string[];
  shares: string[];
}

const load = (name: string) => JSON.parse(readFileSync(new URL(name, import.meta.url), 'utf8')) as Record<string, unknown>;
const list = (raw: Record<string, unknown>, key: string, file: string): string[] => {
  const v = raw[key];
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) throw new Error(`src/search/${file}: "${key}" must be a list of words`);
  return v;
};

const WORDS: Words = (() => {
  const raw = load('./followup.json');
  return { leading: list(raw, 'leading', 'followup.json'), trailing: list(raw, 'trailing', 'followup.json'), years: list(raw, 'years', 'followup.json'), fillers: list(raw, 'fillers', 'followup.json'), edges: list(raw, 'edges', 'followup.json'), shares: list(raw, 'shares', 'followup.json') };
})();

const RELATIVE_WORD = { '-1': '去年', '0': '今年', '1': '明年' } as const;

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const alternation = (words: string[]) => [...words].sort((a, b) => b.length - a.length).map(escape).join('|');
const LEADING = new RegExp(`^(?:${alternation(WORDS.leading)})+`);
const TRAILING = new RegExp(`(?:${alternation(WORDS.trailing)})?[？?。！!\\s]*$`);
const YEAR = new RegExp(WORDS.years.join('|'));
const YEARS = new RegExp(WORDS.years.join('|'), 'g');
const STRIP = new RegExp(alternation([...ASKING_WORDS, ...FRAME_WORDS, ...WORDS.shares, ...WORDS.fillers]), 'g');
const SHARE = new RegExp(alternation(WORDS.shares));
/** "多少人次", "几个": the unit asked in belongs to the question, not to the indicator. */
const MEASURE = new RegExp(`(?:多少|几)(?:${alternation([...UNITS])})?`, 'g');
const STOP_PREFIX = new RegExp(`^(?:${alternation(WORDS.edges)})+`);
const STOP_SUFFIX = new RegExp(`(?:${alternation(WORDS.edges)})+$`);

/** What a chat's last understood question asked: the pieces a follow-up may take. */
export interface Frame {
  /** The place as the question named it (also a place with no report, so a follow-up is refused by name). */
  place: string | null;
  /** The indicator in the question's words (城镇新增就业). */
  indicator: string;
  /** The year as written: "2023年", "去年". */
  year: string | null;
  period: Period | null;
  kind: AskedKind | null;
  wantsFigure: boolean;
  /** The question without its place and year ("城镇新增就业多少？"): kept as asked while nothing else changes. */
  wording: string;
  /**
   * The year asked, relative to the report that answered it (2023年 from a 2024 report: -1). Another place's
   * reports may be of other years: it is asked that place's same year of its own report (去年), and the card says
   * which year that is.
   */
  relative?: -1 | 0 | 1;
}

/** One message's own pieces. */
export interface Turn extends Frame {
  /** Does it read as a follow-up (那…, …呢)? */
  cue: boolean;
}

/** Places with a report, from the report list (a report without a code resolves its place name). */
export function coveredOf(reports: readonly ReportSummary[]): Place[] {
  let covered = coveredCache.get(reports);
  if (!covered) coveredCache.set(reports, (covered = Object.freeze(coveredPlacesOf(reports)) as Place[]));
  return covered;
}

/** The engine hands out one list of reports per index version: its covered places are worked out once. */
const coveredCache = new WeakMap<readonly ReportSummary[], Place[]>();

function coveredPlacesOf(reports: readonly ReportSummary[]): Place[] {
  const g = gazetteer();
  const out = new Map<string, Place>();
  for (const r of reports) {
    const known = r.place ? (g.byCode.get(r.place.code) ?? { ...r.place, parent: null }) : null;
    const named = known ? [known] : r.district ? namedPlaces(findPlaces(r.district)).flatMap((m) => m.places) : [];
    for (const p of named) out.set(p.code, p);
  }
  return [...out.values()];
}

/** The pieces of one message. */
export function readTurn(question: string, covered: Place[]): Turn {
  const normalized = normalizeQuestion(question);
  const asked = placesAsked(normalized, covered);
  const place = asked.uncovered ?? (asked.words.length > 0 ? asked.words.join('') : asked.national ? asked.named : null);
  let rest = normalized;
  for (const w of [...asked.words].sort((a, b) => b.length - a.length)) rest = rest.split(w).join('');
  if (asked.uncovered) rest = rest.split(asked.uncovered).join('');
  const year = YEAR.exec(rest)?.[0].replace(/\s+/g, '') ?? null;
  rest = rest.replace(YEARS, '');
  const cue = LEADING.test(rest) || /呢[？?。！!\s]*$/.test(rest);
  const wording = rest.replace(LEADING, '').replace(TRAILING, '').replace(/^的/, '');
  const indicator = wording.replace(MEASURE, '').replace(STRIP, '').replace(STOP_PREFIX, '').replace(STOP_SUFFIX, '');
  return {
    place: place && place.length > 0 ? place : null,
    indicator: [...indicator.matchAll(/\p{Script=Han}/gu)].length >= 2 || /[A-Za-z]{2,}/.test(indicator) ? indicator : '',
    year,
    period: askedPeriod(normalized),
    kind: SHARE.test(rest) ? 'share' : askedFigureKind(normalized),
    wantsFigure: WANTS_FIGURE.test(normalized),
    wording: wording.length > 0 ? `${wording}？` : '',
    cue,
  };
}

/** How a message is read: the question searched, what it took from the frame (null: read as written), the new frame. */
export interface Reading {
  question: string;
  carried: Carried | null;
  /** "城西区 · 城镇新增就业 · 2023年": what the card says the message was read as (null when read as written). */
  label: string | null;
  /** The indicator with the kind and period asked ("地区生产总值增长目标"), for the label. */
  what?: string;
  frame: Frame | null;
}

/** The words a rebuilt question ends with: the kind and period asked, and a question word. */
function asking(f: Pick<Frame, 'kind' | 'period' | 'wantsFigure' | 'indicator' | 'year'>): string {
  const growth = f.kind === 'growth' && !/增长|增速|增幅/.test(f.indicator);
  if (f.kind === 'share' && !SHARE.test(f.indicator)) return '占比是多少？';
  if (f.kind === 'rank') return '排第几？';
  // 今年 already asks for the plan; the word 目标 would be one more concept a passage has to name (measured worse).
  const target = f.period === 'plan' && f.year !== '今年' ? '目标' : '';
  if (growth) return `增长${target}${target ? '是' : ''}多少？`;
  if (target) return '目标是多少？';
  return f.wantsFigure || f.period === 'plan' ? '是多少？' : '？';
}

/**
 * Read a message in the light of the chat's frame. A complete question (place and indicator, no follow-up cue)
 * replaces the frame; a message lacking its indicator, or a cued one (那…, …呢) lacking its place or year, takes
 * them from the frame. A new year or a target asked drops the frame's period and year.
 */
export function readInFrame(frame: Frame | null, question: string, covered: Place[]): Reading {
  const turn = readTurn(question, covered);
  const own = (t: Turn): Frame => ({ place: t.place, indicator: t.indicator, year: t.year, period: t.period, kind: t.kind, wantsFigure: t.wantsFigure, wording: t.wording });
  const asWritten = { question, carried: null, label: null, frame: turn.indicator ? own(turn) : frame };
  if (!frame) return asWritten;
  // A question naming its indicator without a follow-up cue is a new question, also without a place
  // (固定资产投资多少？ searches every report): taking the last place would hide the other reports unasked.
  if (turn.indicator && !turn.cue) return asWritten;
  // Nothing of a question in it (好的, 谢谢): no follow-up either.
  if (!turn.indicator && !turn.cue && !turn.place && !turn.year && !turn.period && !turn.kind) return asWritten;
  const carried: Carried = {};
  const place = turn.place ?? frame.place;
  if (!turn.place && frame.place) carried.place = frame.place;
  const indicator = turn.indicator || frame.indicator;
  if (!turn.indicator) carried.indicator = frame.indicator;
  // Another year or a target asked for replaces the frame's time; a growth asked for keeps it (增长了多少？).
  const newTime = turn.year !== null || turn.period === 'plan';
  const otherPlace = turn.place !== null && turn.place !== frame.place;
  const sameRelative = otherPlace && frame.relative !== undefined && frame.year !== null && /^\d/.test(frame.year) ? RELATIVE_WORD[frame.relative] : null;
  const year = turn.year ?? (newTime ? null : (sameRelative ?? frame.year));
  if (!turn.year && year) carried.year = year;
  const period = turn.period ?? (newTime ? null : frame.period);
  if (!turn.period && period) carried.period = period;
  const kind = turn.kind ?? frame.kind;
  if (!turn.kind && kind) carried.kind = kind;
  if (Object.keys(carried).length === 0) return asWritten;
  const same = !turn.indicator && kind === frame.kind && period === frame.period;
  const wantsFigure = turn.wantsFigure || frame.wantsFigure;
  // A target with no year is the plan of the latest report: 今年.
  const planYear = period === 'plan' && year === null ? '今年' : year;
  const next: Frame = { place, indicator, year: planYear, period, kind, wantsFigure, wording: same ? frame.wording : `${indicator}${asking({ kind, period, wantsFigure, indicator, year: planYear })}` };
  const what = `${indicator}${kind === 'growth' && !/增长|增速|增幅/.test(indicator) ? '增长' : kind === 'share' && !SHARE.test(indicator) ? '占比' : ''}${period === 'plan' ? '目标' : ''}`;
  return {
    question: `${place ?? ''}${planYear ?? ''}${next.wording}`,
    carried,
    label: [place, what, planYear].filter(Boolean).join(' · '),
    what,
    frame: next,
  };
}

/** The answer as the reporter asked it: their words as the query, with what was taken from the frame. */
function withReading(answer: Answer, asked: string, reading: Reading): Answer {
  if (!reading.carried) return { ...answer, query: asked, understood: { ...answer.understood, carried: null } };
  // 去年 said as the year it is for the report that answers (城西区's 2023 report: 2022年).
  const y = answer.understood.year;
  const reportYear = answer.results[0]?.source.year;
  const year = y && 'relative' in y && reportYear ? `${reportYear + y.relative}年` : reading.frame?.year;
  const label = reading.frame ? [reading.frame.place, reading.what, year].filter(Boolean).join(' · ') : reading.label;
  return { ...answer, query: asked, understood: { ...answer.understood, carried: reading.carried, readAs: reading.question, ...(label ? { readAsLabel: label } : {}) } };
}

/** An absolute year asked, relative to the report of the answer's first result (when one of 去年/今年/明年). */
function relativeTo(frame: Frame, answer: Answer): { relative?: -1 | 0 | 1 } {
  const asked = frame.year ? /^(\d{4})/.exec(frame.year)?.[1] : undefined;
  const report = answer.results[0]?.source.year;
  if (!asked || !report) return {};
  const d = Number(asked) - report;
  return d === -1 || d === 0 || d === 1 ? { relative: d } : {};
}

/** One frame per chat, forgotten after `ttlMs` without a question (and the oldest first beyond `max` chats). */
export function frameStore({ ttlMs, max = 10_000, now = Date.now }: { ttlMs: number; max?: number; now?: () => number }) {
  const frames = new ExpiringStore<Frame>({ ttlMs, maxEntries: max, now });
  return {
    // A ttl of 0 turns follow-ups off (FOLLOWUP_MINUTES=0): no frame is ever read.
    get: (chat: string | number): Frame | null => (ttlMs <= 0 ? null : (frames.get(String(chat)) ?? null)),
    set: (chat: string | number, frame: Frame | null): void => (frame ? frames.set(String(chat), frame) : frames.delete(String(chat))),
  };
}
export type FrameStore = ReturnType<typeof frameStore>;

/**
 * Ask within a chat: read the message against the chat's frame, search, keep the new frame. `search` is the
 * front end's own (the bot's logs the question); the answer's query is the message as written.
 */
export async function askInChat(
  frames: FrameStore,
  chat: string | number,
  question: string,
  covered: Place[],
  search: (question: string) => Promise<Answer>,
  { asWritten = false }: { asWritten?: boolean } = {},
): Promise<Answer> {
  const before = frames.get(chat);
  const reading = readInFrame(asWritten ? null : before, question, covered);
  const answer = await search(reading.question);
  // A message that changed nothing (no indicator, read as written) leaves the frame as it was.
  if (reading.frame && reading.frame !== before) frames.set(chat, { ...reading.frame, ...relativeTo(reading.frame, answer) });
  return withReading(answer, question, reading);
}

/** Chats read in order from a file (`ask --batch --chats`, `eval --chats`): one frame per chat, never expiring (turns carry no time). */
export function chatsInOrder(reports: readonly ReportSummary[]) {
  const frames = frameStore({ ttlMs: Number.POSITIVE_INFINITY });
  const covered = coveredOf(reports);
  return (chat: string, question: string, search: (question: string) => Promise<Answer>) => askInChat(frames, chat, question, covered, search);
}
