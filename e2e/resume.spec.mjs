// Browser tests of a batch cut off by a reload or a closed tab: reports finished before are in history
// (IndexedDB), the files not read yet are offered on the next page load, and resuming reads each of them
// once; two tabs at once keep their own batches and the history whole. Extraction uses the rules.
// Run with `npm run test:e2e -- resume` (it builds, serves and sets E2E_BASE_URL).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { makeIngestFixtures } from '../scripts/ingest-fixtures.mjs';
import { assertNoErrors, launchBrowser, openApp } from './browser.mjs';

const WAIT = { timeout: 120_000 };
const REPORT = 'Left breast, lumpectomy: invasive ductal carcinoma, Nottingham grade 2. pT1c pN0. ER positive (95%). PR positive. HER2 negative (1+).';

function textFile(name) {
  return { name, mimeType: 'text/plain', buffer: Buffer.from(`${name}\n${REPORT}`) };
}

/** Counts of the page's IndexedDB stores and the stored reports' names, read with the raw API. */
function stored(page) {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('path-extract');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction(['reports', 'pending-files']);
          const names = tx.objectStore('reports').getAll();
          const pending = tx.objectStore('pending-files').count();
          tx.oncomplete = () => (db.close(), resolve({ names: names.result.map((r) => r.name).sort(), pending: pending.result }));
          tx.onerror = () => reject(tx.error);
        };
      }),
  );
}

/** The scan PDF as a file to pick (Playwright takes paths or buffers, not both in one pick). */
function scan(fx) {
  return { name: basename(fx.scanPdf.path), mimeType: 'application/pdf', buffer: readFileSync(fx.scanPdf.path) };
}

/** The extractor menu in view (the paste view keeps its own, hidden, while another view is shown). */
function rulesOnly(page) {
  return page.locator('[data-testid="mode"]:visible').selectOption('rules');
}

async function startBatch(page, files) {
  await rulesOnly(page);
  await page.getByTestId('tab-batch').click();
  await page.getByTestId('file-input').setInputFiles(files);
}

async function settled(page) {
  await page.waitForSelector('[data-testid="batch-progress"][data-running="false"]', WAIT);
  return page.getByTestId('batch-progress').evaluate((el) => ({ done: el.dataset.done, failed: el.dataset.failed, total: el.dataset.total }));
}

/** Waits until the named file's row is in `status`. */
function rowIn(page, name, status) {
  return page.waitForSelector(`[data-testid="job-row"][data-name="${name}"][data-status="${status}"]`, WAIT);
}

describe('a batch cut off by a reload or a closed tab', { timeout: 600_000 }, () => {
  let browser;
  let fx;
  before(async () => {
    fx = await makeIngestFixtures();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  test('reload while a scan is in OCR: the two finished reports are kept, the three unread files are offered and read once', async () => {
    const { context, page, record } = await openApp(browser);
    // The scan's OCR takes seconds, so the reload lands while it runs with two files still queued.
    await startBatch(page, [textFile('first.txt'), textFile('second.txt'), scan(fx), textFile('third.txt'), textFile('fourth.txt')]);
    await rowIn(page, 'report-scan.pdf', 'ocr');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="job-row"][data-status="done"]').length === 2);
    // Both finished reports are written before the page goes (a save is milliseconds; poll rather than guess).
    for (let i = 0; i < 50 && (await stored(page)).names.length < 2; i++) await page.waitForTimeout(100);
    assert.deepEqual(await stored(page), { names: ['first.txt', 'second.txt'], pending: 3 });

    await page.reload({ waitUntil: 'load' });
    const offer = page.getByTestId('resume-offer');
    await offer.waitFor(WAIT);
    assert.equal(await offer.getAttribute('data-files'), '3');
    assert.match(await offer.innerText(), /3 files \(.+\) of an earlier batch were not read/);
    // History still holds the two reports finished before the reload.
    await page.getByTestId('tab-history').click();
    await page.waitForSelector('[data-testid="history-row"]', WAIT);
    assert.equal(await page.getByTestId('history-row').count(), 2);

    await rulesOnly(page);
    await page.getByTestId('resume-batch').click();
    assert.equal(await offer.count(), 0, 'the offer goes once taken');
    assert.deepEqual(await settled(page), { done: '3', failed: '0', total: '3' });
    // The scan is read from the copy the first page kept, from its start.
    assert.equal(await page.locator('[data-testid="job-row"][data-name="report-scan.pdf"] td[data-field="pT"]').getAttribute('data-value'), 'T2');
    for (let i = 0; i < 50 && (await stored(page)).names.length < 5; i++) await page.waitForTimeout(100);
    assert.deepEqual(await stored(page), { names: ['first.txt', 'fourth.txt', 'report-scan.pdf', 'second.txt', 'third.txt'], pending: 0 });

    // Nothing is offered again after the batch finished.
    await page.reload({ waitUntil: 'load' });
    await page.waitForTimeout(1500);
    assert.equal(await page.getByTestId('resume-offer').count(), 0);
    assertNoErrors(record);
    await context.close();
  });

  test('two tabs: each reads its own batch, neither offers the other’s running files, a closed tab’s rest is resumed by the other', async () => {
    const { context, page: a, record } = await openApp(browser);
    await startBatch(a, [scan(fx), textFile('a-1.txt'), textFile('a-2.txt')]);
    await rowIn(a, 'report-scan.pdf', 'ocr');

    const b = await context.newPage();
    b.on('pageerror', (e) => record.pageErrors.push(e.message));
    await b.goto(a.url(), { waitUntil: 'load' });
    await b.waitForTimeout(1500);
    assert.equal(await b.getByTestId('resume-offer').count(), 0, 'tab B does not offer the files tab A is reading');
    await startBatch(b, [textFile('b-1.txt'), textFile('b-2.txt'), textFile('b-3.txt')]);
    assert.deepEqual(await settled(b), { done: '3', failed: '0', total: '3' });

    // Tab A is closed in the middle of its scan: its unread files are left over, and B (reloaded) takes them.
    await a.close();
    await b.reload({ waitUntil: 'load' });
    const offer = b.getByTestId('resume-offer');
    await offer.waitFor(WAIT);
    assert.equal(await offer.getAttribute('data-files'), '3');
    await rulesOnly(b);
    await b.getByTestId('resume-batch').click();
    assert.deepEqual(await settled(b), { done: '3', failed: '0', total: '3' });
    for (let i = 0; i < 50 && (await stored(b)).names.length < 6; i++) await b.waitForTimeout(100);
    assert.deepEqual(await stored(b), { names: ['a-1.txt', 'a-2.txt', 'b-1.txt', 'b-2.txt', 'b-3.txt', 'report-scan.pdf'], pending: 0 });
    assert.deepEqual(record.pageErrors, []);
    await context.close();
  });

  test('Discard forgets the left-over files: they are not offered again', async () => {
    const { context, page, record } = await openApp(browser);
    await startBatch(page, [scan(fx), textFile('later.txt')]);
    await rowIn(page, 'report-scan.pdf', 'ocr');
    await page.reload({ waitUntil: 'load' });
    await page.getByTestId('resume-offer').waitFor(WAIT);
    await page.getByTestId('discard-batch').click();
    for (let i = 0; i < 50 && (await stored(page)).pending > 0; i++) await page.waitForTimeout(100);
    assert.deepEqual(await stored(page), { names: [], pending: 0 });
    await page.reload({ waitUntil: 'load' });
    await page.waitForTimeout(1500);
    assert.equal(await page.getByTestId('resume-offer').count(), 0);
    assertNoErrors(record);
    await context.close();
  });
});
