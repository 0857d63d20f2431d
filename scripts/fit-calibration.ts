// Fits the calibration table (src/domain/calibration.json): for every kind of reading (review.ts
// `readingBasis`), how many readings of labelled reports were right. With --oof, the model and hybrid
// readings of out-of-fold logits (model-export crossval) are counted too, so hybrid confidences are measured.
// With --metrics (scripts/crossval-metrics.ts --json), the model's readings use its fitted temperatures and
// the hybrid its chosen fills, exactly as the shipped package will.
// Run: npx tsx scripts/fit-calibration.ts --data ../shared/data/tcga-brca-dev-text.jsonl ../shared/data/synthetic-llm-dev.jsonl \
//        [--oof model-export/runs/cv/oof.jsonl --metrics metrics.json] [--hold-out uk-rcpath,europe-terse] [--out src/domain/calibration.json]
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { combineWithRules, NO_FILLS } from '../src/domain/model/hybrid';
import type { HybridPolicy } from '../src/domain/model/package';
import { predictionFromLogits } from '../src/domain/model/runner';
import { calibratedConfidence, fitCalibration, MAX_REVIEW_SHARE } from '../src/domain/review';
import { expectedCalibrationError, formatReviewCurve, reviewCurve, thresholdWithin, type ReviewedItem } from '../src/domain/reviewMetrics';
import { extractRules } from '../src/domain/rules';
import { familyOf } from '../src/domain/rules/provenance';
import { FIELD_NAMES, isLabel, type FieldName } from '../src/domain/schema';
import type { Extraction } from '../src/domain/types';

const USAGE = 'Usage: npx tsx scripts/fit-calibration.ts --data <labelled.jsonl> [more.jsonl ...] [--oof oof.jsonl --metrics metrics.json] [--hold-out fam1,fam2] [--out calibration.json]';
const { values: flags, positionals } = parseArgs({
  options: { data: { type: 'string' }, oof: { type: 'string' }, metrics: { type: 'string' }, 'hold-out': { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
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
const chosen = flags.metrics ? (JSON.parse(readFileSync(flags.metrics, 'utf8')) as { temperature: Record<FieldName, number>; hybrid_policy: HybridPolicy }) : null;
const heldOut = new Set((flags['hold-out'] ?? '').split(',').filter(Boolean));
const isHeldOut = (r: Row) => heldOut.has(familyOf(r.source) ?? '');

/** Every extractor reading of a report that the table calibrates: rules always, model and hybrid with OOF logits. */
function readings(row: Row): { mode: string; x: Extraction }[] {
  const rules = extractRules(row.text);
  const logits = oof?.get(row.id);
  if (!logits) return [{ mode: 'rules', x: rules }];
  const prediction = predictionFromLogits(logits, chosen?.temperature ?? {});
  return [
    { mode: 'rules', x: rules },
    { mode: 'model', x: combineWithRules('model', row.text, [], prediction, rules) },
    { mode: 'hybrid', x: combineWithRules('hybrid', row.text, [], prediction, rules, chosen?.hybrid_policy ?? NO_FILLS) },
  ];
}

const scored = rows.filter((r) => !oof || oof.has(r.id)).map((row) => ({ row, readings: readings(row) }));
const fitting = scored.filter(({ row }) => !isHeldOut(row)).flatMap(({ row, readings: rs }) => rs.flatMap(({ x }) => FIELD_NAMES.flatMap((f) => {
  const gold = row.labels[f];
  return gold === undefined || !isLabel(f, gold) ? [] : [{ field: f, basis: x.fields[f].review!.basis, correct: x.fields[f].value === gold }];
})));
const fittedOn = `${scored.filter(({ row }) => !isHeldOut(row)).length} labelled reports (${[flags.data, ...positionals].join(', ')}${heldOut.size ? `; held out: ${[...heldOut].join(', ')}` : ''})${oof ? `; model and hybrid readings from out-of-fold logits ${flags.oof}` : ''}`;
const table = fitCalibration(fitting, fittedOn);

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
  console.log(`\nwrote ${flags.out}: ${Object.keys(table.cells).length} cells from ${fittedOn}`);
}
