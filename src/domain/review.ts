// Calibrated confidence and review marks. A field's shown confidence is the measured accuracy of
// readings of its kind (calibration.json, fitted by scripts/fit-calibration.ts on labelled reports);
// a field needs review exactly when that confidence is below REVIEW_THRESHOLD, so the two never disagree.
import calibrationJson from './calibration.json';
import { FIELD_NAMES, NOT_STATED, type FieldName } from './schema';
import type { Extraction, FieldResult, Flag, FlagCode, Span } from './types';

/**
 * The review threshold: fields read with a measured accuracy below it are marked for a person to check.
 * Chosen on labelled reports as the highest threshold that flags at most MAX_REVIEW_SHARE of fields
 * (scripts/fit-calibration.ts prints the curve; README "Registrar's view").
 */
export const REVIEW_THRESHOLD = 0.95;
/** The review share a registrar can afford: one field in five. */
export const MAX_REVIEW_SHARE = 0.2;
/** Pseudo-counts a calibration cell borrows from its parent: small cells lean on the wider kind of reading. */
export const CALIBRATION_SMOOTHING = 8;
/** A few hundred labelled reports cannot show that a kind of reading is right more often than this. */
export const MAX_CONFIDENCE = 0.99;
/** A rules reading at or above this raw weight is a "strong" pattern (a code, a labelled result). */
export const STRONG_RULE_WEIGHT = 0.8;
/** Model probabilities that split agreement and fills into buckets (after temperature scaling). */
export const MODEL_SURE = 0.9;
export const MODEL_LEANS = 0.5;

/** Flags of the rules that put a reading in doubt (the model's own doubts are the basis' model part). */
const RULE_CONCERNS: ReadonlySet<FlagCode> = new Set<FlagCode>(['conflicting_statements', 'stated_derived_conflict', 'biomarkers_from_prior_specimen', 'multiple_tumours', 'not_breast_report']);
/** Flags shown as reasons beside a field marked for review. */
const REASONS: ReadonlySet<FlagCode> = new Set<FlagCode>([...RULE_CONCERNS, 'model_rules_disagree', 'model_fill', 'biomarkers_pending']);

export interface CalibrationTable {
  /** What the counts were measured on. */
  fittedOn: string;
  /** key → [readings, correct readings]; keys from `basisLevels`. */
  cells: Record<string, readonly [number, number]>;
}

const TABLE = calibrationJson as unknown as CalibrationTable;

/**
 * The kind of a reading, as a path from specific to general: how the value was found (stated, derived,
 * not stated, model), whether a concern flag touches it, how strong the rules' pattern was, and what the
 * model said about it. Readings of one kind are right about equally often; that rate is the confidence.
 */
/** The flags about a field: its own, and a report-wide concern (another organ's report) that touches every field. */
function flagsOn(field: FieldName, flags: readonly Flag[]): Flag[] {
  return flags.filter((f) => f.field === field || (f.field === undefined && f.code === 'not_breast_report'));
}

export function readingBasis(field: FieldName, r: FieldResult, flags: readonly Flag[], rawWeight: number): string {
  const mine = flagsOn(field, flags);
  const concern = mine.some((f) => RULE_CONCERNS.has(f.code))
    ? 'concern'
    : r.value === NOT_STATED && mine.some((f) => f.code === 'biomarkers_pending')
      ? 'pending'
      : 'clean';
  const kind = r.source === 'model' ? 'model' : r.value === NOT_STATED ? 'not_stated' : r.derived ? 'derived' : 'stated';
  // A value the report gives more than once (diagnosis and synoptic, code and measurement) is rarely misread.
  const support = r.evidence.length >= 2 ? '+' : '';
  const strength = kind === 'model' ? '-' : kind === 'not_stated' ? 'none' : `${rawWeight >= STRONG_RULE_WEIGHT ? 'strong' : 'weak'}${support}`;
  const m = r.model;
  const model = !m
    ? 'none'
    : kind === 'model'
      ? m.probability >= MODEL_SURE ? 'sure' : m.probability >= MODEL_LEANS ? 'leans' : 'unsure'
      : m.label === r.value
        ? m.probability >= MODEL_SURE ? 'agrees' : 'agrees-weakly'
        : m.probability >= MODEL_LEANS ? 'disagrees' : 'doubts';
  return `${kind}/${concern}/${strength}/${model}`;
}

/** Table keys for a reading, most specific first; each level's rate is smoothed towards the next. */
export function basisLevels(field: FieldName, basis: string): string[] {
  const [kind, concern, , model] = basis.split('/');
  return [`${field}|${basis}`, `${field}|${kind}/${concern}/${model}`, `*|${kind}/${concern}/${model}`, `*|${kind}`, '*'];
}

/** Counts, for every level of every reading's basis, how many readings there were and how many were right. */
export function fitCalibration(readings: Iterable<{ field: FieldName; basis: string; correct: boolean }>, fittedOn: string): CalibrationTable {
  const cells: Record<string, [number, number]> = {};
  for (const r of readings) {
    for (const key of basisLevels(r.field, r.basis)) {
      const cell = (cells[key] ??= [0, 0]);
      cell[0] += 1;
      cell[1] += r.correct ? 1 : 0;
    }
  }
  return { fittedOn, cells: Object.fromEntries(Object.entries(cells).sort(([a], [b]) => a.localeCompare(b))) };
}

