// Small pure pieces of the bot: callback data, sessions, scopes, access rules, query log, input checks.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAllowed, isOpen } from '../src/bot/access.js';
import { CALLBACK_DATA_MAX_BYTES, type CallbackAction, decodeCallback, encodeCallback } from '../src/bot/callback-data.js';
import { isAddressedToBot } from '../src/bot/groups.js';
import { createQueryLog, hashUserId } from '../src/bot/query-log.js';
import { NO_SCOPE, parseDistrictArg, parseReportArg, ScopeStore, scopeFromArg } from '../src/bot/scopes.js';
import { checkQuestion, cleanQuestion } from '../src/bot/question.js';
import { ExpiringStore } from '../src/expiring.js';
import { liveSession, type QuerySession } from '../src/bot/sessions.js';
import { TaskTracker } from '../src/bot/tasks.js';
import { silentLogger } from '../src/log.js';
import type { Answer } from '../src/types.js';

describe('callback data', () => {
  const actions: CallbackAction[] = [
    { kind: 'page', sid: 'AbC-_123', page: 3 },
    { kind: 'context', sid: 'AbC-_123', passageId: 123456789 },
    { kind: 'move', sid: 'zzzzzzzz', passageId: 0 },
    { kind: 'district', index: 4 },
    { kind: 'district', index: null },
    { kind: 'example', index: 2 },
    { kind: 'noop' },
  ];

  it('round-trips every action and stays under 64 bytes', () => {
    for (const a of actions) {
      const data = encodeCallback(a);
      expect(Buffer.byteLength(data)).toBeLessThanOrEqual(CALLBACK_DATA_MAX_BYTES);
      expect(decodeCallback(data)).toEqual(a);
    }
  });

  it('rejects junk, forged and oversized data', () => {
    for (const junk of [undefined, '', 'p', 'p:ab:1', 'p:abcd:x', 'c:abcd:-1', 'd:999', 'x:abcd:1', 'p:abcd:1:extra', 'p:' + 'a'.repeat(70) + ':1', 'e:12', 'p:ab cd:1']) {
      expect(decodeCallback(junk)).toBeNull();
    }
  });

  it('refuses to encode what would not fit or decode', () => {
    expect(() => encodeCallback({ kind: 'page', sid: 'a'.repeat(80), page: 1 })).toThrow(/64 bytes/);
    expect(() => encodeCallback({ kind: 'page', sid: 'bad id!', page: 1 })).toThrow(/would not decode/);
  });
});

const answer = (query: string): Answer => ({
  query,
  found: true,
  results: [],
  understood: { normalized: query, district: null, uncoveredPlace: null, year: null, wantsFigure: false, terms: [], concepts: [] },
  tookMs: 1,
});

const session = (query: string, chatId: number | null = null): QuerySession => ({ answer: answer(query), scope: NO_SCOPE, chatId, votes: new Map() });

describe('sessions', () => {
  it('gives short unique ids and expires entries', () => {
    let now = 0;
    const store = new ExpiringStore<QuerySession>({ ttlMs: 1000, maxEntries: 10, now: () => now });
    const id = store.add(session('a', 1));
    expect(id).toMatch(/^[A-Za-z0-9_-]{8}$/);
    expect(store.add(session('b'))).not.toBe(id);
    expect(store.get(id)?.answer.query).toBe('a');
    now = 1001;
    expect(store.get(id)).toBeUndefined();
    expect(store.get('nope')).toBeUndefined();
  });

  it('is bounded: the oldest entry goes first', () => {
    const store = new ExpiringStore<QuerySession>({ ttlMs: 60_000, maxEntries: 3 });
    const ids = ['1', '2', '3', '4'].map((q) => store.add(session(q)));
    expect(store.size).toBe(3);
    expect(store.get(ids[0]!)).toBeUndefined();
    expect(store.get(ids[3]!)?.answer.query).toBe('4');
  });

  it('deletes one entry, keeping the others', () => {
    const store = new ExpiringStore<string>({ ttlMs: 60_000, maxEntries: 3 });
    const [a, b] = [store.add('a'), store.add('b')];
    store.delete(a);
    expect(store.get(a)).toBeUndefined();
    expect(store.get(b)).toBe('b');
  });

  it("serves a card's session only in the chat it was sent to (any chat for inline cards)", () => {
    const store = new ExpiringStore<QuerySession>({ ttlMs: 60_000, maxEntries: 10 });
    const inChat = store.add(session('a', 5));
    const anywhere = store.add(session('b', null));
    expect(liveSession(store, inChat, 5)?.answer.query).toBe('a');
    expect(liveSession(store, inChat, 6)).toBeUndefined();
    expect(liveSession(store, anywhere, 6)?.answer.query).toBe('b');
    expect(liveSession(store, 'nope', 5)).toBeUndefined();
  });
});

