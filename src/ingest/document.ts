// A report document: what reading a file (or a paste) gives the extractor and the report view.
// Plain data, so it crosses worker boundaries and serialises unchanged.
import type { Span } from '../domain/types';

/** Where a report's text came from: pasted, a file, or a line of a JSONL file (the command line). */
export type SourceKind = 'paste' | 'txt' | 'pdf' | 'image' | 'jsonl';

export interface ReportSource {
  name: string;
  kind: SourceKind;
  bytes: number;
  /** The text encoding a .txt file was decoded from ('utf-8', 'utf-16le', 'windows-1252', …). */
  encoding?: string;
}

export interface ReportPage {
  /** 1-based page number in the file. */
  number: number;
  /** Where the page's text lies in the document text: [start, end). */
  start: number;
  end: number;
  /** True when the page's text was recognised from its image rather than read from a text layer. */
  ocr: boolean;
}

/** One recognised word: where it sits in the document text and how sure the OCR engine was (0..1). */
export interface OcrWord {
  span: Span;
  confidence: number;
}

export interface OcrSummary {
  words: OcrWord[];
  /** Mean word confidence over the recognised pages, 0..1. */
  meanConfidence: number;
}

export interface ReportDocument {
  source: ReportSource;
  text: string;
  pages: ReportPage[];
  /** Null when no page needed OCR. */
  ocr: OcrSummary | null;
}

/** A document of one page of text (a .txt file, a paste): no OCR, the page is the whole text. */
export function textDocument(source: ReportSource, text: string): ReportDocument {
  return { source, text, pages: [{ number: 1, start: 0, end: text.length, ocr: false }], ocr: null };
}

export type IngestErrorName =
  | 'EmptyFile'
  | 'FileTooLarge'
  | 'UnsupportedType'
  | 'NotText'
  | 'EncryptedPdf'
  | 'CorruptFile'
  | 'TooManyPages'
  | 'NoText'
  | 'ReportTooLong'
  | 'OcrFailed'
  | 'Cancelled';

/** A file that cannot become a report document, with words for the user (and its name to branch on). */
export class IngestError extends Error {
  constructor(
    override readonly name: IngestErrorName,
    message: string,
  ) {
    super(message);
  }
}

export function isIngestError(e: unknown): e is IngestError {
  return e instanceof IngestError;
}
