// Soak: N small reports (default 1,000) through the page in one batch with the tiny model (hybrid),
// checking that every one ends stored in history and that memory does not keep growing: the page's
// memory (page + workers, measureUserAgentSpecificMemory) is sampled as the batch runs.
// Run: node scripts/soak.mjs [--reports 1000]   (builds dist/ when stale; needs Chromium)
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { launchBrowser, openApp } from '../e2e/browser.mjs';
import { build, ensureChromium, fail, ROOT, servePreview } from '../e2e/serve.mjs';
import { ensureTinyPackage } from './tiny-package.mjs';

const { values: flags } = parseArgs({ options: { reports: { type: 'string', default: '1000' } } });
const total = Number(flags.reports);
if (!(Number.isInteger(total) && total > 0)) fail(`--reports must be a positive integer, not ${flags.reports}`);

const REPORT = (i) =>
  `Case ${i}. Left breast, lumpectomy: invasive ductal carcinoma, Nottingham grade ${1 + (i % 3)}. Tumour size ${10 + (i % 40)} mm. ` +
  `pT${1 + (i % 3)} pN${i % 2}. ER positive (${50 + (i % 50)}%). PR ${i % 4 ? 'positive' : 'negative'}. HER2 negative (IHC ${i % 2 ? '1+' : '0'}).`;

ensureChromium();
build();
const served = join(ROOT, 'dist', 'models', 'soak-tiny');
rmSync(served, { recursive: true, force: true });
cpSync(ensureTinyPackage(), served, { recursive: true });
const server = await servePreview();
const browser = await launchBrowser();
try {
  const { page, app, record } = await openApp(browser, { query: '?model=soak-tiny&backend=wasm', base: server.baseUrl });
  if ((await app.modelSettled(120_000)) !== 'ready') fail(`the tiny model did not load: ${await app.modelStatus.innerText()}`);
  await page.getByTestId('tab-batch').click();
  const files = Array.from({ length: total }, (_, i) => ({ name: `r${String(i).padStart(5, '0')}.txt`, mimeType: 'text/plain', buffer: Buffer.from(REPORT(i)) }));
  const memory = () => page.evaluate(async () => (await performance.measureUserAgentSpecificMemory()).bytes);
  const started = performance.now();
  await page.getByTestId('file-input').setInputFiles(files);
  const samples = [];
  for (;;) {
    const state = await page.getByTestId('batch-progress').evaluate((el) => ({ ...el.dataset }));
    samples.push({ s: (performance.now() - started) / 1000, done: Number(state.done), bytes: await memory() });
    if (state.running === 'false' && Number(state.done) + Number(state.failed) === total) break;
    await page.waitForTimeout(5_000);
  }
  const seconds = (performance.now() - started) / 1000;
  const stored = await page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('path-extract');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const count = open.result.transaction('reports').objectStore('reports').count();
          count.onsuccess = () => resolve(count.result);
        };
      }),
  );
  const last = samples.at(-1);
  const mb = (b) => `${(b / 1e6).toFixed(0)} MB`;
  console.log(`soak: ${total} reports in ${seconds.toFixed(0)} s (${((total / seconds) * 60).toFixed(0)} a minute); ${last.done} done, ${stored} stored in history`);
  console.log(`memory (page + workers): ${samples.map((x) => `${x.done}→${mb(x.bytes)}`).join(', ')}`);
  const third = samples.slice(Math.floor(samples.length / 3));
  console.log(`memory over the last two thirds: min ${mb(Math.min(...third.map((x) => x.bytes)))}, max ${mb(Math.max(...third.map((x) => x.bytes)))}`);
  console.log(`page errors: ${record.pageErrors.length}, console errors: ${record.consoleErrors.length}`);
  if (stored !== total || last.done !== total) process.exitCode = 1;
} finally {
  await browser.close();
  await server.close();
  rmSync(served, { recursive: true, force: true });
}
