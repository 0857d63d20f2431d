// Performance harness: one model package on the same reports in onnxruntime-node and in headless
// Chromium (the page's worker, WASM with 1 and 2 threads, or WebGPU), measured in the same run.
// Per report: tokenize / inference / post-process (median, p90), end to end, throughput; cold start
// (first visit: download) and warm start (next visit: model from the store) to "model ready"; peak
// memory; the model's FLOPs per report, the rate they imply, and that rate as a share of this
// machine's measured matrix-multiply rate natively and in WebAssembly (the physical limit).
// Run: npm run bench -- [--model public/models/default] [--reports 24] [--threads 1,2] [--json out.json]
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { launchBrowser, openApp } from '../e2e/browser.mjs';
import { build, ensureChromium, fail, ROOT, servePreview } from '../e2e/serve.mjs';
import { DEV_REPORTS, mean, median, quantile, reportTexts } from './bench-inputs.mjs';
import { matmulModel, MATMUL_SHAPE } from './bench-matmul.mjs';

const USAGE = `Usage: npm run bench -- [--model <package folder>] [--reports N] [--mode model|hybrid] [--data <jsonl>]
                          [--variants a,b] [--threads 1,2] [--backend wasm|webgpu] [--warm-starts N] [--json <file>]

  --model    model package folder (default public/models/default)
  --variants package variants to time, the default one first (default: every variant the package has)
  --reports  how many reports to time, the first N of --data (default 24)
  --mode     extractor timed on both runtimes (default hybrid)
  --data     JSONL with a "text" per line (default ../shared/data/tcga-brca-dev-text.jsonl)
  --threads  WASM thread counts to run the browser with (default 1,2)
  --backend  wasm (default) or webgpu; WebGPU on Chromium's software adapter is labelled SwiftShader
  --warm-starts  page reloads timed for the warm start, reported as their median (default 3)
  --json     also write every figure as JSON

Prints, for onnxruntime-node and each browser configuration, the time per report split into
tokenize / inference / post-process (median and p90), reports per minute, cold and warm start to
"model ready", peak memory, and FLOPs per report as a rate and as a share of this machine's
matrix-multiply rate (measured in the same run, natively and in WebAssembly), with the ratios.`;

let parsed;
try {
  parsed = parseArgs({
    options: {
      help: { type: 'boolean', short: 'h', default: false },
      model: { type: 'string', default: join(ROOT, 'public', 'models', 'default') },
      reports: { type: 'string', default: '24' },
      mode: { type: 'string', default: 'hybrid' },
      data: { type: 'string', default: DEV_REPORTS },
      variants: { type: 'string' },
      threads: { type: 'string', default: '1,2' },
      backend: { type: 'string', default: 'wasm' },
      'warm-starts': { type: 'string', default: '3' },
      json: { type: 'string' },
    },
  });
} catch (err) {
  console.error(`bench: ${err.message}\n\n${USAGE}`);
  process.exit(2);
}
const flags = parsed.values;
if (flags.help) {
  console.log(USAGE);
  process.exit(0);
}
if (!['model', 'hybrid'].includes(flags.mode)) fail(`--mode must be model or hybrid, not ${flags.mode}`);
if (!['wasm', 'webgpu'].includes(flags.backend)) fail(`--backend must be wasm or webgpu, not ${flags.backend}`);
if (!(Number.isInteger(Number(flags.reports)) && Number(flags.reports) > 0)) fail(`--reports must be a positive integer, not ${flags.reports}`);
const warmStarts = Number(flags['warm-starts']);
if (!(Number.isInteger(warmStarts) && warmStarts > 0)) fail(`--warm-starts must be a positive integer, not ${flags['warm-starts']}`);
const threadCounts = flags.threads.split(',').map(Number);
if (threadCounts.some((n) => !(Number.isInteger(n) && n > 0))) fail(`--threads must list positive integers, not ${flags.threads}`);
const modelDir = resolve(flags.model);
if (!existsSync(join(modelDir, 'manifest.json'))) fail(`no model package at ${modelDir} (manifest.json missing)`);
const manifest = JSON.parse(readFileSync(join(modelDir, 'manifest.json'), 'utf8'));
const byDefaultFirst = [manifest.default_variant, ...Object.keys(manifest.variants).filter((v) => v !== manifest.default_variant)];
const variants = flags.variants ? flags.variants.split(',') : byDefaultFirst;
for (const v of variants) if (!(v in manifest.variants)) fail(`the package has no variant ${v} (it has ${Object.keys(manifest.variants).join(', ')})`);
const texts = reportTexts(flags.data, Number(flags.reports));

