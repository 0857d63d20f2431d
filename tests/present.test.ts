// Unit tests of the page's display logic in src/app/present.ts that the review marks rely on: the bar's
// level agrees with the review mark, a row's reasons and flags say each thing once, the
// report-kind notice, the review summary, and extra values shown with the report's qualifiers.
// Run: npx vitest run tests/present.test.ts
import { describe, expect, it } from 'vitest';
import { REVIEW_THRESHOLD } from '../src/domain/review';
import { extractRules } from '../src/domain/rules';
import { FIELDS, VALUES, type ValueName } from '../src/domain/schema';
import type { Extraction, FieldResult, Flag } from '../src/domain/types';
import {
  confidenceLevel,
  displayExtraValue,
  generalFlags,
  MEDIUM_FROM,
  needsReview,
  reasonSentence,
  reportKindNotice,
  reviewSummary,
  rowReview,
  sentence,
} from '../src/app/present';

function result(confidence: number, needed?: boolean, reasons: string[] = []): FieldResult {
  return {
    value: 'T2',
    confidence,
    evidence: [],
    derived: false,
    ...(needed === undefined ? {} : { review: { needed, reasons, basis: 'stated/clean/strong/none' } }),
  };
}

const spec = (name: ValueName) => VALUES.find((v) => v.name === name)!;

const LUNG = 'This reads as a lung pathology report, not a breast one: values are shown for checking, without a breast stage group';
const NX = 'pN: stated NX, but the report counts positive nodes (N1)';
const RATE = 'readings like this one (derived from a measurement) were right 81 % of the time, below the 95 % that needs no check';

describe('confidence bar and review mark', () => {
  it('a field that needs review never looks high, whatever its confidence', () => {
    expect(confidenceLevel(result(0.94, true))).toBe('medium');
    expect(confidenceLevel(result(MEDIUM_FROM, true))).toBe('medium');
    expect(confidenceLevel(result(0.79, true))).toBe('low');
    // The mark leads even where the number alone would have said high.
    expect(confidenceLevel(result(0.99, true))).toBe('medium');
  });

  it('a field that needs no review looks high', () => {
    expect(confidenceLevel(result(0.95, false))).toBe('high');
    expect(confidenceLevel(result(1, false))).toBe('high');
  });

  it('without a review mark, the domain threshold decides, so mark and bar still agree', () => {
    expect(needsReview(result(REVIEW_THRESHOLD - 0.001))).toBe(true);
    expect(needsReview(result(REVIEW_THRESHOLD))).toBe(false);
    expect(confidenceLevel(result(REVIEW_THRESHOLD - 0.001))).toBe('medium');
    expect(confidenceLevel(result(REVIEW_THRESHOLD))).toBe('high');
  });
});

describe('rowReview', () => {
  const conflict: Flag = { code: 'stated_derived_conflict', field: 'pN', message: NX, evidence: [] };
  const lowPositive: Flag = { code: 'PR_low_positive', field: 'PR', message: 'PR low positive (1–10 % of cells)', evidence: [] };
  const lung: Flag = { code: 'not_breast_report', message: LUNG, evidence: [] };

  it('lists the reasons as sentences and does not repeat a flag that is already a reason', () => {
    const row = rowReview('pN', result(0.809, true, [NX, RATE]), [conflict, lowPositive]);
    expect(row.needed).toBe(true);
    expect(row.reasons).toEqual([`${NX}.`, `R${RATE.slice(1)}.`]);
    expect(row.flags).toEqual([]);
  });

  it('leaves out the report-kind message, which the notice above the results gives once', () => {
    const row = rowReview('grade', result(0.633, true, [LUNG, RATE]), [lung]);
    expect(row.reasons).toEqual([`R${RATE.slice(1)}.`]);
    expect(row.flags).toEqual([]);
  });

  it('a field that needs no review has no reasons and keeps its own flags only', () => {
    const row = rowReview('PR', result(0.988, false), [conflict, lowPositive, lung]);
    expect(row).toEqual({ needed: false, reasons: [], flags: [lowPositive] });
  });
});

describe('reasonSentence', () => {
  it('capitalises a lowercase first word and ends with a full stop', () => {
    expect(reasonSentence('readings like this one were right 81 % of the time')).toBe('Readings like this one were right 81 % of the time.');
  });

  it('keeps field names and codes as written, and a final stop already there', () => {
    expect(reasonSentence('pN: stated NX')).toBe('pN: stated NX.');
    expect(reasonSentence('pT2 stated twice.')).toBe('pT2 stated twice.');
    expect(reasonSentence('ER is pending or was sent out')).toBe('ER is pending or was sent out.');
  });
});

