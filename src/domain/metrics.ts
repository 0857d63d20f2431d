// Classification metrics for extracted fields: per-class P/R/F1, macro-F1, accuracy, confusion matrix.
// Pure (no Node or DOM): call scoreField(field, [[gold, predicted], ...]) and formatFieldMetrics(m) for text.
import { labelsOf, type FieldName } from './schema';

/** One scored item: the gold label and the predicted label. */
export type Pair = readonly [gold: string, predicted: string];

export interface ClassStats {
  label: string;
  /** Items whose gold label is this class. */
  support: number;
  /** Items predicted as this class. */
  predicted: number;
  truePositives: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface LabelMetrics {
  /** Label order of `classes` and of both axes of `confusion`. */
  labels: readonly string[];
  n: number;
  correct: number;
  accuracy: number;
  macroF1: number;
  /** The classes macroF1 averages over: those present among the gold labels, in label order. */
  macroLabels: string[];
  classes: ClassStats[];
  /** confusion[gold][predicted], indices into `labels`. */
  confusion: number[][];
}

export interface FieldMetrics extends LabelMetrics {
  field: FieldName;
}

// Undefined ratios (no predictions, no support) count as 0 so that a class the extractor never
// predicts is penalised rather than silently dropped from the average.
function ratio(num: number, den: number): number {
  return den === 0 ? 0 : num / den;
}

function indexOf(labels: readonly string[], label: string, role: string): number {
  const i = labels.indexOf(label);
  if (i < 0) throw new Error(`${role} label "${label}" is not one of [${labels.join(', ')}]`);
  return i;
}

/** Metrics over an explicit label set; every gold and predicted label must belong to it. */
export function scoreLabels(labels: readonly string[], pairs: readonly Pair[]): LabelMetrics {
  const confusion = labels.map(() => labels.map(() => 0));
  for (const [gold, predicted] of pairs) {
    confusion[indexOf(labels, gold, 'gold')]![indexOf(labels, predicted, 'predicted')]! += 1;
  }
  const classes = labels.map((label, i): ClassStats => {
    const truePositives = confusion[i]![i]!;
    const support = confusion[i]!.reduce((a, b) => a + b, 0);
    const predicted = confusion.reduce((a, row) => a + row[i]!, 0);
    const precision = ratio(truePositives, predicted);
    const recall = ratio(truePositives, support);
    return { label, support, predicted, truePositives, precision, recall, f1: ratio(2 * precision * recall, precision + recall) };
  });
  const inGold = classes.filter((c) => c.support > 0);
  const correct = classes.reduce((a, c) => a + c.truePositives, 0);
  return {
    labels,
    n: pairs.length,
    correct,
    accuracy: ratio(correct, pairs.length),
    macroF1: ratio(
      inGold.reduce((a, c) => a + c.f1, 0),
      inGold.length,
    ),
    macroLabels: inGold.map((c) => c.label),
    classes,
    confusion,
  };
}

/** Metrics for one schema field, with the confusion matrix in the schema's label order. */
export function scoreField(field: FieldName, pairs: readonly Pair[]): FieldMetrics {
  return { field, ...scoreLabels(labelsOf(field), pairs) };
}

/**
 * Mean of macro-F1 over the requested fields that were scored at all (n > 0): a field with no gold
 * labels says nothing about the extractor, so it must not pull the mean towards 0.
 */
export function meanMacroF1(
  metrics: readonly FieldMetrics[],
  fields: readonly FieldName[],
): { fields: FieldName[]; value: number | null } {
  const used = fields.flatMap((f) => metrics.filter((m) => m.field === f && m.n > 0));
  return {
    fields: used.map((m) => m.field),
    value: used.length === 0 ? null : used.reduce((a, m) => a + m.macroF1, 0) / used.length,
  };
}

export function fmt(x: number): string {
  return x.toFixed(3);
}

function table(rows: readonly (readonly string[])[], indent: string): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  // First column (labels) left-aligned, numbers right-aligned so digits line up.
  return rows.map(
    (r) => indent + r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '),
  );
}

/** A fixed-width text block for one field: headline, per-class lines, confusion matrix. */
export function formatFieldMetrics(m: FieldMetrics): string {
  const head =
    `${m.field}  n=${m.n}  accuracy=${fmt(m.accuracy)}  macro-F1=${fmt(m.macroF1)}` +
    ` (over ${m.macroLabels.length} gold classes: ${m.macroLabels.join(' ') || 'none'})`;
  const perClass = table(
    [
      [' class', 'P', 'R', 'F1', 'support', 'predicted'],
      ...m.classes.map((c) => [
        // '*' marks the classes the macro-F1 averages, since the table also lists the others.
        (m.macroLabels.includes(c.label) ? '*' : ' ') + c.label,
        fmt(c.precision),
        fmt(c.recall),
        fmt(c.f1),
        String(c.support),
        String(c.predicted),
      ]),
    ],
    '  ',
  );
  const confusion = table(
    [['gold\\pred', ...m.labels], ...m.labels.map((label, i) => [label, ...m.confusion[i]!.map(String)])],
    '  ',
  );
  return [head, ...perClass, '  confusion (rows gold, columns predicted):', ...confusion].join('\n');
}
