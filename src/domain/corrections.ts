// A person's review of an extraction, as data: corrections `{field, from, to, at}` kept with the
// report (the audit trail), and whether the report was marked reviewed. The extraction itself is
// never changed; `finalExtraction` applies the corrections on top, recomputes the AJCC stage group
// from the final T, N and M, and marks corrected fields as a person's. Pure: page, CLI and export use it.
import { FIELD_NAMES, labelsOf, type FieldName, type Label } from './schema';
import { stageGroup } from './staging';
import type { Extraction, FieldResult, Source } from './types';

export interface Correction {
  field: FieldName;
  /** The value before this correction (the extractor's, or an earlier correction's). */
  from: string;
  to: string;
  /** ISO 8601 time of the correction. */
  at: string;
}

export interface ReviewState {
  corrections: Correction[];
  /** ISO time the report was marked reviewed; null while it is not (a later correction clears it). */
  reviewedAt: string | null;
}

/** What a corrected field remembers of the extractor's reading. */
export interface CorrectedFrom {
  value: string;
  source: Source | undefined;
  at: string;
}

export class CorrectionError extends Error {
  override readonly name = 'CorrectionError';
}

/** The value a field has now: the last correction's, or the extractor's. */
export function currentValue(extraction: Extraction, corrections: readonly Correction[], field: FieldName): string {
  for (let i = corrections.length - 1; i >= 0; i--) if (corrections[i]!.field === field) return corrections[i]!.to;
  return extraction.fields[field].value;
}

/**
 * Adds a correction of `field` to `to` (one of the schema's labels). Setting the value it already
 * has adds nothing; any correction takes the reviewed mark off, since what was reviewed has changed.
 */
export function correct(extraction: Extraction, state: ReviewState, field: FieldName, to: string, at: string): ReviewState {
  if (!FIELD_NAMES.includes(field)) throw new CorrectionError(`unknown field ${JSON.stringify(field)}`);
  if (!(labelsOf(field) as readonly string[]).includes(to)) throw new CorrectionError(`${JSON.stringify(to)} is not a value of ${field} (${labelsOf(field).join(', ')})`);
  const from = currentValue(extraction, state.corrections, field);
  if (from === to) return state;
  return { corrections: [...state.corrections, { field, from, to, at }], reviewedAt: null };
}

export function markReviewed(state: ReviewState, at: string): ReviewState {
  return { ...state, reviewedAt: at };
}

/** The extraction with every correction applied: final values, a person as their source, the stage from them. */
export function finalExtraction(extraction: Extraction, corrections: readonly Correction[]): Extraction {
  if (corrections.length === 0) return extraction;
  const fields = { ...extraction.fields } as Record<FieldName, FieldResult>;
  for (const field of FIELD_NAMES) {
    const last = [...corrections].reverse().find((c) => c.field === field);
    if (!last) continue;
    const original = extraction.fields[field];
    // Corrected back to what was extracted: the extractor's reading stands, with a note that a person agreed.
    const corrected: CorrectedFrom = { value: original.value, source: original.source ?? 'rules', at: last.at };
    fields[field] = {
      ...original,
      value: last.to as Label,
      confidence: 1,
      // The evidence was for the old value; a person's value has none in the text to point at.
      evidence: last.to === original.value ? original.evidence : [],
      derived: false,
      source: 'person',
      review: { needed: false, reasons: [], basis: 'person' },
      corrected,
    };
  }
  const final = fields as unknown as Extraction['fields'];
  // Another organ's report, or no pathology report, keeps "cannot be staged" whatever T, N and M become.
  const notBreast = extraction.flags.some((f) => f.code === 'not_breast_report' || f.code === 'not_a_pathology_report');
  return { ...extraction, fields: final, stage: notBreast ? extraction.stage : stageGroup(final.pT.value, final.pN.value, final.pM.value) };
}

export type ClinicalNoteCode = 'ER_low_positive' | 'HER2_low';

export interface ClinicalNote {
  code: ClinicalNoteCode;
  text: string;
}

/**
 * Notes that change treatment choices, from the final values: ER low positive (1–10 % of cells, ASCO/CAP
 * 2020) and HER2-low (IHC 1+, or 2+ without amplification), which trastuzumab deruxtecan can treat.
 */
export function clinicalNotes(x: Extraction): ClinicalNote[] {
  const notes: ClinicalNote[] = [];
  const er = x.values.ER_percent.value;
  const erPercent = typeof er === 'number' ? er : null;
  const lowFlag = x.flags.some((f) => f.code === 'ER_low_positive');
  if (x.fields.ER.value === 'positive' && ((erPercent !== null && erPercent >= 1 && erPercent <= 10) || (erPercent === null && lowFlag))) {
    notes.push({ code: 'ER_low_positive', text: `ER low positive${erPercent !== null ? ` (${erPercent} %)` : ''}: 1–10 % of cells stain; endocrine benefit is uncertain.` });
  }
  const ihc = x.fields.HER2_ihc.value;
  if (x.fields.HER2.value === 'negative' && (ihc === '1+' || ihc === '2+')) {
    notes.push({ code: 'HER2_low', text: `HER2-low (IHC ${ihc}${ihc === '2+' ? ', ISH not amplified' : ''}).` });
  }
  return notes;
}
