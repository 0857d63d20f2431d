// The tiny random-weight model package the model tests load (Llama-3 tokenizer, real export path).
// Built once with model-export into model-export/runs/tiny-random (gitignored); never part of public/.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const MODEL_EXPORT = join(ROOT, 'model-export');
export const TINY_PACKAGE_DIR = join(MODEL_EXPORT, 'runs', 'tiny-random');

/** Builds the package when it is missing; throws with the command to run by hand when that fails. */
export function ensureTinyPackage() {
  if (existsSync(join(TINY_PACKAGE_DIR, 'manifest.json'))) return TINY_PACKAGE_DIR;
  console.log(`building the tiny model package (${relative(ROOT, TINY_PACKAGE_DIR)}) with model-export…`);
  const steps = [
    [join(MODEL_EXPORT, 'setup.sh'), []],
    [join(MODEL_EXPORT, '.venv', 'bin', 'python'), ['-m', 'model_export.tiny', 'package', '--out', TINY_PACKAGE_DIR]],
  ];
  for (const [command, args] of steps) {
    const r = spawnSync(command, args, { cwd: MODEL_EXPORT, stdio: 'inherit' });
    if (r.status !== 0) {
      throw new Error(
        `${relative(ROOT, command)} ${args.join(' ')} failed (${r.error?.message ?? `exit ${r.status ?? r.signal}`}).\n` +
          'It needs python3 with venv; by hand: model-export/setup.sh, then from model-export/:\n' +
          `  .venv/bin/python -m model_export.tiny package --out ${relative(MODEL_EXPORT, TINY_PACKAGE_DIR)}`,
      );
    }
  }
  return TINY_PACKAGE_DIR;
}
