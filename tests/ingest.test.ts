// Files → report documents, through the same ingest module the page's worker uses, on Node's platform
// (pdf.js legacy build, @napi-rs/canvas, tesseract.js with the bundled English data). The files come
// from scripts/ingest-fixtures.mjs. OCR runs for real: the scan tests take a few seconds each.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MAX_FILE_BYTES } from '../src/domain/limits';
import { classifyReport } from '../src/domain/reportKind';
import { markOcrUncertainty } from '../src/domain/review';
import { extractRules } from '../src/domain/rules';
import { FIELD_NAMES } from '../src/domain/schema';
import { nodeIngestPlatform } from '../src/cli/ingestNode';
import { decodeText, normaliseText } from '../src/ingest/decode';
import { detectKind, imageLooksWhole } from '../src/ingest/detect';
import type { ReportDocument } from '../src/ingest/document';
import { ingestFile } from '../src/ingest/ingest';
import { ocrPageText, stoppableEngine, type OcrBlock } from '../src/ingest/ocr';
import { FIXTURE_REPORT_PATH, makeIngestFixtures, type Fixtures } from '../scripts/ingest-fixtures.mjs';

let fx: Fixtures;
const platform = nodeIngestPlatform();
const SOURCE = normaliseText(readFileSync(FIXTURE_REPORT_PATH, 'utf8'));

beforeAll(async () => {
  fx = await makeIngestFixtures();
});
afterAll(() => platform.close());

async function ingest(key: string): Promise<ReportDocument> {
  const path = fx[key]!.path;
  return ingestFile(path.split('/').pop()!, new Uint8Array(readFileSync(path)), platform);
}

async function refusal(key: string): Promise<{ name: string; message: string }> {
  try {
    await ingest(key);
  } catch (e) {
    return { name: (e as Error).name, message: (e as Error).message };
  }
  throw new Error(`${key} was read, but should have been refused`);
}

const values = (text: string) => Object.fromEntries(FIELD_NAMES.map((f) => [f, extractRules(text).fields[f].value]));

describe('text files: the encoding is recognised and decoded', () => {
  test.each([
    ['txtUtf8', 'utf-8'],
    ['txtUtf8Bom', 'utf-8'],
    ['txtUtf16le', 'utf-16le'],
    ['txtUtf16be', 'utf-16be'],
    ['txtCp1252', 'windows-1252'],
  ])('%s decodes as %s to the report as written', async (key, encoding) => {
    const doc = await ingest(key);
    expect(doc.source.encoding).toBe(encoding);
    expect(doc.text).toBe(SOURCE);
    expect(doc.text).toContain('Hôpital Sainte-Thérèse —');
    expect(doc.text).toContain('“palpable mass');
  });

  test('binary data named .txt, an empty file and a blank one are refused with their reason', async () => {
    expect(await refusal('binaryTxt')).toMatchObject({ name: 'NotText', message: expect.stringMatching(/binary\.txt is not a text file/) });
    expect(await refusal('emptyTxt')).toMatchObject({ name: 'EmptyFile' });
    expect(await refusal('whitespaceTxt')).toMatchObject({ name: 'NoText', message: expect.stringMatching(/only spaces or line breaks/) });
  });

  test('the kind comes from the bytes: a PDF named .txt is a PDF, a Word file is refused by name', () => {
    expect(detectKind('report.txt', new Uint8Array(readFileSync(fx.textPdf!.path)))).toBe('pdf');
    expect(() => detectKind('report.docx', new Uint8Array([0x50, 0x4b, 3, 4]))).toThrow(/\.docx files are not read here/);
    expect(() => detectKind('scan.pdf', new TextEncoder().encode('<html>not a pdf</html>'))).toThrow(/named \.pdf but is not a PDF/);
    expect(decodeText(new TextEncoder().encode('a\r\nb\rc\fd'), 'x.txt').text).toBe('a\nb\nc\n\nd');
    expect(() => detectKind('huge.pdf', new Uint8Array(MAX_FILE_BYTES + 1))).toThrow(/huge\.pdf is 50\.0 MB; files over 50 MB are not read/);
  });
});

