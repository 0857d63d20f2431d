// Calibrated confidence, review marks and the registrar's-view metrics (review.ts, reviewMetrics.ts),
// and the masking, bilateral and ASCO/CAP logic they rely on, on crafted texts and tables.
// Run: npx vitest run tests/review.test.ts
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { basisLevels, calibratedConfidence, CALIBRATION_SMOOTHING, fitCalibration, REVIEW_THRESHOLD, type CalibrationTable } from '../src/domain/review';
import { expectedCalibrationError, reviewAt, thresholdWithin } from '../src/domain/reviewMetrics';
import { extractRules } from '../src/domain/rules';
import { readableText } from '../src/domain/rules/mask';
import { FIELD_NAMES } from '../src/domain/schema';

describe('calibrated confidence', () => {
  const basis = 'stated/clean/strong+/none';
  it('is the smoothed rate of its cell, leaning on the wider kind of reading when the cell is small', () => {
    const table: CalibrationTable = { fittedOn: 'test', cells: { '*': [100, 90], '*|stated': [50, 49], [`pT|${basis}`]: [4, 2] } };
    const k = CALIBRATION_SMOOTHING;
    const global = (90 + k * 0.5) / (100 + k);
    const stated = (49 + k * global) / (50 + k);
    // the two missing middle levels pass the stated rate through unchanged
    const expected = (2 + k * stated) / (4 + k);
    expect(calibratedConfidence('pT', basis, table)).toBeCloseTo(expected, 3);
    expect(calibratedConfidence('pN', basis, table)).toBeCloseTo(stated, 3);
  });

  it('fitCalibration counts every level of every reading', () => {
    const t = fitCalibration([{ field: 'ER', basis, correct: true }, { field: 'ER', basis, correct: false }], 'two readings');
    for (const key of basisLevels('ER', basis)) expect(t.cells[key]).toEqual([2, 1]);
  });

  it('a field needs review exactly when its shown confidence is below the threshold, and then says why', () => {
    const reports = [
      'Invasive ductal carcinoma, Nottingham grade 2. Pathologic stage: pT2 pN0. ER: positive (90%). PR: negative (<1%). HER2: 1+ (negative).',
      'Tumor size 2.5 cm. pT1c. Grade 2-3.',
      '',
    ];
    for (const text of reports) {
      const x = extractRules(text);
      for (const f of FIELD_NAMES) {
        const r = x.fields[f];
        expect(r.review!.needed).toBe(r.confidence < REVIEW_THRESHOLD);
        if (r.review!.needed) expect(r.review!.reasons.length).toBeGreaterThan(0);
      }
    }
  });

  it('a stated code contradicted by the measurement reads as a concern, with lower confidence than a clean one', () => {
    const clean = extractRules('Invasive ductal carcinoma, 3.0 cm. Pathologic stage: pT2 pN0.').fields.pT;
    const contradicted = extractRules('Invasive ductal carcinoma, 1.0 cm. Pathologic stage: pT2 pN0.').fields.pT;
    expect(contradicted.review!.basis).toContain('/concern/');
    expect(contradicted.confidence).toBeLessThan(clean.confidence);
  });
});

describe("the registrar's view", () => {
  const items = [
    { field: 'pT' as const, correct: true, confidence: 0.99 },
    { field: 'pT' as const, correct: true, confidence: 0.97 },
    { field: 'pN' as const, correct: false, confidence: 0.6 },
    { field: 'pN' as const, correct: true, confidence: 0.9 },
  ];
  it('counts flagged fields and the accuracy of the others at a threshold', () => {
    expect(reviewAt(items, 0.95)).toMatchObject({ n: 4, flaggedShare: 0.5, unflaggedAccuracy: 1, unflagged: 2 });
    expect(reviewAt(items, 0)).toMatchObject({ flaggedShare: 0, unflaggedAccuracy: 0.75 });
  });
  it('picks the highest threshold within the review budget', () => {
    expect(thresholdWithin(items, 0.25, [0, 0.5, 0.7, 0.95]).threshold).toBe(0.7);
  });
  it('expected calibration error is zero for confidences that match accuracy, and large for overconfidence', () => {
    const honest = Array.from({ length: 10 }, (_, i) => ({ confidence: 0.7, correct: i < 7 }));
    expect(expectedCalibrationError(honest)).toBeCloseTo(0, 5);
    expect(expectedCalibrationError([{ confidence: 0.99, correct: false }, { confidence: 0.99, correct: false }])).toBeCloseTo(0.99, 5);
  });
});

describe('what the rules may read (mask.ts)', () => {
  it('keeps length and line breaks for any text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (s) => {
      const m = readableText(s);
      return m.length === s.length && [...s].every((c, i) => (c === '\n') === (m[i] === '\n'));
    }));
  });

  it('blanks unticked options, keeps ticked ones, for boxes before or after their option', () => {
    expect(extractRules('Invasive carcinoma.\nER:  [ ] Positive  [X] Negative (<1%)\nPR: (x) Positive ( ) Negative').fields).toMatchObject({ ER: { value: 'negative' }, PR: { value: 'positive' } });
    expect(extractRules('Invasive carcinoma.\nHistologic grade:  1 [ ]   2 [X]   3 [ ]    (see comment)').fields.grade.value).toBe('2');
    expect(extractRules('Invasive carcinoma.\nHistologic grade:  [ ] 1   [X] 2   [ ] 3').fields.grade.value).toBe('2');
  });

  it('does not read legends, criteria or scales as results, but keeps the result beside them', () => {
    const legend = 'Invasive carcinoma. HER2 IHC: 2+ (equivocal). Scoring reference: 0 = no staining; 1+ = faint incomplete staining; 3+ = intense complete staining.';
    expect(extractRules(legend).fields.HER2_ihc.value).toBe('2+');
    const criteria = 'Invasive carcinoma. HER2 FISH: HER2/CEP17 ratio 1.3. Amplification is a HER2/CEP17 ratio of 2.0 or more.';
    expect(extractRules(criteria).fields.HER2.value).toBe('negative');
    expect(extractRules('Invasive carcinoma. ER and PR are regarded as positive when 1% or more of nuclei stain.').fields.ER.value).toBe('not_stated');
  });
});

