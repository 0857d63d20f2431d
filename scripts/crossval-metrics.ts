// Scores rules-only, model-only and hybrid on the dev reports from out-of-fold model logits
// (model-export's crossval), against text-grounded and registrar labels, with the app's own modules.
// Run: npx tsx scripts/crossval-metrics.ts --oof model-export/runs/cv/oof.jsonl [--json out.json]
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { combineWithRules } from '../src/domain/model/hybrid';
import { predictionFromLogits } from '../src/domain/model/runner';
import { meanMacroF1, scoreField, type FieldMetrics } from '../src/domain/metrics';
import { extractRules } from '../src/domain/rules';
import { FIELD_NAMES, type FieldName } from '../src/domain/schema';
import type { Extraction } from '../src/domain/types';

const HERE = dirname(fileURLToPath(import.meta.url));
const { values: flags } = parseArgs({
  options: {
    oof: { type: 'string' },
    text: { type: 'string', default: resolve(HERE, '../../shared/data/tcga-brca-dev-text.jsonl') },
    registrar: { type: 'string', default: resolve(HERE, '../../shared/data/tcga-brca-dev-registrar.jsonl') },
    json: { type: 'string' },
  },
});
if (!flags.oof) throw new Error('--oof <oof.jsonl> is required');

interface Row { id: string; text: string; labels: Record<string, string> }
const readJsonl = <T>(path: string): T[] => readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as T);

const oof = new Map(readJsonl<{ id: string; logits: Record<FieldName, number[]> }>(flags.oof).map((r) => [r.id, r.logits]));
const textRows = readJsonl<Row>(flags.text).filter((r) => oof.has(r.id));
const registrar = new Map(readJsonl<Row>(flags.registrar).map((r) => [r.id, r.labels]));

const extractors = ['rules', 'model', 'hybrid'] as const;
const outputs = new Map<string, Record<(typeof extractors)[number], Extraction>>();
for (const row of textRows) {
  const rules = extractRules(row.text);
  const prediction = predictionFromLogits(oof.get(row.id)!);
  outputs.set(row.id, {
    rules,
    model: combineWithRules('model', row.text, [], prediction, rules),
    hybrid: combineWithRules('hybrid', row.text, [], prediction, rules),
  });
}

const HEADLINE: FieldName[] = ['pT', 'pN', 'grade', 'ER', 'PR', 'HER2'];
type Scores = Record<string, { fields: Record<string, { macroF1: number; accuracy: number; n: number }>; mean: number | null }>;

function score(labelsOf: (id: string) => Record<string, string> | undefined): Scores {
  const result: Scores = {};
  for (const ex of extractors) {
    const metrics: FieldMetrics[] = FIELD_NAMES.map((f) =>
      scoreField(f, textRows.flatMap((r) => {
        const gold = labelsOf(r.id)?.[f];
        return gold === undefined ? [] : [[gold, outputs.get(r.id)![ex].fields[f].value] as const];
      })),
    );
    result[ex] = {
      fields: Object.fromEntries(metrics.filter((m) => m.n > 0).map((m) => [m.field, { macroF1: m.macroF1, accuracy: m.accuracy, n: m.n }])),
      mean: meanMacroF1(metrics, HEADLINE).value,
    };
  }
  return result;
}

const byLabels = { text: score((id) => textRows.find((r) => r.id === id)?.labels), registrar: score((id) => registrar.get(id)) };
for (const [kind, scores] of Object.entries(byLabels)) {
  console.log(`\n${kind} labels (${textRows.length} reports, out-of-fold): macro-F1 rules / model / hybrid`);
  for (const f of FIELD_NAMES) {
    const cells = extractors.map((ex) => scores[ex]!.fields[f]);
    if (!cells[0]) continue;
    console.log(`  ${f.padEnd(9)} ${cells.map((c) => c!.macroF1.toFixed(3)).join('  ')}   (n=${cells[0].n})`);
  }
  console.log(`  mean(${HEADLINE.join(',')}) ${extractors.map((ex) => scores[ex]!.mean?.toFixed(3)).join('  ')}`);
  const worse = FIELD_NAMES.filter((f) => scores.hybrid!.fields[f] && scores.hybrid!.fields[f].macroF1 < scores.rules!.fields[f]!.macroF1 - 0.01);
  console.log(`  hybrid beats rules on the mean: ${scores.hybrid!.mean! > scores.rules!.mean!}; fields where hybrid is worse than rules by > 0.01: ${worse.join(', ') || 'none'}`);
}
if (flags.json) writeFileSync(flags.json, JSON.stringify({ oof: flags.oof, reports: textRows.length, ...byLabels }, null, 2) + '\n');
