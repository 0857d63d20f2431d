// The page's single entry point to extraction: sends the report to the inference worker and turns
// the reply into an outcome the page can show (errors as values). Use: `await runExtraction(text, 'hybrid')`.
import type { Extraction } from '../domain/types';
import type { ExtractorMode } from '../worker/protocol';
import { request } from './workerClient';

/** An error as a value: a stable name to branch on and a message to show the user as is. */
export interface AppError {
  name: 'EmptyReport' | 'ExtractionFailed';
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
    }
  | { ok: false; text: string; error: AppError };

export type ExtractSuccess = Extract<ExtractOutcome, { ok: true }>;

export const EXTRACTOR_NAMES: Record<ExtractorMode, string> = {
  hybrid: 'Hybrid extractor (model + rules)',
  model: 'Model extractor',
  rules: 'Rule-based extractor',
};

let extractions = 0;

export async function runExtraction(text: string, mode: ExtractorMode): Promise<ExtractOutcome> {
  if (text.trim() === '') {
    return {
      ok: false,
      text,
      error: { name: 'EmptyReport', message: 'The report box is empty. Paste the text of a pathology report, then press Extract.' },
    };
  }
  try {
    const r = await request('extract', { text, mode });
    return { ok: true, seq: ++extractions, text, extraction: r.extraction, mode, extractor: EXTRACTOR_NAMES[mode], elapsedMs: r.ms, logits: r.logits };
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    return {
      ok: false,
      text,
      error: { name: 'ExtractionFailed', message: `The extractor could not read this report (${detail}). The text was not changed; try again or report the problem.` },
    };
  }
}