describe('PDF text layer', () => {
  test('lines in reading order, hyphenation joined, table rows on one line, running header and footer dropped', async () => {
    const doc = await ingest('textPdf');
    expect(doc.pages.map((p) => [p.number, p.ocr])).toEqual([[1, false], [2, false]]);
    expect(doc.ocr).toBeNull();
    const facts = fx.textPdf!.expect.text as { contains: string[]; header: string; footers: string[]; hyphenated: { joined: string }[]; tableRow: { label: string; value: string } };
    for (const fact of facts.contains) expect(doc.text).toContain(fact);
    for (const { joined } of facts.hyphenated) expect(doc.text).toContain(joined);
    expect(doc.text).not.toMatch(/carci-\s*noma/);
    expect(doc.text).toMatch(new RegExp(`^${facts.tableRow.label} {3}${facts.tableRow.value.replace(/[()]/g, '\\$&')}$`, 'm'));
    expect(doc.text).not.toContain(facts.header);
    for (const footer of facts.footers) expect(doc.text).not.toContain(footer);
    // Page spans tile the text.
    expect(doc.pages[0]!.start).toBe(0);
    expect(doc.pages[1]!.end).toBe(doc.text.length);
    expect(values(doc.text)).toEqual(values(SOURCE));
  });

  test('a text PDF that is no pathology report is read; the extractor then says what it is', async () => {
    const doc = await ingest('notReportPdf');
    expect(classifyReport(doc.text).kind).toBe('not_pathology');
  });

  test('encrypted, corrupt, truncated, empty and 300-page PDFs are refused with what to do', async () => {
    expect(await refusal('encryptedPdf')).toMatchObject({ name: 'EncryptedPdf', message: expect.stringMatching(/protected by a password\. Save an unprotected copy/) });
    expect(await refusal('corruptPdf')).toMatchObject({ name: 'CorruptFile', message: expect.stringMatching(/damaged or incomplete/) });
    expect(await refusal('truncatedPdf')).toMatchObject({ name: 'CorruptFile' });
    expect(await refusal('emptyPdf')).toMatchObject({ name: 'EmptyFile' });
    expect(await refusal('manyPagesPdf')).toMatchObject({ name: 'TooManyPages', message: expect.stringMatching(/has 300 pages/) });
  });
});

describe('PDF forms', () => {
  test('a PDF holding its report only in filled-in form fields is read from the fields, without OCR', async () => {
    const doc = await ingest('formFieldsPdf');
    expect(doc.pages.map((p) => p.ocr)).toEqual([false, false]);
    for (const fact of (fx.formFieldsPdf!.expect.text as { contains: string[] }).contains) expect(doc.text).toContain(fact);
    expect(values(doc.text)).toEqual(values((await ingest('textPdf')).text));
  });
});

describe('OCR of scans', () => {
  test('an image-only PDF is recognised page by page, with a confidence per word, and reads as the text PDF does', async () => {
    const progress: string[] = [];
    const path = fx.scanPdf!.path;
    const doc = await ingestFile('report-scan.pdf', new Uint8Array(readFileSync(path)), platform, {
      onProgress: (p) => progress.push(p.phase === 'ocr' ? `ocr ${p.page}/${p.pages}` : p.phase),
    });
    expect(progress).toEqual(['reading', 'ocr 1/2', 'ocr 2/2']);
    expect(doc.pages.every((p) => p.ocr)).toBe(true);
    expect(doc.ocr!.meanConfidence).toBeGreaterThan(0.85);
    for (const w of doc.ocr!.words) {
      expect(w.confidence).toBeGreaterThanOrEqual(0);
      expect(w.confidence).toBeLessThanOrEqual(1);
      const word = doc.text.slice(w.span[0], w.span[1]);
      expect(word.length).toBeGreaterThan(0);
      expect(word).not.toMatch(/\s/);
    }
    const text = await ingest('textPdf');
    expect(values(doc.text)).toEqual(values(text.text));
  }, 60_000);

  test('a scanned image (PNG) is recognised as one page', async () => {
    const doc = await ingest('scanPng');
    expect(doc.source.kind).toBe('image');
    expect(doc.pages).toEqual([{ number: 1, start: 0, end: doc.text.length, ocr: true }]);
    expect(doc.text).toMatch(/pT2 pN1a/);
  }, 60_000);
});

describe('cancelling a file while a page is in OCR', () => {
  // Stands in for tesseract.js: a recognition that only ends when the engine is stopped, as a page's
  // does when Cancel comes in the middle of it (tesseract.js's terminate never answers it).
  function hangingOcr() {
    let started!: () => void;
    const recognising = new Promise<void>((resolve) => (started = resolve));
    const terminated: string[] = [];
    const engine = stoppableEngine(
      () => {
        started();
        return new Promise<OcrBlock[]>(() => undefined);
      },
      async () => void terminated.push('engine'),
    );
    return { engine, recognising, terminated };
  }

  /** Reads a scan and cancels it the way the ingest worker does, once a page is inside the engine. */
  async function cancelledInOcr(name: string, path: string) {
    const ocr = hangingOcr();
    const control = new AbortController();
    const read = ingestFile(name, new Uint8Array(readFileSync(path)), { pdf: platform.pdf, ocr: async () => ocr.engine }, { signal: control.signal });
    await ocr.recognising;
    control.abort();
    await ocr.engine.terminate();
    return { read, terminated: ocr.terminated };
  }

  test('a scanned PDF: stopping the engine ends the read with Cancelled, not a hang', async () => {
    const { read, terminated } = await cancelledInOcr('report-scan.pdf', fx.scanPdf!.path);
    await expect(read).rejects.toMatchObject({ name: 'Cancelled' });
    expect(terminated).toEqual(['engine']);
  });

  test('a scanned image: the same cancel is a Cancelled error, not an OCR failure', async () => {
    const { read } = await cancelledInOcr('scan.png', fx.scanPng!.path);
    await expect(read).rejects.toMatchObject({ name: 'Cancelled', message: 'Reading scan.png was cancelled.' });
  });

  test('recognitions that finished keep their result; only the ones running when it stops are answered Cancelled', async () => {
    const blocks: OcrBlock[] = [];
    let calls = 0;
    const engine = stoppableEngine(
      () => (++calls === 1 ? Promise.resolve(blocks) : new Promise<OcrBlock[]>(() => undefined)),
      async () => undefined,
    );
    await expect(engine.recognize(new Uint8Array())).resolves.toBe(blocks);
    const running = engine.recognize(new Uint8Array());
    await engine.terminate();
    await expect(running).rejects.toMatchObject({ name: 'Cancelled' });
  });
});

