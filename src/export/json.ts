// JSON lines export: one object per report in the CLI's line format ({id, fields, values, stage,
// flags}, src/cli/extract.ts), so the same tools read both, with the FINAL fields and stage
// (corrections applied; corrected fields say so in `source: "person"` and `corrected`), plus what
// the app knows beyond the CLI: where the text came from, the audit trail of corrections as stored,
// the review mark, and what made the extraction. Deterministic unless `now` is given.
import type { Correction } from '../domain/corrections';
import type { ReportRecord } from '../domain/record';
import type { Extraction } from '../domain/types';
import type { SourceKind } from '../ingest/document';
import { uncertainWords } from '../ingest/ocr';
import { viewOf } from './view';

/** The `source` of a line: the CLI's keys, as far as a stored record knows them (it keeps no page list). */
export interface JsonSource {
  file: string;
  kind: SourceKind;
  bytes: number;
  encoding?: string;
  ocr_mean_confidence: number | null;
  ocr_uncertain_words: number;
}

export interface JsonLine {
  id: string;
  fields: Extraction['fields'];
  values: Extraction['values'];
  stage: Extraction['stage'];
  flags: Extraction['flags'];
  source: JsonSource;
  /** Every correction in the order made, each {field, from, to, at}. */
  corrections: Correction[];
  reviewed_at: string | null;
  provenance: {
    extracted_at: string;
    extractor: ReportRecord['extractor']['mode'];
    model: { id: string; version: string; variant: string } | null;
    exported_at?: string;
  };
}

export interface JsonLinesOptions {
  /** ISO time of the export, written as provenance.exported_at; left out when not given. */
  now?: string;
}

function sourceOf(r: ReportRecord): JsonSource {
  return {
    file: r.name,
    kind: r.source.kind,
    bytes: r.source.bytes,
    ...(r.source.encoding !== undefined && { encoding: r.source.encoding }),
    // Rounded and counted as the CLI does, so the two agree on the same file.
    ocr_mean_confidence: r.ocr ? Number(r.ocr.meanConfidence.toFixed(3)) : null,
    ocr_uncertain_words: uncertainWords(r.ocr).length,
  };
}

export function toJsonLine(record: ReportRecord, options: JsonLinesOptions = {}): JsonLine {
  const { final } = viewOf(record);
  const model = record.extractor.model;
  return {
    id: record.id,
    fields: final.fields,
    values: final.values,
    stage: final.stage,
    flags: final.flags,
    source: sourceOf(record),
    corrections: record.review.corrections,
    reviewed_at: record.review.reviewedAt,
    provenance: {
      extracted_at: record.createdAt,
      extractor: record.extractor.mode,
      model: model ? { id: model.id, version: model.version, variant: model.variant } : null,
      ...(options.now !== undefined && { exported_at: options.now }),
    },
  };
}

/** One JSON object per line, each line ending in "\n" (as the CLI writes them). */
export function toJsonLines(records: readonly ReportRecord[], options: JsonLinesOptions = {}): string {
  return records.map((r) => `${JSON.stringify(toJsonLine(r, options))}\n`).join('');
}
