// The drill's hostile files and damaged disks (npm run drill -- --only hostile): same-size damage of the stored
// passages and figures, an overwritten graph entry point, a manifest whose passage count disagrees, HTML nested
// 5,000 deep in corpus/, 80,000 unclosed tags, a DOCX bomb, a PDF page holding a 20000×20000 image, a full disk
// during an ingest and a read-only index folder. Each row says what happened, how long it took and, for the
// bombs, the peak memory; a check that fails marks the row FAILED.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deepHtml, docxBomb, pdfWithHugeImage, unclosedTags } from './hostile.js';
import { type Row, type Run, secs } from './rows.js';

interface Deps {
  work: string;
  corpus: string;
  indexDir: string;
  question: { question: string; answer: string };
  run: (cli: string, args: string[], env?: NodeJS.ProcessEnv) => Promise<Run>;
  measuredRun: (cli: string, args: string[], env?: NodeJS.ProcessEnv) => Promise<Run>;
  log: (m: string) => void;
}

const errorLine = (r: Run) => r.stderr.split('\n').find((l) => /^(error|\[error\])/.test(l.trim()) || / rejected: /.test(l))?.trim() ?? '';
const crashed = (r: Run) => r.code === null || /Segmentation fault|Maximum call stack|FATAL ERROR|^\s+at /m.test(r.stderr);

/** The same figure with its last digit changed: "38项" → "39项" (same length, so the same file size). */
function otherFigure(figure: string): string {
  const i = figure.search(/\d(?!.*\d)/);
  return figure.slice(0, i) + String((Number(figure[i]) + 1) % 10) + figure.slice(i + 1);
}

