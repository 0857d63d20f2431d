// Unit tests of the rule extractor on short crafted snippets: OCR noise, negation, several specimens,
// biomarkers (pending, quoted from a prior biopsy, low positive), HER2 IHC + ISH and AJCC derivations.
import { describe, expect, it } from 'vitest';
import { extractRules } from '../src/domain/rules';
import { FIELD_NAMES, type FieldName } from '../src/domain/schema';
import type { Extraction } from '../src/domain/types';

const field = (text: string, f: FieldName) => extractRules(text).fields[f];
const flagCodes = (x: Extraction) => x.flags.map((f) => f.code);
const evidenceText = (text: string, f: FieldName) => extractRules(text).fields[f].evidence.map(([s, e]) => text.slice(s, e));

describe('stated TNM codes', () => {
  it.each([
    ['PATHOLOGIC STAGE: pT3 N2a MX', 'T3', 'N2', 'MX'],
    ['AJCC STAGE: pT1 pNO(i-) MX.', 'T1', 'N0', 'MX'],
    ['Stage: T1cN1MX', 'T1', 'N1', 'MX'],
    ['TNM: T2pNO(i-)MX', 'T2', 'N0', 'MX'],
    ['Summary: pT1cN1aL0V0R0', 'T1', 'N1', 'not_stated'],
    ['PTNM CLASSIFICATION: T2, NO, MX, STAGE IIA', 'T2', 'N0', 'MX'],
    ['pT 3, pN la (2/20), M X', 'T3', 'N1', 'MX'],
    ['Pathological staging (pTN): pT 1c N 0', 'T1', 'N0', 'not_stated'],
    ['T Stage: 2. N Stage: 0. M Stage: 0', 'T2', 'N0', 'M0'],
    ['Pathological T. T2. Pathological N. N1a. Clinical M. M0', 'T2', 'N1', 'M0'],
    ['Regional lymph nodes (pN): pN1(mi)', 'not_stated', 'N1mi', 'not_stated'],
    ['[AJCC pN1 mi (sn)]', 'not_stated', 'N1mi', 'not_stated'],
    ['pT4b(mult)N3aL1V0R0', 'T4', 'N3', 'not_stated'],
    ['Distant metastasis (pM): Unknown', 'not_stated', 'not_stated', 'MX'],
    ['DISTANT METASTASIS: BONE (BIOPSY PROVEN).', 'not_stated', 'not_stated', 'M1'],
    ['Distant metastasis: not identified.', 'not_stated', 'not_stated', 'not_stated'],
    ['Final stage ypT0 ypN0 cM0', 'T0', 'N0', 'M0'],
    ['pTis (DCIS) pN0', 'Tis', 'N0', 'not_stated'],
  ])('%s', (text, t, n, m) => {
    const x = extractRules(text);
    expect([x.fields.pT.value, x.fields.pN.value, x.fields.pM.value]).toEqual([t, n, m]);
  });

  it('reads OCR variants of pT1c (pTlc, pTIc, pTic) and keeps the sub-category', () => {
    for (const code of ['pTlc', 'pTIc', 'pTic', 'pT1c']) {
      const x = extractRules(`Tumor stage: ${code} pN0`);
      expect(x.fields.pT.value).toBe('T1');
      expect(x.values.pT_sub.value).toBe('T1c');
    }
  });

  it('does not read words or MRI sequences as codes', () => {
    const text = 'TISSUE with NO tumor seen. T2-weighted images. NOS. (TUMOR TO NORMAL). Microscopic: no lymph nodes.';
    const x = extractRules(text);
    expect(x.fields.pT.value).toBe('not_stated');
    expect(x.fields.pN.value).toBe('not_stated');
    expect(x.fields.pM.value).toBe('not_stated');
  });

  it('records the y prefix and N sub-category, and flags post-neoadjuvant staging', () => {
    const x = extractRules('Pathologic stage: ypT2 ypN1a');
    expect(x.fields.pT.value).toBe('T2');
    expect(x.values.y_prefix.value).toBe(true);
    expect(x.values.pN_sub.value).toBe('N1a');
    expect(flagCodes(x)).toContain('post_neoadjuvant');
  });

  it('gives evidence spans into the original text', () => {
    const text = 'FINAL DIAGNOSIS: invasive carcinoma. PATHOLOGIC STAGE: pT2 pN1a MX.';
    expect(evidenceText(text, 'pT')).toEqual(['pT2']);
    expect(evidenceText(text, 'pN')[0]).toMatch(/^pN1a/);
  });
});

