// Inline-button payloads. Telegram caps callback_data at 64 bytes, so a button carries only a verb and
// short ids; the question and its results stay server-side in the SessionStore (see sessions.ts).
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
//   n                     no-op (page indicator); answered silently
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
  | { kind: 'noop' };

/** Session ids are base64url; a tight pattern means junk from old or forged buttons is rejected early. */
const SID = '[A-Za-z0-9_-]{4,16}';
const PATTERNS: [RegExp, (m: RegExpMatchArray) => CallbackAction | null][] = [
  [new RegExp(`^p:(${SID}):(\\d{1,3})$`), (m) => ({ kind: 'page', sid: m[1]!, page: Number(m[2]) })],
  [new RegExp(`^c:(${SID}):(\\d{1,9})$`), (m) => ({ kind: 'context', sid: m[1]!, passageId: Number(m[2]) })],
  [new RegExp(`^m:(${SID}):(\\d{1,9})$`), (m) => ({ kind: 'move', sid: m[1]!, passageId: Number(m[2]) })],
  [/^d:(-|\d{1,2})$/, (m) => (m[1] === '-' ? { kind: 'district', index: null } : { kind: 'district', index: Number(m[1]) })],
  [/^e:(\d)$/, (m) => ({ kind: 'example', index: Number(m[1]) })],
  [new RegExp(`^f:(${SID}):([ud]):(\\d{1,3})$`), (m) => ({ kind: 'feedback', sid: m[1]!, verdict: m[2] === 'u' ? 'up' : 'down', page: Number(m[3]) })],
  [new RegExp(`^r:(${SID}):(\\d{1,4})$`), (m) => ({ kind: 'removePick', token: m[1]!, index: Number(m[2]) })],
  [new RegExp(`^rc:(${SID}):(\\d{1,4})$`), (m) => ({ kind: 'removeConfirm', token: m[1]!, index: Number(m[2]) })],
  [new RegExp(`^rx:(${SID})$`), (m) => ({ kind: 'removeCancel', token: m[1]! })],
  [/^n$/, () => ({ kind: 'noop' })],
];

export function encodeCallback(action: CallbackAction): string {
  let data: string;
  switch (action.kind) {
    case 'page':
      data = `p:${action.sid}:${action.page}`;
      break;
    case 'context':
      data = `c:${action.sid}:${action.passageId}`;
      break;
    case 'move':
      data = `m:${action.sid}:${action.passageId}`;
      break;
    case 'district':
      data = `d:${action.index === null ? '-' : action.index}`;
      break;
    case 'example':
      data = `e:${action.index}`;
      break;
    case 'feedback':
      data = `f:${action.sid}:${action.verdict === 'up' ? 'u' : 'd'}:${action.page}`;
      break;
    case 'removePick':
      data = `r:${action.token}:${action.index}`;
      break;
    case 'removeConfirm':
      data = `rc:${action.token}:${action.index}`;
      break;
    case 'removeCancel':
      data = `rx:${action.token}`;
      break;
    case 'noop':
      data = 'n';
      break;
  }
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
  for (const [re, build] of PATTERNS) {
    const m = data.match(re);
    if (m) return build(m);
  }
  return null;
}
