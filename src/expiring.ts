// A bounded store whose entries expire: behind the bot's inline buttons (found by a short random id) and the chats'
// frames for follow-ups (found by the chat). When full, the oldest entry goes first, so a busy bot cannot grow
// without limit.
import { randomBytes } from 'node:crypto';

export interface StoreOptions {
  ttlMs: number;
  maxEntries: number;
  now?: () => number;
}

export class ExpiringStore<T> {
  private readonly entries = new Map<string, { value: T; at: number }>();
  private readonly now: () => number;

  constructor(private readonly opts: StoreOptions) {
    this.now = opts.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Store `value` under a new id: 8 characters, 48 random bits. */
  add(value: T): string {
    let id: string;
    do id = randomBytes(6).toString('base64url');
    while (this.entries.has(id));
    this.set(id, value);
    return id;
  }

  /** Store `value` under a key of the caller's (e.g. a chat's), replacing what was there. */
  set(id: string, value: T): void {
    this.entries.delete(id); // re-inserted last, so iteration stays oldest first
    this.prune();
    while (this.entries.size >= this.opts.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
    this.entries.set(id, { value, at: this.now() });
  }

  /** The live value, or undefined when it never existed or has expired. */
  get(id: string): T | undefined {
    const e = this.entries.get(id);
    if (!e) return undefined;
    if (this.now() - e.at > this.opts.ttlMs) {
      this.entries.delete(id);
      return undefined;
    }
    return e.value;
  }

  delete(id: string): void {
    this.entries.delete(id);
  }

  /** Forget every entry: after an index switch, stored passage ids may point at other passages. */
  clear(): void {
    this.entries.clear();
  }

  /** Drop expired entries. Map iteration is insertion order, i.e. oldest first. */
  private prune(): void {
    const cutoff = this.now() - this.opts.ttlMs;
    for (const [id, e] of this.entries) {
      if (e.at >= cutoff) break;
      this.entries.delete(id);
    }
  }
}
