// Whether a writer (an ingest, `npm run index`, this bot's own upload) is updating the index: the answer then
// comes from the version before the update, and the card says so. Checked at most every CHECK_EVERY_MS, so a
// question costs one stat of the lock folder at most, and usually nothing.
import { updateInProgress } from '../app/guarded.js';
import { TEXT } from './texts.js';

export const CHECK_EVERY_MS = 2000;

/** The footer line to show now (TEXT.updating), or null when no update is under way. */
export function updateNotice(indexDir: string, now: () => number = Date.now): () => string | null {
  let checkedAt = -Infinity;
  let notice: string | null = null;
  return () => {
    if (now() - checkedAt >= CHECK_EVERY_MS) {
      checkedAt = now();
      notice = updateInProgress(indexDir) ? TEXT.updating : null;
    }
    return notice;
  };
}
