// Evaluation: runs an extractor over a labelled JSONL set and prints per-field P/R/F1, accuracy, confusion,
// per-family scores (in- or out-of-sample for the rules) and the registrar's view of the review marks.
// Run: npm run eval -- --data set.jsonl [--extractor rules] [--fields pT,pN] [--json m.json] [--errors e.jsonl]
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fmt, formatFieldMetrics, meanMacroF1, scoreField, type Pair } from '../domain/metrics';
import { REVIEW_THRESHOLD } from '../domain/review';
import { expectedCalibrationError, formatReviewCurve, reviewAt, reviewCurve, type ReviewedItem } from '../domain/reviewMetrics';
import { FAMILIES_READ, familyOf } from '../domain/rules/provenance';
import { FIELD_NAMES, isFieldName, isLabel, labelsOf, type FieldName } from '../domain/schema';
import type { Extraction } from '../domain/types';
import { parseFlags, runMain, UsageError } from './args';
import { DEFAULT_EXTRACTOR, EXTRACTOR_NAMES, loadExtractor } from './extractors';
import { isObject, openReports, reportError, runExtractor, type InputItem, type Report } from './reports';

/** The headline number: fields every extractor is judged on (pM and HER2_ihc are too sparse). */
const MEAN_FIELDS: readonly FieldName[] = ['pT', 'pN', 'grade', 'ER', 'PR', 'HER2'];

const USAGE = `Usage: npm run eval -- --data <file.jsonl> [--extractor <name>] [--fields <f1,f2,...>]
                     [--json <metrics.json>] [--errors <errors.jsonl>]

  --data       JSONL, one {"id", "text", "labels": {field: label}} per line
               (e.g. ../shared/data/tcga-brca-dev-text.jsonl).
  --extractor  One of: ${EXTRACTOR_NAMES.join(', ')} (default ${DEFAULT_EXTRACTOR}).
  --model      Model package folder (for model and hybrid), e.g. public/models/default.
  --variant    Package variant: fp32, q4 or int8 (default: the package's default).
  --fields     Comma-separated fields to score (default all: ${FIELD_NAMES.join(',')}).
  --json       Also write the metrics as JSON (labels order, per-class stats, confusion, mean).
  --errors     Also write one JSON line per wrong prediction: {id, field, gold, predicted, derived,
               evidence (predicted evidence text), goldEvidence (the dataset's quote, if any)}.
  -h, --help   Show this help.

A field absent from a record's labels is not scored for that record; label keys that are not
schema fields (e.g. Ki67) are ignored; a gold value that is not a label of its field is reported on
stderr and that field is skipped for that record. Bad lines are reported and skipped.
Stdout: one table per field with gold labels; for records with a "source" style family, the mean
macro-F1 per family, each marked read while writing the rules (in-sample) or unseen (out-of-sample);
the registrar's view (share of fields marked for review and accuracy of the unmarked ones, overall, per
field and as a curve over the review threshold, and the expected calibration error); then a summary line
with the mean macro-F1 over ${MEAN_FIELDS.join(', ')} (those with gold labels) and each field's accuracy.
Exit code: 0 if anything was scored; 1 if nothing was (no usable line or no gold label among the
fields) or a file could not be read/written; 2 for a usage error.`;

interface Mismatch {
  id: string;
  field: FieldName;
  gold: string;
  predicted: string;
  derived: boolean;
  evidence: string[];
  goldEvidence?: string;
}

function parseFieldList(list: string | undefined): FieldName[] {
  if (list === undefined) return [...FIELD_NAMES];
  const names = [...new Set(list.split(',').map((s) => s.trim()).filter((s) => s !== ''))];
  const unknown = names.filter((n) => !isFieldName(n));
  if (unknown.length > 0 || names.length === 0) {
    const problem = names.length === 0 ? 'no field given' : `unknown field(s) ${unknown.join(', ')}`;
    throw new UsageError(`--fields: ${problem}; known: ${FIELD_NAMES.join(', ')}`);
  }
  return names.filter(isFieldName);
}

