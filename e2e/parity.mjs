// Browser-vs-Node parity for the model tests: onnxruntime-node's logits for a report (e2e/node-logits.ts,
// run with tsx) and the largest difference from the page's. Imported by the model specs.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SCHEMA, TINY_PACKAGE_DIR } from './browser.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Long enough for several windows of the tiny package (64 tokens, stride 48), so their combination is compared too. */
export const PARITY_REPORT = `FINAL DIAGNOSIS
Left breast, mastectomy:
- Invasive ductal carcinoma, Nottingham grade 2 (tubules 3, nuclei 2, mitoses 1).
- Tumour size: 24 mm in greatest dimension; margins clear (closest 4 mm, deep).
- Lymph nodes: 1 of 12 axillary lymph nodes positive for metastatic carcinoma (4 mm), no extranodal extension.
- Pathologic stage: pT2 pN1a.

BIOMARKERS
ER: positive (95%), strong intensity.
PR: positive (30%), moderate intensity.
HER2: 2+ by IHC (equivocal); FISH not amplified (HER2/CEP17 ratio 1.3).
Ki-67: 15%.`;

/** onnxruntime-node's per-field logits for `text` on a package's `variant` (the tiny package unless told). */
export function nodeLogits(text, variant, packageDir = TINY_PACKAGE_DIR) {
  const tsx = `${ROOT}node_modules/.bin/tsx`;
  const out = execFileSync(tsx, ['e2e/node-logits.ts', packageDir, variant], { cwd: ROOT, input: text, encoding: 'utf8' });
  return JSON.parse(out);
}

/** Asserts both sides give every schema field's logits, and returns the largest absolute difference. */
export function maxLogitDifference(browser, node) {
  let max = 0;
  for (const { name, labels } of SCHEMA.fields) {
    assert.equal(browser[name]?.length, labels.length, `browser logits for ${name}`);
    assert.equal(node[name]?.length, labels.length, `node logits for ${name}`);
    browser[name].forEach((x, i) => (max = Math.max(max, Math.abs(x - node[name][i]))));
  }
  return max;
}