describe('scopes', () => {
  it('parses indexed place names, short and traditional forms, and "全部"', () => {
    const places = ['城中区', '湟中区', '西宁市', '大通回族土族自治县'];
    expect(parseDistrictArg('城中区', places)).toEqual({ kind: 'district', district: '城中区' });
    expect(parseDistrictArg(' 城中區 ', places)).toEqual({ kind: 'district', district: '城中区' });
    expect(parseDistrictArg('湟中', places)).toEqual({ kind: 'district', district: '湟中区' });
    expect(parseDistrictArg('西寧市', places)).toEqual({ kind: 'district', district: '西宁市' });
    expect(parseDistrictArg('大通县', places)).toEqual({ kind: 'district', district: '大通回族土族自治县' });
    expect(parseDistrictArg('城西区', places)).toEqual({ kind: 'unknown', text: '城西区' });
    expect(parseDistrictArg('全部', places)).toEqual({ kind: 'clear' });
    expect(parseDistrictArg('<b>&', places)).toEqual({ kind: 'unknown', text: '<b>&' });
  });

  it('parses report numbers and file names', () => {
    const reports = [{ file: 'a.txt', title: 'A', district: null, year: null, passages: 1 }];
    expect(parseReportArg('1', reports)).toMatchObject({ kind: 'report', report: { file: 'a.txt' } });
    expect(parseReportArg('a', reports)).toMatchObject({ kind: 'report' });
    expect(parseReportArg('2', reports)).toEqual({ kind: 'unknown', text: '2' });
    expect(parseReportArg('all', reports)).toEqual({ kind: 'clear' });
  });

  it('turns a recognised argument into the scope it sets', () => {
    const reports = [{ file: 'a.txt', title: 'A', district: null, year: null, passages: 1 }];
    expect(scopeFromArg({ kind: 'clear' })).toBe(NO_SCOPE);
    expect(scopeFromArg({ kind: 'district', district: '城北区' })).toEqual({ district: '城北区', file: null });
    expect(scopeFromArg({ kind: 'report', report: reports[0]! })).toEqual({ district: null, file: 'a.txt' });
  });

  it('stores one scope per chat, bounded', () => {
    const s = new ScopeStore(2);
    s.set(1, { district: '城中区', file: null });
    s.set(2, { district: '城西区', file: null });
    s.set(3, { district: '城北区', file: null });
    expect(s.get(1).district).toBeNull();
    expect(s.get(3).district).toBe('城北区');
    s.set(3, { district: null, file: null });
    expect(s.get(3).district).toBeNull();
  });
});

describe('access rules', () => {
  const open = { allowedUserIds: [], allowedChatIds: [], adminUserIds: [9] };
  const closed = { allowedUserIds: [1], allowedChatIds: [-100], adminUserIds: [9] };

  it('is open without an allow-list; admins alone do not close it', () => {
    expect(isOpen(open)).toBe(true);
    expect(isAllowed(open, 5, 5)).toBe(true);
  });

  it('admits listed users, anyone in a listed chat, and admins', () => {
    expect(isAllowed(closed, 1, 1)).toBe(true);
    expect(isAllowed(closed, 2, -100)).toBe(true);
    expect(isAllowed(closed, 9, 9)).toBe(true);
    expect(isAllowed(closed, 2, 2)).toBe(false);
    expect(isAllowed(closed, undefined, undefined)).toBe(false);
  });

  it('knows when a group message is meant for the bot', () => {
    const cmd = (text: string) => ({ text, entities: [{ type: 'bot_command', offset: 0, length: text.split(' ')[0]!.length }] });
    expect(isAddressedToBot(cmd('/ask 问题'), 42, 'report_qa_bot')).toBe(true);
    expect(isAddressedToBot(cmd('/ask@Report_QA_bot 问题'), 42, 'report_qa_bot')).toBe(true);
    expect(isAddressedToBot(cmd('/ask@other_bot 问题'), 42, 'report_qa_bot')).toBe(false);
    expect(isAddressedToBot({ text: '@report_qa_bot 问题', entities: [{ type: 'mention', offset: 0, length: 14 }] }, 42, 'report_qa_bot')).toBe(true);
    expect(isAddressedToBot({ text: '问题', reply_to_message: { from: { id: 42 } } }, 42, 'report_qa_bot')).toBe(true);
    expect(isAddressedToBot({ text: '大家好' }, 42, 'report_qa_bot')).toBe(false);
  });
});