// Without a labels object a record cannot be scored, so it is a failed line rather than a silent 0.
async function* withLabels(items: AsyncIterable<InputItem>): AsyncGenerator<InputItem> {
  for await (const item of items) {
    yield item.ok && !isObject(item.report.record.labels)
      ? { ok: false, where: item.report.where, error: 'missing "labels" object' }
      : item;
  }
}

async function writeOutput(path: string, content: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, content);
}

interface FamilyScore {
  family: string;
  read: boolean;
  mean: number | null;
}

// Rules are not trained, so "leave one family out" for them means: a family nobody read while writing them.
function formatFamilies(families: readonly FamilyScore[]): string {
  const mean = (xs: FamilyScore[]) => (xs.length === 0 ? 'n/a' : fmt(xs.reduce((a, f) => a + (f.mean ?? 0), 0) / xs.length));
  const lines = families.map((f) => `  ${f.family.padEnd(22)} ${f.mean === null ? '  n/a' : fmt(f.mean)}  ${f.read ? 'read while writing the rules (in-sample)' : 'unseen by the rules (out-of-sample)'}`);
  const read = families.filter((f) => f.read);
  const unseen = families.filter((f) => !f.read);
  return [`mean macro-F1 by style family (${MEAN_FIELDS.join(', ')}):`, ...lines, `  families read: ${mean(read)} (${read.length}) | unseen: ${mean(unseen)} (${unseen.length})`].join('\n');
}

function formatRegistrarView(curve: ReturnType<typeof reviewCurve>, at: ReturnType<typeof reviewAt>, perField: (ReturnType<typeof reviewAt> & { field: FieldName })[], ece: number): string {
  const pct = (x: number | null) => (x === null ? 'n/a' : `${(100 * x).toFixed(1)} %`);
  const fieldLines = perField.map((p) => `  ${p.field.padEnd(9)} flagged ${pct(p.flaggedShare).padStart(7)}  unflagged right ${pct(p.unflaggedAccuracy).padStart(7)}  (n=${p.n})`);
  return [
    `registrar's view: a field is marked for review when its confidence is below the threshold; unflagged fields are accepted unread`,
    formatReviewCurve(curve),
    `at the app's threshold ${at.threshold}: ${pct(at.flaggedShare)} flagged, unflagged right ${pct(at.unflaggedAccuracy)} | expected calibration error ${ece.toFixed(3)}`,
    ...fieldLines,
  ].join('\n');
}

