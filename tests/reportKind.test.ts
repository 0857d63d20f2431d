// Tests of classifyReport: breast vs other-organ pathology vs not pathology, on hand-written texts and the shared data.
// Run: npx vitest run tests/reportKind.test.ts (the /work/shared/data checks skip, saying so, when that folder is absent)
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { classifyReport, type ReportKindResult } from '../src/domain/reportKind';

const DATA = resolve(dirname(fileURLToPath(import.meta.url)), '../../shared/data');
const HAVE_DATA = existsSync(DATA);
if (!HAVE_DATA) console.log(`reportKind: skipping the data checks, ${DATA} is absent`);

interface Row { id: string; text: string; cancer_type?: string }
const load = (name: string): Row[] =>
  readFileSync(join(DATA, name), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Row);

// The weights were tuned on the dev and synthetic breast files and on the pan-cancer rows whose id has an even
// FNV-1a hash; the odd-hash rows were held out, so their rate is the honest one.
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}
const isTuningRow = (id: string) => fnv1a(id) % 2 === 0;

const evidenceWords = (text: string, r: ReportKindResult) => r.evidence.map(([s, e]) => text.slice(s, e).toLowerCase());

describe('hand-written texts', () => {
  it('a banana-bread recipe with "T2 tin", "bake 45 minutes" and "5 stars" is not pathology', () => {
    const recipe = [
      "Banana bread (my gran's recipe)",
      'Preheat the oven to 180C and grease a T2 tin (the 2 lb loaf tin).',
      'Mash 3 ripe bananas with a fork, then mix in 75 g melted butter.',
      'Stir in 150 g sugar, 1 beaten egg and 1 tsp vanilla extract.',
      'Sprinkle 1 tsp baking soda and a pinch of salt over the mixture; fold in 190 g plain flour.',
      'Pour into the tin and bake 45 minutes, until a skewer comes out clean.',
      'Cool in the tin for 10 minutes, then turn out onto a wire rack.',
      'Tip: slice thickly and toast the next day with butter.',
      'Serves 8. Difficulty: easy. Prep 10 minutes.',
      'Reader rating: 5 stars (212 reviews).',
    ].join('\n');
    const r = classifyReport(recipe);
    expect(r.kind).toBe('not_pathology');
    expect(r.site).toBeNull();
  });

  it.each([
    ['empty', ''],
    ['whitespace', '  \n\t \n'],
    ['an email', 'Hi Sam,\nThanks for Tuesday. Can we move the tumor board slides review to Friday? The diagnosis codes sheet is attached.\nBest, Priya'],
    ['a shopping list', 'Milk, eggs, bread, 2 lemons, chicken breast, grade A eggs, margarine, pastry'],
    ['random words', 'purple elephant window seventeen quietly mountain keyboard tumor lantern'],
  ])('%s is not pathology', (_name, text) => {
    const r = classifyReport(text);
    expect(r.kind).toBe('not_pathology');
    expect(r.reason).toMatch(/too few pathology cues/);
  });

  it('a lung resection report is other-site pathology, site lung', () => {
    const text =
      'SPECIMEN: Right upper lobe, lobectomy. DIAGNOSIS: Invasive adenocarcinoma of the lung, acinar predominant, 3.2 cm. ' +
      'Visceral pleural invasion not identified. Bronchial margin free of tumor. Lymph nodes: 0/8 (stations 7, 10R, 11R). pT2a pN0.';
    const r = classifyReport(text);
    expect([r.kind, r.site]).toEqual(['other_site_pathology', 'lung']);
    expect(evidenceWords(text, r)).toContain('lung');
  });

  it('a breast core biopsy with "history of colon cancer" stays breast', () => {
    const text = [
      'CLINICAL HISTORY: 67-year-old woman, history of colon cancer (2015). New left breast mass.',
      "SPECIMEN: Left breast, 10 o'clock, ultrasound-guided core biopsy.",
      'DIAGNOSIS: Invasive ductal carcinoma, Nottingham grade 2. ER positive (95%), PR positive (60%), HER2 negative (1+).',
    ].join('\n');
    const r = classifyReport(text);
    expect([r.kind, r.site]).toEqual(['breast_pathology', 'breast']);
    expect(evidenceWords(text, r)).toContain('breast');
    expect(evidenceWords(text, r)).not.toContain('colon');
  });

  it('a breast report with "metastatic carcinoma to the liver" stays breast', () => {
    const text =
      'FINAL DIAGNOSIS: Right breast, modified radical mastectomy: invasive lobular carcinoma, 4.5 cm, with metastatic carcinoma ' +
      'to the liver (biopsy proven). Axillary lymph nodes: 3/12 positive. Margins negative. pT2 pN1a pM1.';
    expect(classifyReport(text)).toMatchObject({ kind: 'breast_pathology', site: 'breast' });
  });

  it('reads OCR-split breast words ("BREAS T", "rnastectomy")', () => {
    const text = 'SPECIMEN: LEFT BREAS T, rnastectomy. DIAGNOSIS: INFILTRATING CARCINOMA, GRADE 3. Margins free. Lymph nodes 0/3.';
    const r = classifyReport(text);
    expect(r.kind).toBe('breast_pathology');
    expect(evidenceWords(text, r)).toEqual(expect.arrayContaining(['breas t', 'rnastectomy']));
  });

  it('a liver biopsy of metastatic carcinoma "consistent with breast primary" is breast', () => {
    const text =
      'Specimen: Liver, segment VI, core biopsy. Diagnosis: Liver, core biopsy: metastatic carcinoma, consistent with breast primary. ' +
      'Tumour cells GATA3 positive. Estrogen receptor positive (80%). Background liver with steatosis.';
    expect(classifyReport(text)).toMatchObject({ kind: 'breast_pathology', site: 'breast' });
  });

  it('evidence spans are sorted, non-overlapping and inside the text', () => {
    const text = 'Diagnosis: Right breast lumpectomy: invasive ductal carcinoma, grade 2; DCIS present; margins clear; sentinel lymph node 0/2.';
    const r = classifyReport(text);
    expect(r.evidence.length).toBeGreaterThan(0);
    r.evidence.forEach(([s, e], i) => {
      expect(0 <= s && s < e && e <= text.length).toBe(true);
      if (i > 0) expect(s).toBeGreaterThan(r.evidence[i - 1]![1]);
    });
  });
});

