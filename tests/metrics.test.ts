// Unit tests of src/domain/metrics.ts against a small example computed by hand, plus edge cases.
// Run: npx vitest run tests/metrics.test.ts
import { describe, expect, it } from 'vitest';
import { formatFieldMetrics, meanMacroF1, scoreField, scoreLabels, type Pair } from '../src/domain/metrics';

// HER2 labels in schema order: positive, negative, equivocal, not_stated. 8 items (gold -> predicted):
//   1 pos->pos  2 pos->pos  3 pos->neg  4 neg->neg  5 neg->neg  6 neg->equivocal  7 ns->ns  8 ns->neg
// Confusion (rows gold, cols predicted, schema order):
//   positive   [2, 1, 0, 0]
//   negative   [0, 2, 1, 0]
//   equivocal  [0, 0, 0, 0]
//   not_stated [0, 1, 0, 1]
// positive:   TP 2, predicted 2 (1,2),     support 3 -> P 1,   R 2/3, F1 2*(2/3)/(5/3) = 4/5
// negative:   TP 2, predicted 4 (3,4,5,8), support 3 -> P 1/2, R 2/3, F1 2*(1/3)/(7/6) = 4/7
// equivocal:  TP 0, predicted 1 (6),       support 0 -> P 0,   R 0 (undefined), F1 0
// not_stated: TP 1, predicted 1 (7),       support 2 -> P 1,   R 1/2, F1 2*(1/2)/(3/2) = 2/3
// accuracy = (2 + 2 + 0 + 1) / 8 = 5/8
// macro-F1 over gold-present classes {positive, negative, not_stated} = (4/5 + 4/7 + 2/3) / 3
//   = (84 + 60 + 70) / 105 / 3 = 214/315 ≈ 0.6794; had equivocal been averaged it would be 214/420.
const POS = 'positive';
const NEG = 'negative';
const EQ = 'equivocal';
const NS = 'not_stated';
const EXAMPLE: Pair[] = [
  [POS, POS],
  [POS, POS],
  [POS, NEG],
  [NEG, NEG],
  [NEG, NEG],
  [NEG, EQ],
  [NS, NS],
  [NS, NEG],
];

describe('scoreField on a hand-computed example', () => {
  const m = scoreField('HER2', EXAMPLE);
  const cls = (label: string) => m.classes.find((c) => c.label === label)!;

  it('counts items, correct ones and accuracy', () => {
    expect(m.field).toBe('HER2');
    expect(m.n).toBe(8);
    expect(m.correct).toBe(5);
    expect(m.accuracy).toBeCloseTo(5 / 8, 12);
  });

  it('builds the confusion matrix in schema label order, rows gold and columns predicted', () => {
    expect(m.labels).toEqual([POS, NEG, EQ, NS]);
    expect(m.confusion).toEqual([
      [2, 1, 0, 0],
      [0, 2, 1, 0],
      [0, 0, 0, 0],
      [0, 1, 0, 1],
    ]);
  });

  it('computes per-class precision, recall, F1 and support', () => {
    expect(cls(POS)).toMatchObject({ support: 3, predicted: 2, truePositives: 2 });
    expect(cls(POS).precision).toBeCloseTo(1, 12);
    expect(cls(POS).recall).toBeCloseTo(2 / 3, 12);
    expect(cls(POS).f1).toBeCloseTo(4 / 5, 12);

    expect(cls(NEG)).toMatchObject({ support: 3, predicted: 4, truePositives: 2 });
    expect(cls(NEG).precision).toBeCloseTo(1 / 2, 12);
    expect(cls(NEG).recall).toBeCloseTo(2 / 3, 12);
    expect(cls(NEG).f1).toBeCloseTo(4 / 7, 12);

    expect(cls(EQ)).toMatchObject({ support: 0, predicted: 1, truePositives: 0, precision: 0, recall: 0, f1: 0 });

    expect(cls(NS)).toMatchObject({ support: 2, predicted: 1, truePositives: 1 });
    expect(cls(NS).precision).toBeCloseTo(1, 12);
    expect(cls(NS).recall).toBeCloseTo(1 / 2, 12);
    expect(cls(NS).f1).toBeCloseTo(2 / 3, 12);
  });

  it('averages macro-F1 over the classes present in gold only', () => {
    expect(m.macroLabels).toEqual([POS, NEG, NS]);
    expect(m.macroF1).toBeCloseTo(214 / 315, 12);
    expect(m.macroF1).not.toBeCloseTo(214 / 420, 3);
  });

  it('renders a text table with the headline, every class and the confusion rows', () => {
    const text = formatFieldMetrics(m);
    expect(text).toContain('HER2  n=8  accuracy=0.625  macro-F1=0.679');
    expect(text).toMatch(/\*negative\s+0\.500\s+0\.667\s+0\.571\s+3\s+4/);
    expect(text).toMatch(/ equivocal\s+0\.000\s+0\.000\s+0\.000\s+0\s+1/);
    expect(text).toMatch(/\n {2}negative\s+0\s+2\s+1\s+0\n/);
  });
});

describe('edge cases', () => {
  it('gives zeros, not NaN, for empty input', () => {
    const m = scoreField('ER', []);
    expect(m.n).toBe(0);
    expect(m.accuracy).toBe(0);
    expect(m.macroF1).toBe(0);
    expect(m.macroLabels).toEqual([]);
    expect(m.confusion).toEqual([
      [0, 0, 0],
      [0, 0, 0],
      [0, 0, 0],
    ]);
    for (const c of m.classes) expect(c).toMatchObject({ support: 0, predicted: 0, precision: 0, recall: 0, f1: 0 });
  });

  it('gives precision 0 to a gold class that is never predicted', () => {
    // grade 1 twice, predicted 2 both times: class 1 has P undefined -> 0, R 0; class 2 has P 0 (0/2).
    const m = scoreField('grade', [
      ['1', '2'],
      ['1', '2'],
      ['3', '3'],
    ]);
    const one = m.classes.find((c) => c.label === '1')!;
    expect(one).toMatchObject({ support: 2, predicted: 0, precision: 0, recall: 0, f1: 0 });
    expect(m.classes.find((c) => c.label === '2')).toMatchObject({ support: 0, predicted: 2, precision: 0 });
    // macro over gold classes {1, 3} = (0 + 1) / 2
    expect(m.macroF1).toBeCloseTo(0.5, 12);
  });

  it('rejects labels outside the label set', () => {
    expect(() => scoreLabels(['a', 'b'], [['a', 'c']])).toThrow(/predicted label "c"/);
    expect(() => scoreField('pT', [['T5', 'T1']])).toThrow(/gold label "T5"/);
  });

  it('means macro-F1 over the chosen fields that have gold labels only', () => {
    const pT = scoreField('pT', [['T1', 'T1']]); // macro-F1 1
    const pN = scoreField('pN', [['N0', 'N1']]); // macro-F1 0
    const grade = scoreField('grade', []); // not scored: must not count as 0
    const mean = meanMacroF1([pT, pN, grade], ['pT', 'pN', 'grade', 'ER']);
    expect(mean.fields).toEqual(['pT', 'pN']);
    expect(mean.value).toBeCloseTo(0.5, 12);
    expect(meanMacroF1([grade], ['grade']).value).toBeNull();
  });
});
