// Browser tests of review, history and export: correct a field from the keyboard, mark a report
// reviewed, reload and find both in history (IndexedDB); export CSV and FHIR from the page and read
// the files; delete everything and check that IndexedDB holds nothing. Extraction uses the rules.
// Run with `npm run test:e2e -- history` (it builds, serves and sets E2E_BASE_URL).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { assertNoErrors, launchBrowser, openApp } from './browser.mjs';

const REPORTS = {
  'left-breast.txt': 'Left breast, lumpectomy: invasive ductal carcinoma, Nottingham grade 2. Tumour size 1.8 cm. pT1c pN0. ER positive (95%). PR positive (60%). HER2 negative (1+).',
  'right-breast.txt': 'Right breast, mastectomy: invasive lobular carcinoma, grade 2. pT2 pN1a (2 of 12 lymph nodes). ER positive (8%). PR negative. HER2 equivocal (2+), FISH not amplified.',
  'core-biopsy.txt': 'Core biopsy, left breast: invasive carcinoma of no special type, grade 3. ER negative (0%). PR negative (0%). HER2 positive (3+).',
};
const WAIT = { timeout: 60_000 };

async function addFiles(page, files) {
  await page.getByTestId('tab-batch').click();
  await page.getByTestId('file-input').setInputFiles(Object.entries(files).map(([name, text]) => ({ name, mimeType: 'text/plain', buffer: Buffer.from(text) })));
  await page.waitForSelector(`[data-testid="batch-progress"][data-done="${Object.keys(files).length}"][data-running="false"]`, WAIT);
}

/** How many reports the page's IndexedDB holds, read with the raw API (not the app's code). */
function storedReports(page) {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('path-extract');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const count = db.transaction('reports').objectStore('reports').count();
          count.onsuccess = () => (db.close(), resolve(count.result));
          count.onerror = () => reject(count.error);
        };
      }),
  );
}

/** RFC 4180: quoted cells may hold commas, doubled quotes and line breaks. */
function parseCsv(text) {
  const rows = [[]];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') rows.at(-1).push(cell), (cell = '');
    else if (c === '\r' && text[i + 1] === '\n') rows.at(-1).push(cell), (cell = ''), rows.push([]), i++;
    else cell += c;
  }
  if (cell !== '' || rows.at(-1).length > 0) rows.at(-1).push(cell);
  return rows.filter((r) => r.length > 1 || (r.length === 1 && r[0] !== ''));
}

async function downloaded(page, testId) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
  return { name: file.suggestedFilename(), text: readFileSync(await file.path(), 'utf8') };
}