describe.skipIf(!HAVE_DATA)('breast reports (TCGA dev + synthetic)', () => {
  it('classifies at most 1 % of them as anything but breast pathology', () => {
    const rows = [...load('tcga-brca-dev-text.jsonl'), ...load('synthetic-llm-dev.jsonl')];
    const misses = rows.filter((r) => classifyReport(r.text).kind !== 'breast_pathology').map((r) => r.id);
    console.log(`reportKind: breast reports ${rows.length - misses.length}/${rows.length} breast_pathology`, misses);
    expect(rows.length).toBe(428);
    expect(misses.length).toBeLessThanOrEqual(Math.floor(rows.length / 100));
  });
});

describe.skipIf(!HAVE_DATA)('pan-cancer reports (other organs)', () => {
  const rows = HAVE_DATA ? load('tcga-pancancer-tnm.jsonl') : [];
  const results = new Map<string, ReportKindResult>();
  const result = (r: Row) => results.get(r.id) ?? results.set(r.id, classifyReport(r.text)).get(r.id)!;
  const rate = (rs: Row[], ok: (x: ReportKindResult) => boolean) => rs.filter((r) => ok(result(r))).length / rs.length;

  // Measured 99.6 % on the tuning half and 99.4 % on the held-out half: the misses are mostly TCGA
  // "missing pathology report" forms that name no organ, which the classifier leaves as breast.
  it('classifies at least 98.5 % of each half as other-site pathology', () => {
    const tuning = rows.filter((r) => isTuningRow(r.id));
    const heldOut = rows.filter((r) => !isTuningRow(r.id));
    const other = (x: ReportKindResult) => x.kind === 'other_site_pathology';
    const [t, h] = [rate(tuning, other), rate(heldOut, other)];
    console.log(`reportKind: other_site_pathology on tuning half ${(100 * t).toFixed(2)} % of ${tuning.length}, held-out half ${(100 * h).toFixed(2)} % of ${heldOut.length}`);
    expect(rows.length).toBe(1873);
    expect(t).toBeGreaterThanOrEqual(0.985);
    expect(h).toBeGreaterThanOrEqual(0.985);
  });

  it.each([
    [['LUAD', 'LUSC'], 'lung'],
    [['KIRC', 'KIRP', 'KICH'], 'kidney'],
    [['PRAD'], 'prostate'],
  ])('maps %j to site %s in at least 95 % of reports', (types, site) => {
    const rs = rows.filter((r) => types.includes(r.cancer_type ?? ''));
    const r = rate(rs, (x) => x.site === site);
    console.log(`reportKind: ${types.join('/')} -> ${site} ${(100 * r).toFixed(1)} % of ${rs.length}`);
    expect(r).toBeGreaterThanOrEqual(0.95);
  });
});
