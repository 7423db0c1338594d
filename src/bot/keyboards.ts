// Inline keyboards. Every button carries encoded callback data (callback-data.ts), never state.
import { InlineKeyboard } from 'grammy';
import { pageCount, pageSlice } from '../present/telegram.js';
import { encodeCallback } from './callback-data.js';
import type { Verdict } from './feedback-log.js';
import type { QuerySession } from './sessions.js';

/** Telegram shows at most 8 buttons per row; 5 keeps the labels readable on a phone. */
const PER_ROW = 5;

/** Pager row (◀ 2/4 ▶), one "原文 n" button per result on the page, and 👍 / 👎 (with the votes so far). */
export function answerKeyboard(sid: string, session: QuerySession, page: number, perPage: number): InlineKeyboard {
  const kb = new InlineKeyboard();
  const results = session.answer.results;
  // A vague question: one button per place or indicator it could mean, first (请说明地方/指标).
  const options = session.answer.askBack?.options ?? [];
  options.forEach((o, i) => {
    if (i > 0 && i % 2 === 0) kb.row();
    kb.text(`❓ ${o}`, encodeCallback({ kind: 'clarify', sid, index: i }));
  });
  if (options.length) kb.row();
  const pages = pageCount(results.length, perPage);
  if (pages > 1) {
    if (page > 0) kb.text('◀ 上一页', encodeCallback({ kind: 'page', sid, page: page - 1 }));
    kb.text(`${page + 1}/${pages}`, encodeCallback({ kind: 'noop' }));
    if (page < pages - 1) kb.text('下一页 ▶', encodeCallback({ kind: 'page', sid, page: page + 1 }));
    kb.row();
  }
  const shown = pageSlice(results, page, perPage);
  shown.forEach((r, i) => {
    if (i > 0 && i % PER_ROW === 0) kb.row();
    kb.text(`📄 原文 ${page * perPage + i + 1}`, encodeCallback({ kind: 'context', sid, passageId: r.passageId }));
  });
  // 引用 n: a ready sentence to paste (据《…》，“…”), for confident answers only: an uncertain one is not the answer.
  if (session.answer.found) {
    kb.row();
    shown.forEach((_, i) => {
      if (i > 0 && i % PER_ROW === 0) kb.row();
      kb.text(`📋 引用 ${page * perPage + i + 1}`, encodeCallback({ kind: 'cite', sid, index: page * perPage + i }));
    });
  }
  if (session.answer.understood.carried) kb.row().text('按原话查', encodeCallback({ kind: 'asWritten', sid }));
  const votes = [...session.votes.values()];
  const count = (v: Verdict) => votes.filter((x) => x === v).length;
  const label = (v: Verdict) => `${v === 'up' ? '👍 有用' : '👎 没用'}${count(v) ? ` ${count(v)}` : ''}`;
  kb.row()
    .text(label('up'), encodeCallback({ kind: 'feedback', sid, verdict: 'up', page }))
    .text(label('down'), encodeCallback({ kind: 'feedback', sid, verdict: 'down', page }));
  return kb;
}

/** Under a "原文" card: move to the paragraph before or after. */
export function contextKeyboard(sid: string, prevId: number | null, nextId: number | null): InlineKeyboard {
  const kb = new InlineKeyboard();
  if (prevId !== null) kb.text('◀ 上一段', encodeCallback({ kind: 'move', sid, passageId: prevId }));
  if (nextId !== null) kb.text('下一段 ▶', encodeCallback({ kind: 'move', sid, passageId: nextId }));
  return kb;
}

/** One button per indexed place (`places`, from the reports), and 全部. */
export function districtKeyboard(current: string | null, places: readonly string[]): InlineKeyboard {
  const kb = new InlineKeyboard();
  places.forEach((d, i) => {
    if (i > 0 && i % 3 === 0) kb.row();
    kb.text(d === current ? `✅ ${d}` : d, encodeCallback({ kind: 'district', index: i }));
  });
  return kb.row().text(current === null ? '✅ 全部' : '全部', encodeCallback({ kind: 'district', index: null }));
}

/** Under a not-found card: 按原话查 for a follow-up (its session id), and lifting the chat's restriction. */
export function notFoundKeyboard(sid: string | null, scoped: boolean): InlineKeyboard | null {
  if (!sid && !scoped) return null;
  const kb = new InlineKeyboard();
  if (sid) kb.text('按原话查', encodeCallback({ kind: 'asWritten', sid })).row();
  if (scoped) kb.text('取消限定，在全部报告中查找', encodeCallback({ kind: 'district', index: null }));
  return kb;
}

export function examplesKeyboard(examples: readonly string[]): InlineKeyboard {
  const kb = new InlineKeyboard();
  examples.forEach((q, i) => kb.text(q, encodeCallback({ kind: 'example', index: i })).row());
  return kb;
}
