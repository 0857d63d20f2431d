// Unit tests of src/ingest/pdfLayout.ts: positioned pdf.js text runs → report text. Checked here:
// reading order from positions (not stream order), spaces from gaps, table columns kept on one
// line, paragraph breaks, line-end hyphenation, repeated headers/footers, page offsets, empty pages,
// degenerate heights, and a randomized property test (never throws, invents no characters).
// Run: npx vitest run tests/pdfLayout.test.ts
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import {
  COLUMN_SEPARATOR,
  joinHyphenated,
  layoutPages,
  normaliseMargin,
  pageLines,
  repeatedMargins,
  type PageText,
  type TextPiece,
} from '../src/ingest/pdfLayout';

/** A run at (x, y) in font size `size`, about half a size wide per character. */
function at(str: string, x: number, y: number, size = 10, width = 0.5 * size * str.length): TextPiece {
  return { str, x, y, width, height: size, hasEOL: false };
}

function page(...pieces: TextPiece[]): PageText {
  return { pieces, width: 612, height: 792 };
}

/** One run per line, 12 points apart (single spacing for size 10), starting at y. */
function lines(texts: readonly string[], y = 700): TextPiece[] {
  return texts.map((t, i) => at(t, 72, y - 12 * i));
}

function textOf(...pages: PageText[]): string {
  return layoutPages(pages).text;
}

describe('reading order', () => {
  test('pieces out of stream order are read top to bottom, left to right', () => {
    // "Invasive" ends at 112, "ductal" at 145: word gaps of 3 points.
    const p = page(at('Grade 2', 72, 688), at('carcinoma', 148, 700), at('Invasive', 72, 700), at('ductal', 115, 700));
    expect(textOf(p)).toBe('Invasive ductal carcinoma\nGrade 2');
  });

  test('a synoptic table written column by column comes out row by row', () => {
    const p = page(
      at('Tumor size', 72, 700), at('Estrogen receptor', 72, 688), at('HER2 (IHC)', 72, 676),
      at('22 mm', 300, 700), at('Positive (95%)', 300, 688), at('Negative (1+)', 300, 676),
    );
    expect(textOf(p)).toBe(
      'Tumor size   22 mm\nEstrogen receptor   Positive (95%)\nHER2 (IHC)   Negative (1+)',
    );
    expect(COLUMN_SEPARATOR).toBe('   ');
  });

  test('baselines that wobble by a fraction of a point stay on one line', () => {
    expect(textOf(page(at('pT2', 72, 700), at('N1a', 90, 699.2), at('M0', 110, 700.4)))).toBe('pT2 N1a M0');
  });

  test('pageLines reports baseline and tallest height per line', () => {
    const result = pageLines(page(at('Body', 72, 680, 10), at('HEADING', 72, 700, 14), at('note', 100, 680.5, 8)));
    expect(result).toEqual([
      { text: 'HEADING', y: 700, height: 14 },
      { text: 'Body note', y: 680.5, height: 10 },
    ]);
  });
});

describe('gaps between pieces', () => {
  test('touching pieces of one word get no space', () => {
    // "carcin" ends at 102; "oma" starts at 102 and then 0.5 later (< 0.1 × 10).
    expect(textOf(page(at('carcin', 72, 700), at('oma', 102, 700)))).toBe('carcinoma');
    expect(textOf(page(at('carcin', 72, 700), at('oma', 102.5, 700)))).toBe('carcinoma');
  });

  test('a word gap gives one space, never two', () => {
    expect(textOf(page(at('Estrogen', 72, 700), at('receptor', 115, 700)))).toBe('Estrogen receptor');
    // Trailing space inside the first run, then a word gap: still one space.
    expect(textOf(page(at('Estrogen ', 72, 700, 10, 40), at('receptor', 115, 700)))).toBe('Estrogen receptor');
    // pdf.js' own space run, and empty runs, between words.
    expect(textOf(page(at('ER', 72, 700), at(' ', 82, 700, 10, 2.5), at('', 84, 700, 0, 0), at('positive', 84.5, 700))))
      .toBe('ER positive');
  });

  test('columns are joined by exactly three spaces, whatever spaces the runs carry', () => {
    expect(textOf(page(at('Grade: ', 72, 700), at(' 3', 300, 700)))).toBe('Grade:   3');
  });

  test('fake bold (the same run drawn twice) is read once', () => {
    expect(textOf(page(at('DIAGNOSIS', 72, 700), at('DIAGNOSIS', 72.4, 700)))).toBe('DIAGNOSIS');
  });

  test('trailing and leading whitespace of lines is trimmed', () => {
    expect(textOf(page(at('  Grade 2   ', 72, 700), at('ER positive ', 72, 688)))).toBe('Grade 2\nER positive');
  });
});

