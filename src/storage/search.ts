// What the history search box matches. A query (trimmed, case-insensitive, runs of spaces as one)
// matches a report when it is
//   - a substring of the file name, or
//   - a substring of the report text, or
//   - exactly one of the report's final-value terms (after a person's corrections): a stated value
//     on its own ("t2", "positive", "2+"), or with its field ("her2 negative", "grade 3",
//     "her2 ihc 1+"), TNM with its p prefix ("pt2", "pn1mi"), "er+"/"er-" style for ER, PR and
//     HER2, and the stage ("stage iia"). Values that are not stated give no terms.
// Values match as whole terms, not substrings, so "N1" finds N1 reports and not N1mi ones (though the
// text search still finds any report whose wording contains "N1").
import { finalExtraction } from '../domain/corrections';
import { FIELD_NAMES, NOT_STATED, type FieldName } from '../domain/schema';
import type { ReportRecord } from '../domain/record';

/** The words a person may put before a field's value. */
const FIELD_WORDS: Record<FieldName, readonly string[]> = {
  // TNM values are written with their p prefix instead ("pT2"), below.
  pT: [],
  pN: [],
  pM: [],
  grade: ['grade'],
  ER: ['er'],
  PR: ['pr'],
  HER2: ['her2'],
  HER2_ihc: ['her2', 'ihc', 'her2 ihc', 'her2_ihc'],
};
const TNM: ReadonlySet<FieldName> = new Set(['pT', 'pN', 'pM']);
const SIGNED: ReadonlySet<FieldName> = new Set(['ER', 'PR', 'HER2']);

export function normalizeQuery(query: string): string {
  return query.trim().replace(/\s+/g, ' ').toLowerCase();
}

/** The exact terms a report's final values answer to, lower case. */
export function valueTerms(record: ReportRecord): Set<string> {
  const final = finalExtraction(record.extraction, record.review.corrections);
  const terms = new Set<string>();
  for (const field of FIELD_NAMES) {
    const value = String(final.fields[field].value).toLowerCase();
    if (value === NOT_STATED) continue;
    terms.add(value);
    for (const word of FIELD_WORDS[field]) terms.add(`${word} ${value}`);
    if (TNM.has(field)) terms.add(`p${value}`);
    if (SIGNED.has(field) && (value === 'positive' || value === 'negative')) terms.add(`${field.toLowerCase()}${value === 'positive' ? '+' : '-'}`);
  }
  if (final.stage.group !== 'cannot be staged') terms.add(`stage ${final.stage.group.toLowerCase()}`);
  return terms;
}

/** Whether `record` matches `query` (see the top of this file); an empty query matches every record. */
export function matchesQuery(record: ReportRecord, query: string): boolean {
  return matches(record, normalizeQuery(query));
}

/** matchesQuery for a query already through normalizeQuery (list normalises once, not per record). */
export function matches(record: ReportRecord, normalizedQuery: string): boolean {
  if (normalizedQuery === '') return true;
  return (
    record.name.toLowerCase().includes(normalizedQuery) ||
    record.text.toLowerCase().includes(normalizedQuery) ||
    valueTerms(record).has(normalizedQuery)
  );
}
