// Fits the calibration table (src/domain/calibration.json): for every kind of reading (review.ts
// `readingBasis`), how many readings of labelled reports were right. With --oof, the model and hybrid
// readings of out-of-fold logits (model-export crossval) are counted too, so hybrid confidences are measured.
// Run: npx tsx scripts/fit-calibration.ts --data ../shared/data/tcga-brca-dev-text.jsonl ../shared/data/synthetic-llm-dev.jsonl \
//        [--oof model-export/runs/cv/oof.jsonl] [--hold-out uk-rcpath,europe-terse] [--out src/domain/calibration.json]
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { combineWithRules } from '../src/domain/model/hybrid';
import { predictionFromLogits } from '../src/domain/model/runner';
import { basisLevels, calibratedConfidence, MAX_REVIEW_SHARE, type CalibrationTable } from '../src/domain/review';
import { expectedCalibrationError, formatReviewCurve, reviewCurve, thresholdWithin, type ReviewedItem } from '../src/domain/reviewMetrics';
import { extractRules } from '../src/domain/rules';
import { familyOf } from '../src/domain/rules/provenance';
import { FIELD_NAMES, isLabel, type FieldName } from '../src/domain/schema';
import type { Extraction } from '../src/domain/types';

const USAGE = 'Usage: npx tsx scripts/fit-calibration.ts --data <labelled.jsonl> [more.jsonl ...] [--oof oof.jsonl] [--hold-out fam1,fam2] [--out calibration.json]';
const { values: flags, positionals } = parseArgs({
  options: { data: { type: 'string' }, oof: { type: 'string' }, 'hold-out': { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  allowPositionals: true,
});
if (flags.help || !flags.data) {
  console.log(USAGE);
  process.exit(flags.help ? 0 : 2);
}

interface Row { id: string; text: string; labels: Record<string, string>; source?: string }
const readJsonl = <T>(path: string): T[] => readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as T);

const rows = [flags.data, ...positionals].flatMap((p) => readJsonl<Row>(p));
const oof = flags.oof ? new Map(readJsonl<{ id: string; logits: Record<FieldName, number[]> }>(flags.oof).map((r) => [r.id, r.logits])) : null;
const heldOut = new Set((flags['hold-out'] ?? '').split(',').filter(Boolean));
const isHeldOut = (r: Row) => heldOut.has(familyOf(r.source) ?? '');

/** Every extractor reading of a report that the table calibrates: rules always, model and hybrid with OOF logits. */
function readings(row: Row): { mode: string; x: Extraction }[] {
  const rules = extractRules(row.text);
  const logits = oof?.get(row.id);
  if (!logits) return [{ mode: 'rules', x: rules }];
  const prediction = predictionFromLogits(logits);
  return [
    { mode: 'rules', x: rules },
    { mode: 'model', x: combineWithRules('model', row.text, [], prediction, rules) },
    { mode: 'hybrid', x: combineWithRules('hybrid', row.text, [], prediction, rules) },
  ];
}

const scored = rows.filter((r) => !oof || oof.has(r.id)).map((row) => ({ row, readings: readings(row) }));
const cells: Record<string, [number, number]> = {};
for (const { row, readings: rs } of scored) {
  if (isHeldOut(row)) continue;
  for (const { x } of rs) {
    for (const f of FIELD_NAMES) {
      const gold = row.labels[f];
      if (gold === undefined || !isLabel(f, gold)) continue;
      for (const key of basisLevels(f, x.fields[f].review!.basis)) {
        const cell = (cells[key] ??= [0, 0]);
        cell[0] += 1;
        cell[1] += x.fields[f].value === gold ? 1 : 0;
      }
    }
  }
}
const fittedOn = `${scored.filter(({ row }) => !isHeldOut(row)).length} labelled reports (${[flags.data, ...positionals].join(', ')}${heldOut.size ? `; held out: ${[...heldOut].join(', ')}` : ''})${oof ? `; model and hybrid readings from out-of-fold logits ${flags.oof}` : ''}`;
const table: CalibrationTable = { fittedOn, cells: Object.fromEntries(Object.entries(cells).sort(([a], [b]) => a.localeCompare(b))) };

// The registrar's view with the new table, on the held-out reports when there are any (else in-sample).
const measured = heldOut.size ? scored.filter(({ row }) => isHeldOut(row)) : scored;
for (const mode of ['rules', 'model', 'hybrid']) {
  const items: ReviewedItem[] = [];
  for (const { row, readings: rs } of measured) {
    const x = rs.find((r) => r.mode === mode)?.x;
    if (!x) continue;
    for (const f of FIELD_NAMES) {
      const gold = row.labels[f];
      if (gold === undefined || !isLabel(f, gold)) continue;
      items.push({ field: f, correct: x.fields[f].value === gold, confidence: calibratedConfidence(f, x.fields[f].review!.basis, table) });
    }
  }
  if (items.length === 0) continue;
  const best = thresholdWithin(items, MAX_REVIEW_SHARE);
  console.log(`\n${mode}: ${items.length} fields ${heldOut.size ? 'on the held-out families (out-of-sample)' : '(in-sample: the fitting reports)'}; ECE ${expectedCalibrationError(items).toFixed(3)}`);
  console.log(formatReviewCurve(reviewCurve(items)));
  console.log(`  highest threshold with ≤ ${MAX_REVIEW_SHARE * 100} % flagged: ${best.threshold} (${(100 * best.flaggedShare).toFixed(1)} % flagged, unflagged right ${best.unflaggedAccuracy === null ? 'n/a' : (100 * best.unflaggedAccuracy).toFixed(2) + ' %'})`);
}
if (flags.out) {
  writeFileSync(flags.out, JSON.stringify(table, null, 1) + '\n');
  console.log(`\nwrote ${flags.out}: ${Object.keys(cells).length} cells from ${fittedOn}`);
}
