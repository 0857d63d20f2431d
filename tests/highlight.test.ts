// Unit tests of src/app/highlight.ts (segmentText, normaliseSpan): report text is cut into
// consecutive segments labelled with the evidence keys covering them. Checked here: the pieces
// always join back to the original text, which pieces carry which keys, clamping of spans that
// are empty, reversed or outside the text, surrogate pairs (emoji, rare CJK) never cut in half,
// and a seeded randomized property test.
// Run: npx vitest run tests/highlight.test.ts
import { describe, expect, it } from 'vitest';
import { normaliseSpan, segmentText, splitsPair, type KeyedSpan, type Segment } from '../src/app/highlight';

function span(key: string, start: number, end: number): KeyedSpan {
  return { key, start, end };
}

function joined(segments: readonly Segment[]): string {
  return segments.map((s) => s.text).join('');
}

/** [text, keys] per segment: the compact form most expectations below are written in. */
function shape(segments: readonly Segment[]): [string, string[]][] {
  return segments.map((s) => [s.text, [...s.keys]]);
}

const cutsPair = splitsPair;

/** Structural invariants every result must satisfy, whatever the spans. */
function expectWellFormed(text: string, segments: readonly Segment[], context = ''): void {
  expect(joined(segments), context).toBe(text);
  if (text.length === 0) {
    expect(segments, context).toEqual([]);
    return;
  }
  expect(segments[0]!.start, context).toBe(0);
  expect(segments[segments.length - 1]!.end, context).toBe(text.length);
  segments.forEach((s, i) => {
    expect(s.start, context).toBeLessThan(s.end);
    expect(s.text, context).toBe(text.slice(s.start, s.end));
    expect(new Set(s.keys).size, `${context} duplicate keys in segment ${i}`).toBe(s.keys.length);
    expect(cutsPair(text, s.start), `${context} segment ${i} starts inside a surrogate pair`).toBe(false);
    expect(cutsPair(text, s.end), `${context} segment ${i} ends inside a surrogate pair`).toBe(false);
    const next = segments[i + 1];
    if (next) {
      expect(next.start, context).toBe(s.end);
      // Neighbours with the same keys are merged, so neighbours always differ.
      expect([...next.keys], `${context} segments ${i} and ${i + 1} should have been merged`).not.toEqual([...s.keys]);
    }
  });
}

const TEXT = 'Tumour size 22 mm, grade 2.';

describe('segmentText: concatenation always equals the original text', () => {
  const cases: [string, string, KeyedSpan[]][] = [
    ['no spans', TEXT, []],
    ['empty text, no spans', '', []],
    ['empty text with spans', '', [span('a', 0, 3), span('b', -1, 1)]],
    ['one span in the middle', TEXT, [span('a', 12, 17)]],
    ['a span at the start', TEXT, [span('a', 0, 6)]],
    ['a span at the end', TEXT, [span('a', 19, TEXT.length)]],
    ['a span over the whole text', TEXT, [span('a', 0, TEXT.length)]],
    ['overlapping spans', TEXT, [span('a', 2, 10), span('b', 6, 14)]],
    ['nested spans', TEXT, [span('a', 0, 20), span('b', 5, 9)]],
    ['identical spans, different keys', TEXT, [span('a', 3, 8), span('b', 3, 8)]],
    ['repeated span, same key', TEXT, [span('a', 3, 8), span('a', 3, 8)]],
    ['unsorted spans', TEXT, [span('c', 20, 25), span('a', 0, 4), span('b', 10, 14)]],
    ['span partly before the text', TEXT, [span('a', -10, 4)]],
    ['span partly after the text', TEXT, [span('a', 20, 1000)]],
    ['span wholly before the text', TEXT, [span('a', -10, -2)]],
    ['span wholly after the text', TEXT, [span('a', 100, 200)]],
    ['empty span', TEXT, [span('a', 5, 5)]],
    ['reversed span', TEXT, [span('a', 9, 3)]],
    ['NaN span', TEXT, [span('a', Number.NaN, 4)]],
    ['fractional span', TEXT, [span('a', 1.5, 3.2)]],
    ['empty spans at both ends', TEXT, [span('a', 0, 0), span('b', TEXT.length, TEXT.length)]],
    ['single-character text, whole span', 'x', [span('a', 0, 1)]],
    ['emoji text, span inside the pair', 'a😀b', [span('a', 2, 2.5), span('b', 2, 3)]],
    ['many spans of every kind', TEXT, [span('a', -3, 5), span('b', 4, 4), span('c', 2, 26), span('a', 25, 99), span('d', 7, 1)]],
  ];
  it.each(cases)('%s', (_name, text, spans) => {
    expectWellFormed(text, segmentText(text, spans));
  });
});

