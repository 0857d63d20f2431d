// TEMPORARY STUB while the rule extractor is written; replaced in the same change.
import { FIELDS, NOT_STATED, VALUES } from '../schema';
import { stageGroup } from '../staging';
import type { Extraction, Extractor, FieldResults, ValueResults } from '../types';

export function extractRules(_text: string): Extraction {
  const fields = Object.fromEntries(
    FIELDS.map((f) => [f.name, { value: NOT_STATED, confidence: 0.5, evidence: [], derived: false }]),
  ) as unknown as FieldResults;
  const values = Object.fromEntries(VALUES.map((v) => [v.name, { value: null, evidence: [] }])) as unknown as ValueResults;
  return { fields, values, stage: stageGroup('not_stated', 'not_stated', 'not_stated'), flags: [] };
}

export const rulesExtractor: Extractor = { name: 'rules', extract: extractRules };