describe('AJCC derivations', () => {
  it.each([
    ['Invasive ductal carcinoma measuring 1.5 cm in greatest dimension.', 'T1'],
    ['Invasive lobular carcinoma. Tumor size: 2.1 x 1.8 x 1.0 cm', 'T2'],
    ['Tumor type: mucinous carcinoma. Tumor size (greatest dimension): 5.5 cm', 'T3'],
    ['INVASIVE CARCINOMA, 18 MM IN MAXIMUM MICROSCOPIC DIMENSION', 'T1'],
    ['Invasive ductal carcinoma measuring 1.8. CM IN LARGEST DIMENSION', 'T1'],
  ])('T from size: %s → %s (derived)', (text, t) => {
    const f = field(text, 'pT');
    expect(f.value).toBe(t);
    expect(f.derived).toBe(true);
  });

  it('uses the invasive tumour, not the specimen, skin or margin distances', () => {
    const text =
      'Gross: mastectomy specimen 22 x 15 x 5 cm with a skin ellipse 19 x 13 cm. Diagnosis: invasive ductal carcinoma, 2.4 cm in greatest dimension, 0.3 cm from the deep margin.';
    const x = extractRules(text);
    expect(x.fields.pT.value).toBe('T2');
    expect(x.values.tumor_size_mm.value).toBe(24);
  });

  it('DCIS alone is Tis, no residual carcinoma after therapy is T0, and a benign tumour has no T', () => {
    const dcis = extractRules('Left breast: ductal carcinoma in situ, solid type, nuclear grade 3, spanning 12 mm. No invasive carcinoma identified.');
    expect(dcis.fields.pT).toMatchObject({ value: 'Tis', derived: true });
    expect(dcis.flags.map((f) => f.code)).toContain('dcis_only');
    expect(field('Status post neoadjuvant chemotherapy. No residual invasive carcinoma; tumor bed with treatment effect.', 'pT').value).toBe('T0');
    expect(field('Fibroadenoma. Tumor size: 2.5 cm. Negative for carcinoma.', 'pT').value).toBe('not_stated');
  });

  it('reads through OCR stray periods ("score. 9/9", "NO. SKIN", "15. of 24")', () => {
    expect(field('Invasive ductal carcinoma, nottingham score. 9/9.', 'grade').value).toBe('3');
    expect(field('Invasive carcinoma, 3.0 cm. NO. SKIN ulceration.', 'pT').value).toBe('T2');
    expect(field('Metastatic carcinoma in 15. of 24 axillary lymph nodes.', 'pN').value).toBe('N3');
    expect(field('HER2 (IHC): NEGATIVE (SCORE l+)', 'HER2_ihc').value).toBe('1+');
  });

  it('derives T4 from skin ulceration but not from its negation', () => {
    expect(field('Invasive carcinoma, 3.0 cm, with skin ulceration.', 'pT').value).toBe('T4');
    expect(field('Invasive carcinoma, 3.0 cm. No skin ulceration is identified.', 'pT').value).toBe('T2');
  });

  it('a stated code wins over the derived value and the conflict is flagged', () => {
    const x = extractRules('Invasive ductal carcinoma, tumor size: 3.5 cm. Pathologic stage: pT1c pN0.');
    expect(x.fields.pT.value).toBe('T1');
    expect(x.fields.pT.derived).toBe(false);
    expect(x.flags.some((f) => f.code === 'stated_derived_conflict' && f.field === 'pT')).toBe(true);
  });

  it.each([
    ['Lymph nodes: 0/12 positive for metastasis.', 'N0', 0, 12],
    ['No evidence of metastasis in 3 lymph nodes (0/3).', 'N0', 0, 3],
    ['Two of ten axillary lymph nodes positive for metastatic carcinoma (2/10).', 'N1', 2, 10],
    ['METASTATIC CARCINOMA IN 5 OF 12 LYMPH NODES.', 'N2', 5, 12],
    ['Lymph nodes: 12/15 positive for metastatic carcinoma.', 'N3', 12, 15],
    ['TWO OF FIFTEEN LEFT AXILLARY LYMPH NODES INVOLVED WITH METASTATIC CARCINOMA.', 'N1', 2, 15],
  ])('N from node counts: %s', (text, n, pos, exam) => {
    const x = extractRules(text);
    expect(x.fields.pN.value).toBe(n);
    expect(x.fields.pN.derived).toBe(true);
    expect(x.values.nodes_positive.value).toBe(pos);
    expect(x.values.nodes_examined.value).toBe(exam);
  });

  it('micrometastases only → N1mi; isolated tumour cells only → N0', () => {
    expect(field('Sentinel lymph node: micrometastasis (0.15 cm) in 1 of 3 lymph nodes.', 'pN').value).toBe('N1mi');
    expect(field('Sentinel lymph node: isolated tumor cells in 1 of 2 lymph nodes, positive by cytokeratin.', 'pN').value).toBe('N0');
  });

  it('negation: "negative for carcinoma" nodes are N0 and "no lymphovascular invasion" adds nothing', () => {
    const x = extractRules('Sentinel lymph node #1, excision: one lymph node, negative for metastatic carcinoma. No lymphovascular invasion.');
    expect(x.fields.pN.value).toBe('N0');
    expect(x.fields.pT.value).toBe('not_stated');
  });

  it('a page number "2 of 2" is not a node count', () => {
    const x = extractRules('LYMPH NODES WITH NO TUMOR SEEN (0/8). NOTE: cautery artifact extends to tumor. Page 2 of 2.');
    expect(x.fields.pN.value).toBe('N0');
    expect(x.values.nodes_positive.value).toBe(0);
  });
});

