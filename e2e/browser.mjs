// Shared e2e plumbing: launches Debian's Chromium through playwright-core (never a downloaded browser)
// and wraps the page in a small page object. Imported by e2e/*.spec.mjs; e2e/run.mjs serves the app.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TINY_PACKAGE_DIR } from '../scripts/tiny-package.mjs';
import { chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

// Flags from shared/platform-notes.md: work as root, and keep Chromium off the (closed) network.
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** A short typical report: every extractor should find pT2 pN1 grade 3 ER+ PR- HER2- (1+) in it. */
export const TYPICAL_REPORT =
  'Invasive ductal carcinoma, Nottingham grade 3. Pathologic stage: pT2 pN1a. ER: positive (90%). PR: negative. HER2: 1+ (negative).';

/** Where the tests' screenshots go (the README points there). */
export const SHOTS = new URL('../test-results/e2e/', import.meta.url);

/** The schema the page renders, read from the same file the app imports. */
export const SCHEMA = JSON.parse(readFileSync(new URL('../src/domain/schema.json', import.meta.url), 'utf8'));

export function baseUrl() {
  const url = process.env.E2E_BASE_URL;
  if (!url) throw new Error('E2E_BASE_URL is not set: run the e2e tests with `npm run test:e2e`, which starts the server.');
  return url;
}

/**
 * Launches headless Chromium; Playwright gives every launch a fresh temporary user data dir.
 * `webgpu: true` exposes WebGPU (SwiftShader's software adapter without a GPU: correct, but slow).
 */
export function launchBrowser({ webgpu = false } = {}) {
  // CHROMIUM_EXTRA_ARGS: flags for a particular machine (scripts/bench-gpu.sh passes the ones that reach a real GPU).
  const extra = (process.env.CHROMIUM_EXTRA_ARGS ?? '').split(/\s+/).filter(Boolean);
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...(webgpu ? ['--enable-unsafe-webgpu'] : []), ...extra], headless: true });
}

export { TINY_PACKAGE_DIR };

/** The tiny package's manifest, as e2e/run.mjs copies it into dist/models/tiny-random. */
export function tinyManifest() {
  return JSON.parse(readFileSync(join(TINY_PACKAGE_DIR, 'manifest.json'), 'utf8'));
}

/**
 * Opens the app in a new context and records what a test should check afterwards: every request,
 * page errors, console errors and dialogs (the page must never use alert()).
 */
export async function openApp(browser, { query = '', viewport = { width: 1366, height: 900 }, base = baseUrl() } = {}) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const record = { requests: [], pageErrors: [], consoleErrors: [], dialogs: [] };
  context.on('request', (r) => record.requests.push(r.url()));
  page.on('pageerror', (e) => record.pageErrors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && record.consoleErrors.push(m.text()));
  page.on('dialog', (d) => {
    record.dialogs.push(d.message());
    void d.dismiss();
  });
  const response = await page.goto(new URL(query, base).href, { waitUntil: 'load' });
  return { context, page, response, record, app: new AppPage(page) };
}

/** Every schema field is shown once, with one of its labels as data-value; returns { field: value }. */
export async function assertEveryField(app) {
  const values = await app.fieldValues();
  assert.deepEqual(Object.keys(values).sort(), SCHEMA.fields.map((f) => f.name).sort());
  for (const f of SCHEMA.fields) assert.ok(f.labels.includes(values[f.name]), `${f.name}: data-value ${values[f.name]} is not one of ${f.labels}`);
  return values;
}

/** The page raised no uncaught error, logged no console error and opened no dialog. */
export function assertNoErrors(record) {
  assert.deepEqual(record.pageErrors, [], 'uncaught errors in the page');
  assert.deepEqual(record.consoleErrors, [], 'console errors in the page');
  assert.deepEqual(record.dialogs, [], 'the page opened a dialog');
}

/** The page as the tests see it: selectors live here, not in the tests. */
export class AppPage {
  constructor(page) {
    this.page = page;
    this.input = page.getByTestId('report-input');
    this.extractButton = page.getByTestId('extract');
    this.message = page.getByTestId('message');
    this.results = page.getByTestId('results');
    this.reportView = page.getByTestId('report-view');
    this.modelStatus = page.getByTestId('model-status');
    this.backend = page.getByTestId('backend');
    this.modelNotice = page.getByTestId('model-notice');
    this.modelError = page.getByTestId('model-error');
    this.mode = page.getByTestId('mode');
  }

  /**
   * Waits until the model bar leaves loading and returns its state (ready, missing or error).
   * WebGPU on SwiftShader compiles its shaders slowly: callers pass a generous timeout there.
   */
  async modelSettled(timeout = 30_000) {
    await this.page.waitForSelector('[data-testid="model-status"]:not([data-state="loading"]):not([data-state="idle"])', { timeout });
    return this.modelStatus.getAttribute('data-state');
  }

  /** The model's raw per-field logits of the last extraction (data-logits, a test-only hook), or null. */
  async logits() {
    const el = this.page.getByTestId('logits');
    return (await el.count()) === 0 ? null : JSON.parse(await el.getAttribute('data-logits'));
  }

  /** Puts text in the report box the way a paste does, replacing what was there (from the results view too). */
  async paste(text) {
    if (!(await this.input.isVisible())) await this.page.getByTestId('new-report').click();
    await this.input.fill(text);
  }

  async extractWithKeyboard() {
    await this.input.press('Control+Enter');
  }

  field(name) {
    return this.page.locator(`[data-field="${name}"]`);
  }

  /** { fieldName: data-value } for every element carrying data-field. */
  async fieldValues() {
    return this.page.$$eval('[data-field]', (els) => Object.fromEntries(els.map((e) => [e.dataset.field, e.dataset.value])));
  }

  evidenceMarks() {
    return this.page.locator('mark.evidence');
  }
}
