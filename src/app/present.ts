// Turns an Extraction into what the page shows: display strings, colours, evidence spans, flag text.
// Pure functions only, so components stay small and this logic can be tested without a browser.
import { REVIEW_THRESHOLD } from '../domain/review';
import { FIELDS, NOT_STATED, VALUES, type FieldName, type ValueSpec } from '../domain/schema';
import type { Extraction, FieldResult, Flag, FlagCode, ModelOpinion, Source, StageResult } from '../domain/types';
import type { KeyedSpan } from './highlight';

/** A label as a reader wants it: `not_stated` becomes "not stated", everything else stays. */
export function displayLabel(value: string): string {
  return value === NOT_STATED ? 'not stated' : value;
}

/**
 * An extra value with its unit, or null when there is nothing to show: the report does not give it,
 * or it is a prefix flag that is false (no y/r prefix is the ordinary case, not a finding). A value the
 * report qualifies comes as a string ("<1", "10-20") and is shown as written, so "<1%" never reads as 1%.
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

/** Under the review threshold, readings right at least this often look amber (worth a look), the rest red. */
export const MEDIUM_FROM = 0.8;

/** Whether a person must check the field: the domain's review mark, which every extractor sets. */
export function needsReview(r: FieldResult): boolean {
  // Without a mark, the same rule the domain applies, so that the mark and the bar can never disagree.
  return r.review?.needed ?? r.confidence < REVIEW_THRESHOLD;
}

/** The confidence bar's level, led by the review mark: a field marked for a check never looks high. */
export function confidenceLevel(r: FieldResult): ConfidenceLevel {
  if (!needsReview(r)) return 'high';
  return r.confidence >= MEDIUM_FROM ? 'medium' : 'low';
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
  model_rules_disagree: 'Model and rules disagree',
  model_fill: 'Model reading only',
  ocr_uncertain: 'Uncertain OCR',
};

export function flagTitle(code: FlagCode): string {
  return FLAG_TITLES[code] ?? code.replace(/_/g, ' ');
}

/** Flags that say what kind of text this is: the notice at the top of the results shows them, not a list. */
const REPORT_KIND_CODES: ReadonlySet<FlagCode> = new Set<FlagCode>(['not_a_pathology_report', 'not_breast_report']);

function isReportKindFlag(f: Flag): boolean {
  return f.field === undefined && REPORT_KIND_CODES.has(f.code);
}

/** Report-level flags for the "Report flags" list; the report kind has its own notice. */
export function generalFlags(flags: readonly Flag[]): Flag[] {
  return flags.filter((f) => f.field === undefined && !isReportKindFlag(f));
}

export interface ReportKindNotice {
  code: 'not_a_pathology_report' | 'not_breast_report';
  headline: string;
  /** The flag's own message, which names the organ for another organ's report. */
  detail: string;
}

const NOTICE_HEADLINES: Record<ReportKindNotice['code'], string> = {
  not_a_pathology_report: 'This text does not look like a pathology report; nothing was extracted.',
  not_breast_report: "This reads as another organ's pathology report, not a breast one; no breast stage group is given.",
};

/** The notice for a text that is not a breast pathology report, or null for one that is. */
export function reportKindNotice(flags: readonly Flag[]): ReportKindNotice | null {
  const f = flags.find(isReportKindFlag);
  if (!f) return null;
  const code = f.code as ReportKindNotice['code'];
  return { code, headline: NOTICE_HEADLINES[code], detail: sentence(f.message) };
}

/** What one field row shows about its review: the mark, why, and the field's other flags. */
export interface RowReview {
  needed: boolean;
  /** The review reasons as sentences, less the report-kind message the notice above already gives. */
  reasons: string[];
  /** The field's flags whose message is not already a reason, so that nothing is said twice in a row. */
  flags: Flag[];
}

export function rowReview(field: FieldName, r: FieldResult, flags: readonly Flag[]): RowReview {
  const needed = needsReview(r);
  const given = needed ? (r.review?.reasons ?? []) : [];
  const noticed = new Set(flags.filter(isReportKindFlag).map((f) => f.message));
  return {
    needed,
    reasons: given.filter((m) => !noticed.has(m)).map(reasonSentence),
    flags: flags.filter((f) => f.field === field && !given.includes(f.message)),
  };
}

/** "2 of 8 fields need a check", or "No field needs a check". */
export function reviewSummary(x: Extraction): { needed: number; text: string } {
  const needed = FIELDS.filter((f) => needsReview(x.fields[f.name])).length;
  if (needed === 0) return { needed, text: 'No field needs a check' };
  return { needed, text: `${needed} of ${FIELDS.length} fields ${needed === 1 ? 'needs' : 'need'} a check` };
}

/** A message as a sentence: worker messages and review reasons come with or without their final full stop. */
export function sentence(message: string): string {
  return /[.!?…]$/.test(message.trim()) ? message.trim() : `${message.trim()}.`;
}

/**
 * A review reason as a sentence. Only an all-lowercase first word is capitalised: a reason may start
 * with a field name, and "pN" must not become "PN".
 */
export function reasonSentence(reason: string): string {
  const s = sentence(reason);
  return /^[a-z]+(?=[\s,;:])/.test(s) ? s[0]!.toUpperCase() + s.slice(1) : s;
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
  person: 'Corrected by a person',
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