describe('paragraphs', () => {
  test('a gap above 1.6 line heights is a blank line, single spacing is not', () => {
    // 700 → 688: 12 points (1.2 heights); 688 → 664: 24 points (2.4 heights).
    const p = page(at('FINAL DIAGNOSIS', 72, 700), at('Left breast, excision:', 72, 688), at('Comment', 72, 664));
    expect(textOf(p)).toBe('FINAL DIAGNOSIS\nLeft breast, excision:\n\nComment');
  });

  test('a large heading followed by body text at its own spacing is one paragraph', () => {
    expect(textOf(page(at('DIAGNOSIS', 72, 700, 16), at('Invasive carcinoma', 72, 680, 10)))).toBe('DIAGNOSIS\nInvasive carcinoma');
  });
});

describe('hyphenation at line ends', () => {
  test('a word broken across lines is joined', () => {
    const p = page(...lines(['The tumour is an invasive carci-', 'noma of no special type.']));
    expect(textOf(p)).toBe('The tumour is an invasive carcinoma of no special type.');
  });

  test('a soft hyphen at a line end joins, elsewhere it disappears', () => {
    expect(textOf(page(...lines(['invasive carci\u00AD', 'noma'])))).toBe('invasive carcinoma');
    expect(textOf(page(...lines(['immuno\u00ADhisto\u00ADchemistry'])))).toBe('immunohistochemistry');
    expect(textOf(page(...lines(['Immuno\u00AD', 'Histochemistry'])))).toBe('Immuno\nHistochemistry');
  });

  test('values, list dashes and capitalised or numeric continuations are kept', () => {
    expect(textOf(page(...lines(['HER2-', 'ER+ PR+'])))).toBe('HER2-\nER+ PR+');
    expect(textOf(page(...lines(['Receptors: ER-', 'PR-'])))).toBe('Receptors: ER-\nPR-');
    expect(textOf(page(...lines(['Receptors: ER-', 'negative'])))).toBe('Receptors: ER-\nnegative');
    expect(textOf(page(...lines(['Ki-67: 15-', '20%'])))).toBe('Ki-67: 15-\n20%');
    expect(textOf(page(...lines(['Lymphovascular invasion -', 'not identified'])))).toBe('Lymphovascular invasion -\nnot identified');
    expect(textOf(page(...lines(['moderately-', 'Differentiated'])))).toBe('moderately-\nDifferentiated');
    expect(textOf(page(...lines(['well-', '(see note)'])))).toBe('well-\n(see note)');
  });

  test('no join across a paragraph break or a page break', () => {
    expect(textOf(page(at('carci-', 72, 700), at('noma', 72, 670)))).toBe('carci-\n\nnoma');
    expect(textOf(page(at('carci-', 72, 700)), page(at('noma', 72, 700)))).toBe('carci-\n\nnoma');
  });

  test('joinHyphenated on plain text', () => {
    expect(joinHyphenated('a carci-\nnoma and lympho-\nvas-\ncular')).toBe('a carcinoma and lymphovascular');
    expect(joinHyphenated('HER2-\n3+\nER-\nPositive')).toBe('HER2-\n3+\nER-\nPositive');
    expect(joinHyphenated('ductal-\n\nlobular')).toBe('ductal-\n\nlobular');
  });
});

