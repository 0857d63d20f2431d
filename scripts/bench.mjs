// Latency benchmark: median time per dev report for a model package in headless Chromium (WASM, the
// page's worker) and in onnxruntime-node on this machine, and their ratio, measured in the same run.
// Run: npm run bench -- [--model public/models/default] [--reports 24] [--mode hybrid] [--data <jsonl>]
import { cpSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { launchBrowser, openApp } from '../e2e/browser.mjs';
import { build, ensureChromium, fail, ROOT, servePreview } from '../e2e/serve.mjs';

const USAGE = `Usage: npm run bench -- [--model <package folder>] [--reports N] [--mode model|hybrid] [--data <jsonl>]

  --model    model package folder (default public/models/default)
  --reports  how many reports to time, the first N of --data (default 24)
  --mode     extractor timed on both runtimes (default hybrid)
  --data     JSONL with a "text" per line (default ../shared/data/tcga-brca-dev-text.jsonl)

Prints the median time per report in headless Chromium (WASM, the page's worker) and in
onnxruntime-node, measured in the same run, and their ratio.`;

let parsed;
try {
  parsed = parseArgs({
    options: {
      help: { type: 'boolean', short: 'h', default: false },
      model: { type: 'string', default: join(ROOT, 'public', 'models', 'default') },
      reports: { type: 'string', default: '24' },
      mode: { type: 'string', default: 'hybrid' },
      data: { type: 'string', default: resolve(ROOT, '..', 'shared', 'data', 'tcga-brca-dev-text.jsonl') },
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
if (!(Number.isInteger(Number(flags.reports)) && Number(flags.reports) > 0)) fail(`--reports must be a positive integer, not ${flags.reports}`);
const modelDir = resolve(flags.model);
if (!existsSync(join(modelDir, 'manifest.json'))) fail(`no model package at ${modelDir} (manifest.json missing)`);
if (!existsSync(flags.data)) fail(`no reports at ${flags.data}`);
const texts = readFileSync(flags.data, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l).text).slice(0, Number(flags.reports));

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function nodeTimes() {
  const { tsImport } = await import('tsx/esm/api');
  const { loadEngine } = await tsImport('../src/cli/model.ts', import.meta.url);
  const engine = await loadEngine(modelDir);
  await engine.extract(texts[0], flags.mode); // warm-up, as the page does before "ready"
  const times = [];
  for (const text of texts) {
    const t = performance.now();
    await engine.extract(text, flags.mode);
    times.push(performance.now() - t);
  }
  return { times, variant: engine.manifest.default_variant };
}

async function browserTimes() {
  ensureChromium();
  build();
  // Served as models/bench-<folder> so that any package folder can be measured.
  const id = `bench-${basename(modelDir)}`;
  const served = join(ROOT, 'dist', 'models', id);
  rmSync(served, { recursive: true, force: true });
  cpSync(modelDir, served, { recursive: true });
  const server = await servePreview();
  const browser = await launchBrowser();
  try {
    // Cold start: a first visit, the package downloaded, verified and kept in the model store.
    let started = performance.now();
    const { app, page } = await openApp(browser, { query: `?model=${id}&backend=wasm`, base: server.baseUrl });
    if ((await app.modelSettled(300_000)) !== 'ready') fail(`the page did not load the model: ${await app.modelStatus.innerText()}`);
    const coldMs = performance.now() - started;
    // Warm start: the next visit, the page from the service worker's cache and the model from the store.
    await page.evaluate(() => navigator.serviceWorker?.ready.then(() => undefined));
    started = performance.now();
    await page.reload();
    if ((await app.modelSettled(300_000)) !== 'ready') fail(`the page did not reload the model: ${await app.modelStatus.innerText()}`);
    const warmMs = performance.now() - started;
    const warmFrom = await page.getByTestId('model-from').getAttribute('data-from');
    const backend = await app.backend.innerText();
    await app.mode.selectOption(flags.mode);
    const times = [];
    for (const text of texts) {
      const before = await page.getAttribute('[data-testid="results"]', 'data-seq').catch(() => null);
      await app.paste(text);
      await app.extractButton.click();
      await page.waitForFunction((prev) => {
        const el = document.querySelector('[data-testid="results"]');
        return el && el.getAttribute('data-seq') !== prev;
      }, before, { timeout: 300_000 });
      times.push(Number(await page.getAttribute('[data-testid="results"]', 'data-elapsed-ms')));
    }
    return { times, backend, coldMs, warmMs, warmFrom };
  } finally {
    await browser.close();
    await server.close();
    rmSync(served, { recursive: true, force: true });
  }
}

const node = await nodeTimes();
const web = await browserTimes();
const tokens = texts.reduce((n, t) => n + t.length, 0) / texts.length;
console.log(`model package ${basename(modelDir)} (${node.variant}), ${texts.length} dev reports (mean ${Math.round(tokens)} characters), mode ${flags.mode}`);
console.log(`  onnxruntime-node (CPU):        median ${median(node.times).toFixed(0)} ms per report`);
console.log(`  Chromium, page worker (${web.backend}): median ${median(web.times).toFixed(0)} ms per report`);
console.log(`  ratio browser / node: ${(median(web.times) / median(node.times)).toFixed(2)}×`);
console.log(`  start to "model ready": cold (first visit, downloaded) ${(web.coldMs / 1000).toFixed(1)} s; warm (next visit, model from ${web.warmFrom === 'store' ? 'the store' : web.warmFrom}) ${(web.warmMs / 1000).toFixed(1)} s; warm / cold ${(web.warmMs / web.coldMs).toFixed(2)}×`);
