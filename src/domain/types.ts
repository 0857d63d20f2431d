// Result types shared by every extractor (rules now, model and hybrid later), the CLI and the page.
// Plain data only, so results cross the worker boundary and serialise to JSONL unchanged.
import type { FieldName, Label, ValueName } from './schema';

/** A half-open character range [start, end) into the original report text (UTF-16 indices). */
export type Span = readonly [start: number, end: number];

export interface FieldResult<F extends FieldName = FieldName> {
  value: Label<F>;
  /** Probability-like confidence in [0, 1]. */
  confidence: number;
  evidence: Span[];
  /** True when the value was computed by an AJCC rule (size → T, node count → N) rather than stated. */
  derived: boolean;
  /** Which extractor the value comes from; absent for the rules alone. */
  source?: Source;
  /** The model's reading of the field, when a model ran. */
  model?: ModelOpinion<F>;
  /** The rules' reading of the field, when it differs in kind from the final value (model or hybrid). */
  rules?: RulesOpinion<F>;
  /** Whether a person must check the value, and why (domain/review.ts); set on every extractor's output. */
  review?: ReviewMark;
  /** The extractor's reading, when a person corrected the field (domain/corrections.ts). */
  corrected?: { value: string; source: Source | undefined; at: string };
}

export interface ReviewMark {
  needed: boolean;
  /** Plain-language reasons, most important first; empty when no review is needed. */
  reasons: string[];
  /** The kind of reading the calibrated confidence was measured on (review.ts `readingBasis`). */
  basis: string;
}

/** Where a final value comes from; 'person' once someone corrected it (domain/corrections.ts). */
export type Source = 'rules' | 'model' | 'both' | 'person';

export interface ModelOpinion<F extends FieldName = FieldName> {
  label: Label<F>;
  probability: number;
  runnerUp: { label: Label<F>; probability: number } | null;
  evidence: Span[];
}

export interface RulesOpinion<F extends FieldName = FieldName> {
  value: Label<F>;
  confidence: number;
  evidence: Span[];
  derived: boolean;
}

export type FieldResults = { [F in FieldName]: FieldResult<F> };

export interface ValueResult {
  /**
   * A number when the report gives a plain value; a string when it qualifies it ("<1", ">90", "~15",
   * "10-20" for percents), so a qualifier is never lost; booleans for prefixes; null when not given.
   */
  value: number | string | boolean | null;
  evidence: Span[];
}

export type ValueResults = Record<ValueName, ValueResult>;

export type FlagCode =
  | 'ER_low_positive'
  | 'PR_low_positive'
  | 'stated_derived_conflict'
  | 'conflicting_statements'
  | 'multiple_tumours'
  | 'post_neoadjuvant'
  | 'biomarkers_pending'
  | 'biomarkers_from_prior_specimen'
  | 'dcis_only'
  | 'no_invasive_carcinoma'
  | 'model_rules_disagree'
  | 'model_fill'
  | 'not_breast_report'
  | 'not_a_pathology_report'
  | 'ocr_uncertain';

export interface Flag {
  code: FlagCode;
  field?: FieldName;
  message: string;
  evidence: Span[];
}

export type StageGroup = '0' | 'IA' | 'IB' | 'IIA' | 'IIB' | 'IIIA' | 'IIIB' | 'IIIC' | 'IV';

export type StageResult =
  | { group: StageGroup; basis: { T: Label<'pT'>; N: Label<'pN'>; M: Label<'pM'> } }
  | {
      group: 'cannot be staged';
      reason: string;
      /** The group the same T and N would give with M0, when M alone is what is missing. */
      ifM0?: StageGroup;
    };

export interface Extraction {
  fields: FieldResults;
  values: ValueResults;
  stage: StageResult;
  flags: Flag[];
}

/** An extractor turns one report's text into an Extraction. Rules are synchronous; models are not. */
export interface Extractor {
  readonly name: string;
  /** What extracts, for provenance in exports: the mode and the model package (none for the rules). */
  readonly provenance?: { mode: 'rules' | 'model' | 'hybrid'; model: { id: string; version: string; variant: string } | null };
  extract(text: string): Extraction | Promise<Extraction>;
}