describe('reading as a registrar reads', () => {
  it('bilateral carcinomas: the higher-stage side is reported, the other named in a flag', () => {
    const text = [
      'DIAGNOSIS',
      'A. Right breast, lumpectomy: invasive ductal carcinoma, Nottingham grade 1, 1.2 cm. ER positive (95%). pT1c pN0(sn).',
      'B. Left breast, mastectomy: invasive ductal carcinoma, Nottingham grade 3, 3.5 cm. ER negative (0%). pT2 pN1a.',
    ].join('\n');
    const x = extractRules(text);
    expect(x.fields).toMatchObject({ pT: { value: 'T2' }, pN: { value: 'N1' }, grade: { value: '3' }, ER: { value: 'negative' } });
    expect(x.flags.some((f) => f.code === 'multiple_tumours' && f.field === 'grade')).toBe(true);
  });

  it('HER2 per ASCO/CAP 2018: ISH group 2 with IHC 2+ is negative; a stated final status decides', () => {
    expect(extractRules('Invasive carcinoma. HER2 IHC: 2+. HER2 ISH: HER2/CEP17 ratio 2.3, average HER2 copy number 3.1 signals per cell.').fields.HER2.value).toBe('negative');
    expect(extractRules('Invasive carcinoma. HER2 IHC: 2+. HER2 ISH: HER2/CEP17 ratio 2.6, average HER2 copy number 6.2 signals per cell.').fields.HER2.value).toBe('positive');
    expect(extractRules('Invasive carcinoma. HER2 IHC: 2+ (equivocal).\nFinal HER2 status: POSITIVE').fields.HER2.value).toBe('positive');
    expect(extractRules('Invasive carcinoma. HER2 status changed from equivocal to POSITIVE after ISH.').fields.HER2.value).toBe('positive');
  });

  it('a grade given as a range or declared not assignable stays not stated', () => {
    for (const t of ['Invasive carcinoma, Nottingham grade 2-3.', 'Invasive carcinoma, histologic grade II-III.', 'Invasive carcinoma, moderately to poorly differentiated.', 'Invasive carcinoma; no single overall grade is assigned.']) {
      expect(extractRules(t).fields.grade.value, t).toBe('not_stated');
    }
    expect(extractRules('Invasive carcinoma, Nottingham grade 2 (of III).').fields.grade.value).toBe('2');
    expect(extractRules('Invasive ductal carcinoma. Histologic grade, poor.').fields.grade.value).toBe('3');
  });

  it('node counts of labelled parts are added once; number words are read whole', () => {
    const parts = 'Invasive carcinoma.\nC. Sentinel node: metastatic carcinoma (1/1).\nD. Sentinel node: no metastatic carcinoma (0/1).\nE. Axillary node: metastatic carcinoma (1/1).\nF. Two of eleven lymph nodes contain metastatic carcinoma (2/11).';
    expect(extractRules(parts).values).toMatchObject({ nodes_positive: { value: 4 }, nodes_examined: { value: 14 } });
    expect(extractRules(parts).fields.pN.value).toBe('N2');
    expect(extractRules('Invasive carcinoma. Metastatic carcinoma in two of seventeen lymph nodes.').values.nodes_examined.value).toBe(17);
  });

  it('keeps a qualifier with its number and never reads a category limit as a size', () => {
    const x = extractRules('Invasive ductal carcinoma, 2.8 cm. pT2 (more than 2.0 but not more than 5.0 cm). PR negative (<1%). Ki-67: less than 5%.');
    expect(x.values).toMatchObject({ PR_percent: { value: '<1' }, Ki67_percent: { value: '<5' }, tumor_size_mm: { value: 28 } });
  });

  it('a slash chain takes its statuses in order; a grading legend in parentheses raises no conflict', () => {
    expect(extractRules('Invasive ductal carcinoma. ER/PR/HER2: neg/neg/pos.').fields).toMatchObject({ ER: { value: 'negative' }, PR: { value: 'negative' }, HER2: { value: 'positive' } });
    const legend = extractRules('Invasive ductal carcinoma, Nottingham grade 2 (Grade 1: 3-5 points; Grade 2: 6-7 points; Grade 3: 8-9 points).');
    expect(legend.fields.grade.value).toBe('2');
    expect(legend.flags.map((f) => f.code)).not.toContain('conflicting_statements');
  });

  it('a text that is not a pathology report gets no values and no stage', () => {
    const recipe = 'Banana bread\nGrease a 2 lb loaf tin (a T2 tin). Mash three ripe bananas, add 100 g butter and two eggs.\nBake 45 minutes. Rating: 5 stars.';
    const x = extractRules(recipe);
    for (const f of FIELD_NAMES) expect(x.fields[f].value).toBe('not_stated');
    expect(x.stage.group).toBe('cannot be staged');
    expect(x.flags.map((f) => f.code)).toContain('not_a_pathology_report');
  });
});
