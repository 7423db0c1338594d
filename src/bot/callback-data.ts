// Inline-button payloads. Telegram caps callback_data at 64 bytes, so a button carries only a verb and
// short ids; the question and its results stay server-side (sessions.ts).
//
//   p:<sid>:<page>        show page <page> (0-based) of the answer stored under <sid>
//   c:<sid>:<passageId>   send the paragraph around passage <passageId> ("原文") as a new message
//   m:<sid>:<passageId>   move an open "原文" card to the paragraph around <passageId> (edits it)
//   d:<n>                 restrict this chat to indexed place n (in districtKeyboard's order); "d:-" lifts the restriction
//   e:<n>                 ask example question n (from /start)
//   f:<sid>:<u|d>:<page>  👍 (u) or 👎 (d) on the answer stored under <sid>, voted while showing <page>
//   r:<tok>:<n>           admin: ask to confirm removing report n of the list stored under <tok>
//   rc:<tok>:<n>          admin: confirmed, remove it
//   rx:<tok>              admin: cancel the removal
//   x:<tok>:<p|y>         admin: correct the place (p) or year (y) of the report uploaded under <tok>
//   xv:<tok>:<p|y>:<n>    admin: set it to a button's value (place n of the offered list, or year n)
//   xx:<tok>              admin: stop waiting for a correction
//   w:<sid>               ask the question of the answer under <sid> as written (not as a follow-up)
//   q:<sid>:<n>           send result n of the answer under <sid> as a ready citation (引用)
//   a:<sid>:<n>           a vague question asked back: ask it again with option n of the answer's askBack (a place or an indicator)
//   ck:<sid>              ask the draft checked under <sid> as a question instead (当作问题; only its sender)
//   cr:<sid>:<n>          send the quote and source of row n of the ranking or series shown under <sid>
//   n                     no-op (page indicator); answered silently
//
// Each feature routes its own verbs with onCallback(); data no pattern accepts falls through to the
// bot's "expired" answer (create-bot.ts).
import type { CallbackQueryContext, Composer, Context } from 'grammy';

export const CALLBACK_DATA_MAX_BYTES = 64;

export type CallbackAction =
  | { kind: 'page'; sid: string; page: number }
  | { kind: 'context'; sid: string; passageId: number }
  | { kind: 'move'; sid: string; passageId: number }
  | { kind: 'district'; index: number | null }
  | { kind: 'example'; index: number }
  | { kind: 'feedback'; sid: string; verdict: 'up' | 'down'; page: number }
  | { kind: 'removePick'; token: string; index: number }
  | { kind: 'removeConfirm'; token: string; index: number }
  | { kind: 'removeCancel'; token: string }
  | { kind: 'correctAsk'; token: string; field: 'place' | 'year' }
  | { kind: 'correctPick'; token: string; field: 'place' | 'year'; value: number }
  | { kind: 'correctCancel'; token: string }
  | { kind: 'asWritten'; sid: string }
  | { kind: 'cite'; sid: string; index: number }
  | { kind: 'clarify'; sid: string; index: number }
  | { kind: 'asQuestion'; sid: string }
  | { kind: 'chartRow'; sid: string; index: number }
  | { kind: 'noop' };

type Kind = CallbackAction['kind'];
export type ActionOf<K extends Kind> = Extract<CallbackAction, { kind: K }>;

interface Codec<K extends Kind> {
  pattern: RegExp;
  /** null when the data matches but names nothing (e.g. a district number out of range). */
  decode: (m: RegExpMatchArray) => ActionOf<K> | null;
  encode: (a: ActionOf<K>) => string;
}

/** Session ids are base64url; a tight pattern means junk from old or forged buttons is rejected early. */
const SID = '[A-Za-z0-9_-]{4,16}';
const re = (s: string) => new RegExp(`^${s}$`);

