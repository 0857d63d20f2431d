// Browser tests of the model on WebGPU (Chromium's SwiftShader adapter, no GPU needed): it runs there and
// matches onnxruntime-node, and a WebGPU session that fails falls back to WASM with a visible notice.
// Run with `npm run test:e2e`. SwiftShader compiles shaders slowly: the tiny package and generous timeouts.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { SCHEMA, SHOTS, TYPICAL_REPORT, assertNoErrors, launchBrowser, openApp, tinyManifest } from './browser.mjs';
import { PARITY_REPORT, maxLogitDifference, nodeLogits } from './parity.mjs';

const TOLERANCE = 1e-3;
const WEBGPU_LOAD_MS = 120_000;

describe('in-browser model (WebGPU)', { timeout: 240_000 }, () => {
  let browser;
  before(async () => {
    browser = await launchBrowser({ webgpu: true });
    mkdirSync(SHOTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
  });

  test('the tiny package runs on WebGPU and its logits equal onnxruntime-node', async (t) => {
    const variant = tinyManifest().default_variant;
    const { context, app, record } = await openApp(browser, { query: '?model=tiny-random&backend=webgpu' });
    assert.equal(await app.modelSettled(WEBGPU_LOAD_MS), 'ready');
    assert.equal(await app.backend.getAttribute('data-backend'), 'webgpu');
    assert.equal(await app.backend.innerText(), 'WebGPU');
    assert.equal(await app.modelNotice.count(), 0);

    await app.paste(PARITY_REPORT);
    await app.extractWithKeyboard();
    await app.results.waitFor({ timeout: WEBGPU_LOAD_MS });
    assert.equal(await app.page.locator('[data-field]').count(), SCHEMA.fields.length);
    const difference = maxLogitDifference(await app.logits(), nodeLogits(PARITY_REPORT, variant));
    t.diagnostic(`WebGPU (${variant}, SwiftShader): max |browser − node| logit difference = ${difference.toExponential(2)}`);
    assert.ok(difference <= TOLERANCE, `browser and node logits differ by ${difference}`);
    assertNoErrors(record);
    await context.close();
  });

  test('a failing WebGPU session falls back to WASM with a notice, and extraction works', async () => {
    const { context, page, app, record } = await openApp(browser, { query: '?model=tiny-random&fault=webgpu-session' });
    assert.equal(await app.modelSettled(WEBGPU_LOAD_MS), 'ready');
    assert.equal(await app.backend.getAttribute('data-backend'), 'wasm');
    assert.match(await app.modelNotice.innerText(), /WebGPU could not run the model .*running on WASM instead/);

    await app.paste(TYPICAL_REPORT);
    await app.extractWithKeyboard();
    await app.results.waitFor();
    assert.equal((await app.fieldValues()).pT, 'T2');
    assert.ok(await app.logits(), 'the model ran');
    await page.screenshot({ path: new URL('model-webgpu-fallback.png', SHOTS).pathname, fullPage: true });
    assertNoErrors(record);
    await context.close();
  });
});