describe('several specimens in one report', () => {
  it('reports the invasive carcinoma, not the benign or in-situ specimen', () => {
    const text =
      'A. LEFT BREAST, MASTECTOMY: benign breast tissue, negative for malignancy. B. LEFT BREAST LUMPECTOMY: ductal carcinoma in situ, 1.2 cm, nuclear grade 3. C. RIGHT BREAST: invasive ductal carcinoma, Nottingham grade 2, measuring 2.6 cm in greatest dimension.';
    const x = extractRules(text);
    expect(x.fields.pT.value).toBe('T2');
    expect(x.fields.grade.value).toBe('2');
  });
});

describe('histologic grade', () => {
  it.each([
    ['Nottingham grade II (of III)', '2'],
    ['Histologic grade: Overall grade: 3', '3'],
    ['Modified Scarff Bloom Richardson Grade: 1', '1'],
    ['Infiltrating duct carcinoma; G2', '2'],
    ['(NHG3, pT2, pN0)', '3'],
    ['GRADE Il/III (MODERATE TUBULE FORMATION)', '2'],
    ['NOTTINGHAM SCORE: 5/9', '1'],
    ['Total Nottingham score: 7', '2'],
    ['Nottingham score 8 of 9', '3'],
    ['(Tubules= 3, Nuclei= 3, Mitoses= 2)', '3'],
    ['POORLY DIFFERENTIATED INFILTRATING DUCTAL CARCINOMA', '3'],
    ['NSABP HISTOLOGIC GRADE 2 OF 3, NUCLEAR GRADE 3', '2'],
  ])('%s → %s', (text, g) => expect(field(text, 'grade').value).toBe(g));

  it('a DCIS or nuclear grade is not a histologic grade', () => {
    expect(field('Ductal carcinoma in situ, nuclear grade 3, with comedo necrosis.', 'grade').value).toBe('not_stated');
    expect(field('DCIS, high grade, solid type.', 'grade').value).toBe('not_stated');
    expect(field('Invasive lobular carcinoma, low nuclear grade 1.', 'grade').value).toBe('not_stated');
  });
});

