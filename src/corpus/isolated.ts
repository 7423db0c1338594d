// Reading a report in a child process: extraction (pdfjs, mammoth, the HTML parser, page rendering) is
// synchronous JavaScript that would hold the bot's event loop for as long as a file takes, and a file that makes a
// reader grow would keep the bot's memory grown. In a child with a heap cap, questions are answered while a file
// is read, a file that exhausts the cap is skipped with its reason instead of taking the process down, and the
// memory returns when the child ends (after a few idle seconds; it is reused meanwhile, so validating an upload
// and indexing it start one process). The child needs tsx (a dependency) to load TypeScript; where it cannot be
// started the file is read in this process, as before.
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { tsxFile } from '../tsx.js';
import { DEFAULT_LIMITS, type InputLimits } from './limits.js';
import { type ParseOptions, parseReport, type ReportFile, type SkippedFile } from './load.js';

/** The reader process ends after this long without work, giving its memory back. */
const IDLE_MS = 10_000;

interface Reader {
  child: ChildProcess;
  memoryMb: number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  idle?: NodeJS.Timeout;
}
let reader: Reader | undefined;
let queue: Promise<unknown> = Promise.resolve();
let nextId = 0;

function tsxLoader(): string | null {
  try {
    return tsxFile('dist', 'loader.mjs');
  } catch {
    return null;
  }
}

function startReader(memoryMb: number): Reader | null {
  const loader = tsxLoader();
  if (!loader) return null;
  const child = fork(fileURLToPath(new URL('./extract-worker.ts', import.meta.url)), [], {
    serialization: 'advanced',
    // V8's report of an exhausted heap is a page of C++ frames: the reason given with the skipped file says it.
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    execArgv: ['--import', loader, `--max-old-space-size=${memoryMb}`],
  });
  child.stderr?.resume();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const r: Reader = { child, memoryMb, exited };
  void exited.then(() => {
    if (reader === r) reader = undefined;
  });
  return r;
}

/** parseReport in the reader process; same result, or the reason the file could not be read within the cap. */
export function parseReportIsolated(bytes: Uint8Array, file: string, options: ParseOptions = {}): Promise<ReportFile | SkippedFile> {
  const run = queue.then(() => readOne(bytes, file, options));
  queue = run.catch(() => undefined);
  return run;
}

async function readOne(bytes: Uint8Array, file: string, options: ParseOptions): Promise<ReportFile | SkippedFile> {
  const limits: InputLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const memoryMb = limits.extractMaxMemoryMb;
  if (reader && reader.memoryMb !== memoryMb) {
    reader.child.kill();
    reader = undefined;
  }
  reader ??= startReader(memoryMb) ?? undefined;
  const r = reader;
  if (!r) return parseReport(bytes, file, options);
  if (r.idle) clearTimeout(r.idle);
  r.child.ref();
  r.child.channel?.ref();
  // OCR is bounded between pages (OCR_MAX_SECONDS); this catches a reader stuck inside one step.
  const timeoutMs = (limits.ocrMaxSeconds + 300) * 1000;
  const id = nextId++;
  try {
    return await new Promise<ReportFile | SkippedFile>((resolve) => {
      const timer = setTimeout(() => {
        r.child.kill('SIGKILL');
        resolve({ file, kind: 'limit', reason: `reading it took longer than ${Math.round(timeoutMs / 1000)} s: add a text version, or raise OCR_MAX_SECONDS` });
      }, timeoutMs);
      const onMessage = (msg: { id: number; ocr?: [number, number]; result?: ReportFile | SkippedFile }) => {
        if (msg.id !== id) return;
        if (msg.ocr) return options.onOcrPage?.(msg.ocr[0], msg.ocr[1]);
        done();
        resolve(msg.result!);
      };
      const onExit = ({ code, signal }: { code: number | null; signal: NodeJS.Signals | null }) => {
        done();
        resolve({
          file,
          kind: 'limit',
          reason: `reading it needed more than the ${memoryMb} MB of memory allowed (EXTRACT_MAX_MEMORY_MB) or stopped the reader (${signal ?? `exit ${code}`}): add a text version, or raise EXTRACT_MAX_MEMORY_MB`,
        });
      };
      const done = () => {
        clearTimeout(timer);
        r.child.off('message', onMessage);
      };
      r.child.on('message', onMessage);
      void r.exited.then(onExit);
      r.child.send({ id, bytes, file, limits: options.limits }, (err) => {
        if (!err) return;
        done();
        resolve({ file, kind: 'unreadable', reason: `could not hand it to the reader process (${err.message})` });
      });
    });
  } finally {
    if (reader === r) {
      r.child.unref();
      r.child.channel?.unref();
      r.idle = setTimeout(() => r.child.kill(), IDLE_MS);
      r.idle.unref();
    }
  }
}
