// Adds evidence quotes to labelled reports that have none, taken from the rule extractor wherever it
// reads the labelled value. Training uses the quotes to teach each field's attention where its value
// is written (model-export `--evidence-weight`); the text-grounded dev reports carry annotated quotes
// already and are passed through unchanged.
//
// Two uses:
//   synthetic reports (all labels kept; quotes where the rules agree):
//     npx tsx scripts/evidence-from-rules.ts --in synthetic.jsonl --out synthetic-evidence.jsonl
//   the pan-cancer TNM set (registrar labels of other sites, often not written in the report, and
//   breast size thresholds do not apply there): keep only the pT/pN/pM codes the report states, cut
//   to an excerpt around them so each report costs one training window:
//     npx tsx scripts/evidence-from-rules.ts --in tcga-pancancer-tnm.jsonl --out pancancer-tnm.jsonl \
//       --fields pT,pN,pM --stated-only --excerpt 900 --sample 500
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { extractRules } from '../src/domain/rules';
import { FIELD_NAMES, type FieldName } from '../src/domain/schema';
import type { Span } from '../src/domain/types';

interface Row { id: string; text: string; labels: Record<string, string>; evidence?: Record<string, string | string[]>; evidence_source?: string }

const { values: flags } = parseArgs({
  options: {
    in: { type: 'string' },
    out: { type: 'string' },
    fields: { type: 'string' },
    'stated-only': { type: 'boolean', default: false },
    excerpt: { type: 'string' },
    sample: { type: 'string' },
  },
});
if (!flags.in || !flags.out) throw new Error('--in <jsonl> and --out <jsonl> are required');
const fields = flags.fields ? (flags.fields.split(',') as FieldName[]) : [...FIELD_NAMES];
const unknown = fields.filter((f) => !FIELD_NAMES.includes(f));
if (unknown.length > 0) throw new Error(`--fields: not schema fields: ${unknown.join(', ')}`);
const excerptChars = flags.excerpt ? Number(flags.excerpt) : null;
if (excerptChars !== null && !(excerptChars > 0)) throw new Error('--excerpt must be a positive number of characters');
const sampleSize = flags.sample ? Number(flags.sample) : null;
if (sampleSize !== null && !(Number.isInteger(sampleSize) && sampleSize > 0)) throw new Error('--sample must be a positive integer');

type Spans = readonly Span[];

/** The rules' evidence spans for each field whose value the rules get right (read, or also derived). */
function spansFromRules(row: Row): Partial<Record<FieldName, Spans>> {
  const rules = extractRules(row.text);
  const spans: Partial<Record<FieldName, Spans>> = {};
  for (const field of fields) {
    const r = rules.fields[field];
    if (r.value === 'not_stated' || r.value !== row.labels[field] || r.evidence.length === 0) continue;
    if (flags['stated-only'] && r.derived) continue;
    spans[field] = r.evidence;
  }
  return spans;
}

/** The text from before the first quote to after the last (quotes near the end get more context before). */
function excerptBounds(text: string, spans: Spans, chars: number): [number, number] {
  const first = Math.min(...spans.map(([s]) => s));
  const last = Math.max(...spans.map(([, e]) => e));
  const slack = Math.max(0, chars - (last - first));
  let start = Math.max(0, first - Math.ceil((slack * 2) / 3));
  const end = Math.min(text.length, start + Math.max(chars, last - first));
  start = Math.max(0, Math.min(start, end - chars));
  return [start, end];
}

function withRuleEvidence(row: Row): Row | null {
  const spans = Object.entries(spansFromRules(row)) as Array<[FieldName, Spans]>;
  // Stated-only rows keep just the labels the text confirms; a row with none teaches nothing.
  if (flags['stated-only'] && spans.length === 0) return null;
  const labels = flags['stated-only'] ? Object.fromEntries(spans.map(([f]) => [f, row.labels[f]!])) : row.labels;
  const [start, end] = excerptChars !== null && spans.length > 0
    ? excerptBounds(row.text, spans.flatMap(([, s]) => s), excerptChars)
    : [0, row.text.length];
  const evidence = Object.fromEntries(spans.map(([f, s]) => [f, s.map(([a, b]) => row.text.slice(a, b))]));
  return { ...row, text: row.text.slice(start, end), labels, evidence, evidence_source: 'rules' };
}

/** A reproducible subset that does not depend on file order: the rows whose id hashes lowest. */
function sampleByIdHash(rows: Row[], n: number): Row[] {
  const hashed = rows.map((row) => ({ row, key: createHash('sha256').update(row.id).digest('hex') }));
  return hashed.sort((a, b) => (a.key < b.key ? -1 : 1)).slice(0, n).map((h) => h.row);
}

const rows = readFileSync(flags.in, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Row);
const kept = rows.map((row) => (row.evidence ? row : withRuleEvidence(row))).filter((r): r is Row => r !== null);
const out = sampleSize === null ? kept : sampleByIdHash(kept, sampleSize);
const quotedFields = out.reduce((n, r) => n + Object.keys(r.evidence ?? {}).length, 0);
writeFileSync(flags.out, out.map((r) => JSON.stringify(r)).join('\n') + '\n');
console.log(`${flags.out}: ${rows.length} reports in, ${out.length} out, evidence for ${quotedFields} fields`);
