// Shared by the e2e runner and the benchmark: build dist/ when stale, check for Debian's Chromium,
// and serve dist/ with `vite preview` (production headers) on a free 127.0.0.1 port.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_PATH } from './browser.mjs';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIST_INDEX = join(ROOT, 'dist', 'index.html');
// Everything whose change makes dist/ stale.
const BUILD_INPUTS = ['src', 'public', 'index.html', 'vite.config.ts', 'package.json', 'package-lock.json', 'tsconfig.base.json', 'tsconfig.app.json', 'tsconfig.worker.json'];

export function fail(message) {
  console.error(`\n${message}\n`);
  process.exit(1);
}

export function ensureChromium() {
  if (!existsSync(CHROMIUM_PATH)) {
    fail(
      `Chromium was not found at ${CHROMIUM_PATH}. The browser tests drive Debian's Chromium and never download a browser.\n` +
        '     Install it with:  apt-get update && apt-get install -y chromium\n' +
        '     (.ci/run installs it for you; CHROMIUM_PATH=/path/to/chromium points the tests at another build.)',
    );
  }
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

export function build() {
  if (process.env.E2E_REBUILD !== '1' && distIsFresh()) {
    console.log('dist/ is newer than its sources; reusing it (E2E_REBUILD=1 forces a build).');
    return;
  }
  console.log('building the page with vite build…');
  const vite = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  const r = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) fail(`vite build failed (exit ${r.status ?? r.signal}).`);
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

/** Serves dist/ like `npm run preview`; returns its address and a close function. */
export async function servePreview() {
  const { preview } = await import('vite');
  const port = await freePort();
  const server = await preview({ root: ROOT, logLevel: 'warn', preview: { host: '127.0.0.1', port, strictPort: true, open: false } });
  return { baseUrl: `http://127.0.0.1:${port}`, close: () => server.close() };
}