const CODECS: { [K in Kind]: Codec<K> } = {
  page: { pattern: re(`p:(${SID}):(\\d{1,3})`), decode: (m) => ({ kind: 'page', sid: m[1]!, page: Number(m[2]) }), encode: (a) => `p:${a.sid}:${a.page}` },
  context: {
    pattern: re(`c:(${SID}):(\\d{1,9})`),
    decode: (m) => ({ kind: 'context', sid: m[1]!, passageId: Number(m[2]) }),
    encode: (a) => `c:${a.sid}:${a.passageId}`,
  },
  move: { pattern: re(`m:(${SID}):(\\d{1,9})`), decode: (m) => ({ kind: 'move', sid: m[1]!, passageId: Number(m[2]) }), encode: (a) => `m:${a.sid}:${a.passageId}` },
  district: {
    pattern: /^d:(-|\d{1,2})$/,
    decode: (m) => (m[1] === '-' ? { kind: 'district', index: null } : { kind: 'district', index: Number(m[1]) }),
    encode: (a) => `d:${a.index === null ? '-' : a.index}`,
  },
  example: { pattern: /^e:(\d)$/, decode: (m) => ({ kind: 'example', index: Number(m[1]) }), encode: (a) => `e:${a.index}` },
  feedback: {
    pattern: re(`f:(${SID}):([ud]):(\\d{1,3})`),
    decode: (m) => ({ kind: 'feedback', sid: m[1]!, verdict: m[2] === 'u' ? 'up' : 'down', page: Number(m[3]) }),
    encode: (a) => `f:${a.sid}:${a.verdict === 'up' ? 'u' : 'd'}:${a.page}`,
  },
  removePick: {
    pattern: re(`r:(${SID}):(\\d{1,4})`),
    decode: (m) => ({ kind: 'removePick', token: m[1]!, index: Number(m[2]) }),
    encode: (a) => `r:${a.token}:${a.index}`,
  },
  removeConfirm: {
    pattern: re(`rc:(${SID}):(\\d{1,4})`),
    decode: (m) => ({ kind: 'removeConfirm', token: m[1]!, index: Number(m[2]) }),
    encode: (a) => `rc:${a.token}:${a.index}`,
  },
  removeCancel: { pattern: re(`rx:(${SID})`), decode: (m) => ({ kind: 'removeCancel', token: m[1]! }), encode: (a) => `rx:${a.token}` },
  correctAsk: {
    pattern: re(`x:(${SID}):([py])`),
    decode: (m) => ({ kind: 'correctAsk', token: m[1]!, field: m[2] === 'p' ? 'place' : 'year' }),
    encode: (a) => `x:${a.token}:${a.field[0]}`,
  },
  correctPick: {
    pattern: re(`xv:(${SID}):([py]):(\\d{1,4})`),
    decode: (m) => ({ kind: 'correctPick', token: m[1]!, field: m[2] === 'p' ? 'place' : 'year', value: Number(m[3]) }),
    encode: (a) => `xv:${a.token}:${a.field[0]}:${a.value}`,
  },
  correctCancel: { pattern: re(`xx:(${SID})`), decode: (m) => ({ kind: 'correctCancel', token: m[1]! }), encode: (a) => `xx:${a.token}` },
  asWritten: { pattern: re(`w:(${SID})`), decode: (m) => ({ kind: 'asWritten', sid: m[1]! }), encode: (a) => `w:${a.sid}` },
  cite: { pattern: re(`q:(${SID}):(\\d{1,2})`), decode: (m) => ({ kind: 'cite', sid: m[1]!, index: Number(m[2]) }), encode: (a) => `q:${a.sid}:${a.index}` },
  clarify: { pattern: re(`a:(${SID}):(\\d{1,2})`), decode: (m) => ({ kind: 'clarify', sid: m[1]!, index: Number(m[2]) }), encode: (a) => `a:${a.sid}:${a.index}` },
  asQuestion: { pattern: re(`ck:(${SID})`), decode: (m) => ({ kind: 'asQuestion', sid: m[1]! }), encode: (a) => `ck:${a.sid}` },
  chartRow: { pattern: re(`cr:(${SID}):(\\d{1,2})`), decode: (m) => ({ kind: 'chartRow', sid: m[1]!, index: Number(m[2]) }), encode: (a) => `cr:${a.sid}:${a.index}` },
  noop: { pattern: /^n$/, decode: () => ({ kind: 'noop' }), encode: () => 'n' },
};

export function encodeCallback(action: CallbackAction): string {
  const data = (CODECS[action.kind].encode as (a: CallbackAction) => string)(action);
  // A programming error, not user input: fail loudly in tests rather than let Telegram reject the keyboard.
  if (Buffer.byteLength(data, 'utf8') > CALLBACK_DATA_MAX_BYTES) {
    throw new Error(`callback_data "${data}" exceeds ${CALLBACK_DATA_MAX_BYTES} bytes; shorten the session id`);
  }
  if (decodeCallback(data) === null) throw new Error(`callback_data "${data}" would not decode; check the ids`);
  return data;
}

/** null for anything we did not produce (old formats, forged or truncated data). */
export function decodeCallback(data: string | undefined): CallbackAction | null {
  if (!data || Buffer.byteLength(data, 'utf8') > CALLBACK_DATA_MAX_BYTES) return null;
  for (const codec of Object.values(CODECS) as Codec<Kind>[]) {
    const m = data.match(codec.pattern);
    if (m) return codec.decode(m);
  }
  return null;
}

/** Route one verb: `handler` gets the decoded action; data that names nothing falls through (→ "expired"). */
export function onCallback<K extends Kind>(
  composer: Composer<Context>,
  kind: K,
  handler: (ctx: CallbackQueryContext<Context>, action: ActionOf<K>) => Promise<unknown>,
): void {
  const codec = CODECS[kind] as Codec<K>;
  composer.callbackQuery(codec.pattern, async (ctx, next) => {
    const action = codec.decode(ctx.match as RegExpMatchArray);
    await (action ? handler(ctx, action) : next());
  });
}