describe('questions', () => {
  it('cleans mentions and whitespace', () => {
    expect(cleanQuestion('  @Report_QA_bot   城中区\n去年  ', 'report_qa_bot')).toBe('城中区 去年');
  });

  it('rejects empty, overlong and word-less input', () => {
    expect(checkQuestion('')).toBe('emptyQuestion');
    expect(checkQuestion('问'.repeat(4096))).toBe('tooLong');
    expect(checkQuestion('😀🎉👍')).toBe('noWords');
    expect(checkQuestion('？！…<>&*_`')).toBe('noWords');
    expect(checkQuestion('城中區去年')).toBeNull();
    expect(checkQuestion('<b>GDP</b>')).toBeNull();
  });
});

describe('query log', () => {
  it('writes one JSON line per question with a salted, hashed user id', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qlog-'));
    try {
      const path = join(dir, 'sub', 'q.jsonl');
      const log = createQueryLog({ path, salt: 's', log: silentLogger, now: () => new Date('2024-01-02T03:04:05Z') });
      log.record({ userId: 1001, via: 'private', query: '城中区？', found: true, results: 3, latencyMs: 12.6 });
      log.record({ userId: 1001, via: 'inline', query: '湟源县？', found: false, results: 0, latencyMs: 5, reason: '不包括湟源县' });
      await log.flush();
      const lines = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      expect(lines).toHaveLength(2);
      expect(lines[0]).toEqual({ time: '2024-01-02T03:04:05.000Z', user: hashUserId(1001, 's'), via: 'private', query: '城中区？', found: true, results: 3, latencyMs: 13 });
      expect(lines[0].user).toMatch(/^[0-9a-f]{64}$/);
      expect(lines[0].user).not.toBe(hashUserId(1001, 'other salt'));
      expect(JSON.stringify(lines)).not.toContain('1001');
      expect(lines[1]).toMatchObject({ via: 'inline', query: '湟源县？', found: false, results: 0, reason: '不包括湟源县' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('warns instead of failing when the file cannot be written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qlog-'));
    try {
      writeFileSync(join(dir, 'a-file'), '');
      const warnings: string[] = [];
      // A directory path through a regular file: ENOTDIR.
      const log = createQueryLog({ path: join(dir, 'a-file', 'q.jsonl'), salt: '', log: { ...silentLogger, warn: (m) => warnings.push(m) } });
      log.record({ userId: 1, via: 'private', query: 'q', found: true, results: 1, latencyMs: 1 });
      log.record({ userId: 1, via: 'private', query: 'q', found: true, results: 1, latencyMs: 1 });
      await log.flush();
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/QUERY_LOG/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('task tracker', () => {
  it('runs work concurrently, reports errors, and waits for everything', async () => {
    const errors: unknown[] = [];
    const t = new TaskTracker((e) => void errors.push(e));
    const order: string[] = [];
    t.run(async () => {
      await new Promise((r) => setTimeout(r, 30));
      order.push('slow');
    });
    t.run(async () => {
      order.push('fast');
    });
    t.run(async () => {
      throw new Error('boom');
    });
    expect(await t.idle(1000)).toBe(true);
    expect(order).toEqual(['fast', 'slow']);
    expect(errors).toHaveLength(1);
  });
});

describe('index watch', () => {
  it('reloads the engine, clears what depends on the old version, and survives a failing reload', async () => {
    const { watchIndex } = await import('../src/bot/index-watch.js');
    const { createFakeEngine } = await import('./helpers/fake-engine.js');
    const engine = createFakeEngine();
    const outcomes: (boolean | Error)[] = [false, true, new Error('half-written index')];
    engine.reload = async () => {
      const next = outcomes.shift() ?? false;
      if (next instanceof Error) throw next;
      return next;
    };
    const warnings: string[] = [];
    let switches = 0;
    const watch = watchIndex(engine, { intervalMs: 60_000, log: { ...silentLogger, warn: (m) => warnings.push(m) }, onSwitch: () => switches++ });
    try {
      expect(await watch.check()).toBe(false);
      expect(await watch.check()).toBe(true);
      expect(switches).toBe(1);
      expect(await watch.check()).toBe(false);
      expect(warnings[0]).toMatch(/previous one/);
    } finally {
      watch.stop();
    }
  });

  it('session store can be cleared', () => {
    const store = new ExpiringStore<QuerySession>({ ttlMs: 60_000, maxEntries: 3 });
    const id = store.add(session('q', 1));
    store.clear();
    expect(store.get(id)).toBeUndefined();
    expect(store.size).toBe(0);
  });
});
