// End-to-end test runner: builds the page (or reuses a fresh dist/), copies the tiny model package into
// dist/models/ with a corrupt twin, serves dist/ with `vite preview` on a free 127.0.0.1 port, runs
// e2e/*.spec.mjs with Node's test runner, then stops the server.
// Usage: npm run test:e2e   (E2E_REBUILD=1 forces a build; CHROMIUM_PATH overrides /usr/bin/chromium)
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureTinyPackage } from '../scripts/tiny-package.mjs';
import { CHROMIUM_PATH } from './browser.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIST_INDEX = join(ROOT, 'dist', 'index.html');
// Everything whose change makes dist/ stale.
const BUILD_INPUTS = ['src', 'public', 'index.html', 'vite.config.ts', 'package.json', 'package-lock.json', 'tsconfig.base.json', 'tsconfig.app.json', 'tsconfig.worker.json'];
const MODEL_EXPORT = join(ROOT, 'model-export');

function fail(message) {
  console.error(`\ne2e: ${message}\n`);
  process.exit(1);
}

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return readdirSync(path).reduce((max, name) => Math.max(max, newestMtime(join(path, name))), st.mtimeMs);
}

function distIsFresh() {
  if (!existsSync(DIST_INDEX)) return false;
  const built = statSync(DIST_INDEX).mtimeMs;
  return BUILD_INPUTS.every((p) => newestMtime(join(ROOT, p)) <= built);
}

function build() {
  if (process.env.E2E_REBUILD !== '1' && distIsFresh()) {
    console.log('e2e: dist/ is newer than its sources; reusing it (E2E_REBUILD=1 forces a build).');
    return;
  }
  console.log('e2e: building the page with vite build…');
  const vite = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  const r = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) fail(`vite build failed (exit ${r.status ?? r.signal}).`);
}

/**
 * dist/models/tiny-random: the tiny package (kept out of public/ so that no production build ships it),
 * and dist/models/tiny-corrupt: the same with one byte of its default variant's model flipped, which the
 * page must refuse with a checksum error. Both are copied afresh on every run.
 */
function addTestPackages() {
  let source;
  try {
    source = ensureTinyPackage();
  } catch (e) {
    fail(e.message);
  }
  const tiny = join(ROOT, 'dist', 'models', 'tiny-random');
  const target = join(ROOT, 'dist', 'models', 'tiny-corrupt');
  for (const dir of [tiny, target]) {
    rmSync(dir, { recursive: true, force: true });
    cpSync(source, dir, { recursive: true });
  }
  const manifest = JSON.parse(readFileSync(join(target, 'manifest.json'), 'utf8'));
  const model = join(target, manifest.variants[manifest.default_variant].model);
  const bytes = readFileSync(model);
  bytes[bytes.length >> 1] ^= 0xff;
  writeFileSync(model, bytes);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function runTests(baseUrl) {
  const specs = readdirSync(join(ROOT, 'e2e'))
    .filter((f) => f.endsWith('.spec.mjs'))
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
  if (!existsSync(CHROMIUM_PATH)) {
    fail(
      `Chromium was not found at ${CHROMIUM_PATH}. The e2e tests drive Debian's Chromium and never download a browser.\n` +
        '     Install it with:  apt-get update && apt-get install -y chromium\n' +
        '     (.ci/run installs it for you; CHROMIUM_PATH=/path/to/chromium points the tests at another build.)',
    );
  }
  build();
  addTestPackages();
  const { preview } = await import('vite');
  const port = await freePort();
  const server = await preview({
    root: ROOT,
    logLevel: 'warn',
    preview: { host: '127.0.0.1', port, strictPort: true, open: false },
  });
  const baseUrl = `http://127.0.0.1:${port}`;
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