/** The smoothed measured accuracy of readings of this basis. */
export function calibratedConfidence(field: FieldName, basis: string, table: CalibrationTable = TABLE): number {
  let p = 0.5;
  for (const key of basisLevels(field, basis).reverse()) {
    const cell = table.cells[key];
    if (cell) p = (cell[1] + CALIBRATION_SMOOTHING * p) / (cell[0] + CALIBRATION_SMOOTHING);
  }
  return Math.round(Math.min(p, MAX_CONFIDENCE) * 1000) / 1000;
}

function reasons(field: FieldName, r: FieldResult, flags: readonly Flag[], confidence: number, threshold: number): string[] {
  const out = flagsOn(field, flags).filter((f) => REASONS.has(f.code)).map((f) => f.message);
  // One decimal: 94.8 % must not read as the 95 % it falls short of.
  out.push(`readings like this one (${describeBasis(r)}) were right ${(confidence * 100).toFixed(1)} % of the time, below the ${(threshold * 100).toFixed(1)} % that needs no check`);
  return out;
}

function describeBasis(r: FieldResult): string {
  if (r.source === 'model') return 'the model alone';
  if (r.value === NOT_STATED) return 'nothing found in the text';
  return r.derived ? 'derived from a measurement' : 'a statement in the text';
}

/**
 * Replaces every field's confidence with its calibrated one and marks the fields a person must check.
 * `rawWeights` are the rules' own pattern weights (before calibration), by field.
 */
export function markForReview(x: Extraction, rawWeights: Readonly<Record<FieldName, number>>, threshold = REVIEW_THRESHOLD, table: CalibrationTable = TABLE): Extraction {
  const fields = { ...x.fields } as Record<FieldName, FieldResult>;
  // A text that is no pathology report (a recipe, a letter) holds no result to check: nothing was read from it.
  if (x.flags.some((f) => f.code === 'not_a_pathology_report')) {
    for (const f of FIELD_NAMES) fields[f] = { ...x.fields[f], confidence: 1, review: { needed: false, reasons: [], basis: 'not_a_report' } };
    return { ...x, fields: fields as unknown as Extraction['fields'] };
  }
  for (const f of FIELD_NAMES) {
    const r = x.fields[f];
    const basis = readingBasis(f, r, x.flags, rawWeights[f]);
    const confidence = calibratedConfidence(f, basis, table);
    const needed = confidence < threshold;
    fields[f] = { ...r, confidence, review: { needed, reasons: needed ? reasons(f, r, x.flags, confidence, threshold) : [], basis } };
  }
  return { ...x, fields: fields as unknown as Extraction['fields'] };
}

/** The rules' raw pattern weight of each field, before calibration replaced it (kept in `review.basis`' strength). */
export function rawWeightsOf(x: Extraction): Record<FieldName, number> {
  return Object.fromEntries(FIELD_NAMES.map((f) => {
    const r = x.fields[f];
    const strength = r.review?.basis.split('/')[2];
    return [f, strength === undefined ? r.confidence : strength.startsWith('strong') ? 1 : 0];
  })) as Record<FieldName, number>;
}

/** An OCR word the engine was unsure of, as a span of the report text with its confidence (0..1). */
export interface UncertainWord {
  span: Span;
  confidence: number;
}

function overlaps(a: Span, b: Span): boolean {
  return a[0] < b[1] && b[0] < a[1];
}

/**
 * Marks for review every field whose evidence touches a word OCR was unsure of, with the words in
 * the reason and the confidence lowered to the least sure word's (so the mark and the number agree),
 * and adds one `ocr_uncertain` flag per such field. `text` is the report the spans index.
 */
export function markOcrUncertainty(x: Extraction, text: string, uncertain: readonly UncertainWord[]): Extraction {
  if (uncertain.length === 0) return x;
  const fields = { ...x.fields } as Record<FieldName, FieldResult>;
  const flags = [...x.flags];
  for (const f of FIELD_NAMES) {
    const r = x.fields[f];
    const touched = uncertain.filter((w) => r.evidence.some((e) => overlaps(e, w.span)));
    if (touched.length === 0) continue;
    const least = Math.min(...touched.map((w) => w.confidence));
    const quoted = touched.slice(0, 3).map((w) => `“${text.slice(w.span[0], w.span[1])}” (${Math.round(w.confidence * 100)} %)`).join(', ');
    const message = `read from scanned text the OCR was unsure of: ${quoted}; compare with the scan`;
    const review = r.review ?? { needed: false, reasons: [], basis: 'ocr' };
    fields[f] = { ...r, confidence: Math.min(r.confidence, least), review: { ...review, needed: true, reasons: [message, ...review.reasons] } };
    flags.push({ code: 'ocr_uncertain', field: f, message, evidence: touched.map((w) => w.span) });
  }
  return { ...x, fields: fields as unknown as Extraction['fields'], flags };
}
