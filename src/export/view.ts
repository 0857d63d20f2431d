// What every export writes about a report, computed once: the final extraction (the person's
// corrections applied, stage recomputed), the clinical notes on it, and small formatting helpers the
// CSV, JSON lines and FHIR writers share so the three never describe a report differently.
import { clinicalNotes, finalExtraction, type ClinicalNote } from '../domain/corrections';
import type { ReportRecord } from '../domain/record';
import type { Extraction, FieldResult, Source, Span, StageResult, ValueResult } from '../domain/types';

export interface ExportView {
  record: ReportRecord;
  /** The extraction with the record's corrections applied: what the export reports as the values. */
  final: Extraction;
  notes: ClinicalNote[];
}

export function viewOf(record: ReportRecord): ExportView {
  const final = finalExtraction(record.extraction, record.review.corrections);
  return { record, final, notes: clinicalNotes(final) };
}

/** The report text under each span, in order. */
export function evidenceTexts(text: string, spans: readonly Span[]): string[] {
  return spans.map(([start, end]) => text.slice(start, end));
}

/** Which extractor gave the value; the rules alone leave `source` out of their results. */
export function sourceOf(field: FieldResult): Source {
  return field.source ?? 'rules';
}

/**
 * True when a person changed the value. A field corrected back to the extractor's reading has
 * `corrected` too (a person confirmed it), but its value is the extractor's.
 */
export function isAmended(field: FieldResult): boolean {
  return field.corrected !== undefined && field.corrected.value !== field.value;
}

/** An extra value as the report wrote it: qualifiers kept ("<1", "10-20"), yes/no for prefixes, '' when absent. */
export function valueText(v: ValueResult['value']): string {
  if (v === null) return '';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  return String(v);
}

/** "pT2 pN1 M0" for a staged result; the reason, and the group M0 would give, otherwise. */
export function stageDetail(stage: StageResult): string {
  if (stage.group !== 'cannot be staged') return `${stage.basis.T} ${stage.basis.N} ${stage.basis.M}`;
  return stage.ifM0 ? `${stage.reason}; ${stage.ifM0} if M0` : stage.reason;
}

/** One sentence for a person: the stage group and what it rests on, or why there is none. */
export function stageSentence(stage: StageResult): string {
  if (stage.group !== 'cannot be staged') return `AJCC 8th edition anatomic stage group ${stage.group} (${stageDetail(stage)}).`;
  return `Cannot be staged: ${stageDetail(stage)}.`;
}
