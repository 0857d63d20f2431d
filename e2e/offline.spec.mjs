// Browser tests of the privacy and hosting guarantees: the page, its worker and the model runtime talk
// to no host but their own server, and the page is cross-origin isolated (COOP + COEP) for WASM threads.
// Run with `npm run test:e2e` (it builds, serves and sets E2E_BASE_URL).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { baseUrl, launchBrowser, openApp } from './browser.mjs';

const REPORT = 'Invasive lobular carcinoma, grade 2. ER positive (80%), PR positive (40%). HER2 negative (IHC 0). Ki-67 10%.';

describe('privacy and hosting', { timeout: 60_000 }, () => {
  let browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  test('the page makes no request to any host other than the local server, with the model loaded', async () => {
    const { context, page, app, record } = await openApp(browser, { query: '?model=tiny-random&backend=wasm' });
    assert.equal(await app.modelSettled(), 'ready');
    await app.paste(REPORT);
    await app.extractWithKeyboard();
    await app.results.waitFor();
    // Exercise the rest of the page too: hover and pin a field, go back to editing.
    await app.field('ER').locator('.row-button').hover();
    await app.field('ER').locator('.row-button').click();
    await page.getByRole('button', { name: 'Edit report' }).click();
    await page.waitForLoadState('networkidle');

    const origin = new URL(baseUrl()).origin;
    assert.ok(record.requests.length > 0, 'no requests were recorded at all');
    // The worker's requests are recorded too: the runtime's .wasm and the package files came from here.
    assert.ok(record.requests.some((u) => /\/assets\/ort-wasm-simd-threaded\.asyncify-[\w-]+\.wasm$/.test(u)), 'the ORT .wasm was not requested from the server');
    assert.ok(record.requests.some((u) => u.endsWith('/models/tiny-random/manifest.json')), 'the model package was not requested');
    const foreign = record.requests.filter((u) => !u.startsWith('data:') && !u.startsWith('blob:') && new URL(u).origin !== origin);
    assert.deepEqual(foreign, [], `requests left ${origin}`);
    await context.close();
  });

  test('responses carry COOP/COEP headers, the page is cross-origin isolated and WASM runs threaded', async () => {
    const { context, page, app, response, record } = await openApp(browser, { query: '?model=tiny-random&backend=wasm' });
    const headers = response.headers();
    assert.equal(headers['cross-origin-opener-policy'], 'same-origin');
    assert.equal(headers['cross-origin-embedder-policy'], 'require-corp');
    assert.equal(await page.evaluate(() => globalThis.crossOriginIsolated), true);

    // The scripts and styles come from the same server, with the same headers.
    const asset = await page.evaluate(() => document.querySelector('script[type="module"]')?.getAttribute('src'));
    assert.ok(asset, 'no module script in the page');
    const assetResponse = await page.request.get(new URL(asset, baseUrl()).href);
    assert.equal(assetResponse.headers()['cross-origin-embedder-policy'], 'require-corp');

    // The runtime's .wasm is served as application/wasm (streaming compilation needs it), and with
    // cross-origin isolation the worker runs more than one thread where the machine has the cores.
    assert.equal(await app.modelSettled(), 'ready');
    const wasm = record.requests.find((u) => u.endsWith('.wasm'));
    assert.ok(wasm, 'no .wasm was requested');
    const wasmHeaders = (await page.request.get(wasm)).headers();
    assert.equal(wasmHeaders['content-type'], 'application/wasm');
    assert.equal(wasmHeaders['cross-origin-embedder-policy'], 'require-corp');
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    assert.equal(await app.backend.innerText(), cores > 1 ? `WASM · ${Math.min(4, cores)} threads` : 'WASM · 1 thread');
    await context.close();
  });
});
