// End-to-end test runner: builds the page (or reuses a fresh dist/), copies the tiny model package into
// dist/models/ with its broken copies, serves dist/ with `vite preview` on a free 127.0.0.1 port, runs
// e2e/*.spec.mjs with Node's test runner, then stops the server.
// Usage: npm run test:e2e [-- word…]   (only specs whose names contain a word; E2E_REBUILD=1 forces a
// build; CHROMIUM_PATH overrides /usr/bin/chromium)
import { spawn } from 'node:child_process';
import { cpSync, readdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { makeBrokenPackages } from '../scripts/bad-inputs.mjs';
import { ensureTinyPackage } from '../scripts/tiny-package.mjs';
import { build, ensureChromium, fail, ROOT, servePreview } from './serve.mjs';

/**
 * dist/models/tiny-random: the tiny package (kept out of public/ so that no production build ships it),
 * and beside it the broken copies of scripts/bad-inputs.mjs (tiny-corrupt fails its checksum, broken-*
 * the rest), which the page must refuse with a clear message. All are copied afresh on every run.
 */
function addTestPackages() {
  let source;
  try {
    source = ensureTinyPackage();
  } catch (e) {
    fail(e.message);
  }
  const models = join(ROOT, 'dist', 'models');
  const tiny = join(models, 'tiny-random');
  rmSync(tiny, { recursive: true, force: true });
  cpSync(source, tiny, { recursive: true });
  makeBrokenPackages(source, models);
}

const ONLY = process.argv.slice(2);

function runTests(baseUrl) {
  const specs = readdirSync(join(ROOT, 'e2e'))
    .filter((f) => f.endsWith('.spec.mjs'))
    // `npm run test:e2e -- batch review` runs only the specs whose names contain one of the words.
    .filter((f) => ONLY.length === 0 || ONLY.some((word) => f.includes(word)))
    .sort()
    .map((f) => relative(ROOT, join(ROOT, 'e2e', f)));
  if (specs.length === 0) fail('no e2e/*.spec.mjs files found.');
  // One spec file at a time: each launches its own Chromium, and CI machines have two cores.
  const args = ['--test', '--test-concurrency=1', '--test-reporter=spec', ...specs];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, E2E_BASE_URL: baseUrl } });
    const forward = (signal) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

async function main() {
  ensureChromium();
  build();
  addTestPackages();
  const server = await servePreview();
  const baseUrl = server.baseUrl;
  console.log(`e2e: serving dist/ at ${baseUrl}`);
  let code = 1;
  try {
    code = await runTests(baseUrl);
  } finally {
    await server.close();
  }
  process.exit(code);
}

main().catch((e) => fail(e instanceof Error ? (e.stack ?? e.message) : String(e)));