describe('review, history and export', { timeout: 300_000 }, () => {
  let browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  test('a correction and the reviewed mark survive a reload; history lists, searches, exports and deletes', async () => {
    const { context, page, app, record } = await openApp(browser);
    await app.mode.selectOption('rules');
    await addFiles(page, REPORTS);

    // Open the right-breast report and correct pT from T2 to T3 with the keyboard: digit 5 is T3 (Tis T0 T1 T2 T3…).
    await page.locator('[data-testid="job-row"][data-name="right-breast.txt"]').click();
    const pT = page.locator('.results-pane [data-field="pT"]');
    assert.equal(await pT.getAttribute('data-value'), 'T2');
    await pT.getByTestId('correct-field').click();
    await pT.getByTestId('correction-picker').waitFor();
    await page.keyboard.press('5');
    await page.waitForSelector('.results-pane [data-field="pT"][data-value="T3"][data-corrected="yes"]');
    assert.match(await pT.getByTestId('corrected-from').innerText(), /Corrected by hand; the rules read T2/);
    assert.equal(await pT.locator('[data-source]').getAttribute('data-source'), 'person');
    // Focus came back to the field's Correct button, not to the page body.
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'correct-field');
    // The stage group follows the final values: T3 N1 M? → cannot be staged without M, if M0 IIIA.
    assert.match(await page.locator('[data-stage]').innerText(), /IIIA/);
    // A pinned field lists every evidence span beside its value, the second one included.
    const grade = page.locator('.results-pane [data-field="grade"]');
    await grade.locator('.row-button').click();
    const quotes = grade.getByTestId('evidence-quote');
    const spans = await quotes.count();
    assert.ok(spans >= 1, 'the pinned field lists its evidence');
    if (spans >= 2) await quotes.nth(1).click();
    await grade.locator('.row-button').click();
    // HER2 2+ without amplification is HER2-low; ER 8 % is low positive.
    const notes = await page.getByTestId('clinical-note').evaluateAll((els) => els.map((e) => e.dataset.note));
    assert.deepEqual(notes.sort(), ['ER_low_positive', 'HER2_low']);
    await page.getByTestId('mark-reviewed').click();
    await page.waitForSelector('[data-testid="review-bar"][data-reviewed="true"]');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'next-needing-review');
    await page.getByTestId('next-needing-review').click();
    assert.doesNotMatch(await page.getByTestId('batch-position').innerText(), /right-breast/);

    // Reload: the page starts afresh, history comes back from IndexedDB.
    await page.reload();
    await page.getByTestId('tab-history').click();
    await page.waitForSelector('[data-testid="history-state"][data-status="ready"]');
    assert.equal(await page.getByTestId('history-row').count(), 3);
    assert.equal(await storedReports(page), 3);
    const right = page.locator('[data-testid="history-row"][data-name="right-breast.txt"]');
    assert.equal(await right.getAttribute('data-reviewed'), 'true');
    assert.match(await right.innerText(), /reviewed · 1 corrected/);
    assert.match(await page.getByTestId('storage-usage').innerText(), /Storage used: [\d.]+ MB of [\d.]+ MB/);

    // Search narrows the list (file name, text or a value).
    await page.getByTestId('history-search').fill('lobular');
    assert.deepEqual(await page.getByTestId('history-row').evaluateAll((rows) => rows.map((r) => r.dataset.name)), ['right-breast.txt']);
    await page.getByTestId('history-search').fill('');

    await right.getByRole('button', { name: 'right-breast.txt', exact: true }).click();
    await page.waitForSelector('.results-pane [data-field="pT"][data-value="T3"][data-corrected="yes"]');
    await page.waitForSelector('[data-testid="review-bar"][data-reviewed="true"]');
    await page.getByTestId('back-to-batch').click();

    // Export: the CSV has the corrected value, its original and the marker; the FHIR bundle its amended observation.
    const csv = await downloaded(page, 'export-csv');
    assert.match(csv.name, /\.csv$/);
    assert.ok(csv.text.startsWith('\uFEFF'), 'the CSV starts with a BOM so that Excel reads it as UTF-8');
    const [columns, ...rows] = parseCsv(csv.text.slice(1));
    assert.equal(rows.length, 3);
    const rightRow = rows.find((r) => r.includes('right-breast.txt'));
    const cell = (name) => rightRow[columns.indexOf(name)];
    assert.deepEqual([cell('pT'), cell('pT_corrected'), cell('pT_original'), cell('pT_source')], ['T3', 'yes', 'T2', 'person']);

    const fhir = await downloaded(page, 'export-fhir');
    const bundle = JSON.parse(fhir.text);
    assert.equal(bundle.resourceType, 'Bundle');
    const observations = bundle.entry.map((e) => e.resource).filter((r) => r.resourceType === 'Observation');
    const pTs = observations.filter((o) => o.code.coding.some((c) => c.system === 'http://loinc.org' && c.code === '21899-0'));
    // The core biopsy states no pT: a field not stated gives no observation.
    assert.equal(pTs.length, 2);
    const amended = pTs.filter((o) => o.status === 'amended');
    assert.equal(amended.length, 1);
    assert.match(JSON.stringify(amended[0].valueCodeableConcept), /T3/);
    const fullUrls = new Set(bundle.entry.map((e) => e.fullUrl));
    for (const o of observations) assert.ok(fullUrls.has(o.subject.reference), 'every observation points at a patient in the bundle');

    // Delete all, asked once more; IndexedDB is empty afterwards.
    await page.getByTestId('delete-all').click();
    await page.getByTestId('confirm-delete-all').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="history-row"]').length === 0);
    await page.waitForFunction(
      () =>
        new Promise((resolve) => {
          const open = indexedDB.open('path-extract');
          open.onsuccess = () => {
            const count = open.result.transaction('reports').objectStore('reports').count();
            count.onsuccess = () => (open.result.close(), resolve(count.result === 0));
          };
        }),
    );
    assert.equal(await storedReports(page), 0);
    assertNoErrors(record);
    await context.close();
  });

  test('Ctrl+Enter on a pasted report moves focus to the results, and the paste is kept in history', async () => {
    const { context, page, app, record } = await openApp(browser);
    await app.mode.selectOption('rules');
    await app.paste(REPORTS['left-breast.txt']);
    await app.extractWithKeyboard();
    await app.results.waitFor();
    await page.waitForFunction(() => document.activeElement?.closest('.results-pane') !== null);
    await page.getByTestId('tab-history').click();
    await page.waitForSelector('[data-testid="history-row"][data-name="Pasted report"]');
    assertNoErrors(record);
    await context.close();
  });
});

