// Which labelled reports the rules were written from: their scores on these are in-sample, not a measure.
// `npm run eval` marks each synthetic style family as read or unseen with this list.

/** The TCGA dev reports (../shared/data/tcga-brca-dev-text.jsonl) were read while writing every rule. */
export const DEV_READ = true;

/**
 * Style families of ../shared/data/synthetic-llm-dev.jsonl whose reports were read while writing rules
 * (2026-12-01). uk-rcpath, europe-terse and minimal-special were never opened: they measure how the
 * rules carry to a style nobody tuned them on.
 */
export const FAMILIES_READ: readonly string[] = [
  'us-synoptic',
  'us-narrative-legacy',
  'tissue-bank-forms',
  'biopsy-and-addenda',
  'neoadjuvant',
  'multi-specimen',
  'boilerplate-heavy',
];

/** A record's style family from its `source` ("synthetic-llm/uk-rcpath" → "uk-rcpath"). */
export function familyOf(source: unknown): string | null {
  return typeof source === 'string' && source.includes('/') ? source.slice(source.lastIndexOf('/') + 1) : null;
}
