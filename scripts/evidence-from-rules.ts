// Adds evidence quotes to labelled reports that have none (the synthetic ones), taken from the rule
// extractor wherever it reads the labelled value. Training uses the quotes to teach each field's
// attention where its value is written (model-export `--evidence-weight`); the text-grounded dev
// reports carry annotated quotes already and are passed through unchanged.
// Run: npx tsx scripts/evidence-from-rules.ts --in reports.jsonl --out reports-evidence.jsonl
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { extractRules } from '../src/domain/rules';
import { FIELD_NAMES } from '../src/domain/schema';

interface Row { id: string; text: string; labels: Record<string, string>; evidence?: Record<string, string | string[]> }

const { values: flags } = parseArgs({ options: { in: { type: 'string' }, out: { type: 'string' } } });
if (!flags.in || !flags.out) throw new Error('--in <jsonl> and --out <jsonl> are required');

/** The rules' evidence quotes for each field whose value (read or derived) the rules get right. */
function quotesFromRules(row: Row): Record<string, string[]> {
  const rules = extractRules(row.text);
  const quotes: Record<string, string[]> = {};
  for (const field of FIELD_NAMES) {
    const r = rules.fields[field];
    if (r.value === 'not_stated' || r.value !== row.labels[field] || r.evidence.length === 0) continue;
    quotes[field] = r.evidence.map(([start, end]) => row.text.slice(start, end));
  }
  return quotes;
}

const rows = readFileSync(flags.in, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Row);
let quoted = 0;
let fields = 0;
const out = rows.map((row) => {
  if (row.evidence) return row;
  const evidence = quotesFromRules(row);
  const n = Object.keys(evidence).length;
  quoted += n > 0 ? 1 : 0;
  fields += n;
  return { ...row, evidence, evidence_source: 'rules' };
});
writeFileSync(flags.out, out.map((r) => JSON.stringify(r)).join('\n') + '\n');
console.log(`${flags.out}: ${rows.length} reports, ${quoted} given rule evidence for ${fields} fields`);
