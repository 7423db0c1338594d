// Follow-up questions: how a message lacking pieces is read against the chat's last question.
import { describe, expect, it } from 'vitest';
import { coveredOf, type Frame, frameStore, readInFrame, readTurn } from '../src/search/followup.js';
import type { ReportSummary } from '../src/types.js';

const reports: ReportSummary[] = [
  { file: 'a.txt', title: '甲', district: '城中区', place: { code: '630103', name: '城中区', level: 'county' }, year: 2024, passages: 1 },
  { file: 'b.txt', title: '乙', district: '城西区', place: { code: '630104', name: '城西区', level: 'county' }, year: 2023, passages: 1 },
];
const covered = coveredOf(reports);

/** Read the turns of one chat in order; what each was read as. */
function talk(...turns: string[]) {
  let frame: Frame | null = null;
  return turns.map((t) => {
    const r = readInFrame(frame, t, covered);
    frame = r.frame;
    return r;
  });
}

describe('reading a message against the last question', () => {
  it('takes the indicator and year for a new place (那城西区呢？)', () => {
    const [, r] = talk('城中区2023年城镇新增就业多少？', '那城西区呢？');
    expect(r!.question).toBe('城西区2023年城镇新增就业多少？');
    expect(r!.carried).toEqual({ indicator: '城镇新增就业', year: '2023年' });
    expect(r!.label).toBe('城西区 · 城镇新增就业 · 2023年');
  });

  it('takes the place and indicator for another year or a target (去年呢？ 今年的目标呢？)', () => {
    const [, y, t] = talk('城中区2023年城镇新增就业多少？', '去年呢？', '今年的目标呢？');
    expect(y!.question).toBe('城中区去年城镇新增就业是多少？');
    expect(y!.carried).toEqual({ place: '城中区', indicator: '城镇新增就业' });
    expect(t!.question).toBe('城中区今年城镇新增就业是多少？');
  });

  it('takes place, indicator and year for the growth (增长了多少？)', () => {
    const [, r] = talk('城中区去年地区生产总值是多少？', '增长了多少？');
    expect(r!.question).toBe('城中区去年地区生产总值增长多少？');
    expect(r!.carried).toEqual({ place: '城中区', indicator: '地区生产总值', year: '去年' });
  });

  it('takes place, indicator and year for the rank (排第几？), and keeps asking the rank for another place', () => {
    const [, r, o] = talk('城中区去年旅游人数是多少？', '排第几？', '那城西区呢？');
    expect(r!.question).toBe('城中区去年旅游人数排第几？');
    expect(r!.carried).toMatchObject({ place: '城中区', indicator: '旅游人数', year: '去年' });
    expect(o!.question).toBe('城西区去年旅游人数排第几？');
  });

  it('takes the place and year for a new indicator (农村劳动力转移就业呢？)', () => {
    const [, r] = talk('城中区去年城镇新增就业多少人？', '农村劳动力转移就业呢？');
    expect(r!.question).toBe('城中区去年农村劳动力转移就业是多少？');
    expect(r!.carried).toEqual({ place: '城中区', year: '去年', period: 'review' });
  });

  it('keeps the name of a place with no report, so the search refuses it by name', () => {
    const [, r] = talk('城中区去年城镇新增就业多少人？', '那城东区呢？');
    expect(r!.question).toBe('城东区去年城镇新增就业多少人？');
  });

  it('reads a complete new question, and an indicator without a follow-up cue, as written', () => {
    const [, full, bare] = talk('城中区去年城镇新增就业多少人？', '城西区去年固定资产投资多少？', '一般公共预算收入多少？');
    expect([full!.carried, bare!.carried]).toEqual([null, null]);
    expect(full!.frame?.place).toBe('城西区');
    expect(bare!.question).toBe('一般公共预算收入多少？');
  });

  it('asks a target with no year as this year\'s plan (那它的目标是多少)', () => {
    const [, t] = talk('城中区2023年城镇新增就业多少？', '那它的目标是多少');
    expect(t!.question).toBe('城中区今年城镇新增就业是多少？');
    expect(t!.label).toBe('城中区 · 城镇新增就业目标 · 今年');
  });

  it('takes place, indicator and year for the share (占比呢？)', () => {
    const [, r] = talk('城北区去年用于民生领域的支出是多少', '占比呢？');
    expect(r!.question).toBe('城北区去年用于民生领域支出占比是多少？');
    expect(r!.label).toBe('城北区 · 用于民生领域支出占比 · 去年');
  });

  it('reads a message with nothing of a question in it as written (好的)', () => {
    expect(talk('城中区去年城镇新增就业多少人？', '好的')[1]).toMatchObject({ question: '好的', carried: null });
  });

  it('reads a first message as written, with no frame to take from', () => {
    expect(talk('去年呢？')[0]).toMatchObject({ question: '去年呢？', carried: null, frame: null });
  });

  it('reads the pieces of a message: the unit asked and the question words are not the indicator', () => {
    expect(readTurn('湟中区去年农村劳动力转移就业多少人次？', covered)).toMatchObject({ place: '湟中区', year: '去年', indicator: '农村劳动力转移就业', cue: false });
    expect(readTurn('那它的目标是多少', covered)).toMatchObject({ place: null, indicator: '', period: 'plan', cue: true });
  });
});

describe('the frame store', () => {
  it('forgets a chat\'s frame after the configured time, and keeps chats apart', () => {
    const clock = { now: 0 };
    const frames = frameStore({ ttlMs: 30 * 60_000, now: () => clock.now });
    const frame = talk('城中区去年城镇新增就业多少人？')[0]!.frame;
    frames.set('c1', frame);
    expect(frames.get('c2')).toBeNull();
    clock.now += 29 * 60_000;
    expect(frames.get('c1')).toEqual(frame);
    clock.now += 2 * 60_000;
    expect(frames.get('c1')).toBeNull();
    expect(frameStore({ ttlMs: 0 }).get('c1')).toBeNull();
  });
});
