// Small helpers shared by the bot's handlers.
import { GrammyError } from 'grammy';

/** Editing a message to the text it already has fails with "message is not modified": a double tap, harmless. */
export async function editOrIgnore(edit: () => Promise<unknown>): Promise<void> {
  try {
    await edit();
  } catch (err) {
    if (err instanceof GrammyError && /message is not modified/i.test(err.description)) return;
    throw err;
  }
}

/** At most `n` characters (code points), with "…" when cut. */
export function clip(s: string, n: number): string {
  const chars = [...s];
  return chars.length > n ? chars.slice(0, n).join('') + '…' : s;
}

export function describe(err: unknown): string {
  // A non-conforming server (e.g. an emulator without this method) leaves code and description empty.
  if (err instanceof GrammyError) return err.error_code ? `${err.method}: ${err.error_code} ${err.description}` : err.message;
  if (err instanceof Error) return err.stack ?? err.message;
  return String(err);
}
