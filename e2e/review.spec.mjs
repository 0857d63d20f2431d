// Browser tests of what a pathologist is told to check: the report-kind notice for a text that is not a
// breast pathology report, the per-field "Check" mark with its reasons, the review summary, and extra
// values shown with the report's qualifiers ("<1%"). The rules decide these, so the tests extract with
// the rules and never wait for the model. Run with `npm run test:e2e` (it builds, serves and sets E2E_BASE_URL).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SCHEMA, assertNoErrors, launchBrowser, openApp } from './browser.mjs';

const RECIPE = `Banana bread
Preheat the oven to 180 C and grease a T2 tin (a 2 lb loaf tin). Mash 3 ripe bananas, stir in 75 g melted
butter, 150 g sugar, 1 egg and 190 g flour. Bake for 50 minutes. Rated 5 stars by our readers.`;

const LUNG =
  'SPECIMEN: Right upper lobe, lobectomy. DIAGNOSIS: Invasive adenocarcinoma of the lung, 3.2 cm. Bronchial margin free of tumor. Lymph nodes: 0/8. pT2a pN0.';

// pN is stated NX while two positive nodes are counted: the rules derive N1 and mark pN for a check;
// pT is a plain stated code that needs none. PR's "<1%" must keep its qualifier.
const BREAST =
  'Left breast, lumpectomy: invasive ductal carcinoma, grade 2. ER positive (95%). PR negative (<1%). HER2 negative (1+). pT1c pNX. Lymph nodes: 2 of 5 positive.';

// Two slow cores and a model loading in the same worker: give every step room.
const WAIT = { timeout: 60_000 };

describe('review marks and report-kind notices', { timeout: 240_000 }, () => {
  let browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  /** Opens the page, extracts `text` with the rules, and waits for the results. */
  async function extract(text) {
    const opened = await openApp(browser);
    const { page, app } = opened;
    await app.mode.selectOption('rules');
    await app.paste(text);
    await app.extractButton.click();
    await app.results.waitFor(WAIT);
    return { ...opened, notice: page.getByTestId('report-kind-notice'), summary: page.getByTestId('review-summary') };
  }

  test('a recipe mentioning "T2 tin" and "5 stars": the not-a-report notice, every field not stated', async () => {
    const { context, app, notice, record } = await extract(RECIPE);
    await notice.waitFor(WAIT);
    assert.equal(await notice.getAttribute('data-report-kind'), 'not_a_pathology_report');
    assert.equal(await notice.getAttribute('role'), 'status');
    assert.match(await notice.innerText(), /This text does not look like a pathology report; nothing was extracted\./);
    const values = await app.fieldValues();
    assert.deepEqual(Object.keys(values).sort(), SCHEMA.fields.map((f) => f.name).sort());
    for (const [field, value] of Object.entries(values)) assert.equal(value, SCHEMA.not_stated, `${field} was read from a recipe`);
    assertNoErrors(record);
    await context.close();
  });

  test("a lung resection: the notice names another organ's report and the stage cannot be given", async () => {
    const { context, page, notice, record } = await extract(LUNG);
    await notice.waitFor(WAIT);
    assert.equal(await notice.getAttribute('data-report-kind'), 'not_breast_report');
    const text = await notice.innerText();
    assert.match(text, /another organ's pathology report/);
    assert.match(text, /no breast stage group/);
    assert.match(text, /lung/);
    assert.equal(await page.locator('[data-stage]').getAttribute('data-stage'), 'cannot be staged');
    assert.match(await page.locator('.stage-card').innerText(), /Cannot be staged/);
    // The notice already says it: the report flag list does not repeat the report kind.
    assert.equal(await page.locator('.flags [data-flag="not_breast_report"]').count(), 0);
    assertNoErrors(record);
    await context.close();
  });

  test('a breast report: the marked field shows Check and its reasons, an unmarked one is ok; the summary counts them', async () => {
    const { context, page, app, notice, summary, record } = await extract(BREAST);
    assert.equal(await notice.count(), 0);

    const pN = app.field('pN');
    assert.equal(await pN.getAttribute('data-review'), 'needed');
    // textContent: the badge's CSS sets it in capitals, and its hidden words are for screen readers.
    assert.match(await pN.getByTestId('review-mark').textContent(), /^Check/);
    // A screen reader hears the mark with the row's button, and the reasons as its description.
    const button = pN.getByRole('button', { name: /this value needs a check/ });
    assert.equal(await button.count(), 1);
    assert.equal(await button.getAttribute('aria-describedby'), await pN.getByTestId('review-reasons').getAttribute('id'));
    const reasons = pN.getByTestId('review-reasons').locator('li');
    assert.ok((await reasons.count()) >= 1, 'pN is marked for a check without a reason');
    assert.match(await pN.getByTestId('review-reasons').innerText(), /stated NX/);
    // The mark and the bar agree: a field to check never shows the high (green) level.
    assert.equal(await pN.locator('.confidence.high').count(), 0);

    const pT = app.field('pT');
    assert.equal(await pT.getAttribute('data-review'), 'ok');
    assert.equal(await pT.getByTestId('review-mark').count(), 0);
    assert.equal(await pT.getByTestId('review-reasons').count(), 0);
    assert.equal(await pT.locator('.confidence.high').count(), 1);

    // The summary counts exactly the rows marked for a check.
    const needed = await page.locator('[data-field][data-review="needed"]').count();
    assert.ok(needed >= 1);
    assert.equal(await summary.getAttribute('data-needed'), String(needed));
    assert.equal(await summary.innerText(), `${needed} of ${SCHEMA.fields.length} fields ${needed === 1 ? 'needs' : 'need'} a check`);
    assertNoErrors(record);
    await context.close();
  });

  test('"PR negative (<1%)" shows PR staining as "<1%" in the extra values', async () => {
    const { context, page, record } = await extract(BREAST);
    const pr = page.locator('[data-extra="PR_percent"]');
    await pr.waitFor(WAIT);
    assert.equal(await pr.getAttribute('data-value'), '<1');
    assert.equal(await pr.locator('.row-value').innerText(), '<1%');
    assertNoErrors(record);
    await context.close();
  });
});
