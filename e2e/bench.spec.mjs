// The benchmark harness runs end to end on the tiny package (one report, one thread) and writes its
// JSON: a check that it works, not a measurement — timings never decide a test.
// Run with `npm run test:e2e -- bench`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { TINY_PACKAGE_DIR, tinyManifest } from './browser.mjs';

test('npm run bench runs on the tiny package and reports every figure', { timeout: 300_000 }, () => {
  const out = join(mkdtempSync(join(tmpdir(), 'bench-')), 'bench.json');
  const run = spawnSync(process.execPath, ['scripts/bench.mjs', '--model', TINY_PACKAGE_DIR, '--reports', '1', '--threads', '1', '--warm-starts', '2', '--json', out], {
    encoding: 'utf8',
    timeout: 280_000,
    // The runner has just built dist/ and added the test packages to it; a rebuild here would remove them.
    env: { ...process.env, E2E_REBUILD: '' },
  });
  assert.equal(run.status, 0, run.stderr || run.stdout);
  assert.match(run.stdout, /FLOPs per report: median [\d.]+ GFLOP/);
  const r = JSON.parse(readFileSync(out, 'utf8'));
  // Every variant of the package, the default first, natively and in the browser.
  const variants = Object.keys(tinyManifest().variants);
  assert.deepEqual([...r.package.variants].sort(), variants.sort());
  assert.equal(r.package.variants[0], tinyManifest().default_variant);
  assert.deepEqual(r.nodes.map((n) => n.variant), r.package.variants);
  assert.deepEqual(r.browsers.map((b) => b.variant), r.package.variants);
  for (const v of variants) assert.match(run.stdout, new RegExp(`Chromium WASM · 1 thread ${v}: browser / node [\\d.]+×; cold start [\\d.]+ s, warm start [\\d.]+ s \\(median of 2: [\\d.]+, [\\d.]+ s; model from store\\)`));
  assert.equal(r.reports, 1);
  assert.ok(r.flopsPerReport.median > 0);
  assert.ok(r.matmul.native[1] > 0 && Object.values(r.matmul.wasm)[0] > 0);
  for (const s of [...r.nodes, ...r.browsers]) {
    for (const part of ['tokenize', 'inference', 'post', 'total']) assert.ok(Number.isFinite(s[part].median) && Number.isFinite(s[part].p90), `${s.label} ${part}`);
    assert.ok(s.reportsPerMinute > 0);
  }
  assert.equal(r.browsers[0].warmFrom, 'store');
  // The worker's steps of the median warm start: each timed, together within the load's own time.
  for (const b of r.browsers) {
    // The row says what the session ran on (a WebGPU that fell back to WASM is labelled so, with its notice).
    assert.equal(b.backend, 'wasm');
    assert.equal(b.notice, null);
    assert.equal(b.warmStarts.length, 2);
    assert.ok(b.warmStarts.every((w) => w.from === 'store' && w.ms > 0));
    const { total, ...steps } = b.warmPhasesMs;
    assert.deepEqual(Object.keys(steps).sort(), ['compile', 'package', 'verify', 'warmup']);
    assert.ok(Object.values(steps).every((ms) => Number.isInteger(ms) && ms >= 0), JSON.stringify(steps));
    const sum = Object.values(steps).reduce((a, x) => a + x, 0);
    assert.ok(sum <= total + 4 && total <= b.warmStartMs, `${sum} ${total} ${b.warmStartMs}`);
  }
  assert.match(run.stdout, /median warm start: page \d+ ms, then the worker's load \d+ ms: package read and verified \d+ ms/);
});