describe('segmentText: which segments are marked and with which keys', () => {
  it('no spans gives one unmarked segment covering the text', () => {
    expect(segmentText(TEXT, [])).toStrictEqual([{ start: 0, end: TEXT.length, text: TEXT, keys: [] }]);
  });

  it('empty text gives no segments', () => {
    expect(segmentText('', [span('a', 0, 2)])).toStrictEqual([]);
  });

  it('one span cuts the text in three, with start/end offsets', () => {
    expect(segmentText('abcdefgh', [span('size', 2, 5)])).toStrictEqual([
      { start: 0, end: 2, text: 'ab', keys: [] },
      { start: 2, end: 5, text: 'cde', keys: ['size'] },
      { start: 5, end: 8, text: 'fgh', keys: [] },
    ]);
  });

  it('a span at the start leaves no empty leading segment', () => {
    expect(shape(segmentText('abcdef', [span('a', 0, 2)]))).toEqual([
      ['ab', ['a']],
      ['cdef', []],
    ]);
  });

  it('a span at the end leaves no empty trailing segment', () => {
    expect(shape(segmentText('abcdef', [span('a', 4, 6)]))).toEqual([
      ['abcd', []],
      ['ef', ['a']],
    ]);
  });

  it('a span over the whole text is one marked segment', () => {
    expect(shape(segmentText('abcdef', [span('a', 0, 6)]))).toEqual([['abcdef', ['a']]]);
  });

  it('overlapping spans: the overlap carries both keys', () => {
    expect(shape(segmentText('abcdefghij', [span('a', 2, 6), span('b', 4, 8)]))).toEqual([
      ['ab', []],
      ['cd', ['a']],
      ['ef', ['a', 'b']],
      ['gh', ['b']],
      ['ij', []],
    ]);
  });

  it('nested spans: the inner stretch carries both keys, the outer key resumes after it', () => {
    expect(shape(segmentText('abcdefghij', [span('outer', 1, 9), span('inner', 4, 6)]))).toEqual([
      ['a', []],
      ['bcd', ['outer']],
      ['ef', ['outer', 'inner']],
      ['ghi', ['outer']],
      ['j', []],
    ]);
  });

  it('keys are listed in the order they first appear in the input, not by position', () => {
    expect(shape(segmentText('abcdefghij', [span('b', 4, 8), span('a', 2, 6)]))).toEqual([
      ['ab', []],
      ['cd', ['a']],
      ['ef', ['b', 'a']],
      ['gh', ['b']],
      ['ij', []],
    ]);
  });

  it('unsorted spans give the same segments as sorted ones (up to key order)', () => {
    const spans = [span('a', 0, 3), span('b', 5, 7), span('c', 8, 10)];
    const sorted = segmentText('abcdefghij', spans);
    const unsorted = segmentText('abcdefghij', [spans[2]!, spans[0]!, spans[1]!]);
    expect(shape(unsorted)).toEqual(shape(sorted));
  });

  it('identical spans with different keys give one segment with both keys', () => {
    expect(shape(segmentText('abcdef', [span('x', 1, 3), span('y', 1, 3)]))).toEqual([
      ['a', []],
      ['bc', ['x', 'y']],
      ['def', []],
    ]);
  });

  it('a repeated key is listed once', () => {
    expect(shape(segmentText('abcdef', [span('x', 1, 3), span('x', 1, 3), span('x', 2, 3)]))).toEqual([
      ['a', []],
      ['bc', ['x']],
      ['def', []],
    ]);
  });

  it('touching spans with the same key merge into one segment', () => {
    expect(shape(segmentText('abcdefgh', [span('x', 1, 4), span('x', 4, 7)]))).toEqual([
      ['a', []],
      ['bcdefg', ['x']],
      ['h', []],
    ]);
  });

  it('touching spans with different keys stay two segments', () => {
    expect(shape(segmentText('abcdefgh', [span('x', 1, 4), span('y', 4, 7)]))).toEqual([
      ['a', []],
      ['bcd', ['x']],
      ['efg', ['y']],
      ['h', []],
    ]);
  });

  it('two separate spans of one key leave the gap unmarked', () => {
    expect(shape(segmentText('abcdefgh', [span('x', 0, 2), span('x', 5, 8)]))).toEqual([
      ['ab', ['x']],
      ['cde', []],
      ['fgh', ['x']],
    ]);
  });

  it('a span running off either end is clamped to the text', () => {
    expect(shape(segmentText('abcdef', [span('x', -5, 2), span('y', 4, 600)]))).toEqual([
      ['ab', ['x']],
      ['cd', []],
      ['ef', ['y']],
    ]);
  });

  it('spans wholly outside the text are ignored', () => {
    expect(shape(segmentText('abcdef', [span('x', -5, -1), span('y', 6, 10), span('z', 50, 60)]))).toEqual([
      ['abcdef', []],
    ]);
  });

  it('empty, reversed and NaN spans are ignored', () => {
    const spans = [span('e', 3, 3), span('r', 5, 1), span('n', Number.NaN, 4), span('m', 1, Number.NaN)];
    expect(shape(segmentText('abcdef', spans))).toEqual([['abcdef', []]]);
  });

  it('fractional offsets widen outwards to whole code units', () => {
    expect(shape(segmentText('abcdef', [span('x', 1.5, 3.2)]))).toEqual([
      ['a', []],
      ['bcd', ['x']],
      ['ef', []],
    ]);
  });

  it('an ignored span does not put its key on any segment', () => {
    const segments = segmentText('abcdef', [span('ghost', 4, 4), span('x', 0, 2)]);
    expect(segments.flatMap((s) => s.keys)).not.toContain('ghost');
  });
});

