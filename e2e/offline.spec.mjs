// Browser tests of the privacy and hosting guarantees: the page talks to no host but its own server,
// and it is served cross-origin isolated (COOP + COEP), which WASM threads need.
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

  test('the page makes no request to any host other than the local server', async () => {
    const { context, page, app, record } = await openApp(browser);
    await app.paste(REPORT);
    await app.extractWithKeyboard();
    await app.results.waitFor();
    // Exercise the rest of the page too: hover and pin a field, go back to editing.
    await app.field('ER').locator('button').hover();
    await app.field('ER').locator('button').click();
    await page.getByRole('button', { name: 'Edit report' }).click();
    await page.waitForLoadState('networkidle');

    const origin = new URL(baseUrl()).origin;
    assert.ok(record.requests.length > 0, 'no requests were recorded at all');
    const foreign = record.requests.filter((u) => !u.startsWith('data:') && !u.startsWith('blob:') && new URL(u).origin !== origin);
    assert.deepEqual(foreign, [], `requests left ${origin}`);
    await context.close();
  });

  test('responses carry COOP/COEP headers and the page is cross-origin isolated', async () => {
    const { context, page, response } = await openApp(browser);
    const headers = response.headers();
    assert.equal(headers['cross-origin-opener-policy'], 'same-origin');
    assert.equal(headers['cross-origin-embedder-policy'], 'require-corp');
    assert.equal(await page.evaluate(() => globalThis.crossOriginIsolated), true);

    // The scripts and styles come from the same server, with the same headers.
    const asset = await page.evaluate(() => document.querySelector('script[type="module"]')?.getAttribute('src'));
    assert.ok(asset, 'no module script in the page');
    const assetResponse = await page.request.get(new URL(asset, baseUrl()).href);
    assert.equal(assetResponse.headers()['cross-origin-embedder-policy'], 'require-corp');
    await context.close();
  });
});
