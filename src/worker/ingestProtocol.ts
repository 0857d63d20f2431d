// The contract between the page and the ingest worker (shape: contract.ts): a file's bytes in, a
// report document out, with progress through reading and OCR; refusals are IngestErrors as data.
import type { ReportDocument } from '../ingest/document';
import type { IngestProgress } from '../ingest/pdf';
import type { Call, CancelCall, ReplyOf, RequestOf } from './contract';

export interface ReadRequest {
  name: string;
  /** Transferred, not copied: the page does not need the bytes once they are sent. */
  bytes: ArrayBuffer;
  /** The page's base URL (document.baseURI): the OCR engine's files are served beside index.html. */
  baseUrl: string;
}

export interface IngestContract extends CancelCall {
  read: Call<ReadRequest, ReportDocument, IngestProgress>;
}

export type IngestRequest = RequestOf<IngestContract>;
export type IngestReply = ReplyOf<IngestContract>;