describe('OCR layout and uncertain words', () => {
  const word = (text: string, x0: number, confidence = 95) => ({ text, confidence, bbox: { x0, y0: 0, x1: x0 + text.length * 10, y1: 20 } });
  const line = (y: number, words: ReturnType<typeof word>[]) => ({
    bbox: { x0: 0, y0: y, x1: 500, y1: y + 20 },
    words: words.map((w) => ({ ...w, bbox: { ...w.bbox, y0: y, y1: y + 20 } })),
  });
  const blocks = (...lines: ReturnType<typeof line>[]): OcrBlock[] => [{ paragraphs: [{ lines }] }];

  test('words join with spaces, a wide gap is a column gap, a tall gap a paragraph, a broken word is joined', () => {
    const page = ocrPageText(
      blocks(
        line(0, [word('Estrogen', 0), word('receptor', 90), word('Positive', 400)]),
        line(24, [word('invasive', 0), word('carci-', 90)]),
        line(48, [word('noma.', 0)]),
        line(120, [word('pT2', 0, 40)]),
      ),
    );
    expect(page.text).toBe('Estrogen receptor   Positive\ninvasive carcinoma.\n\npT2');
    expect(page.words.map((w) => page.text.slice(w.span[0], w.span[1]))).toEqual(['Estrogen', 'receptor', 'Positive', 'invasive', 'carci', 'noma.', 'pT2']);
    expect(page.words.at(-1)!.confidence).toBeCloseTo(0.4);
  });

  test('a field whose evidence touches an uncertain word is marked for review, with the word, and its confidence lowered', () => {
    const text = 'Invasive carcinoma. Pathologic stage: pT2 pN1a. ER positive (95%).';
    const extraction = extractRules(text);
    const at = text.indexOf('pN1a');
    const marked = markOcrUncertainty(extraction, text, [{ span: [at, at + 4], confidence: 0.41 }]);
    expect(marked.fields.pN.review).toMatchObject({ needed: true });
    expect(marked.fields.pN.review!.reasons[0]).toMatch(/OCR was unsure of: “pN1a” \(41 %\)/);
    expect(marked.fields.pN.confidence).toBeCloseTo(0.41);
    expect(marked.fields.ER).toEqual(extraction.fields.ER);
    expect(marked.flags.filter((f) => f.code === 'ocr_uncertain').map((f) => f.field)).toEqual(['pN']);
    expect(markOcrUncertainty(extraction, text, [])).toBe(extraction);
  });
});

describe('an image cut short is refused before OCR', () => {
  test('whole PNG, JPEG and BMP pass; cut copies fail; TIFF is left to Tesseract', () => {
    const png = new Uint8Array(readFileSync(fx.scanPng!.path));
    expect(imageLooksWhole(png)).toBe(true);
    expect(imageLooksWhole(png.subarray(0, png.length >> 1))).toBe(false);
    expect(imageLooksWhole(png.subarray(0, 40))).toBe(false);
    const jpeg = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, ...new Array(100).fill(1), 0xff, 0xd9, 0, 0]);
    expect(imageLooksWhole(jpeg)).toBe(true);
    expect(imageLooksWhole(jpeg.subarray(0, 60))).toBe(false);
    const bmp = new Uint8Array(64);
    bmp.set([0x42, 0x4d]);
    new DataView(bmp.buffer).setUint32(2, 64, true);
    expect(imageLooksWhole(bmp)).toBe(true);
    expect(imageLooksWhole(bmp.subarray(0, 40))).toBe(false);
    expect(imageLooksWhole(Uint8Array.from([0x49, 0x49, 0x2a, 0x00, 1, 2]))).toBe(true);
    expect(imageLooksWhole(new TextEncoder().encode('not an image'))).toBe(false);
  });

  test('through the ingest path: a clear CorruptFile message naming the file, no OCR started', async () => {
    const png = new Uint8Array(readFileSync(fx.scanPng!.path));
    let started = false;
    const platform = { ...nodeIngestPlatform(), ocr: () => ((started = true), Promise.reject(new Error('OCR must not start'))) };
    await expect(ingestFile('cut.png', png.slice(0, 5000), platform)).rejects.toMatchObject({ name: 'CorruptFile', message: expect.stringMatching(/cut\.png could not be read as an image: it is damaged or incomplete/) });
    expect(started).toBe(false);
  });
});
