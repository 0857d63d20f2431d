// A person's review as data: corrections with their audit trail, the reviewed mark, the final values
// with the stage group recomputed, and the clinical notes that follow from them.
import { describe, expect, test } from 'vitest';
import { clinicalNotes, correct, CorrectionError, currentValue, finalExtraction, markReviewed, type ReviewState } from '../src/domain/corrections';
import { extractRules } from '../src/domain/rules';

const TEXT = 'Invasive ductal carcinoma, grade 2. pT2 pN1a. ER positive (95%). PR positive. HER2 negative (1+).';
const fresh: ReviewState = { corrections: [], reviewedAt: null };

describe('corrections', () => {
  const x = extractRules(TEXT);

  test('a correction records from, to and when; the final value is a person’s and the stage follows it', () => {
    expect(x.fields.pT.value).toBe('T2');
    const state = correct(x, fresh, 'pT', 'T3', '2026-12-02T10:00:00Z');
    expect(state.corrections).toEqual([{ field: 'pT', from: 'T2', to: 'T3', at: '2026-12-02T10:00:00Z' }]);
    const final = finalExtraction(x, state.corrections);
    expect(final.fields.pT).toMatchObject({ value: 'T3', source: 'person', confidence: 1, evidence: [], corrected: { value: 'T2', source: 'rules' } });
    expect(final.fields.pT.review?.needed).toBe(false);
    // T3 N1 with M not stated: no group, and the one M0 would give.
    expect(final.stage).toMatchObject({ group: 'cannot be staged', ifM0: 'IIIA' });
    const withM = finalExtraction(x, correct(x, state, 'pM', 'M0', '2026-12-02T10:01:00Z').corrections);
    expect(withM.stage).toMatchObject({ group: 'IIIA', basis: { T: 'T3', N: 'N1', M: 'M0' } });
    // The extraction itself is untouched.
    expect(x.fields.pT.value).toBe('T2');
  });

  test('the trail keeps every step; setting the current value again adds nothing', () => {
    let state = correct(x, fresh, 'grade', '3', 't1');
    state = correct(x, state, 'grade', '2', 't2');
    expect(state.corrections.map((c) => [c.from, c.to])).toEqual([['2', '3'], ['3', '2']]);
    expect(currentValue(x, state.corrections, 'grade')).toBe('2');
    expect(correct(x, state, 'grade', '2', 't3')).toBe(state);
    // Back to what was read: the extractor's evidence stands again, marked as a person's confirmation.
    expect(finalExtraction(x, state.corrections).fields.grade).toMatchObject({ value: '2', source: 'person', evidence: x.fields.grade.evidence });
  });

  test('another organ’s report stays unstaged whatever a person corrects (found by tests/fuzz.test.ts)', () => {
    const lung = extractRules('Right upper lobe, lobectomy: invasive adenocarcinoma of the lung, 3.2 cm. Lymph nodes 0/8. pT2a pN0.');
    const final = finalExtraction(lung, correct(lung, fresh, 'pM', 'M1', 't').corrections);
    expect(final.fields.pM.value).toBe('M1');
    expect(final.stage.group).toBe('cannot be staged');
  });

  test('only schema labels of known fields are accepted', () => {
    expect(() => correct(x, fresh, 'pT', 'T9', 't')).toThrow(CorrectionError);
    expect(() => correct(x, fresh, 'stage' as never, 'IIA', 't')).toThrow(/unknown field/);
  });

  test('marking reviewed keeps the corrections; a later correction takes the mark off', () => {
    const reviewed = markReviewed(correct(x, fresh, 'pT', 'T3', 't1'), 't2');
    expect(reviewed.reviewedAt).toBe('t2');
    expect(reviewed.corrections).toHaveLength(1);
    expect(correct(x, reviewed, 'pN', 'N2', 't3').reviewedAt).toBeNull();
  });
});

describe('clinical notes', () => {
  test('ER 1–10 % is low positive; HER2 1+ or 2+ without amplification is HER2-low', () => {
    const notes = clinicalNotes(extractRules('ER positive (5%). PR negative. HER2 equivocal (2+) by IHC; FISH not amplified.')).map((n) => n.code);
    expect(notes.sort()).toEqual(['ER_low_positive', 'HER2_low']);
    expect(clinicalNotes(extractRules(TEXT)).map((n) => n.code)).toEqual(['HER2_low']);
    expect(clinicalNotes(extractRules('ER positive (90%). HER2 positive (3+).'))).toEqual([]);
    expect(clinicalNotes(extractRules('ER positive (90%). HER2 negative (0).'))).toEqual([]);
  });

  test('notes follow corrections: HER2 corrected to positive is no longer HER2-low', () => {
    const x = extractRules(TEXT);
    const final = finalExtraction(x, correct(x, fresh, 'HER2', 'positive', 't').corrections);
    expect(clinicalNotes(final)).toEqual([]);
  });
});
