// The page's single entry point to extraction: sends the report to the inference worker and turns
// the reply into an outcome the page can show (errors as values). Use:
// `await runExtraction(text, 'hybrid', { signal, onProgress })`; aborting the signal stops it.
import { MAX_REPORT_CHARS } from '../domain/limits';
import type { RunTimings } from '../domain/model/engine';
import type { Extraction } from '../domain/types';
import { CANCELLED } from '../worker/contract';
import type { ExtractorMode, ExtractProgress } from '../worker/protocol';
import { WORKER_FAILED, type RequestOptions } from './workerChannel';
import { inference } from './workers';

/** An error as a value: a stable name to branch on and a message to show the user as is. */
export interface AppError {
  name: 'EmptyReport' | 'ReportTooLong' | 'Cancelled' | 'WorkerFailed' | 'ExtractionFailed';
  message: string;
}

export type ExtractOutcome =
  | {
      ok: true;
      /** Counts extractions in this page, so that scripts can tell a new result from the previous one. */
      seq: number;
      text: string;
      extraction: Extraction;
      mode: ExtractorMode;
      extractor: string;
      elapsedMs: number;
      /** The model's raw per-field logits (null for the rules), exposed for the browser parity tests. */
      logits: Record<string, number[]> | null;
      /** Where the model's time went (null for the rules), exposed for the benchmark. */
      timings?: RunTimings | null;
      /** Why these are not the chosen extractor's results (the model failed on this text). */
      notice?: string | null;
    }
  | { ok: false; text: string; error: AppError };

export type ExtractSuccess = Extract<ExtractOutcome, { ok: true }>;

export const EXTRACTOR_NAMES: Record<ExtractorMode, string> = {
  hybrid: 'Hybrid extractor (model + rules)',
  model: 'Model extractor',
  rules: 'Rule-based extractor',
};

let extractions = 0;

/** Why a text is not sent to the extractor at all, or null when it may be. */
export function refusal(text: string): AppError | null {
  if (text.trim() === '') {
    return { name: 'EmptyReport', message: 'The report box is empty. Paste the text of a pathology report, then press Extract.' };
  }
  if (text.length > MAX_REPORT_CHARS) {
    return {
      name: 'ReportTooLong',
      message: `This text is ${text.length.toLocaleString('en')} characters long, more than the ${MAX_REPORT_CHARS.toLocaleString('en')} (about 60 pages) one report may have. Paste one report at a time, or add the files to a batch.`,
    };
  }
  return null;
}

export async function runExtraction(text: string, mode: ExtractorMode, options: RequestOptions<ExtractProgress> = {}): Promise<ExtractOutcome> {
  const refused = refusal(text);
  if (refused) return { ok: false, text, error: refused };
  try {
    const r = await inference.request('extract', { text, mode }, options);
    return { ok: true, seq: ++extractions, text, extraction: r.extraction, mode: r.mode, extractor: EXTRACTOR_NAMES[r.mode], elapsedMs: r.ms, logits: r.logits, timings: r.timings, notice: r.notice };
  } catch (e) {
    if (e instanceof Error && e.name === CANCELLED) return { ok: false, text, error: { name: 'Cancelled', message: 'Extraction cancelled.' } };
    if (e instanceof Error && e.name === WORKER_FAILED) return { ok: false, text, error: { name: 'WorkerFailed', message: e.message } };
    const detail = e instanceof Error ? e.message : String(e);
    return {
      ok: false,
      text,
      error: { name: 'ExtractionFailed', message: `The extractor could not read this report (${detail}). The text was not changed; try again or report the problem.` },
    };
  }
}
