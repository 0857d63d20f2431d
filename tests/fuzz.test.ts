// Property-based fuzzing (fast-check) of what reads untrusted input: the rule extractor and its
// post-processing (review marks, OCR marks, corrections), text decoding, and PDFs with damaged bytes
// through the ingest path. Properties: no exception escapes (other than an IngestError with a
// message), evidence spans lie inside the text and on its characters, every value is one of the
// schema's labels, and the stage group always follows from the final T, N and M.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { nodeIngestPlatform } from '../src/cli/ingestNode';
import { correct, finalExtraction } from '../src/domain/corrections';
import { markOcrUncertainty } from '../src/domain/review';
import { extractRules } from '../src/domain/rules';
import { FIELD_NAMES, labelsOf } from '../src/domain/schema';
import { stageGroup } from '../src/domain/staging';
import type { Extraction } from '../src/domain/types';
import { decodeText } from '../src/ingest/decode';
import { IngestError } from '../src/ingest/document';
import { ingestFile } from '../src/ingest/ingest';
import { FIXTURE_REPORT_PATH, makeIngestFixtures, type Fixtures } from '../scripts/ingest-fixtures.mjs';

const SOURCE = readFileSync(FIXTURE_REPORT_PATH, 'utf8');
const PHRASES = ['pT2', 'pN1a', 'ypT1c', 'pM1', 'grade 3', 'Nottingham score 7', 'ER positive (5%)', 'PR negative', 'HER2 2+', 'FISH amplified', '2 of 15 lymph nodes', '2.3 cm', 'no invasive carcinoma', 'DCIS only', 'left breast', 'lung'];

/** Report-like text: fragments of a real-shaped report and stage/marker phrases, mutated at random. */
const reportText = fc
  .array(
    fc.oneof(
      fc.constantFrom(...PHRASES),
      fc.integer({ min: 0, max: SOURCE.length - 1 }).chain((at) => fc.integer({ min: 1, max: 200 }).map((n) => SOURCE.slice(at, at + n))),
      fc.string({ unit: 'binary', maxLength: 20 }),
      fc.constantFrom('\n', '\n\n', ' ', ': ', '. ', '|', '\u0004', '\u00ad', '\ufeff'),
    ),
    { maxLength: 40 },
  )
  .map((parts) => parts.join(''));

function checkExtraction(text: string, x: Extraction): void {
  for (const f of FIELD_NAMES) {
    const r = x.fields[f];
    expect(labelsOf(f)).toContain(r.value);
    expect(r.confidence).toBeGreaterThanOrEqual(0);
    expect(r.confidence).toBeLessThanOrEqual(1);
    for (const [s, e] of r.evidence) {
      expect(Number.isInteger(s) && Number.isInteger(e) && 0 <= s && s <= e && e <= text.length).toBe(true);
      // On the text's characters: never inside a surrogate pair.
      expect(/[\udc00-\udfff]/.test(text[s] ?? '') && /[\ud800-\udbff]/.test(text[s - 1] ?? '')).toBe(false);
    }
  }
  for (const flag of x.flags) for (const [s, e] of flag.evidence) expect(0 <= s && s <= e && e <= text.length).toBe(true);
  // Another organ's report, or no report at all, is never staged; otherwise the group is AJCC's for the final T, N, M.
  const notBreast = x.flags.some((f) => f.code === 'not_breast_report' || f.code === 'not_a_pathology_report');
  expect(x.stage.group).toBe(notBreast ? 'cannot be staged' : stageGroup(x.fields.pT.value, x.fields.pN.value, x.fields.pM.value).group);
}

describe('fuzzing the rules and what follows them', () => {
  test('random and mutated report text: in the schema, spans inside the text, stage from T, N and M', () => {
    fc.assert(
      fc.property(reportText, (text) => {
        checkExtraction(text, extractRules(text));
      }),
      { numRuns: 400, seed: 20261202 },
    );
  });

  test('OCR marks and corrections on top keep every property', () => {
    fc.assert(
      fc.property(
        reportText,
        fc.array(fc.tuple(fc.nat(), fc.nat(30), fc.double({ min: 0, max: 1, noNaN: true })), { maxLength: 6 }),
        fc.array(fc.tuple(fc.constantFrom(...FIELD_NAMES), fc.nat()), { maxLength: 4 }),
        (text, words, changes) => {
          const uncertain = words.map(([at, n, confidence]) => {
            const s = text.length === 0 ? 0 : at % text.length;
            return { span: [s, Math.min(text.length, s + n)] as const, confidence };
          });
          let x = markOcrUncertainty(extractRules(text), text, uncertain);
          checkExtraction(text, x);
          let state = { corrections: [] as ReturnType<typeof correct>['corrections'], reviewedAt: null as string | null };
          for (const [field, pick] of changes) state = correct(x, state, field, labelsOf(field)[pick % labelsOf(field).length]!, 't');
          x = finalExtraction(x, state.corrections);
          checkExtraction(text, x);
        },
      ),
      { numRuns: 200, seed: 7 },
    );
  });
});

describe('fuzzing the ingest path', () => {
  let fx: Fixtures;
  const platform = nodeIngestPlatform();
  beforeAll(async () => {
    fx = await makeIngestFixtures();
  });
  afterAll(() => platform.close());

  test('any bytes named .txt decode to clean text or are refused as not text', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        try {
          const { text } = decodeText(bytes, 'x.txt');
          expect(text).not.toMatch(/[\u0000-\u0008\u000b\u000e-\u001f\u007f\r]/);
        } catch (e) {
          expect(e).toBeInstanceOf(IngestError);
          expect((e as IngestError).name).toBe('NotText');
        }
      }),
      { numRuns: 500, seed: 11 },
    );
  });

  test('a text PDF with damaged bytes is read or refused with a message, never anything else', async () => {
    const original = new Uint8Array(readFileSync(fx.textPdf!.path));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(original.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), fc.nat(original.length), async (flips, cut) => {
        const bytes = original.slice(0, Math.max(16, cut));
        for (const [at, value] of flips) if (at < bytes.length) bytes[at] = value;
        try {
          const doc = await ingestFile('damaged.pdf', bytes, platform);
          checkExtraction(doc.text, extractRules(doc.text));
        } catch (e) {
          expect(e, String(e)).toBeInstanceOf(IngestError);
          expect((e as IngestError).message).toMatch(/damaged\.pdf/);
        }
      }),
      { numRuns: 40, seed: 3 },
    );
  }, 120_000);
});
