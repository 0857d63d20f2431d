// The bad-input corpus of scripts/bad-inputs.mjs through the page — the list the CLI test reads — in one
// batch: every file ends in its result or its clear message on its row, none crashes the page or a
// worker, none stops the files after it; then 1,000 small files at once; then every broken model
// package, each refused with its reason while the rules go on extracting. Run with
// `npm run test:e2e -- badinputs` (it builds, serves and sets E2E_BASE_URL).
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { makeBadInputs, makeBrokenPackages, writeManySmallFiles } from '../scripts/bad-inputs.mjs';
import { TINY_PACKAGE_DIR, TYPICAL_REPORT, assertNoErrors, launchBrowser, openApp } from './browser.mjs';

const CORPUS_DIR = resolve('test-results/bad-inputs/corpus');
const MANY_DIR = resolve('test-results/bad-inputs/many');

/** The stored extractions (IndexedDB, raw API) by file name: fields, flags and stage as the page kept them. */
function storedExtractions(page) {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('path-extract');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const all = db.transaction('reports').objectStore('reports').getAll();
          all.onsuccess = () => {
            db.close();
            resolve(Object.fromEntries(all.result.map((r) => [r.name, { values: Object.fromEntries(Object.entries(r.extraction.fields).map(([f, v]) => [f, v.value])), flags: r.extraction.flags.map((f) => f.code), stage: r.extraction.stage.group }])));
          };
          all.onerror = () => reject(all.error);
        };
      }),
  );
}

async function waitForStored(page, count) {
  for (let i = 0; i < 100; i++) {
    const stored = await storedExtractions(page);
    if (Object.keys(stored).length >= count) return stored;
    await page.waitForTimeout(200);
  }
  return storedExtractions(page);
}

/** Checks one corpus file's row (and its stored report) against its expected outcome; returns the line for the log. */
async function checkRow(page, entry, stored) {
  const row = page.locator(`[data-testid="job-row"][data-name="${entry.name}"]`);
  const status = await row.getAttribute('data-status');
  if (entry.refused) {
    assert.equal(status, 'failed', `${entry.kind} should be refused, ended ${status}`);
    const failure = row.getByTestId('job-error');
    const message = await failure.innerText();
    assert.equal(await failure.getAttribute('data-error'), entry.refused.error, message);
    assert.match(message, new RegExp(entry.refused.message));
    return `${entry.kind} (${entry.name}): refused, ${entry.refused.error} — ${message}`;
  }
  assert.equal(status, 'done', `${entry.kind} should be read, ended ${status}`);
  const kept = stored[entry.name];
  assert.ok(kept, 'not in history');
  const { values = {}, flags = [], stage, allNotStated } = entry.read;
  for (const [f, v] of Object.entries(values)) assert.equal(kept.values[f], v, f);
  for (const flag of flags) assert.ok(kept.flags.includes(flag), `flags ${kept.flags} lack ${flag}`);
  if (stage) assert.equal(kept.stage, stage, 'stage');
  if (allNotStated) assert.deepEqual(new Set(Object.values(kept.values)), new Set(['not_stated']));
  return `${entry.kind} (${entry.name}): read — pT ${kept.values.pT}, flags ${[...new Set(kept.flags)].join(',') || 'none'}`;
}

describe('the bad-input corpus through the page', { timeout: 900_000 }, () => {
  let browser;
  let corpus;
  before(async () => {
    corpus = await makeBadInputs(CORPUS_DIR);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  test('every kind ends in its result or its message on its row; the page and its workers keep going', async () => {
    const { context, page, record } = await openApp(browser);
    await page.getByTestId('mode').selectOption('rules');
    await page.getByTestId('tab-batch').click();
    await page.getByTestId('file-input').setInputFiles(corpus.map((e) => join(CORPUS_DIR, e.name)));
    await page.waitForSelector(`[data-testid="batch-progress"][data-running="false"][data-total="${corpus.length}"]`, { timeout: 600_000 });
    const readCount = corpus.filter((e) => e.read).length;
    const stored = await waitForStored(page, readCount);
    const rows = [];
    const problems = [];
    for (const entry of corpus) {
      try {
        rows.push(await checkRow(page, entry, stored));
      } catch (e) {
        problems.push(`${entry.name}: ${e.message.split('\n')[0]}`);
      }
    }
    assert.deepEqual(problems, [], 'every kind ends as the corpus says');
    assert.equal(Object.keys(stored).length, readCount, 'one stored report per file read, none twice');
    assert.ok(corpus.length >= 30);
    console.log(`bad-input corpus through the page, ${corpus.length} kinds of file:\n  ${rows.join('\n  ')}`);
    // The page still works after all of it.
    await page.getByTestId('tab-paste').click();
    await page.getByTestId('report-input').fill(TYPICAL_REPORT);
    await page.getByTestId('extract').click();
    await page.getByTestId('results').waitFor();
    assertNoErrors(record);
    await context.close();
  });

  test('1,000 small files at once: 1,000 results, each stored once', async () => {
    const names = writeManySmallFiles(MANY_DIR, 1000);
    const { context, page, record } = await openApp(browser);
    await page.getByTestId('mode').selectOption('rules');
    await page.getByTestId('tab-batch').click();
    await page.getByTestId('file-input').setInputFiles(names.map((n) => join(MANY_DIR, n)));
    await page.waitForSelector('[data-testid="batch-progress"][data-running="false"][data-done="1000"]', { timeout: 600_000 });
    assert.equal(Object.keys(await waitForStored(page, 1000)).length, 1000);
    assertNoErrors(record);
    await context.close();
  });
});

describe('broken model packages through the page', { timeout: 600_000 }, () => {
  let browser;
  let broken;
  before(async () => {
    // e2e/run.mjs serves these from dist/models; made again here only to know their expected messages.
    broken = makeBrokenPackages(TINY_PACKAGE_DIR, resolve('test-results/bad-inputs/packages'));
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  test('each is refused with its reason, or its failure falls back to the rules with a notice; the rules still extract', async () => {
    const rows = [];
    for (const b of broken) {
      const { context, page, app, record } = await openApp(browser, { query: `?model=${b.name}&backend=wasm` });
      const state = await app.modelSettled(120_000);
      let said;
      if (state === 'error') {
        said = await app.modelError.innerText();
        assert.equal(await app.mode.inputValue(), 'rules', b.name);
        await app.paste(TYPICAL_REPORT);
        await app.extractWithKeyboard();
        await app.results.waitFor();
      } else {
        // It loads, and fails on the report: hybrid falls back to the rules and says why.
        assert.equal(state, 'ready', b.name);
        await app.mode.selectOption('hybrid');
        await app.paste(TYPICAL_REPORT);
        await app.extractWithKeyboard();
        await app.results.waitFor({ timeout: 120_000 });
        said = await page.getByTestId('extract-notice').innerText();
        assert.match(said, /the rules' results alone/, b.name);
      }
      assert.match(said, new RegExp(b.message), b.name);
      assert.equal((await app.fieldValues()).pT, 'T2', `${b.name}: the rules read the report`);
      rows.push(`${b.kind} (${b.name}): model ${state} — ${said}`);
      assertNoErrors(record);
      await context.close();
    }
    console.log(`broken model packages through the page:\n  ${rows.join('\n  ')}`);
  });
});
