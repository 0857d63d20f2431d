// Token → character spans for byte-level BPE (the real Llama-3 tokenizer), and tokenization and
// windows identical to model-export's Python (HF tokenizers), multi-byte characters included.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { Tokenizer } from '@huggingface/tokenizers';
import fc from 'fast-check';
import { runsOf, tokenizableText, tokenize } from '../src/domain/model/runner';
import { tokenBytes, tokenSpans } from '../src/domain/model/tokens';
import { makeWindows, windowStarts } from '../src/domain/model/windows';
import { LLAMA3, llama3Tokenizer, python } from './model-helpers';

const TEXTS = [
  'Hello world',
  'pTlc pNO (0/3). Größe 3×2 cm — naïve ✓ 😀 漢字 𠀋',
  'ER: 95%\nPR:  40 %\r\n\tHER2 2+ (equivocal); FISH ratio 1.3',
  '  leading and trailing spaces  ',
  'ÀÉÎÕÜ ñ ß ø å æ œ — “quotes” ‘single’ … €£¥ ½ ¾ ± ≥ ≤ µm',
  '<|begin_of_text|> literal special token text and <|eot_id|>',
  '',
];

describe('token spans', () => {
  it('gives exact spans for ASCII', () => {
    const { spans } = tokenize(llama3Tokenizer(), 'Hello world');
    expect(spans).toEqual([[0, 5], [5, 11]]);
  });

  it.each(TEXTS)('spans tile the text in order: %j', (text) => {
    const { ids, spans } = tokenize(llama3Tokenizer(), text);
    expect(spans).toHaveLength(ids.length);
    // Every character is covered, spans never go backwards, and neighbours abut except where a
    // multi-byte character was split between two tokens.
    const covered = new Array<boolean>(text.length).fill(false);
    let lastStart = 0;
    for (const [s, e] of spans) {
      expect(s).toBeGreaterThanOrEqual(lastStart);
      expect(e).toBeGreaterThan(s);
      expect(e).toBeLessThanOrEqual(text.length);
      for (let i = s; i < e; i++) covered[i] = true;
      lastStart = s;
    }
    expect(covered.every(Boolean)).toBe(true);
    for (let i = 1; i < spans.length; i++) {
      const [, prevEnd] = spans[i - 1]!;
      const [start] = spans[i]!;
      if (start < prevEnd) {
        // Overlap only ever shares one character that the tokenizer split between two tokens.
        expect([...text.slice(start, prevEnd)]).toHaveLength(1);
        expect(new TextEncoder().encode(text.slice(start, prevEnd)).length).toBeGreaterThan(1);
      } else {
        expect(start).toBe(prevEnd);
      }
    }
  });

  it('a token holding part of a multi-byte character gets the whole character', () => {
    const text = '漢字';
    const { spans } = tokenize(llama3Tokenizer(), ` ${text}`);
    // Llama-3 splits 漢 (3 UTF-8 bytes) across two tokens: both spans cover the whole character.
    expect(spans.length).toBeGreaterThan(2);
    expect(spans[0]).toEqual([0, 2]);
    expect(spans[1]).toEqual([1, 2]);
    expect(spans[2]).toEqual([2, 3]);
  });

  it('maps the byte-level alphabet back to bytes', () => {
    expect([...tokenBytes('Ġworld')]).toEqual([32, ...new TextEncoder().encode('world')]);
    expect([...tokenBytes('ðŁĺĢ')]).toEqual([...new TextEncoder().encode('😀')]);
    expect([...tokenBytes('Ċ')]).toEqual([10]);
  });

  it('refuses tokens that do not spell the text', () => {
    expect(() => tokenSpans('abc', ['a', 'b'])).toThrow(/do not cover/);
    expect(() => tokenSpans('ab', ['a', 'bc'])).toThrow(/past the end/);
  });
});

describe('windows', () => {
  it.each([0, 1, 62, 63, 64, 100, 111, 112, 500])('cover %i tokens like model-export', (n) => {
    const starts = windowStarts(n, 64, 48);
    expect(starts[0]).toBe(0);
    for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBe(48);
    expect(starts.slice(0, -1).every((s) => s + 63 < n)).toBe(true);
    const ids = Array.from({ length: n }, (_, i) => 1000 + i);
    const w = makeWindows(ids, 7, 64, 48);
    expect(new Set(w.ids.flatMap((x) => x.slice(1)))).toEqual(new Set(ids));
    expect(w.ids.every((x) => x[0] === 7 && x.length <= 64)).toBe(true);
  });

  it('refuses settings that leave gaps', () => {
    expect(() => windowStarts(10, 1, 1)).toThrow();
    expect(() => windowStarts(10, 64, 64)).toThrow();
    expect(() => windowStarts(10, 64, 0)).toThrow();
  });

  it('tokenizes and windows exactly as the Python training code', () => {
    const texts = TEXTS.filter(Boolean).concat(['Invasive carcinoma. '.repeat(40)]);
    const ts = texts.map((t) => makeWindows(tokenize(llama3Tokenizer(), t).ids, 128000, 48, 32).ids);
    const py = python<number[][][]>(
      `import json, sys
from model_export.common import load_tokenizer
from model_export.data import Encoder
enc = Encoder(load_tokenizer(${JSON.stringify(LLAMA3)}), 48, 32)
print(json.dumps([enc.windows(t) for t in json.load(sys.stdin)]))`,
      texts,
    );
    expect(ts).toEqual(py);
  });
});

describe('text any tokenizer can read', () => {
  // Control characters (from PDFs and old laboratory systems) and lone surrogates once made the model
  // fail with "tokens do not cover the text"; the rules read the same text.
  const packageTokenizer = () => {
    const dir = new URL('../public/models/default/', import.meta.url);
    const json = (name: string) => JSON.parse(readFileSync(new URL(name, dir), 'utf8')) as object;
    return new Tokenizer(json('tokenizer.json'), json('tokenizer_config.json'));
  };

  it('reads control characters and lone surrogates, with spans inside the text, for both tokenizers', () => {
    const text = 'ER\u0004 positive\u0006 (95%).\u0013 HER2\u0014 negative\u0016\u001d (1+). \ud800 pT2\u0085 pN1a\u007f.';
    for (const tokenizer of [llama3Tokenizer(), packageTokenizer()]) {
      const { ids, spans } = tokenize(tokenizer, text);
      expect(ids.length).toBeGreaterThan(5);
      for (const [s, e] of spans) {
        expect(s).toBeGreaterThanOrEqual(0);
        expect(e).toBeLessThanOrEqual(text.length);
      }
    }
    expect(tokenizableText(text)).toHaveLength(text.length);
  });

  it('any string tokenizes without an error (property)', () => {
    const tokenizer = packageTokenizer();
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        const { spans } = tokenize(tokenizer, text);
        for (const [s, e] of spans) expect(s >= 0 && s <= e && e <= text.length).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('runs of windows', () => {
  it('batches full windows four at a time and runs a shorter last window on its own', () => {
    const full = Array.from({ length: 512 }, () => 1);
    const short = [1, 2, 3];
    expect(runsOf([full, full, full, short])).toEqual([[0, 3], [3, 4]]);
    expect(runsOf([full, full, full, full, full, short])).toEqual([[0, 4], [4, 5], [5, 6]]);
    expect(runsOf([short])).toEqual([[0, 1]]);
    expect(runsOf([])).toEqual([]);
  });
});