describe('report kind', () => {
  it('a text that is not pathology gets the "nothing was extracted" notice with the flag message', () => {
    const x = extractRules('Banana bread. Grease a T2 tin, mash 3 ripe bananas, bake 50 minutes. Rated 5 stars by our readers.');
    const notice = reportKindNotice(x.flags)!;
    expect(notice.code).toBe('not_a_pathology_report');
    expect(notice.headline).toBe('This text does not look like a pathology report; nothing was extracted.');
    expect(notice.detail).toBe(sentence(x.flags.find((f) => f.code === 'not_a_pathology_report')!.message));
    for (const f of FIELDS) expect(x.fields[f.name].value).toBe('not_stated');
  });

  it("another organ's report gets a notice naming the organ and saying that no breast stage is given", () => {
    const x = extractRules('SPECIMEN: Right upper lobe, lobectomy. DIAGNOSIS: Invasive adenocarcinoma of the lung, 3.2 cm. Lymph nodes: 0/8. pT2a pN0.');
    const notice = reportKindNotice(x.flags)!;
    expect(notice.code).toBe('not_breast_report');
    expect(notice.headline).toMatch(/another organ.*no breast stage group/);
    expect(notice.detail).toMatch(/lung/);
    // The notice shows the report-kind flag; the report flag list does not repeat it.
    expect(generalFlags(x.flags).map((f) => f.code)).not.toContain('not_breast_report');
  });

  it('a breast report has no notice', () => {
    expect(reportKindNotice(extractRules('Invasive ductal carcinoma of the left breast, grade 2. pT1c pN0. ER positive.').flags)).toBeNull();
  });
});

describe('reviewSummary', () => {
  const extraction = (needed: readonly string[]): Extraction => {
    const fields = Object.fromEntries(FIELDS.map((f) => [f.name, result(needed.includes(f.name) ? 0.5 : 0.99, needed.includes(f.name))]));
    return { fields, values: {}, stage: { group: 'cannot be staged', reason: '' }, flags: [] } as unknown as Extraction;
  };

  it('counts the fields that need a check, out of every schema field', () => {
    expect(reviewSummary(extraction([]))).toEqual({ needed: 0, text: 'No field needs a check' });
    expect(reviewSummary(extraction(['pN']))).toEqual({ needed: 1, text: `1 of ${FIELDS.length} fields needs a check` });
    expect(reviewSummary(extraction(['pN', 'ER', 'HER2']))).toEqual({ needed: 3, text: `3 of ${FIELDS.length} fields need a check` });
  });
});

describe('displayExtraValue', () => {
  it('shows a qualified percent as the report writes it', () => {
    expect(displayExtraValue(spec('PR_percent'), '<1')).toBe('<1%');
    expect(displayExtraValue(spec('ER_percent'), '>90')).toBe('>90%');
    expect(displayExtraValue(spec('Ki67_percent'), '~15')).toBe('~15%');
    expect(displayExtraValue(spec('Ki67_percent'), '10-20')).toBe('10-20%');
  });

  it('shows plain numbers with their unit', () => {
    expect(displayExtraValue(spec('ER_percent'), 95)).toBe('95%');
    expect(displayExtraValue(spec('ER_percent'), 0)).toBe('0%');
    expect(displayExtraValue(spec('tumor_size_mm'), 32)).toBe('32 mm');
  });

  it('shows nothing for a value the report does not give', () => {
    expect(displayExtraValue(spec('Ki67_percent'), null)).toBeNull();
    expect(displayExtraValue(spec('Ki67_percent'), '')).toBeNull();
  });

  it('reads the qualifiers the rules keep from a report', () => {
    const x = extractRules('Left breast, lumpectomy: invasive ductal carcinoma, grade 2. ER positive (95%). PR negative (<1%). Ki-67 10-20%. pT1c pN0.');
    expect(displayExtraValue(spec('PR_percent'), x.values.PR_percent.value)).toBe('<1%');
    expect(displayExtraValue(spec('Ki67_percent'), x.values.Ki67_percent.value)).toBe('10-20%');
    expect(displayExtraValue(spec('ER_percent'), x.values.ER_percent.value)).toBe('95%');
  });
});
