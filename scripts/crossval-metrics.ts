// The model side of the honest evaluation: from out-of-fold logits (model-export crossval, every report
// scored by a model that never saw it) it fits per-field temperatures, chooses where the hybrid may let
// the model fill a field, measures rules / model / hybrid per field (dev, synthetic, pooled; registrar
// labels on dev) and the registrar's view with a calibration table cross-fitted over the folds.
// Run: npx tsx scripts/crossval-metrics.ts --oof model-export/runs/cv/oof.jsonl [--json metrics.json]
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { meanMacroF1, scoreField, type FieldMetrics } from '../src/domain/metrics';
import { combineWithRules, NO_FILLS } from '../src/domain/model/hybrid';
import type { HybridPolicy } from '../src/domain/model/package';
import { predictionFromLogits, softmax } from '../src/domain/model/runner';
import { calibratedConfidence, fitCalibration, MAX_REVIEW_SHARE, REVIEW_THRESHOLD, type CalibrationTable } from '../src/domain/review';
import { expectedCalibrationError, formatReviewCurve, reviewAt, reviewCurve, thresholdWithin, type ReviewedItem } from '../src/domain/reviewMetrics';
import { extractRules } from '../src/domain/rules';
import { familyOf } from '../src/domain/rules/provenance';
import { FIELD_NAMES, isLabel, labelsOf, type FieldName } from '../src/domain/schema';
import type { Extraction } from '../src/domain/types';

const HERE = dirname(fileURLToPath(import.meta.url));
const DATA = resolve(HERE, '../../shared/data');
const USAGE = `Usage: npx tsx scripts/crossval-metrics.ts --oof <oof.jsonl> [--data a.jsonl,b.jsonl] [--registrar r.jsonl] [--json out.json]
  --oof        out-of-fold logits from model-export crossval ({"id", "fold", "logits"})
  --data       labelled reports (text-grounded), comma-separated (default: the dev and synthetic-llm sets)
  --registrar  registrar labels of the dev reports (default: ../shared/data/tcga-brca-dev-registrar.jsonl)
  --json       write temperatures, the chosen hybrid policy and every number printed`;
