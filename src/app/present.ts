// Turns an Extraction into what the page shows: display strings, colours, evidence spans, flag text.
// Pure functions only, so components stay small and this logic can be tested without a browser.
import { FIELDS, NOT_STATED, VALUES, type FieldName, type ValueSpec } from '../domain/schema';
import type { Extraction, FieldResult, Flag, FlagCode, ModelOpinion, Source, StageResult } from '../domain/types';
import type { KeyedSpan } from './highlight';

/** A label as a reader wants it: `not_stated` becomes "not stated", everything else stays. */
export function displayLabel(value: string): string {
  return value === NOT_STATED ? 'not stated' : value;
}

/**
 * An extra value with its unit, or null when there is nothing to show: the report does not give it,
 * or it is a prefix flag that is false (no y/r prefix is the ordinary case, not a finding).
 */
export function displayExtraValue(spec: ValueSpec, value: number | string | boolean | null): string | null {
  if (value === null || value === '' || value === false) return null;
  if (value === true) return 'yes';
  switch (spec.unit) {
    case '%':
      return `${value}%`;
    case 'mm':
      return `${value} mm`;
    default:
      return String(value);
  }
}

export interface StageSummary {
  /** The AJCC group ("IIB"), or "cannot be staged". */
  group: string;
  staged: boolean;
  /** "pT2 pN1 M0" for a staged result; the reason otherwise. */
  detail: string;
  ifM0?: string;
}

export function stageSummary(stage: StageResult): StageSummary {
  if (stage.group === 'cannot be staged') {
    return { group: stage.group, staged: false, detail: stage.reason, ...(stage.ifM0 ? { ifM0: stage.ifM0 } : {}) };
  }
  const { T, N, M } = stage.basis;
  return { group: stage.group, staged: true, detail: `p${T} p${N} ${M === NOT_STATED ? 'M not stated' : M}` };
}

export type ConfidenceLevel = 'high' | 'medium' | 'low';

export function confidenceLevel(confidence: number): ConfidenceLevel {
  if (confidence >= 0.85) return 'high';
  if (confidence >= 0.6) return 'medium';
  return 'low';
}

export function percent(confidence: number): number {
  return Math.round(Math.max(0, Math.min(1, confidence)) * 100);
}

// Every field and extra value gets a hue of its own, spread by the golden angle so that
// neighbours in the list never look alike. Keys are schema names, so colours are stable.
const HIGHLIGHT_KEYS: readonly string[] = [...FIELDS.map((f) => f.name), ...VALUES.map((v) => v.name)];

/** The schema title of a field or extra value, for tooltips; the key itself when unknown. */
export function keyTitle(key: string): string {
  return FIELDS.find((f) => f.name === key)?.title ?? VALUES.find((v) => v.name === key)?.title ?? key;
}

export function keyHue(key: string): number {
  const index = HIGHLIGHT_KEYS.indexOf(key);
  return Math.round(((index < 0 ? HIGHLIGHT_KEYS.length : index) * 137.508 + 210) % 360);
}

/** All evidence in an extraction, keyed by field or value name, for highlighting the report. */
export function evidenceSpans(extraction: Extraction): KeyedSpan[] {
  const spans: KeyedSpan[] = [];
  for (const f of FIELDS) {
    for (const [start, end] of extraction.fields[f.name].evidence) spans.push({ key: f.name, start, end });
  }
  for (const v of VALUES) {
    const result = extraction.values[v.name];
    if (displayExtraValue(v, result.value) === null) continue; // hidden rows get no highlight either
    for (const [start, end] of result.evidence) spans.push({ key: v.name, start, end });
  }
  return spans;
}

const FLAG_TITLES: Partial<Record<FlagCode, string>> = {
  ER_low_positive: 'ER low positive',
  PR_low_positive: 'PR low positive',
  stated_derived_conflict: 'Stated and derived values disagree',
  conflicting_statements: 'Conflicting statements',
  multiple_tumours: 'Multiple tumours',
  post_neoadjuvant: 'After neoadjuvant therapy',
  biomarkers_pending: 'Biomarkers pending',
  biomarkers_from_prior_specimen: 'Biomarkers from a prior specimen',
  dcis_only: 'DCIS only',
  no_invasive_carcinoma: 'No invasive carcinoma',
  not_breast_report: 'Not a breast report',
  not_a_pathology_report: 'Not a pathology report',
  model_rules_disagree: 'Model and rules disagree',
  model_fill: 'Model reading only',
};

export function flagTitle(code: FlagCode): string {
  return FLAG_TITLES[code] ?? code.replace(/_/g, ' ');
}

export function flagsForField(flags: readonly Flag[], field: FieldName): Flag[] {
  return flags.filter((f) => f.field === field);
}

export function generalFlags(flags: readonly Flag[]): Flag[] {
  return flags.filter((f) => f.field === undefined);
}

/** Human text for "n evidence spans". */
export function evidenceCount(n: number): string {
  if (n === 0) return 'no evidence';
  return n === 1 ? '1 evidence span' : `${n} evidence spans`;
}

/** Where a field's final value comes from; the rule extractor alone leaves `source` unset. */
export function sourceOf(result: FieldResult): Source {
  return result.source ?? 'rules';
}

export const SOURCE_TITLES: Record<Source, string> = {
  rules: 'Read by the rules from what the report states',
  model: 'Read by the model',
  both: 'The model and the rules agree',
};

/** A probability as a reader should take it: a rounded "0%" or "100%" would claim a certainty the model lacks. */
export function probabilityText(p: number): string {
  if (p < 0.005) return '<1%';
  if (p > 0.995) return '>99%';
  return `${percent(p)}%`;
}

/** "model: T2 87% · runner-up T3 9%": the model's reading of a field, whichever value won. */
export function modelOpinionText(m: ModelOpinion): string {
  const best = `model: ${displayLabel(m.label)} ${probabilityText(m.probability)}`;
  return m.runnerUp ? `${best} · runner-up ${displayLabel(m.runnerUp.label)} ${probabilityText(m.runnerUp.probability)}` : best;
}