describe('normaliseSpan', () => {
  it.each([
    ['inside the text', span('k', 1, 3), span('k', 1, 3)],
    ['clamped at the start', span('k', -4, 3), span('k', 0, 3)],
    ['clamped at the end', span('k', 2, 99), span('k', 2, 6)],
    ['fractional, widened', span('k', 0.9, 2.1), span('k', 0, 3)],
  ] as const)('%s', (_name, input, expected) => {
    expect(normaliseSpan('abcdef', input)).toStrictEqual(expected);
  });

  it.each([
    ['empty', span('k', 2, 2)],
    ['reversed', span('k', 4, 2)],
    ['wholly before', span('k', -3, 0)],
    ['wholly after', span('k', 6, 9)],
    ['NaN start', span('k', Number.NaN, 2)],
    ['NaN end', span('k', 1, Number.NaN)],
  ] as const)('%s → null', (_name, input) => {
    expect(normaliseSpan('abcdef', input)).toBeNull();
  });

  it('widens a span that would cut an emoji in half', () => {
    // 'a😀b': a = 0, 😀 = 1..2 (two UTF-16 code units), b = 3.
    expect(normaliseSpan('a😀b', span('k', 2, 3))).toStrictEqual(span('k', 1, 3));
    expect(normaliseSpan('a😀b', span('k', 0, 2))).toStrictEqual(span('k', 0, 3));
  });

  // Emptiness is checked before widening: an empty (or reversed) span whose ends both fall between
  // the halves of a surrogate pair is dropped, not widened over the whole character.
  it('an empty span inside a surrogate pair is dropped, not widened', () => {
    expect(normaliseSpan('a😀b', span('k', 2, 2))).toBeNull();
  });

  it('a reversed span inside a surrogate pair is dropped, not widened', () => {
    expect(normaliseSpan('a😀b', span('k', 2.5, 1.5))).toBeNull();
  });
});

describe('segmentText: multi-byte characters', () => {
  // 'x😀é漢字𠀋y': x 0, 😀 1–2, é 3, 漢 4, 字 5, 𠀋 6–7 (a CJK Extension B ideograph, also a pair), y 8.
  const MB = 'x😀é漢字𠀋y';

  it('the test string has the UTF-16 layout the cases assume', () => {
    expect(MB.length).toBe(9);
    expect(MB.slice(1, 3)).toBe('😀');
    expect(MB.slice(3, 4)).toBe('é');
    expect(MB.slice(4, 6)).toBe('漢字');
    expect(MB.slice(6, 8)).toBe('𠀋');
  });

  it('a span exactly over the emoji marks the emoji', () => {
    expect(shape(segmentText(MB, [span('e', 1, 3)]))).toEqual([
      ['x', []],
      ['😀', ['e']],
      ['é漢字𠀋y', []],
    ]);
  });

  it('a span starting inside the emoji widens to the whole emoji', () => {
    expect(shape(segmentText(MB, [span('e', 2, 4)]))).toEqual([
      ['x', []],
      ['😀é', ['e']],
      ['漢字𠀋y', []],
    ]);
  });

  it('a span ending inside the emoji widens to the whole emoji', () => {
    expect(shape(segmentText(MB, [span('e', 0, 2)]))).toEqual([
      ['x😀', ['e']],
      ['é漢字𠀋y', []],
    ]);
  });

  it('an empty span between the halves of the emoji highlights nothing', () => {
    expect(shape(segmentText(MB, [span('e', 2, 2)]))).toEqual([[MB, []]]);
  });

  it('a span entirely inside one surrogate pair marks the whole character', () => {
    expect(shape(segmentText(MB, [span('e', 1.2, 1.8)]))).toEqual([
      ['x', []],
      ['😀', ['e']],
      ['é漢字𠀋y', []],
    ]);
  });

  it('two spans meeting inside the emoji do not split it', () => {
    const segments = segmentText(MB, [span('a', 0, 2), span('b', 2, 4)]);
    expectWellFormed(MB, segments);
    expect(shape(segments)).toEqual([
      ['x', ['a']],
      ['😀', ['a', 'b']],
      ['é', ['b']],
      ['漢字𠀋y', []],
    ]);
  });

  it('accented é and BMP CJK are single code units and are cut exactly', () => {
    expect(shape(segmentText(MB, [span('a', 3, 4), span('c', 5, 6)]))).toEqual([
      ['x😀', []],
      ['é', ['a']],
      ['漢', []],
      ['字', ['c']],
      ['𠀋y', []],
    ]);
  });

  it('a span cutting the supplementary CJK ideograph widens over it', () => {
    expect(shape(segmentText(MB, [span('c', 5, 7)]))).toEqual([
      ['x😀é漢', []],
      ['字𠀋', ['c']],
      ['y', []],
    ]);
  });

  it('adjacent emoji: each cut inside a pair widens to the pair', () => {
    // '😀😀😀': pairs at 0–1, 2–3, 4–5; [1, 3) touches the first two.
    expect(shape(segmentText('😀😀😀', [span('e', 1, 3)]))).toEqual([
      ['😀😀', ['e']],
      ['😀', []],
    ]);
  });

  it('an emoji at either end of the text, partly covered, is kept whole', () => {
    expect(shape(segmentText('😀ab😀', [span('s', 1, 1.5), span('t', 5, 9)]))).toEqual([
      ['😀', ['s']],
      ['ab', []],
      ['😀', ['t']],
    ]);
  });

  it('no segment boundary falls inside any surrogate pair, for every single-unit span', () => {
    for (let start = -1; start <= MB.length; start++) {
      for (let end = start; end <= MB.length + 1; end++) {
        expectWellFormed(MB, segmentText(MB, [span('k', start, end)]), `[${start}, ${end})`);
      }
    }
  });
});