const { values: flags } = parseArgs({
  options: {
    oof: { type: 'string' },
    data: { type: 'string', default: [resolve(DATA, 'tcga-brca-dev-text.jsonl'), resolve(DATA, 'synthetic-llm-dev.jsonl')].join(',') },
    registrar: { type: 'string', default: resolve(DATA, 'tcga-brca-dev-registrar.jsonl') },
    json: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (flags.help || !flags.oof) {
  console.log(USAGE);
  process.exit(flags.help ? 0 : 2);
}

interface Row { id: string; text: string; labels: Record<string, string>; source?: string }
interface Scored { row: Row; fold: number; logits: Record<FieldName, number[]>; rules: Extraction; set: 'dev' | 'synthetic' }
const readJsonl = <T>(path: string): T[] => readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as T);

const oof = new Map(readJsonl<{ id: string; fold: number; logits: Record<FieldName, number[]> }>(flags.oof).map((r) => [r.id, r]));
const rows = flags.data!.split(',').flatMap((p) => readJsonl<Row>(p)).filter((r) => oof.has(r.id));
const registrar = new Map(readJsonl<Row>(flags.registrar!).map((r) => [r.id, r.labels]));
const scored: Scored[] = rows.map((row) => ({ row, fold: oof.get(row.id)!.fold, logits: oof.get(row.id)!.logits, rules: extractRules(row.text), set: familyOf(row.source) ? 'synthetic' : 'dev' }));
const folds = [...new Set(scored.map((s) => s.fold))].sort();
const HEADLINE: FieldName[] = ['pT', 'pN', 'grade', 'ER', 'PR', 'HER2'];
const gold = (s: Scored, f: FieldName) => (isLabel(f, s.row.labels[f] ?? '') ? s.row.labels[f]! : undefined);

// ---- 1. Temperatures: one per field, minimising the negative log-likelihood of the gold labels.
const GRID = Array.from({ length: 61 }, (_, i) => 0.25 * 1.08 ** i); // 0.25 … ~25
function fitTemperature(items: { logits: number[]; gold: number }[]): number {
  const nll = (t: number) => items.reduce((s, it) => s - Math.log(Math.max(1e-12, softmax(it.logits.map((x) => x / t))[it.gold]!)), 0);
  return GRID.reduce((best, t) => (nll(t) < nll(best) ? t : best), 1);
}
const itemsOf = (f: FieldName, subset: readonly Scored[]) =>
  subset.flatMap((s) => (gold(s, f) === undefined ? [] : [{ logits: s.logits[f], gold: (labelsOf(f) as readonly string[]).indexOf(gold(s, f)!) }]));
const temperature = Object.fromEntries(FIELD_NAMES.map((f) => [f, Math.round(fitTemperature(itemsOf(f, scored)) * 1000) / 1000])) as Record<FieldName, number>;
// ECE of the model's own top probability, before and after temperatures fitted on the other folds.
const crossFitted = new Map(folds.map((k) => [k, Object.fromEntries(FIELD_NAMES.map((f) => [f, fitTemperature(itemsOf(f, scored.filter((s) => s.fold !== k)))])) as Record<FieldName, number>]));
function modelEce(f: FieldName, temps: (s: Scored) => number): number {
  return expectedCalibrationError(scored.flatMap((s) => {
    const g = gold(s, f);
    if (g === undefined) return [];
    const p = softmax(s.logits[f].map((x) => x / temps(s)));
    const top = p.indexOf(Math.max(...p));
    return [{ confidence: p[top]!, correct: labelsOf(f)[top] === g }];
  }));
}
const ece = Object.fromEntries(FIELD_NAMES.map((f) => [f, { before: modelEce(f, () => 1), after: modelEce(f, (s) => crossFitted.get(s.fold)![f]) }]));

// ---- 2. Extractions with a policy; the fill threshold per field is chosen where filling helps.
const predictions = new Map(scored.map((s) => [s.row.id, predictionFromLogits(s.logits, temperature)]));
const read = (s: Scored, mode: 'model' | 'hybrid', policy: HybridPolicy) => combineWithRules(mode, s.row.text, [], predictions.get(s.row.id)!, s.rules, policy);
const f1 = (f: FieldName, subset: readonly Scored[], value: (s: Scored) => string) =>
  scoreField(f, subset.flatMap((s) => (gold(s, f) === undefined ? [] : [[gold(s, f)!, value(s)] as const]))).macroF1;
const FILL_CANDIDATES = [0.99, 0.95, 0.9, 0.8];
const fillAt: Partial<Record<FieldName, number | null>> = {};
const fillGain: Record<string, number> = {};
for (const f of FIELD_NAMES) {
  const rulesF1 = f1(f, scored, (s) => s.rules.fields[f].value);
  let best: { at: number | null; f1: number } = { at: null, f1: rulesF1 };
  for (const at of FILL_CANDIDATES) {
    const policy = { fill_at: { [f]: at } };
    const score = f1(f, scored, (s) => read(s, 'hybrid', policy).fields[f].value);
    // A fill must help on both the real and the synthetic reports, not trade one for the other.
    const helpsBoth = (['dev', 'synthetic'] as const).every((set) => {
      const subset = scored.filter((s) => s.set === set);
      return f1(f, subset, (s) => read(s, 'hybrid', policy).fields[f].value) >= f1(f, subset, (s) => s.rules.fields[f].value);
    });
    if (score > best.f1 && helpsBoth) best = { at, f1: score };
  }
  fillAt[f] = best.at;
  fillGain[f] = best.f1 - rulesF1;
}
const policy: HybridPolicy = { fill_at: fillAt, chosen_by: `scripts/crossval-metrics.ts on ${flags.oof}: the fill threshold with the highest out-of-fold macro-F1 that is not worse than the rules on the dev or the synthetic reports` };

// ---- 3. Per-field macro-F1 of rules, model and hybrid.
const extractors = {
  rules: (s: Scored) => s.rules,
  model: (s: Scored) => read(s, 'model', NO_FILLS),
  hybrid: (s: Scored) => read(s, 'hybrid', policy),
};
type Name = keyof typeof extractors;
const outputs = new Map(scored.map((s) => [s.row.id, Object.fromEntries(Object.entries(extractors).map(([n, fn]) => [n, fn(s)])) as Record<Name, Extraction>]));
function table(subset: readonly Scored[], labelsOf: (s: Scored) => Record<string, string> | undefined) {
  const out: Record<string, { fields: Record<string, { macroF1: number; accuracy: number; n: number }>; mean: number | null }> = {};
  for (const ex of Object.keys(extractors) as Name[]) {
    const metrics: FieldMetrics[] = FIELD_NAMES.map((f) => scoreField(f, subset.flatMap((s) => {
      const g = labelsOf(s)?.[f];
      return g === undefined || !isLabel(f, g) ? [] : [[g, outputs.get(s.row.id)![ex].fields[f].value] as const];
    })));
    out[ex] = { fields: Object.fromEntries(metrics.filter((m) => m.n > 0).map((m) => [m.field, { macroF1: m.macroF1, accuracy: m.accuracy, n: m.n }])), mean: meanMacroF1(metrics, HEADLINE).value };
  }
  return out;
}
const devRows = scored.filter((s) => s.set === 'dev');
const tables = {
  pooled: table(scored, (s) => s.row.labels),
  dev: table(devRows, (s) => s.row.labels),
  synthetic: table(scored.filter((s) => s.set === 'synthetic'), (s) => s.row.labels),
  devRegistrar: table(devRows, (s) => registrar.get(s.row.id)),
};

// ---- 4. The registrar's view, with a calibration table fitted on the other folds (out of fold).
const readingsOf = (subset: readonly Scored[], ex: Name) => subset.flatMap((s) => FIELD_NAMES.flatMap((f) => {
  const g = gold(s, f);
  const x = outputs.get(s.row.id)![ex];
  return g === undefined ? [] : [{ field: f, basis: x.fields[f].review!.basis, correct: x.fields[f].value === g }];
}));
const view: Record<string, unknown> = {};
for (const ex of Object.keys(extractors) as Name[]) {
  const items: ReviewedItem[] = [];
  for (const k of folds) {
    const others = scored.filter((s) => s.fold !== k);
    const t: CalibrationTable = fitCalibration([...readingsOf(others, 'rules'), ...readingsOf(others, 'model'), ...readingsOf(others, 'hybrid')], `folds other than ${k}`);
    for (const r of readingsOf(scored.filter((s) => s.fold === k), ex)) items.push({ field: r.field, correct: r.correct, confidence: calibratedConfidence(r.field, r.basis, t) });
  }
  const within = thresholdWithin(items, MAX_REVIEW_SHARE);
  view[ex] = {
    expectedCalibrationError: expectedCalibrationError(items),
    atAppThreshold: reviewAt(items, REVIEW_THRESHOLD),
    bestWithinBudget: within,
    perField: Object.fromEntries(FIELD_NAMES.map((f) => [f, reviewAt(items.filter((i) => i.field === f), within.threshold)])),
    curve: reviewCurve(items),
  };
}

// ---- Report.
const pct = (x: number | null) => (x === null ? 'n/a' : `${(100 * x).toFixed(1)} %`);
console.log(`${scored.length} reports out of fold (${devRows.length} dev, ${scored.length - devRows.length} synthetic), ${folds.length} folds`);
console.log('\ntemperatures (fitted on all out-of-fold logits) and model ECE before → after (temperatures fitted on the other folds):');
for (const f of FIELD_NAMES) console.log(`  ${f.padEnd(9)} T=${temperature[f].toFixed(2)}  ECE ${ece[f]!.before.toFixed(3)} → ${ece[f]!.after.toFixed(3)}`);
console.log('\nhybrid fills (model probability at which it fills a field the rules left empty):');
for (const f of FIELD_NAMES) console.log(`  ${f.padEnd(9)} ${fillAt[f] === null ? 'never' : `≥ ${fillAt[f]}`}  (macro-F1 gain ${fillGain[f]!.toFixed(3)})`);
for (const [name, t] of Object.entries(tables)) {
  console.log(`\n${name}: macro-F1 rules / model / hybrid`);
  for (const f of FIELD_NAMES) {
    const cells = (['rules', 'model', 'hybrid'] as const).map((ex) => t[ex]!.fields[f]);
    if (cells[0]) console.log(`  ${f.padEnd(9)} ${cells.map((c) => c!.macroF1.toFixed(3)).join('  ')}   (n=${cells[0].n})`);
  }
  console.log(`  mean(${HEADLINE.join(',')}) ${(['rules', 'model', 'hybrid'] as const).map((ex) => t[ex]!.mean?.toFixed(3)).join('  ')}`);
}
for (const [ex, v] of Object.entries(view) as [string, { expectedCalibrationError: number; atAppThreshold: ReturnType<typeof reviewAt>; bestWithinBudget: ReturnType<typeof reviewAt>; curve: ReturnType<typeof reviewCurve> }][]) {
  console.log(`\nregistrar's view, ${ex} (calibration cross-fitted over the folds): ECE ${v.expectedCalibrationError.toFixed(3)}`);
  console.log(formatReviewCurve(v.curve));
  console.log(`  at ${REVIEW_THRESHOLD}: ${pct(v.atAppThreshold.flaggedShare)} flagged, unflagged right ${pct(v.atAppThreshold.unflaggedAccuracy)}; best within ${MAX_REVIEW_SHARE * 100} %: threshold ${v.bestWithinBudget.threshold}, ${pct(v.bestWithinBudget.flaggedShare)} flagged, unflagged right ${pct(v.bestWithinBudget.unflaggedAccuracy)}`);
}
if (flags.json) {
  writeFileSync(flags.json, JSON.stringify({ oof: flags.oof, reports: { dev: devRows.length, synthetic: scored.length - devRows.length }, folds: folds.length, temperature, modelEce: ece, hybrid_policy: policy, macroF1: tables, registrarView: view }, null, 2) + '\n');
}
