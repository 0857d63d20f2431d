// Vitest global setup: makes sure the tiny model package the model tests load exists
// (public/models/tiny-random, gitignored), building it with model-export when it is missing.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../..');
export const TINY_PACKAGE = resolve(ROOT, 'public/models/tiny-random');
export const PYTHON = resolve(ROOT, 'model-export/.venv/bin/python');

export default function setup(): void {
  if (existsSync(resolve(TINY_PACKAGE, 'manifest.json'))) return;
  execFileSync(resolve(ROOT, 'model-export/setup.sh'), { stdio: 'inherit' });
  execFileSync(PYTHON, ['-m', 'model_export.tiny', 'package', '--out', TINY_PACKAGE], { cwd: resolve(ROOT, 'model-export'), stdio: 'inherit' });
}
