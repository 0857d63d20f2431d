// Browser tests of the air-gapped app: a full working run (model load, paste, files with OCR,
// extraction, export) requests nothing outside the origin, online and again with the network off;
// the second visit takes the model from this computer's store (no package request); a package
// imported from disk is verified (one altered byte is refused, naming the file) and then used offline;
// the Content-Security-Policy is sent with the page and its workers.
// Run with `npm run test:e2e -- airgap` (it builds, serves and sets E2E_BASE_URL).
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { makeIngestFixtures } from '../scripts/ingest-fixtures.mjs';
import { TINY_PACKAGE_DIR, assertNoErrors, baseUrl, launchBrowser, openApp, tinyManifest } from './browser.mjs';

const REPORT = 'Left breast, lumpectomy: invasive ductal carcinoma, grade 2. pT1c pN0. ER positive (90%). PR positive. HER2 negative (1+).';
const WAIT = { timeout: 120_000 };

function foreign(requests) {
  const origin = new URL(baseUrl()).origin;
  return requests.filter((u) => !u.startsWith('data:') && !u.startsWith('blob:') && new URL(u).origin !== origin);
}

/** The whole day's work once: paste and extract with the model, a batch of a text PDF and a scan (OCR), export CSV. */
async function workingRun(page, app, fx) {
  await app.paste(REPORT);
  await app.extractButton.click();
  await app.results.waitFor(WAIT);
  await page.getByTestId('file-input').setInputFiles([fx.textPdf.path, fx.scanPng.path]);
  await page.waitForSelector('[data-testid="batch-progress"][data-done="2"][data-running="false"]', WAIT);
  await page.getByTestId('tab-history').click();
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
  assert.match(readFileSync(await file.path(), 'utf8'), /report-scan-p1\.png/);
}

/** Waits until the service worker controls the page and has precached the app. */
async function installed(page) {
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
}

describe('air-gapped by construction', { timeout: 600_000 }, () => {
  let browser;
  let fx;
  before(async () => {
    fx = await makeIngestFixtures();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  test('a full working run requests nothing outside the origin; offline, the second visit does it all again with the stored model', async () => {
    const { context, page, app, response, record } = await openApp(browser, { query: '?model=tiny-random&backend=wasm' });
    // The policy travels with the page as a header and as a <meta> (for servers that cannot send headers).
    assert.match(response.headers()['content-security-policy'], /connect-src 'self'/);
    assert.match(await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content'), /default-src 'self'/);
    // Installable: a web app manifest with the icons a browser asks for, served by the app.
    const manifestUrl = await page.locator('link[rel="manifest"]').getAttribute('href');
    const webManifest = await (await page.request.get(new URL(manifestUrl, page.url()).href)).json();
    assert.equal(webManifest.display, 'standalone');
    assert.deepEqual(webManifest.icons.map((i) => i.sizes).sort(), ['192x192', '512x512', '512x512']);
    assert.equal(await app.modelSettled(WAIT.timeout), 'ready');
    assert.equal(await page.getByTestId('model-from').getAttribute('data-from'), 'server');
    await workingRun(page, app, fx);
    assert.deepEqual(foreign(record.requests), [], 'requests left the origin');
    await installed(page);

    // Network off: the page, its workers, ONNX Runtime, pdf.js and the OCR engine come from the
    // service worker's cache, the model from IndexedDB's store (verified), and nothing is asked of the network.
    await context.setOffline(true);
    const before = record.requests.length;
    const started = Date.now();
    await page.reload();
    assert.equal(await app.modelSettled(WAIT.timeout), 'ready');
    console.log(`  ℹ offline warm start to "model ready": ${Date.now() - started} ms`);
    assert.equal(await page.getByTestId('model-from').getAttribute('data-from'), 'store');
    assert.match(await page.getByTestId('model-notice').innerText(), /server cannot be reached; using tiny-random@[\w.-]+, stored on this computer/);
    await workingRun(page, app, fx);
    const offline = record.requests.slice(before);
    assert.deepEqual(foreign(offline), [], 'requests left the origin while offline');
    assert.deepEqual(offline.filter((u) => /\/models\/tiny-random\/(?!manifest\.json).+/.test(u)), [], 'model files were requested although they are stored');
    await context.close();
  });

  test('a package imported from disk is verified, kept, and used; one altered byte is refused with the file named', async () => {
    const { context, page, app, record } = await openApp(browser, { query: '?model=nope' });
    assert.equal(await app.modelSettled(), 'missing');
    await page.getByTestId('model-panel').locator('summary').click();

    // A copy of the tiny package with one byte of its model flipped.
    const manifest = tinyManifest();
    const modelFile = manifest.variants[manifest.default_variant].model;
    const bad = join(mkdtempSync(join(tmpdir(), 'bad-package-')), 'tiny-random');
    cpSync(TINY_PACKAGE_DIR, bad, { recursive: true });
    const bytes = readFileSync(join(bad, modelFile));
    bytes[bytes.length >> 1] ^= 0x01;
    writeFileSync(join(bad, modelFile), bytes);
    await page.getByTestId('import-model-folder').setInputFiles(bad);
    const status = page.getByTestId('model-import');
    await page.waitForSelector('[data-testid="model-import"][data-status="failed"]', WAIT);
    assert.match(await status.innerText(), new RegExp(`${basename(modelFile).replace('.', '\\.')}.*Nothing of it was stored`, 's'));
    assert.equal(await page.getByTestId('stored-model').count(), 0);

    await page.getByTestId('import-model-folder').setInputFiles(TINY_PACKAGE_DIR);
    await page.waitForSelector('[data-testid="model-import"][data-status="done"]', WAIT);
    assert.equal(await page.getByTestId('stored-model').count(), 1);
    await page.getByTestId('use-imported-model').click();
    assert.equal(await app.modelSettled(WAIT.timeout), 'ready');
    assert.equal(await page.getByTestId('model-from').getAttribute('data-from'), 'store');
    assertNoErrors({ ...record, consoleErrors: record.consoleErrors.filter((m) => !/404/.test(m)) });
    await context.close();
  });
});
