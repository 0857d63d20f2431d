// Prints onnxruntime-node's per-field logits for one report, the reference the browser parity tests compare with.
// Usage: node_modules/.bin/tsx e2e/node-logits.ts <package folder> <variant> < report.txt   → {"pT": [...], ...}
import { readFileSync } from 'node:fs';
import { loadEngine } from '../src/cli/model';
import { FIELD_NAMES } from '../src/domain/schema';

const [dir, variant] = process.argv.slice(2);
if (!dir || !variant) throw new Error('usage: tsx e2e/node-logits.ts <package folder> <variant> < report.txt');
const engine = await loadEngine(dir, variant);
const { prediction } = await engine.predict(readFileSync(0, 'utf8'));
console.log(JSON.stringify(Object.fromEntries(FIELD_NAMES.map((name) => [name, prediction[name].logits]))));
