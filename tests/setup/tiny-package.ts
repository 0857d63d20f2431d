// Vitest global setup: makes sure the tiny model package the model tests load exists, building it
// with model-export when it is missing (scripts/tiny-package.mjs, shared with the e2e runner).
import { resolve } from 'node:path';
import { ensureTinyPackage, TINY_PACKAGE_DIR } from '../../scripts/tiny-package.mjs';

export const ROOT = resolve(__dirname, '../..');
export const TINY_PACKAGE = TINY_PACKAGE_DIR;
export const PYTHON = resolve(ROOT, 'model-export/.venv/bin/python');

export default function setup(): void {
  ensureTinyPackage();
}
