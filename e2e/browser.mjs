// Shared e2e plumbing: launches Debian's Chromium through playwright-core (never a downloaded browser)
// and wraps the page in a small page object. Imported by e2e/*.spec.mjs; e2e/run.mjs serves the app.
import { readFileSync } from 'node:fs';
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

/** The schema the page renders, read from the same file the app imports. */
export const SCHEMA = JSON.parse(readFileSync(new URL('../src/domain/schema.json', import.meta.url), 'utf8'));

export function baseUrl() {
  const url = process.env.E2E_BASE_URL;
  if (!url) throw new Error('E2E_BASE_URL is not set: run the e2e tests with `npm run test:e2e`, which starts the server.');
  return url;
}

/** Launches headless Chromium; Playwright gives every launch a fresh temporary user data dir. */
export function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}

/**
 * Opens the app in a new context and records what a test should check afterwards: every request,
 * page errors, console errors and dialogs (the page must never use alert()).
 */
export async function openApp(browser, { viewport = { width: 1366, height: 900 } } = {}) {
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
  const response = await page.goto(baseUrl(), { waitUntil: 'load' });
  return { context, page, response, record, app: new AppPage(page) };
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
  }

  /** Puts text in the report box the way a paste does, replacing what was there. */
  async paste(text) {
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