describe('repeated page headers and footers', () => {
  const HEADER = 'CITY HOSPITAL DEPARTMENT OF PATHOLOGY';
  const SPECIMEN = 'Specimen: left breast, wide local excision';
  // Body lines are told apart by words, not digits: digits would normalise to the same margin line.
  const NAMES = ['First', 'Second', 'Third'];
  /** 2 header lines, 6 body lines, a page-number footer: the repeated specimen line is the 5th of 9. */
  function reportPage(n: number, of: number): PageText {
    const name = NAMES[n - 1] ?? 'Other';
    return page(
      at(HEADER, 72, 760),
      at('Patient: DOE, JANE', 72, 748), at('MRN: 0012345', 300, 748),
      ...lines([`${name} line A`, `${name} line B`, SPECIMEN, `${name} line C`, `${name} line D`, `${name} line E`], 712),
      at(`Page ${n} of ${of}`, 280, 40),
    );
  }
  const bodyOf = (n: number) => {
    const name = NAMES[n - 1] ?? 'Other';
    return `${name} line A\n${name} line B\n${SPECIMEN}\n${name} line C\n${name} line D\n${name} line E`;
  };

  test('headers and changing page numbers are dropped on every page, a repeated body line is kept', () => {
    const result = layoutPages([reportPage(1, 3), reportPage(2, 3), reportPage(3, 3)]);
    expect(result.text).toBe([bodyOf(1), bodyOf(2), bodyOf(3)].join('\n\n'));
    expect(result.droppedMargins).toEqual([HEADER, 'Patient: DOE, JANE MRN: #', 'Page # of #']);
  });

  test('pageStarts point at the first line of each page', () => {
    const result = layoutPages([reportPage(1, 3), reportPage(2, 3), reportPage(3, 3)]);
    const first = bodyOf(1).length + 2;
    expect(result.pageStarts).toEqual([0, first, first + bodyOf(2).length + 2]);
    result.pageStarts.forEach((start, i) => expect(result.text.slice(start).startsWith(`${NAMES[i]} line A`)).toBe(true));
  });

  test('a single page keeps its header and footer', () => {
    const result = layoutPages([reportPage(1, 1)]);
    expect(result.text).toBe(`${HEADER}\nPatient: DOE, JANE   MRN: 0012345\n\n${bodyOf(1)}\n\nPage 1 of 1`);
    expect(result.droppedMargins).toEqual([]);
  });

  test('normalised form collapses whitespace and digit runs', () => {
    expect(normaliseMargin('  Page 12 of  13 ')).toBe('Page # of #');
    expect(normaliseMargin('Printed 2024-03-05\t10:32')).toBe('Printed #-#-# #:#');
  });

  test('repeatedMargins needs 2 pages and half of those with text, in the same margin', () => {
    // 7 lines: top margin = lines 1-3, bottom margin = lines 5-7, line 4 ('same body line') is body.
    const pageWith = (id: string, top: string, bottom: string) =>
      [top, `${id} two`, `${id} three`, 'same body line', `${id} five`, `${id} six`, bottom];
    // On 2 of 4 pages: enough. On 2 of 5: not enough.
    expect(repeatedMargins([pageWith('a', 'H', 'F'), pageWith('b', 'H', 'x'), pageWith('c', 'y', 'x'), pageWith('d', 'z', 'w')]))
      .toEqual({ top: new Set(['H']), bottom: new Set(['x']) });
    expect(repeatedMargins([pageWith('a', 'H', 'p'), pageWith('b', 'H', 'q'), pageWith('c', 'y', 'r'), pageWith('d', 'z', 's'), pageWith('e', 'v', 't')]))
      .toEqual({ top: new Set(), bottom: new Set() });
    // Pages without text do not count towards the half.
    expect(repeatedMargins([pageWith('a', 'H', 'p'), [], [], pageWith('b', 'H', 'q')]).top).toEqual(new Set(['H']));
    // At the bottom of one page and the top of the next: not a running header; body lines never are.
    expect(repeatedMargins([pageWith('a', 'p', 'Continued'), pageWith('b', 'Continued', 'q')]))
      .toEqual({ top: new Set(), bottom: new Set() });
    // A single page with text repeats nothing.
    expect(repeatedMargins([pageWith('a', 'H', 'F'), []])).toEqual({ top: new Set(), bottom: new Set() });
  });
});

