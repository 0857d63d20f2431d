// The page's single entry point to extraction. Synchronous rules today; a Web Worker replaces the
// body of runExtraction in a later issue without any caller changing (it already returns a Promise).
import { extractRules } from '../domain/rules';
import type { Extraction } from '../domain/types';

/** An error as a value: a stable name to branch on and a message to show the user as is. */
export interface AppError {
  name: 'EmptyReport' | 'ExtractionFailed';
  message: string;
}

export type ExtractOutcome =
  | { ok: true; text: string; extraction: Extraction; extractor: string; elapsedMs: number }
  | { ok: false; text: string; error: AppError };

export type ExtractSuccess = Extract<ExtractOutcome, { ok: true }>;

export async function runExtraction(text: string): Promise<ExtractOutcome> {
  if (text.trim() === '') {
    return {
      ok: false,
      text,
      error: { name: 'EmptyReport', message: 'The report box is empty. Paste the text of a pathology report, then press Extract.' },
    };
  }
  const started = performance.now();
  try {
    const extraction = extractRules(text);
    return { ok: true, text, extraction, extractor: 'Rule-based', elapsedMs: performance.now() - started };
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    return {
      ok: false,
      text,
      error: { name: 'ExtractionFailed', message: `The extractor could not read this report (${detail}). The text was not changed; try again or report the problem.` },
    };
  }
}
