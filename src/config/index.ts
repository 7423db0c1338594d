// The one place that reads the environment. Everything else receives a Config.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** Project root (two levels above this file), so commands work from any working directory. */
export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const idList = z
  .string()
  .transform((s) => s.split(/[\s,]+/).filter(Boolean))
  .pipe(z.array(z.string().regex(/^-?\d+$/, 'must be numeric Telegram ids separated by commas')))
  .transform((ids) => ids.map(Number));

/** A whole number in [min, max], or unset (an empty value keeps the default too). */
const limit = (min: number, max: number) => z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(min).max(max).optional());

const schema = z.object({
  CORPUS_DIR: z.string().default('corpus'),
  INDEX_DIR: z.string().default('embeddings/index'),
  MODEL_DIR: z.string().default('embeddings/models'),
  MODEL_ID: z.string().min(1).default('BAAI/bge-small-zh-v1.5'),
  ALLOW_REMOTE_MODELS: bool.default('false'),
  QUERY_INSTRUCTION: bool.default('false'),
  SYNONYMS_FILE: z.string().default('src/search/synonyms.json'),
  EVERYDAY_FILE: z.string().default('src/search/everyday.json'),
  LEARNT_WORDS: z
    .string()
    .default('on')
    .refine((v) => ['on', 'off', ''].includes(v) || (Number(v) > 0 && Number(v) < 1), 'must be on, off or a cosine between 0 and 1 (e.g. 0.8)'),
  LEARNT_PHRASES: z.enum(['on', 'off']).default('on'),
  BOT_TOKEN: z
    .string()
    .regex(/^\d+:[\w-]{20,}$/, 'looks malformed: expected "123456:ABC…" from @BotFather')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  ALLOWED_USER_IDS: idList.default(''),
  ALLOWED_CHAT_IDS: idList.default(''),
  ADMIN_USER_IDS: idList.default(''),
  TELEGRAM_API_ROOT: z
    .string()
    .url()
    .regex(/^https?:\/\//, 'must start with http:// or https:// (e.g. http://127.0.0.1:8081 for a local Bot API server)')
    .default('https://api.telegram.org'),
  RESULTS_PER_PAGE: z.coerce.number().int().min(1).max(10).default(3),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1000).default(20),
  QUERY_LOG: z.string().default('data/queries.jsonl'),
  QUERY_LOG_SALT: z.string().default(''),
  FEEDBACK_LOG: z.string().min(1).default('data/feedback.jsonl'),
  SESSION_TTL_MINUTES: z.coerce.number().int().min(1).max(10080).default(720),
  FOLLOWUP_MINUTES: z.coerce.number().int().min(0).max(1440).default(30),
  // The bot embeds questions in a worker thread (the other core); false keeps the model on the main thread.
  EMBED_WORKER: bool.default('true'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  // Bounds on the work one input file may cause (defaults in src/corpus/limits.ts; docs/faults.md).
  DOCX_MAX_INFLATED_MB: limit(1, 4096),
  IMAGE_MAX_PIXELS: limit(1_000_000, 1_000_000_000),
  PDF_MAX_PAGES: limit(1, 100_000),
  OCR_MAX_PAGES: limit(1, 100_000),
  OCR_MAX_SECONDS: limit(10, 86_400),
  HTML_MAX_DEPTH: limit(50, 100_000),
  HTML_MAX_TAGS: limit(1000, 10_000_000),
  EXTRACT_MAX_MEMORY_MB: limit(128, 65_536),
  PASSAGES_CONFIRM_OVER: limit(100, 10_000_000),
});

export interface Config {
  corpusDir: string;
  indexDir: string;
  modelDir: string;
  modelId: string;
  allowRemoteModels: boolean;
  /** Prefix bge's retrieval instruction to queries (measured: see docs/calibration.md). */
  queryInstruction: boolean;
  synonymsFile: string;
  /** Reporters' everyday words, for questions only (never the fact-check). */
  everydayFile: string;
  /** Learnt vocabulary (src/search/vocabulary.ts): undefined = on with the fitted similarity, null = off, a number = on at that similarity. */
  learntWords: number | null | undefined;
  /** The question's everyday phrase matched whole against the learnt vocabulary (off: word by word only, for ablation). */
  learntPhrases: boolean;
  botToken: string | undefined;
  allowedUserIds: number[];
  allowedChatIds: number[];
  adminUserIds: number[];
  telegramApiRoot: string;
  resultsPerPage: number;
  rateLimitPerMinute: number;
  queryLog: string;
  /** Mixed into the sha256 of user ids in the query log, so the hashes cannot be reversed by trying every id. */
  queryLogSalt: string;
  /** JSON lines of 👍/👎 votes on answer cards (question, verdict, cited passages), read by /stats. */
  feedbackLog: string;
  /** How long the buttons under an answer card keep working. */
  sessionTtlMinutes: number;
  /** Minutes a chat's last question is kept for follow-ups (那城西区呢？); 0 turns follow-ups off. */
  followupMinutes: number;
  /** The bot (npm start) runs the embedding model in a worker thread (EMBED_WORKER, default true); the CLI never does. */
  embedWorker: boolean;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** Limits set in the environment (the others keep src/corpus/limits.ts's defaults). */
  limits: InputLimitOverrides;
}

/** The same fields as src/corpus/limits.ts's InputLimits (config imports no stage), all optional. */
export interface InputLimitOverrides {
  docxMaxInflatedBytes?: number;
  imageMaxPixels?: number;
  pdfMaxPages?: number;
  ocrMaxPages?: number;
  ocrMaxSeconds?: number;
  htmlMaxDepth?: number;
  htmlMaxTags?: number;
  extractMaxMemoryMb?: number;
  passagesConfirmOver?: number;
}

export class ConfigError extends Error {}

/** Parse and validate; a bad value throws a ConfigError naming the variable. */
export function parseConfig(env: Record<string, string | undefined> = process.env, root = ROOT): Config {
  const raw = Object.fromEntries(Object.keys(schema.shape).map((k) => [k, env[k]?.trim()]));
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration (check .env or the environment):\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const abs = (p: string) => resolve(root, p);
  return {
    corpusDir: abs(e.CORPUS_DIR),
    indexDir: abs(e.INDEX_DIR),
    modelDir: abs(e.MODEL_DIR),
    modelId: e.MODEL_ID,
    allowRemoteModels: e.ALLOW_REMOTE_MODELS,
    queryInstruction: e.QUERY_INSTRUCTION,
    synonymsFile: abs(e.SYNONYMS_FILE),
    everydayFile: abs(e.EVERYDAY_FILE),
    learntWords: e.LEARNT_WORDS === 'off' ? null : e.LEARNT_WORDS === 'on' || e.LEARNT_WORDS === '' ? undefined : Number(e.LEARNT_WORDS),
    learntPhrases: e.LEARNT_PHRASES === 'on',
    botToken: e.BOT_TOKEN,
    allowedUserIds: e.ALLOWED_USER_IDS,
    allowedChatIds: e.ALLOWED_CHAT_IDS,
    adminUserIds: e.ADMIN_USER_IDS,
    telegramApiRoot: e.TELEGRAM_API_ROOT.replace(/\/+$/, ''),
    resultsPerPage: e.RESULTS_PER_PAGE,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    queryLog: abs(e.QUERY_LOG),
    queryLogSalt: e.QUERY_LOG_SALT,
    feedbackLog: abs(e.FEEDBACK_LOG),
    sessionTtlMinutes: e.SESSION_TTL_MINUTES,
    followupMinutes: e.FOLLOWUP_MINUTES,
    embedWorker: e.EMBED_WORKER,
    logLevel: e.LOG_LEVEL,
    limits: Object.fromEntries(
      Object.entries({
        docxMaxInflatedBytes: e.DOCX_MAX_INFLATED_MB === undefined ? undefined : e.DOCX_MAX_INFLATED_MB * 1024 * 1024,
        imageMaxPixels: e.IMAGE_MAX_PIXELS,
        pdfMaxPages: e.PDF_MAX_PAGES,
        ocrMaxPages: e.OCR_MAX_PAGES,
        ocrMaxSeconds: e.OCR_MAX_SECONDS,
        htmlMaxDepth: e.HTML_MAX_DEPTH,
        htmlMaxTags: e.HTML_MAX_TAGS,
        extractMaxMemoryMb: e.EXTRACT_MAX_MEMORY_MB,
        passagesConfirmOver: e.PASSAGES_CONFIRM_OVER,
      }).filter(([, v]) => v !== undefined),
    ),
  };
}

/** Load .env (if any) from the project root, then parse. */
export async function loadConfig(): Promise<Config> {
  const dotenv = await import('dotenv');
  dotenv.config({ path: resolve(ROOT, '.env'), quiet: true } as Parameters<typeof dotenv.config>[0]);
  return parseConfig(process.env);
}