describe('segmentText: randomized property test (seeded)', () => {
  /** Numerical Recipes LCG, 32-bit, fixed seed: the same 200 cases every run. */
  function lcg(seed: number): () => number {
    let state = seed >>> 0;
    return () => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return state / 2 ** 32;
    };
  }

  // Single code units and surrogate pairs (emoji, skin-tone modifier, supplementary CJK).
  const ALPHABET = ['a', 'b', ' ', '.', '2', 'é', '漢', '字', '😀', '👍', '🏽', '𠀋'];
  const KEYS = ['pT', 'pN', 'ER', 'HER2'];

  it('200 random span sets: text is preserved and highlighting matches the spans exactly', () => {
    const rand = lcg(0x5eed1234);
    const int = (lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));
    let highlightedCases = 0;

    for (let c = 0; c < 200; c++) {
      const chars = Array.from({ length: int(0, 30) }, () => ALPHABET[int(0, ALPHABET.length - 1)]!);
      const text = chars.join('');
      const spans: KeyedSpan[] = Array.from({ length: int(0, 6) }, () => {
        let start = int(-4, text.length + 4);
        let end = int(-4, text.length + 4);
        if (rand() < 0.2) start += 0.5;
        if (rand() < 0.2) end -= 0.5;
        if (rand() < 0.5 && start > end) [start, end] = [end, start];
        return span(KEYS[int(0, KEYS.length - 1)]!, start, end);
      });
      const context = `case ${c}: ${JSON.stringify({ text, spans })}`;
      const segments = segmentText(text, spans);

      expect(joined(segments), context).toBe(text);
      expectWellFormed(text, segments, context);

      // Walk the text one code point at a time. A code point is inside a span when any of its
      // UTF-16 code units [u, u + 1) overlaps the span's [start, end) (a non-empty interval).
      let seg = 0;
      for (let i = 0; i < text.length; ) {
        const width = (text.codePointAt(i) ?? 0) > 0xffff ? 2 : 1;
        while (segments[seg]!.end <= i) seg++;
        const segment = segments[seg]!;
        // A code point never straddles two segments.
        expect(segment.start <= i && i + width <= segment.end, `${context} code point at ${i}`).toBe(true);

        const inside = spans.filter((s) => s.start < s.end && s.start < i + width && s.end > i).map((s) => s.key);
        const expected = [...new Set(inside)].sort();
        const got = [...segment.keys].sort();
        // Highlighted ⇒ inside some span with that key; inside a span ⇒ highlighted with its key.
        expect(got, `${context} keys at code point ${i}`).toEqual(expected);
        expect(segment.keys.length > 0, `${context} highlighted at ${i}`).toBe(inside.length > 0);
        i += width;
      }
      if (segments.some((x) => x.keys.length > 0)) highlightedCases++;
    }
    // The generator really exercises highlighting.
    expect(highlightedCases).toBeGreaterThan(100);
  });
});