describe('drafts', { timeout: 60_000 }, () => {
  let browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  test('a report pasted but not yet extracted survives a reload of the tab; New report clears it', async () => {
    const { context, page, app, record } = await openApp(browser);
    await app.paste(REPORTS['core-biopsy.txt']);
    await page.reload();
    assert.equal(await app.input.inputValue(), REPORTS['core-biopsy.txt']);
    await page.getByTestId('new-report').click();
    await page.reload();
    assert.equal(await app.input.inputValue(), '');
    assertNoErrors(record);
    await context.close();
  });
});

describe('two tabs', { timeout: 120_000 }, () => {
  let browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  test('two tabs extracting and correcting at once leave both reports and both corrections in history', async () => {
    const context = await browser.newContext();
    const tabs = await Promise.all([context.newPage(), context.newPage()]);
    const base = new URL('/', process.env.E2E_BASE_URL).href;
    await Promise.all(tabs.map((p) => p.goto(base)));
    const names = ['left-breast.txt', 'right-breast.txt'];
    // Both at the same time: each tab adds its file, opens it and corrects grade.
    await Promise.all(
      tabs.map(async (page, i) => {
        await page.getByTestId('mode').selectOption('rules');
        await addFiles(page, { [names[i]]: REPORTS[names[i]] });
        await page.locator(`[data-testid="job-row"][data-name="${names[i]}"]`).click();
        const grade = page.locator('.results-pane [data-field="grade"]');
        await grade.getByTestId('correct-field').click();
        await page.keyboard.press('3');
        await page.waitForSelector('.results-pane [data-field="grade"][data-value="3"][data-corrected="yes"]');
      }),
    );
    const page = tabs[0];
    // Both tabs' writes have landed in the one database (a correction is written a moment after it shows).
    await page.waitForFunction(
      () =>
        new Promise((resolve) => {
          const open = indexedDB.open('path-extract');
          open.onsuccess = () => {
            const all = open.result.transaction('reports').objectStore('reports').getAll();
            all.onsuccess = () => (open.result.close(), resolve(all.result.length === 2 && all.result.every((r) => r.review.corrections.length === 1)));
          };
        }),
      null,
      { timeout: 10_000 },
    );
    await page.reload();
    await page.getByTestId('tab-history').click();
    await page.waitForSelector('[data-testid="history-state"][data-status="ready"]');
    const rows = await page.getByTestId('history-row').evaluateAll((rs) => rs.map((r) => [r.dataset.name, r.innerText.includes('1 corrected')]));
    assert.deepEqual(rows.sort(), [['left-breast.txt', true], ['right-breast.txt', true]]);
    await context.close();
  });
});
