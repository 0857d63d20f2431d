// What the benchmark scripts share: the reports they time and the statistics they print.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ROOT } from '../e2e/serve.mjs';

/** The real dev reports, when ../shared/data is beside the checkout. */
export const DEV_REPORTS = resolve(ROOT, '..', 'shared', 'data', 'tcga-brca-dev-text.jsonl');

/** The first `count` texts of a JSONL file; without it (a fresh checkout) the tests' synthetic report stands in. */
export function reportTexts(dataFile, count) {
  const file = existsSync(dataFile) ? dataFile : join(ROOT, 'scripts', 'fixture-report.txt');
  if (file.endsWith('.txt')) return [readFileSync(file, 'utf8')];
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l).text).slice(0, count);
}

export function quantile(xs, q) {
  const s = [...xs].sort((a, b) => a - b);
  const at = (s.length - 1) * q;
  return s[Math.floor(at)] + (s[Math.ceil(at)] - s[Math.floor(at)]) * (at - Math.floor(at));
}

export const median = (xs) => quantile(xs, 0.5);
export const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