export async function hostileDrill(d: Deps): Promise<Row[]> {
  const rows: Row[] = [];
  const { question } = d;
  const current = () => readFileSync(join(d.indexDir, 'CURRENT'), 'utf8').trim();
  const onlyCurrent = () => {
    for (const v of readdirSync(d.indexDir)) if (v.startsWith('v-') && v !== current()) rmSync(join(d.indexDir, v), { recursive: true });
  };
  const ask = async (env?: NodeJS.ProcessEnv) => {
    const r = await d.run('ask', ['--json', question.question], env);
    let texts = '';
    try {
      texts = (JSON.parse(r.stdout) as { results: { text: string }[] }).results.map((x) => x.text).join('\n');
    } catch {
      // not JSON: judged below by the exit code
    }
    return { r, texts, answered: r.code === 0 && texts.includes(question.answer) };
  };
  const settle = async () => {
    const r = await d.run('index', []);
    if (r.code !== 0) throw new Error(`index failed between drill rows: ${r.stderr.slice(-300)}`);
  };
  await settle();
  const wrong = otherFigure(question.answer);

  // Same-size damage of the stored passages: the changed figure is never shown; the only version is rebuilt.
  {
    const failures: string[] = [];
    onlyCurrent();
    const path = join(d.indexDir, current(), 'passages.json');
    const text = readFileSync(path, 'utf8');
    if (!text.includes(question.answer)) failures.push(`${question.answer} is not in passages.json`);
    writeFileSync(path, text.split(question.answer).join(wrong));
    const a = await ask();
    if (!a.answered) failures.push(`ask: ${a.r.stderr.slice(-200)}`);
    if (a.texts.includes(wrong)) failures.push(`the changed figure ${wrong} was shown`);
    if (crashed(a.r)) failures.push('crashed');
    d.log(`digit changed in passages.json (${question.answer} → ${wrong}): ask ${a.answered ? 'answered' : 'FAILED'} in ${secs(a.r.ms)}, ${wrong} shown: ${a.texts.includes(wrong)}`);
    rows.push({
      fault: `a digit changed in \`passages.json\` (${question.answer} → ${wrong}, same size), no older version`,
      runs: 1,
      outcome: `the checksum fails on open: ask ${/building…/.test(a.r.stderr) ? 'rebuilt the index and ' : ''}answered ${question.answer} (${secs(a.r.ms)}); ${wrong} never shown`,
      failures,
      operator: 'nothing (with an older intact version the ask answers from it at once, warning "run npm run index")',
    });
  }

  // Same in the figure records: /check never says ✅ for the changed figure.
  {
    const failures: string[] = [];
    await settle();
    onlyCurrent();
    const path = join(d.indexDir, current(), 'figures.json');
    const text = readFileSync(path, 'utf8');
    const num = (f: string) => f.replace(/[^\d.]/g, '');
    const from = `"figure":"${question.answer}","value":${num(question.answer)},`;
    const to = `"figure":"${wrong}","value":${num(wrong)},`;
    if (!text.includes(from)) failures.push(`no record ${from} in figures.json`);
    writeFileSync(path, text.split(from).join(to));
    const draft = `${question.question.replace(/[？?].*$/, '').replace(/多少|几/, '')}${wrong}。`;
    const r = await d.run('check', ['--json', draft]);
    let verdict = '';
    try {
      verdict = (JSON.parse(r.stdout) as { claims: { figure: string; verdict: string }[] }).claims.find((c) => c.figure === wrong)?.verdict ?? 'no claim';
    } catch {
      failures.push(`check: ${r.stderr.slice(-200)}`);
    }
    if (verdict === 'supported') failures.push(`${wrong} was called supported`);
    d.log(`digit changed in figures.json: check "${draft}" → ${verdict} in ${secs(r.ms)}`);
    rows.push({
      fault: `a digit changed in \`figures.json\` (${question.answer} → ${wrong}), no older version`,
      runs: 1,
      outcome: `the checksum fails on open: \`check\`${/building…/.test(r.stderr) ? ' rebuilt the index;' : ''} "${wrong}" is ${verdict} (${secs(r.ms)}), never ✅`,
      failures,
      operator: 'nothing',
    });
  }

  // The graph's entry point overwritten (same size): no segmentation fault.
  {
    const failures: string[] = [];
    await settle();
    const path = join(d.indexDir, current(), 'dense.hnsw');
    const b = readFileSync(path);
    b.writeUInt32LE(0x7fffffff, 52); // hnswlib's header: entry point at byte 52
    writeFileSync(path, b);
    const a = await ask();
    if (!a.answered || crashed(a.r)) failures.push(`ask: exit ${a.r.code} ${a.r.stderr.slice(-200)}`);
    d.log(`graph entry point overwritten: ask ${a.answered ? 'answered' : 'FAILED'} in ${secs(a.r.ms)}`);
    rows.push({
      fault: '`dense.hnsw` entry point overwritten (same size)',
      runs: 1,
      outcome: `the checksum and the graph check fail before hnswlib loads it: ask ${a.answered ? 'answered' : 'FAILED'}${/answering from the previous version/.test(a.r.stderr) ? ' from the previous intact version with a warning' : /building…/.test(a.r.stderr) ? ' after rebuilding the index' : ''} (${secs(a.r.ms)}); no segmentation fault`,
      failures,
      operator: 'run `npm run index` when the warning appears',
    });
  }

  // The manifest's passage count changed: plain `npm run index` repairs it.
  {
    const failures: string[] = [];
    await settle();
    const path = join(d.indexDir, current(), 'manifest.json');
    const m = JSON.parse(readFileSync(path, 'utf8')) as { passageCount: number };
    writeFileSync(path, JSON.stringify({ ...m, passageCount: m.passageCount + 1 }, null, 2));
    const repair = await d.run('index', []);
    const said = repair.stderr.match(/repaired: .*/)?.[0] ?? '';
    const a = await ask();
    if (!said) failures.push(`npm run index did not repair: ${repair.stderr.slice(-200)}`);
    if (!a.answered || /building…/.test(a.r.stderr)) failures.push(`ask after: ${a.r.stderr.slice(-200)}`);
    d.log(`manifest passage count changed: ${said} (${secs(repair.ms)})`);
    rows.push({
      fault: 'the manifest\'s passage count changed (+1)',
      runs: 2,
      outcome: `plain \`npm run index\` says "${said.replace(/v-\d+-\d+/, 'v-…')}" and rebuilds (${secs(repair.ms)}); ask after: ${a.answered ? 'answered' : 'FAILED'}`,
      failures,
      operator: 'run `npm run index` (no --force)',
    });
  }

  // HTML nested 5,000 deep dropped into corpus/: every command keeps answering; the file is skipped once.
  {
    const failures: string[] = [];
    writeFileSync(join(d.corpus, 'deep.html'), deepHtml(5000));
    const a = await ask();
    const again = await ask();
    if (!a.answered || crashed(a.r)) failures.push(`ask: ${a.r.stderr.slice(-200)}`);
    if (!/skipped deep.html: .*HTML_MAX_DEPTH/.test(a.r.stderr)) failures.push('no warning naming the file and the limit');
    if (!again.answered || /building…/.test(again.r.stderr)) failures.push('the file was read again at the next start');
    rmSync(join(d.corpus, 'deep.html'));
    await settle();
    d.log(`deep HTML in corpus: ask ${a.answered ? 'answered' : 'FAILED'} in ${secs(a.r.ms)}, next ${secs(again.r.ms)}`);
    rows.push({
      fault: 'HTML nested 5,000 levels deep (55 KB) put into `corpus/`',
      runs: 2,
      outcome: `ask answered (${secs(a.r.ms)}), warning "skipped deep.html: … more than 1000 levels deep (HTML_MAX_DEPTH) …"; the next ask does not read it again (${secs(again.r.ms)})`,
      failures,
      operator: 'save the page as text or PDF, or raise HTML_MAX_DEPTH',
    });
  }

  // Ingests of bombs: each refused in bounded time and memory, with one line naming the limit.
  const bombs: [string, string, (path: string) => Promise<void>, number, number, RegExp, string][] = [
    ['80,000 unclosed `<div>` (0.9 MB HTML)', 'unclosed.html', async (p) => writeFileSync(p, unclosedTags(80_000)), 15_000, 1024, /HTML_MAX_DEPTH/, 'save the page as text or PDF'],
    ['DOCX bomb (0.45 MB inflating to 450 MB)', 'bomb.docx', async (p) => writeFileSync(p, await docxBomb(450 * 1024 * 1024)), 60_000, 1024, /DOCX_MAX_INFLATED_MB/, 'save it again from Word or WPS, or raise DOCX_MAX_INFLATED_MB'],
    ['PDF page holding a 20000×20000 image (0.4 MB)', 'huge-image.pdf', (p) => pdfWithHugeImage(p, 20_000), 90_000, 1536, /IMAGE_MAX_PIXELS/, 'send a scan of ordinary resolution or a text version, or raise IMAGE_MAX_PIXELS'],
  ];
  for (const [fault, name, make, maxMs, maxMb, limit, operator] of bombs) {
    const failures: string[] = [];
    const path = join(d.work, name);
    await make(path);
    const r = await d.measuredRun('ingest', [path]);
    const line = errorLine(r);
    if (r.code === 0) failures.push('accepted');
    if (crashed(r)) failures.push(`crashed: ${r.stderr.slice(-200)}`);
    if (!limit.test(line)) failures.push(`no line naming the limit: ${line}`);
    if (r.ms > maxMs) failures.push(`took ${secs(r.ms)} (target ${secs(maxMs)})`);
    if (r.peakMb !== null && r.peakMb > maxMb) failures.push(`peak ${r.peakMb} MB (target ${maxMb} MB)`);
    if (existsSync(join(d.corpus, name))) failures.push('the file reached corpus/');
    const a = await ask();
    if (!a.answered) failures.push('ask after failed');
    d.log(`${name}: exit ${r.code} in ${secs(r.ms)}, peak ${r.peakMb ?? '?'} MB: ${line}`);
    rows.push({
      fault: `ingest of a ${fault}`,
      runs: 2,
      outcome: `refused in ${secs(r.ms)} (target ${secs(maxMs)}), peak ${r.peakMb ?? '?'} MB for the process tree (target ${maxMb} MB): "${line.replace(/^\[error\]\s*/, '').slice(0, 150)}"; corpus/ unchanged, ask after: ${a.answered ? 'answered' : 'FAILED'}`,
      failures,
      operator,
    });
  }

  // A full disk and a read-only folder: a small tmpfs (needs root and mount; otherwise the row says so).
  const mnt = join(d.work, 'small-disk');
  mkdirSync(mnt);
  let mounted = false;
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mnt], { stdio: 'ignore' });
    mounted = true;
  } catch {
    rows.push({ fault: 'disk full during an ingest; read-only index folder', runs: 0, outcome: 'not run: mounting a small tmpfs needs root (tests/disk.test.ts injects the same errors)', failures: [], operator: '' });
  }
  if (mounted) {
    try {
      const corpus = join(mnt, 'corpus');
      const indexDir = join(mnt, 'index');
      cpSync(d.corpus, corpus, { recursive: true });
      cpSync(join(d.indexDir, current()), join(indexDir, current()), { recursive: true });
      writeFileSync(join(indexDir, 'CURRENT'), current());
      const env = { CORPUS_DIR: corpus, INDEX_DIR: indexDir };
      const before = readdirSync(corpus).sort().join(',');
      // Fill the disk but for 40 KB: the new report fits into corpus/, a new index version does not (since a report
      // is added as a segment, with every other file shared by hard link, 300 KB were enough for it).
      const free = Number(execFileSync('df', ['-k', '--output=avail', mnt], { encoding: 'utf8' }).trim().split('\n').pop()) * 1024;
      writeFileSync(join(mnt, 'filler'), Buffer.alloc(Math.max(0, free - 40 * 1024)));
      const report = join(d.work, 'full-disk-report.txt');
      writeFileSync(report, `青禾县2025年政府工作报告\n\n一、2024年工作回顾\n\n全县地区生产总值完成182.4亿元，同比增长6.1%。\n新建乡村公路86公里，改造老旧小区23个。\n`);
      const failures: string[] = [];
      const ing = await d.run('ingest', [report], env);
      const a = await ask(env);
      if (ing.code === 0) failures.push('the ingest claimed success');
      if (!/disk full \(ENOSPC\)/.test(errorLine(ing))) failures.push(`no line naming the full disk: ${errorLine(ing)}`);
      if (readdirSync(corpus).sort().join(',') !== before) failures.push('corpus/ changed');
      if (readdirSync(indexDir).some((v) => v.startsWith('v-') && v !== current())) failures.push('a half-written version stayed');
      if (!a.answered) failures.push(`ask after: ${a.r.stderr.slice(-200)}`);
      d.log(`disk full: ingest exit ${ing.code} (${errorLine(ing)}); ask ${a.answered ? 'answered' : 'FAILED'}`);
      rows.push({
        fault: 'disk full during an ingest (a 4 MB tmpfs with 40 KB left)',
        runs: 2,
        outcome: `ingest refused in ${secs(ing.ms)}: "${errorLine(ing).replace(/^error:\s*/, '').slice(0, 140)}"; corpus/ unchanged, no half-written version; ask after: ${a.answered ? 'answered' : 'FAILED'} (${secs(a.r.ms)})`,
        failures,
        operator: 'free some space (df -h) and ingest again',
      });
      // The report dropped into corpus/ by hand on the full disk, then the folder read-only: readers keep answering.
      const f2: string[] = [];
      rmSync(join(mnt, 'filler'));
      writeFileSync(join(corpus, 'by-hand.txt'), readFileSync(report));
      execFileSync('mount', ['-o', 'remount,ro', mnt], { stdio: 'ignore' });
      const ro = await ask(env);
      if (!ro.answered) f2.push(`ask: ${ro.r.stderr.slice(-200)}`);
      if (!/EROFS.*answering from the newest intact version/.test(ro.r.stderr)) f2.push('no warning naming the read-only folder');
      d.log(`read-only folder: ask ${ro.answered ? 'answered' : 'FAILED'} in ${secs(ro.r.ms)}`);
      rows.push({
        fault: 'read-only index folder with a new report waiting in `corpus/`',
        runs: 1,
        outcome: `ask answered from the newest intact version (${secs(ro.r.ms)}) with one warning: "…${(ro.r.stderr.match(/read-only folder \(EROFS\)[^;]*/)?.[0] ?? '').slice(0, 120)}…"`,
        failures: f2,
        operator: 'mount it writable or point INDEX_DIR at a writable folder',
      });
    } finally {
      execFileSync('umount', [mnt], { stdio: 'ignore' });
    }
  }
  return rows;
}
