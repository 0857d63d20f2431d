// Browser tests of the page itself: extraction shows every schema field, empty input is handled,
// and (once the rule extractor is in) a typical report gives the right values with evidence marked.
// Run with `npm run test:e2e` (it builds, serves and sets E2E_BASE_URL).
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { SCHEMA, SHOTS, TYPICAL_REPORT, assertNoErrors, assertEveryField, launchBrowser, openApp } from './browser.mjs';

// Extractor-independent: any value is fine as long as it is one of the field's labels.
const CRAFTED_REPORT = `FINAL DIAGNOSIS
Right breast, lumpectomy: invasive carcinoma of no special type.
Lymph nodes: 0 of 3 sentinel lymph nodes involved.`;

describe('report page', { timeout: 60_000 }, () => {
  let browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  const open = () => openApp(browser);

  test('Ctrl+Enter extracts and every schema field appears with data-field and data-value', async () => {
    const { context, page, app, record } = await open();
    await app.paste(CRAFTED_REPORT);
    await app.extractWithKeyboard();
    await app.results.waitFor();

    const values = await assertEveryField(app);
    for (const f of SCHEMA.fields) {
      const row = app.field(f.name);
      assert.match(await row.innerText(), new RegExp(f.title.replace(/[()]/g, '\\$&')));
      if (values[f.name] === SCHEMA.not_stated) assert.match(await row.innerText(), /not stated/);
    }
    // The stage card always shows a group or "cannot be staged", and the report is shown for review.
    assert.ok(await page.locator('[data-stage]').getAttribute('data-stage'));
    assert.equal(await app.reportView.innerText(), CRAFTED_REPORT);

    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: new URL('after-extraction.png', SHOTS).pathname, fullPage: true });
    assertNoErrors(record);
    await context.close();
  });

  test('empty input shows an inline message and no crash', async () => {
    const { context, page, app, record } = await open();
    await app.extractButton.click();
    await app.message.waitFor();
    assert.match(await app.message.innerText(), /empty/i);
    assert.equal(await app.results.count(), 0);

    // Whitespace only is empty too, and the keyboard path behaves the same.
    await app.paste('   \n\t  ');
    await app.extractWithKeyboard();
    await app.message.waitFor();
    assert.equal(await app.results.count(), 0);

    // Typing clears the message, and the page still works afterwards.
    await app.paste(CRAFTED_REPORT);
    assert.equal(await app.message.count(), 0);
    await app.extractButton.click();
    await app.results.waitFor();
    assert.equal(await page.locator('[data-field]').count(), SCHEMA.fields.length);
    assertNoErrors(record);
    await context.close();
  });

  // Needs the real rule extractor (src/domain/rules); fails against the temporary stub.
  test('rule extractor: a typical report gives pT2 pN1 grade 3 ER+ PR- HER2- (1+) with evidence marked', async () => {
    const { context, page, app, record } = await open();
    await app.paste(TYPICAL_REPORT);
    await app.extractWithKeyboard();
    await app.results.waitFor();

    const values = await app.fieldValues();
    assert.deepEqual(
      { pT: values.pT, pN: values.pN, grade: values.grade, ER: values.ER, PR: values.PR, HER2: values.HER2, HER2_ihc: values.HER2_ihc },
      { pT: 'T2', pN: 'N1', grade: '3', ER: 'positive', PR: 'negative', HER2: 'negative', HER2_ihc: '1+' },
    );
    assert.ok((await app.evidenceMarks().count()) >= 1, 'no evidence is highlighted in the report');

    // Hovering a field with evidence gives its spans the active colour.
    await app.field('pT').locator('.row-button').hover();
    await page.locator('mark.evidence.active').first().waitFor();
    assertNoErrors(record);
    await context.close();
  });
});
