// Fetch a file an admin sent (after ctx.getFile() gave its file_path). Injectable into createBot, so tests
// serve bytes without network. The URL holds the bot token: it never appears in an error or a log line.
import { readFile, stat } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import type { Config } from '../config/index.js';
import { formatBytes } from '../format.js';
import { explainNetworkCause, networkCause } from './startup.js';

/** Downloads a file by the file_path the Bot API returned; rejects past `maxBytes`. */
export type Download = (filePath: string) => Promise<Uint8Array>;

export class DownloadError extends Error {}

export interface DownloadOptions {
  maxBytes: number;
  timeoutMs?: number;
  fetch?: typeof globalThis.fetch;
}

export function telegramDownloader(config: Pick<Config, 'telegramApiRoot' | 'botToken'>, opts: DownloadOptions): Download {
  const doFetch = opts.fetch ?? globalThis.fetch;
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const tooBig = (bytes: number) => new DownloadError(`the file is larger than ${formatBytes(opts.maxBytes)} (${formatBytes(bytes)} or more)`);
  const scrub = (s: string) => (config.botToken ? s.split(config.botToken).join('***') : s);
  return async (filePath) => {
    // A self-hosted Bot API server in --local mode returns an absolute path on its own disk.
    if (isAbsolute(filePath)) {
      const size = (await stat(filePath)).size;
      if (size > opts.maxBytes) throw tooBig(size);
      return new Uint8Array(await readFile(filePath));
    }
    const path = filePath.split('/').map(encodeURIComponent).join('/');
    let res: Response;
    try {
      res = await doFetch(`${config.telegramApiRoot}/file/bot${config.botToken}/${path}`, { signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      throw new DownloadError(`cannot reach the Bot API file server at ${config.telegramApiRoot}: ${scrub(explainNetworkCause(networkCause(err), timeoutMs))}`);
    }
    if (!res.ok) {
      await res.body?.cancel().catch(() => {});
      throw new DownloadError(`the Bot API file server answered HTTP ${res.status}`);
    }
    const declared = Number(res.headers.get('content-length') ?? NaN);
    if (declared > opts.maxBytes) {
      await res.body?.cancel().catch(() => {});
      throw tooBig(declared);
    }
    const chunks: Uint8Array[] = [];
    let total = 0;
    if (res.body) {
      try {
        for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
          total += chunk.byteLength;
          if (total > opts.maxBytes) throw tooBig(total); // leaving the loop cancels the stream
          chunks.push(chunk);
        }
      } catch (err) {
        if (err instanceof DownloadError) throw err;
        // The timeout covers the whole transfer: a stalled body stops here, with its cause.
        throw new DownloadError(`the download from the Bot API file server at ${config.telegramApiRoot} broke off after ${formatBytes(total)}: ${scrub(explainNetworkCause(networkCause(err), timeoutMs))}`);
      }
    }
    const out = new Uint8Array(total);
    let at = 0;
    for (const c of chunks) {
      out.set(c, at);
      at += c.byteLength;
    }
    return out;
  };
}