describe('empty pages and degenerate input', () => {
  test('no pages, empty pages and whitespace-only pages', () => {
    expect(layoutPages([])).toEqual({ text: '', pageStarts: [], droppedMargins: [] });
    expect(layoutPages([page()])).toEqual({ text: '', pageStarts: [0], droppedMargins: [] });
    const result = layoutPages([page(), page(at('Grade 2', 72, 700)), page(at('   ', 72, 700), at('', 72, 688)), page(at('pT1c', 72, 700))]);
    // No blank lines are added for the empty pages; they start where the text so far ends.
    expect(result.text).toBe('Grade 2\n\npT1c');
    expect(result.pageStarts).toEqual([0, 0, 7, 9]);
  });

  test('NaN, zero, negative and infinite heights fall back to the page median', () => {
    const p = page(
      at('Invasive', 72, 700), { ...at('carcinoma', 115, 700), height: Number.NaN },
      { ...at('Grade 2', 72, 688), height: 0 }, { ...at('ER', 72, 676), height: -3 }, { ...at('positive', 85, 676), height: Infinity },
    );
    expect(textOf(p)).toBe('Invasive carcinoma\nGrade 2\nER positive');
  });

  test('a page without any usable height uses 10', () => {
    const p = page(at('ER', 72, 700, 0, 10), at('positive', 85, 700, 0, 40), at('PR negative', 72, 688, Number.NaN, 55));
    expect(textOf(p)).toBe('ER positive\nPR negative');
  });

  test('non-finite positions and widths do not throw', () => {
    const bad = { str: 'x', x: Number.NaN, y: Infinity, width: -Infinity, height: Number.NaN, hasEOL: true };
    expect(layoutPages([page(bad, at('y', 72, 700)), { pieces: [], width: Number.NaN, height: 0 }]).pageStarts).toEqual([0, 4]);
  });
});

describe('property: random pieces', () => {
  const num = fc.oneof(
    fc.double(),
    fc.double({ min: -1000, max: 1000, noNaN: true }),
    fc.constantFrom(0, -1, Number.NaN, Infinity, -Infinity, 10, 12),
  );
  const piece = fc.record({
    str: fc.oneof(fc.string({ unit: 'binary' }), fc.constantFrom('', ' ', '-', '\u00AD', 'carci-', 'noma', 'Page 1', '\n')),
    x: num, y: num, width: num, height: num, hasEOL: fc.boolean(),
  });
  const pageArb = fc.record({ pieces: fc.array(piece, { maxLength: 30 }), width: num, height: num });

  test('never throws and only emits characters of the pieces, spaces and newlines', () => {
    fc.assert(
      fc.property(fc.array(pageArb, { maxLength: 5 }), (pages) => {
        const result = layoutPages(pages);
        const allowed = new Set([' ', '\n', ...pages.flatMap((p) => p.pieces.flatMap((q) => q.str.split('')))]);
        for (const ch of result.text.split('')) expect(allowed.has(ch)).toBe(true);
        expect(result.pageStarts).toHaveLength(pages.length);
        if (pages.length > 0) expect(result.pageStarts[0]).toBe(0);
        for (let i = 1; i < result.pageStarts.length; i++) {
          expect(result.pageStarts[i]!).toBeGreaterThanOrEqual(result.pageStarts[i - 1]!);
        }
        expect(result.pageStarts.every((s) => s <= result.text.length)).toBe(true);
      }),
      { numRuns: 500, seed: 20240611 },
    );
  });
});
