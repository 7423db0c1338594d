import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/index.js';
import { type Embedder, loadEmbedder } from '../src/embed/index.js';
import { ingestReports, MAX_REPORT_BYTES, removeReport, safeReportName, validateReport } from '../src/app/ingest.js';
import { currentVersion } from '../src/index/store.js';
import { openEngine } from '../src/app/open.js';
import { SAMPLE_DIR } from './helpers/sample.js';

const root = join(import.meta.dirname, '..');
const fixture = (name: string) => ({ name, bytes: new Uint8Array(readFileSync(join(root, 'tests', 'fixtures', 'reports', name))) });
let work: string;
let embedder: Embedder;
const config = () => parseConfig({ CORPUS_DIR: join(work, 'corpus'), INDEX_DIR: join(work, 'index') });
const build = () => ({ embedder: async () => embedder });

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'ingest-test-'));
  cpSync(join(SAMPLE_DIR, '003_82e26507ed7144a6.txt'), join(work, 'corpus', '003.txt'));
  embedder = await loadEmbedder(parseConfig({}));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('ingest and remove', () => {
  it('adds a DOCX and a PDF; a running engine picks them up on reload while answering from the old index meanwhile', async () => {
    const engine = await openEngine(config(), { embedder });
    const before = currentVersion(config().indexDir);
    const ingest = ingestReports(config(), [fixture('report.docx'), fixture('two-columns.pdf')], build());
    // a question during the ingest is answered from the previous index
    const during = await engine.search('城北区社会保障方面投入资金多少？');
    expect(during.results[0]!.highlight).toContain('5.35亿元');
    const { outcomes, build: report } = await ingest;
    expect(outcomes).toMatchObject([
      { file: 'report.docx', status: 'added', facts: { title: '2024年示例区人民政府工作报告', passages: expect.any(Number) } },
      { file: 'two-columns.pdf', status: 'added', facts: { pages: 3 } },
    ]);
    expect(report?.added.sort()).toEqual(['report.docx', 'two-columns.pdf']);
    expect(report?.unchanged).toEqual(['003.txt']);
    expect(currentVersion(config().indexDir)).not.toBe(before);
    expect(await engine.reload()).toBe(true);
    expect(await engine.reload()).toBe(false);
    const a = await engine.search('新增停车泊位多少个？');
    expect(a.results[0]).toMatchObject({ source: { file: 'two-columns.pdf', page: expect.any(Number) } });
  });

  it('refuses duplicates, corrupt files, scans and wrong types, leaving corpus and index untouched', async () => {
    const version = currentVersion(config().indexDir);
    const corpus = readdirSync(config().corpusDir).sort();
    const { outcomes, build: report } = await ingestReports(
      config(),
      [
        { ...fixture('report.docx'), name: 'copy.docx' },
        fixture('truncated.pdf'),
        fixture('scan.pdf'),
        { name: 'evil.exe', bytes: new Uint8Array([1, 2, 3]) },
        { name: '../../etc/passwd.txt', bytes: new TextEncoder().encode('') },
      ],
      build(),
    );
    expect(outcomes.map((o) => o.status)).toEqual(['duplicate', 'rejected', 'rejected', 'rejected', 'rejected']);
    expect(outcomes[0]).toMatchObject({ duplicateOf: 'report.docx' });
    // the extractor's kind reaches the outcome (and from there the user's message), the English reason the log
    expect(outcomes.slice(1)).toMatchObject([
      { kind: 'corrupt', reason: expect.stringMatching(/truncated/) },
      { kind: 'blank-scan', reason: expect.stringMatching(/nothing could be recognised/) },
      { kind: 'file-type', reason: expect.stringMatching(/unsupported file type/) },
      { kind: 'no-text', file: 'passwd.txt' },
    ]);
    expect(report).toBeNull();
    expect(currentVersion(config().indexDir)).toBe(version);
    expect(readdirSync(config().corpusDir).sort()).toEqual(corpus);
  });

  it('removes a report and its passages', async () => {
    const result = await removeReport(config(), 'report.docx', build());
    expect(result).toMatchObject({ removed: ['report.docx'] });
    expect(existsSync(join(config().corpusDir, 'report.docx'))).toBe(false);
    const engine = await openEngine(config(), { embedder });
    expect(engine.reports().map((r) => r.file)).toEqual(['003.txt', 'two-columns.pdf']);
    expect(await removeReport(config(), 'nope.txt', build())).toMatchObject({ reason: expect.stringContaining('nope.txt') });
  });

  it('keeps file names inside corpus/', () => {
    expect(safeReportName('../../etc/x.pdf')).toBe('x.pdf');
    expect(safeReportName('C:\\Users\\a\\报告.docx')).toBe('报告.docx');
    expect(safeReportName('.hidden.txt')).toMatchObject({ kind: 'file-name', reason: expect.any(String) });
  });

  it('names the kind of every refusal: too large, wrong type, old format, bad encoding', async () => {
    const check = (name: string, bytes: Uint8Array) => validateReport(config(), { name, bytes });
    expect(await check('big.txt', new Uint8Array(MAX_REPORT_BYTES + 1))).toMatchObject({ status: 'rejected', kind: 'too-large' });
    expect(await check('report.pdf', fixture('report.docx').bytes)).toMatchObject({ status: 'rejected', kind: 'wrong-type' });
    const ole = new Uint8Array(1024);
    ole.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
    expect(await check('old.docx', ole)).toMatchObject({ status: 'rejected', kind: 'old-format' });
    expect(await check('latin1.txt', new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x0a, 0xff, 0xfe, 0x41]))).toMatchObject({ status: 'rejected', kind: 'encoding' });
  });
});