runMain(async () => {
  const flags = parseFlags(
    process.argv.slice(2),
    { required: ['data'], optional: ['extractor', 'model', 'variant', 'fields', 'json', 'errors'] },
    USAGE,
  );
  const fields = parseFieldList(flags.fields);
  const extractor = await loadExtractor(flags.extractor ?? DEFAULT_EXTRACTOR, { model: flags.model, variant: flags.variant });
  const items = withLabels(await openReports(flags.data, false));

  const pairs = new Map<FieldName, Pair[]>(fields.map((f) => [f, []]));
  const reviewed: ReviewedItem[] = [];
  const byFamily = new Map<string, Map<FieldName, Pair[]>>();
  const mismatches: Mismatch[] = [];
  const ignoredKeys = new Set<string>();
  let labelErrors = 0;

  const score = (report: Report, extraction: Extraction): void => {
    const labels = report.record.labels as Record<string, unknown>;
    const goldEvidence = isObject(report.record.evidence) ? report.record.evidence : {};
    for (const [key, gold] of Object.entries(labels)) {
      if (!isFieldName(key)) {
        ignoredKeys.add(key);
        continue;
      }
      const fieldPairs = pairs.get(key);
      if (!fieldPairs) continue;
      if (typeof gold !== 'string' || !isLabel(key, gold)) {
        labelErrors += 1;
        const known = labelsOf(key).join(', ');
        reportError(report.where, `labels.${key} = ${JSON.stringify(gold)} is not a label of ${key} (${known}); not scored`, report.id);
        continue;
      }
      const result = extraction.fields[key];
      fieldPairs.push([gold, result.value]);
      reviewed.push({ field: key, correct: result.value === gold, confidence: result.confidence });
      const family = familyOf(report.record.source);
      if (family !== null) {
        const familyPairs = byFamily.get(family) ?? new Map<FieldName, Pair[]>();
        byFamily.set(family, familyPairs.set(key, [...(familyPairs.get(key) ?? []), [gold, result.value]]));
      }
      if (result.value !== gold) {
        const quote = goldEvidence[key];
        mismatches.push({
          id: report.id,
          field: key,
          gold,
          predicted: result.value,
          derived: result.derived,
          evidence: result.evidence.map(([start, end]) => report.text.slice(start, end)),
          ...(typeof quote === 'string' ? { goldEvidence: quote } : {}),
        });
      }
    }
  };

  const summary = await runExtractor(items, extractor, score);
  if (ignoredKeys.size > 0) {
    process.stderr.write(`note: label keys that are not schema fields were ignored: ${[...ignoredKeys].join(', ')}\n`);
  }

  const metrics = fields.map((f) => scoreField(f, pairs.get(f)!));
  const scored = metrics.filter((m) => m.n > 0);
  const unscored = metrics.filter((m) => m.n === 0).map((m) => m.field);
  const mean = meanMacroF1(metrics, MEAN_FIELDS);

  const blocks = scored.map(formatFieldMetrics);
  if (unscored.length > 0) blocks.push(`no gold labels for: ${unscored.join(', ')}`);
  const meanText =
    mean.value === null
      ? `mean macro-F1: n/a (no gold labels for ${MEAN_FIELDS.join(', ')})`
      : `mean macro-F1 (${mean.fields.join(', ')}) = ${fmt(mean.value)}`;
  const accuracies = scored.map((m) => `${m.field} ${fmt(m.accuracy)}`).join(', ');
  const families = [...byFamily.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([family, fp]) => ({
    family,
    read: FAMILIES_READ.includes(family),
    mean: meanMacroF1(fields.map((f) => scoreField(f, fp.get(f) ?? [])), MEAN_FIELDS).value,
  }));
  if (families.length > 1) blocks.push(formatFamilies(families));
  const atThreshold = reviewAt(reviewed, REVIEW_THRESHOLD);
  const perField = fields.map((f) => ({ field: f, ...reviewAt(reviewed.filter((i) => i.field === f), REVIEW_THRESHOLD) })).filter((p) => p.n > 0);
  const ece = expectedCalibrationError(reviewed);
  blocks.push(formatRegistrarView(reviewCurve(reviewed), atThreshold, perField, ece));
  blocks.push(`${meanText} | accuracy: ${accuracies || 'n/a'} | extractor ${extractor.name}, ${summary.ok} records`);
  process.stdout.write(`${blocks.join('\n\n')}\n`);

  if (flags.json !== undefined) {
    const json = {
      data: flags.data,
      extractor: extractor.name,
      records: { scored: summary.ok, failed: summary.failed, labelErrors },
      meanMacroF1: { over: MEAN_FIELDS, ...mean },
      fields: Object.fromEntries(metrics.map((m) => [m.field, m])),
      families,
      registrarView: { threshold: REVIEW_THRESHOLD, overall: atThreshold, perField, curve: reviewCurve(reviewed), expectedCalibrationError: ece },
    };
    await writeOutput(flags.json, `${JSON.stringify(json, null, 2)}\n`);
  }
  if (flags.errors !== undefined) {
    await writeOutput(flags.errors, mismatches.map((m) => `${JSON.stringify(m)}\n`).join(''));
  }
  return scored.length > 0 ? 0 : 1;
});
