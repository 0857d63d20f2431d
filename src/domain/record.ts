// A report as the app keeps it: its text and where it came from, the extraction as the extractor made
// it (never changed afterwards), what made it, and a person's review (corrections, reviewed mark).
// History stores these (src/storage), export writes them (src/export), the page shows them.
import type { OcrSummary, ReportSource } from '../ingest/document';
import type { ReviewState } from './corrections';
import type { Extraction } from './types';

export type ExtractorKind = 'rules' | 'model' | 'hybrid';

export interface ExtractorInfo {
  mode: ExtractorKind;
  /** The model package that read the report; null for the rules alone. */
  model: { id: string; version: string; variant: string } | null;
}

export interface ReportRecord {
  /** Stable id (a UUID), also the FHIR resources' id stem. */
  id: string;
  /** File name, or "Pasted report". */
  name: string;
  text: string;
  source: ReportSource;
  /** ISO 8601 time of the extraction. */
  createdAt: string;
  extractor: ExtractorInfo;
  extraction: Extraction;
  ocr: OcrSummary | null;
  review: ReviewState;
}