/**
 * FLOPs of one report: every matrix weight of the backbone (parameters less the embedding table) does a
 * multiply-add per token of each window, and each layer's attention adds QKᵀ and AV (4·L²·hidden per
 * layer and window). Heads and norms are under 1 % and left out.
 */
function reportFlops(windowLengths) {
  const b = manifest.backbone;
  const matmulParams = b.parameters - b.vocab_size * b.hidden_size;
  return windowLengths.reduce((sum, L) => sum + 2 * matmulParams * L + 4 * b.num_hidden_layers * L * L * b.hidden_size, 0);
}

async function tsModule(path) {
  const { tsImport } = await import('tsx/esm/api');
  return tsImport(path, import.meta.url);
}

/** Window lengths of each report, as the runner cuts them (same tokenizer and windowing code). */
async function windowLengthsOf(engine) {
  const { makeWindows } = await tsModule('../src/domain/model/windows.ts');
  const { tokenize } = await tsModule('../src/domain/model/runner.ts');
  return texts.map((t) => makeWindows(tokenize(engine.tokenizer, t).ids, manifest.bos_token_id, manifest.max_length, manifest.stride).ids.map((w) => w.length));
}

function summarise(label, runs, extra) {
  const total = runs.map((r) => r.totalMs);
  return {
    label,
    reports: runs.length,
    tokenize: { median: median(runs.map((r) => r.tokenizeMs)), p90: quantile(runs.map((r) => r.tokenizeMs), 0.9) },
    inference: { median: median(runs.map((r) => r.inferenceMs)), p90: quantile(runs.map((r) => r.inferenceMs), 0.9) },
    post: { median: median(runs.map((r) => r.postMs)), p90: quantile(runs.map((r) => r.postMs), 0.9) },
    total: { median: median(total), p90: quantile(total, 0.9) },
    reportsPerMinute: 60_000 / mean(total),
    ...extra,
  };
}

async function nodeRun(variant) {
  const { loadEngine } = await tsModule('../src/cli/model.ts');
  const started = performance.now();
  const engine = await loadEngine(modelDir, variant);
  await engine.run(texts[0], flags.mode); // warm-up, as the page does before "ready"
  const startMs = performance.now() - started;
  let peak = process.memoryUsage().rss;
  const runs = [];
  for (const text of texts) {
    const t = performance.now();
    const { timings } = await engine.run(text, flags.mode);
    runs.push({ ...timings, totalMs: performance.now() - t });
    peak = Math.max(peak, process.memoryUsage().rss);
  }
  return { engine, summary: summarise(`onnxruntime-node (CPU) ${variant}`, runs, { variant, startMs, peakMemoryBytes: peak }) };
}

/** The page's worker on one configuration: cold start, every report, warm start, memory. */
async function browserRun(browser, server, id, variant, threads) {
  const query = `?model=${id}&backend=${flags.backend}&threads=${threads}&variant=${variant}`;
  let started = performance.now();
  const { context, app, page } = await openApp(browser, { query, base: server.baseUrl });
  try {
    if ((await app.modelSettled(600_000)) !== 'ready') fail(`the page did not load the model: ${await app.modelStatus.innerText()}`);
    const coldMs = performance.now() - started;
    const backend = await app.backend.innerText();
    // What the session runs on, which is not what was asked for when WebGPU failed and fell back to WASM.
    const ranOn = await app.backend.getAttribute('data-backend');
    const notice = (await page.getByTestId('model-notice').count()) > 0 ? await page.getByTestId('model-notice').innerText() : null;
    const software = ranOn === 'webgpu' && (await page.evaluate(async () => (await navigator.gpu?.requestAdapter())?.info?.architecture === 'swiftshader'));
    await app.mode.selectOption(flags.mode);
    const runs = [];
    for (const text of texts) {
      const before = await page.getAttribute('[data-testid="results"]', 'data-seq').catch(() => null);
      await app.paste(text);
      await app.extractButton.click();
      await page.waitForFunction((prev) => document.querySelector('[data-testid="results"]')?.getAttribute('data-seq') !== prev, before, { timeout: 600_000 });
      const results = page.getByTestId('results');
      runs.push({ ...JSON.parse(await results.getAttribute('data-timings')), totalMs: Number(await results.getAttribute('data-elapsed-ms')) });
    }
    // Page, workers and WebAssembly memory together (needs cross-origin isolation, which the page has).
    const peakMemoryBytes = await page.evaluate(async () => (await performance.measureUserAgentSpecificMemory?.())?.bytes ?? null);
    await page.evaluate(() => navigator.serviceWorker?.ready.then(() => undefined));
    const warm = [];
    for (let i = 0; i < warmStarts; i++) {
      started = performance.now();
      await page.reload();
      if ((await app.modelSettled(600_000)) !== 'ready') fail(`the page did not reload the model: ${await app.modelStatus.innerText()}`);
      // The worker's load, by step; the rest of ms is the page's own start (HTML, scripts, worker).
      warm.push({ ms: Math.round(performance.now() - started), from: await page.getByTestId('model-from').getAttribute('data-from'), phasesMs: JSON.parse(await app.backend.getAttribute('data-load-phases')) });
    }
    const { ms: warmMs, from: warmFrom, phasesMs: warmPhasesMs } = warm.toSorted((a, b) => a.ms - b.ms)[Math.floor((warm.length - 1) / 2)];
    const fellBack = ranOn !== flags.backend ? ` (${flags.backend} asked for, fell back)` : '';
    const label = `Chromium ${software ? 'WebGPU (SwiftShader, software — not a GPU figure)' : backend}${fellBack} ${variant}`;
    if (fellBack) console.log(`${label}: ${notice ?? 'no notice'}`);
    return summarise(label, runs, { variant, threads, backend: ranOn, notice, coldStartMs: coldMs, warmStartMs: warmMs, warmStarts: warm, warmFrom, warmPhasesMs, peakMemoryBytes });
  } finally {
    await context.close();
  }
}