describe('ER and PR', () => {
  it.each([
    ['ER: Positive. PR: Negative.', 'positive', 'negative'],
    ['ESTROGEN RECEPTORS: POSITIVE (20%). PROGESTERONE RECEPTORS: NEGATIVE (less than 1%).', 'positive', 'negative'],
    ['ER Status. Positive NOS. PR Status. Negative', 'positive', 'negative'],
    ['ER/PR/Her-2/neu - negative reactions', 'negative', 'negative'],
    ['POSITIVE FOR ESTROGEN AND PROGESTERONE RECEPTORS', 'positive', 'positive'],
    ['THE TUMOR IS NEGATIVE. FOR ESTROGEN RECEPTORS AND FOCALLY POSITIVE FOR PROGESTERONE RECEPTORS.', 'negative', 'positive'],
    ['ER: 85Z NUCLEAR STAINING. PR: 408 NUCLEAR STAINING', 'positive', 'positive'],
    ['ER: Negative. Allred Score: 0. PR: Positive. Allred Score: 6', 'negative', 'positive'],
    ['No estrogen receptors detected in neoplastic cell nuclei. Progesterone receptors found in 75% of neoplastic cell nuclei.', 'negative', 'positive'],
    ['Estrogen Receptor: Results: No immunoreactive tumor cells present. Progesterone Receptor: Results: Immunoreactive tumor cells present (1%)', 'negative', 'positive'],
  ])('%s', (text, er, pr) => {
    const x = extractRules(text);
    expect([x.fields.ER.value, x.fields.PR.value]).toEqual([er, pr]);
  });

  it('1–10 % is positive with a low-positive flag, and the percent is kept', () => {
    const x = extractRules('Estrogen receptor: POSITIVE (5% of tumor cells, weak). Progesterone receptor: POSITIVE (80%).');
    expect(x.fields.ER.value).toBe('positive');
    expect(x.values.ER_percent.value).toBe(5);
    expect(flagCodes(x)).toContain('ER_low_positive');
    expect(flagCodes(x)).not.toContain('PR_low_positive');
  });

  it('results quoted from an earlier biopsy count and are flagged', () => {
    const x = extractRules('ER strongly positive, PR strongly positive on previous biopsy.');
    expect(x.fields.ER.value).toBe('positive');
    expect(flagCodes(x)).toContain('biomarkers_from_prior_specimen');
  });

  it('pending or sent-out tests are not stated', () => {
    const x = extractRules('ER and PR: pending, will be reported in an addendum. HER2 sent out for FISH.');
    expect(x.fields.ER.value).toBe('not_stated');
    expect(x.fields.PR.value).toBe('not_stated');
    expect(x.fields.HER2.value).toBe('not_stated');
    expect(flagCodes(x)).toContain('biomarkers_pending');
  });

  it('method text and positivity criteria are not results', () => {
    const x = extractRules('Clones used: ER (clone 6F11). Criteria for positive results: ER and PR: >1% of tumor cells with nuclear staining.');
    expect(x.fields.ER.value).toBe('not_stated');
    expect(x.fields.PR.value).toBe('not_stated');
  });
});

describe('HER2 (ASCO/CAP 2018/2023)', () => {
  it.each([
    ['HER2: 3+ (positive)', 'positive', '3+'],
    ['HER2 IHC: 1+ (negative)', 'negative', '1+'],
    ['HER2/NEU (HERCEPTEST): NEGATIVE (STAINING INTENSITY OF 0)', 'negative', '0'],
    ['HER2 by IHC: equivocal (score 2+). FISH pending.', 'equivocal', '2+'],
    ['HER2 IHC: 2+ (equivocal). HER2 FISH: not amplified, ratio 1.3.', 'negative', '2+'],
    ['HER2 IHC: 2+ (equivocal). HER2 FISH: amplified, HER2/CEP17 ratio: 2.8.', 'positive', '2+'],
    ['HER2/neu protein overexpression is weakly positive, score of 2+. No amplification for HER2/neu is demonstrated by fluorescence in situ hybridization.', 'negative', '2+'],
    ['Her-2/neu (0-3+,n/a) : 1', 'negative', '1+'],
    ['HER2: Negative by FISH', 'negative', 'not_stated'],
    ['HER-2 NOT AMPLIFIED', 'negative', 'not_stated'],
    ['WEAKLY POSITIVE FOR HER2/NEU', 'equivocal', 'not_stated'],
  ])('%s', (text, status, ihc) => {
    const x = extractRules(text);
    expect([x.fields.HER2.value, x.fields.HER2_ihc.value]).toEqual([status, ihc]);
  });

  it('numbers in an interpretation legend and in a ratio are not IHC scores', () => {
    const x = extractRules('HER2 FISH: ratio of HER2 to CEP17 signals is 1.10 (ratio >= 2.0 is amplified; score 0-1+ negative, 2+ equivocal, 3+ positive).');
    expect(x.fields.HER2.value).toBe('negative');
    expect(x.fields.HER2_ihc.value).toBe('not_stated');
  });
});

describe('Ki-67 and the stage group', () => {
  it('reads Ki-67', () => {
    const x = extractRules('Ki-67 proliferation index: 25% of tumor nuclei.');
    expect(x.values.Ki67_percent.value).toBe(25);
  });

  it('stages from the extracted T, N and M', () => {
    expect(extractRules('pT2 pN1a M0').stage).toEqual({ group: 'IIB', basis: { T: 'T2', N: 'N1', M: 'M0' } });
    const unknownM = extractRules('pT2 pN1a');
    expect(unknownM.stage).toMatchObject({ group: 'cannot be staged', ifM0: 'IIB' });
  });

  it('gives every schema field for empty text, all not stated', () => {
    const x = extractRules('');
    expect(Object.keys(x.fields)).toEqual([...FIELD_NAMES]);
    for (const f of FIELD_NAMES) expect(x.fields[f].value).toBe('not_stated');
  });
});