async function browserRuns() {
  ensureChromium();
  build();
  // Served as models/bench-<folder> so that any package folder can be measured.
  const id = `bench-${basename(modelDir)}`;
  const served = join(ROOT, 'dist', 'models', id);
  rmSync(served, { recursive: true, force: true });
  cpSync(modelDir, served, { recursive: true });
  const server = await servePreview();
  const browser = await launchBrowser({ webgpu: flags.backend === 'webgpu' });
  try {
    const out = [];
    for (const variant of variants) for (const threads of threadCounts) out.push(await browserRun(browser, server, id, variant, threads));
    return out;
  } finally {
    await browser.close();
    await server.close();
    rmSync(served, { recursive: true, force: true });
  }
}

/** This machine's fp32 matrix-multiply rate (GFLOP/s) with ONNX Runtime: natively, and in WebAssembly (V8, as in Chromium). */
async function matmulRates() {
  const model = matmulModel();
  const { m, k, n } = MATMUL_SHAPE;
  const flops = 2 * m * k * n;
  const rate = async (ort, options) => {
    const session = await ort.InferenceSession.create(model, options);
    const a = new ort.Tensor('float32', Float32Array.from({ length: m * k }, (_, i) => (i % 7) / 7), [m, k]);
    const b = new ort.Tensor('float32', Float32Array.from({ length: k * n }, (_, i) => (i % 5) / 5), [k, n]);
    for (let i = 0; i < 3; i++) await session.run({ a, b });
    const times = [];
    for (let i = 0; i < 15; i++) {
      const t = performance.now();
      await session.run({ a, b });
      times.push(performance.now() - t);
    }
    await session.release();
    return flops / (median(times) / 1000) / 1e9;
  };
  const native = await import('onnxruntime-node');
  const web = await import('onnxruntime-web');
  const out = { shape: MATMUL_SHAPE, native: {}, wasm: {} };
  for (const threads of threadCounts) out.native[threads] = await rate(native, { intraOpNumThreads: threads });
  // ORT reads the WASM thread count once, when it starts: the largest count is measured, and 1 thread from a child if asked.
  web.env.wasm.numThreads = Math.max(...threadCounts);
  out.wasm[Math.max(...threadCounts)] = await rate(web, {});
  return out;
}

const natives = [];
for (const variant of variants) natives.push(await nodeRun(variant));
const { engine } = natives[0];
const nodes = natives.map((n) => n.summary);
const lengths = await windowLengthsOf(engine);
const flopsPerReport = lengths.map(reportFlops);
const matmul = await matmulRates();
const browsers = await browserRuns();

const gflop = median(flopsPerReport) / 1e9;
// The rate the model's arithmetic runs at: median FLOPs over median inference time.
const rateOf = (s) => gflop / (s.inference.median / 1000);
const ms = (x) => `${x.toFixed(0)} ms`;
const mb = (x) => (x === null || x === undefined ? 'n/a' : `${(x / 1e6).toFixed(0)} MB`);
const wasmLimit = Object.values(matmul.wasm)[0];
const wasmThreads = Object.keys(matmul.wasm)[0];
const nativeLimit = Math.max(...Object.values(matmul.native));

console.log(`\nmodel package ${manifest.id} ${manifest.version} (variants ${variants.join(', ')}; default ${manifest.default_variant}), ${texts.length} reports (mean ${Math.round(mean(texts.map((t) => t.length)))} characters, median ${median(lengths.map((l) => l.length))} windows), mode ${flags.mode}`);
console.log(`FLOPs per report: median ${gflop.toFixed(1)} GFLOP (matrix weights × tokens, plus attention)`);
console.log(`matrix multiply fp32 ${MATMUL_SHAPE.m}×${MATMUL_SHAPE.k}·${MATMUL_SHAPE.k}×${MATMUL_SHAPE.n}: native ${Object.entries(matmul.native).map(([t, r]) => `${r.toFixed(0)} GFLOP/s (${t} thr)`).join(', ')}; WebAssembly SIMD ${wasmLimit.toFixed(0)} GFLOP/s (${wasmThreads} thr, ORT Web in V8)`);
console.log('');
console.log('runtime                                    tokenize  inference     post   total (p90)   rep/min  GFLOP/s  of WASM  of native');
for (const s of [...nodes, ...browsers]) {
  const r = rateOf(s);
  console.log(
    `${s.label.padEnd(42)} ${ms(s.tokenize.median).padStart(8)} ${ms(s.inference.median).padStart(10)} ${ms(s.post.median).padStart(8)} ${ms(s.total.median).padStart(7)} (${ms(s.total.p90)}) ${s.reportsPerMinute.toFixed(0).padStart(6)} ${r.toFixed(0).padStart(8)} ${`${((r / wasmLimit) * 100).toFixed(0)} %`.padStart(8)} ${`${((r / nativeLimit) * 100).toFixed(0)} %`.padStart(10)}`,
  );
}
console.log('');
const nodeOf = (variant) => nodes.find((n) => n.variant === variant);
for (const b of browsers) {
  console.log(`${b.label}: browser / node ${(b.total.median / nodeOf(b.variant).total.median).toFixed(2)}×; cold start ${(b.coldStartMs / 1000).toFixed(1)} s, warm start ${(b.warmStartMs / 1000).toFixed(1)} s (median of ${b.warmStarts.length}: ${b.warmStarts.map((w) => (w.ms / 1000).toFixed(2)).join(', ')} s; model from ${b.warmFrom}); peak memory ${mb(b.peakMemoryBytes)}`);
  const p = b.warmPhasesMs;
  console.log(`  median warm start: page ${ms(b.warmStartMs - p.total)}, then the worker's load ${ms(p.total)}: package read and verified ${ms(p.package)}, tokenizer ${ms(p.verify)}, session ${ms(p.compile)}, first inference ${ms(p.warmup)}`);
}
for (const variant of variants) {
  const runs = browsers.filter((b) => b.variant === variant);
  if (runs.length > 1) console.log(`${variant}: threads ${runs[0].threads} → ${runs.at(-1).threads} speeds inference ${(runs[0].inference.median / runs.at(-1).inference.median).toFixed(2)}×`);
}
for (const variant of variants.slice(1)) {
  const ratio = (list) => (list.find((b) => b.variant === variant)?.inference.median ?? NaN) / (list.find((b) => b.variant === variants[0])?.inference.median ?? NaN);
  const sameThreads = (t) => browsers.filter((b) => b.threads === t);
  console.log(`${variant} vs ${variants[0]}: inference ${ratio(nodes).toFixed(2)}× natively${threadCounts.map((t) => `, ${ratio(sameThreads(t)).toFixed(2)}× in the browser (${t} thr)`).join('')}`);
}
for (const n of nodes) console.log(`${n.label}: start ${(n.startMs / 1000).toFixed(1)} s, peak memory ${mb(n.peakMemoryBytes)}`);

if (flags.json) {
  writeFileSync(flags.json, `${JSON.stringify({ package: { id: manifest.id, version: manifest.version, defaultVariant: manifest.default_variant, variants }, mode: flags.mode, reports: texts.length, flopsPerReport: { median: median(flopsPerReport) }, matmul, nodes, browsers }, null, 2)}\n`);
  console.log(`wrote ${flags.json}`);
}
