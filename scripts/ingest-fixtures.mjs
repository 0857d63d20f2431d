// Generates the files the app's file intake is tested with: the same invented pathology report as a text PDF, an
// image-only "scan" PDF and PNG, TXT files in five encodings, and bad files (empty, truncated, corrupt, encrypted,
// 300 pages, binary, wrong type, blank). Unit tests (vitest) and e2e tests call makeIngestFixtures(); nothing here is
// committed, the files land in test-results/ (git-ignored).
// CLI: node scripts/ingest-fixtures.mjs [outDir]   (prints key, path and size of each file)
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { deflateSync } from 'node:zlib';
import {
  PDFDocument,
  StandardFonts,
  concatTransformationMatrix,
  drawObject,
  popGraphicsState,
  pushGraphicsState,
} from 'pdf-lib';

const SCRIPT_PATH = fileURLToPath(import.meta.url);
const ROOT = join(dirname(SCRIPT_PATH), '..');
/** The report every "report" fixture carries, in UTF-8. */
export const FIXTURE_REPORT_PATH = join(ROOT, 'scripts', 'fixture-report.txt');
/** Bump by hand for changes the content hash below cannot see (e.g. a library upgrade that changes bytes). */
const GENERATOR_VERSION = 'ingest-fixtures/1';

/**
 * What reading the file should give. `reason` is the app's IngestErrorName (src/ingest/document.ts); `kind`
 * 'not_pathology' is reportKind's verdict on readable text that is no report.
 * @typedef {{ kind: 'report' | 'not_pathology' | 'failure', ocr?: boolean, reason?: string, encoding?: string,
 *   bom?: boolean, pages?: number, text?: Record<string, unknown> }} Expect
 * @typedef {{ path: string, expect: Expect }} Fixture
 * @typedef {Record<string, Fixture>} Fixtures
 * @typedef {{ text: string, x: number, y: number, role: 'header' | 'body' | 'label' | 'value' | 'footer' }} Placed
 */

// --- Page geometry (PDF points, origin bottom-left). Letter size; the scan uses the same layout at 300 DPI. ---
const PAGE_W = 612;
const PAGE_H = 792;
const MARGIN_X = 72;
const BODY_SIZE = 11; // ≥ 11 pt: at 300 DPI the scan's text is ~46 px high, which tesseract reads well
const LEADING = 14;
const HEADER_Y = PAGE_H - 48;
const BODY_TOP = PAGE_H - 86;
const BODY_BOTTOM = 72;
const FOOTER_Y = 40;
/** The synoptic table's columns; tests rely on the value column being far right of the label column. */
const LABEL_X = 72;
const VALUE_X = 300;
const DPI = 300;

/** Words a paragraph may break inside, with their allowed hyphenation points, so a "carci-" / "noma" break appears. */
const HYPHENATION = new Map(
  ['car-ci-no-ma', 'pleo-mor-phism', 'me-ta-sta-tic', 'for-ma-lin', 'is-che-mia', 'ex-tra-no-dal', 'ex-ten-sion'].map(
    (w) => [w.replaceAll('-', ''), w.split('-')],
  ),
);

// --- Small deterministic helpers ---

/** mulberry32: a tiny seeded PRNG, so "random" bytes are the same on every run. @param {number} seed */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** @param {number} n @param {number} seed */
function randomBytes(n, seed) {
  const next = prng(seed);
  return Uint8Array.from({ length: n }, () => Math.floor(next() * 256));
}

const md5 = (/** @type {Uint8Array[]} */ ...parts) => {
  const h = createHash('md5');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};

/** RC4, written out because Node's OpenSSL 3 build often has it only in the legacy provider. */
function rc4(/** @type {Uint8Array} */ key, /** @type {Uint8Array} */ data) {
  const s = Uint8Array.from({ length: 256 }, (_, i) => i);
  for (let i = 0, j = 0; i < 256; i++) {
    j = (j + s[i] + key[i % key.length]) & 255;
    [s[i], s[j]] = [s[j], s[i]];
  }
  const out = new Uint8Array(data.length);
  for (let k = 0, i = 0, j = 0; k < data.length; k++) {
    i = (i + 1) & 255;
    j = (j + s[i]) & 255;
    [s[i], s[j]] = [s[j], s[i]];
    out[k] = data[k] ^ s[(s[i] + s[j]) & 255];
  }
  return out;
}

// --- Windows-1252 ---

/** The cp1252 bytes 0x80–0x9F that are not Latin-1; every other cp1252 byte equals its Latin-1 code point. */
const CP1252_EXTRA = new Map(
  Object.entries({
    '€': 0x80, '‚': 0x82, 'ƒ': 0x83, '„': 0x84, '…': 0x85, '†': 0x86, '‡': 0x87, 'ˆ': 0x88, '‰': 0x89, 'Š': 0x8a,
    '‹': 0x8b, 'Œ': 0x8c, 'Ž': 0x8e, '‘': 0x91, '’': 0x92, '“': 0x93, '”': 0x94, '•': 0x95, '–': 0x96, '—': 0x97,
    '˜': 0x98, '™': 0x99, 'š': 0x9a, '›': 0x9b, 'œ': 0x9c, 'ž': 0x9e, 'Ÿ': 0x9f,
  }),
);

/** Encodes text as Windows-1252; throws on the first character it cannot encode (so the fixture never lies). */
export function encodeCp1252(/** @type {string} */ text) {
  const out = new Uint8Array(text.length);
  let n = 0;
  for (const ch of text) {
    const cp = /** @type {number} */ (ch.codePointAt(0));
    const byte = CP1252_EXTRA.get(ch) ?? (cp <= 0xff && !(cp >= 0x80 && cp <= 0x9f) ? cp : undefined);
    if (byte === undefined) throw new Error(`fixture-report.txt: "${ch}" (U+${cp.toString(16).toUpperCase()}) is not in Windows-1252`);
    out[n++] = byte;
  }
  return out.subarray(0, n);
}

// --- The report and its layout ---

/** Characters that tell encodings apart; the report must contain every one (header, history and specimen handling). */
const DISTINCTIVE = ['Hôpital Sainte-Thérèse', '“', '”', '’', '–', '—', '°', '±', 'µm'];
/** Facts every readable copy of the report must yield. */
const FACTS = ['S26-01234', 'FINAL DIAGNOSIS', 'Invasive ductal carcinoma', 'Nottingham grade 2 (score 6 of 9)', '2.3 cm',
  '2 of 15', 'MACROMETASTASIS', 'pT2 pN1a', '95%', '40%', '2+', 'ratio 1.3', 'Ki-67', '20%'];

/** Facts tesseract read exactly from page 1 of the scan (Liberation Serif); page 1 alone holds them all. */
const OCR_FACTS = ['S26-01234', 'FINAL DIAGNOSIS', 'NOTTINGHAM GRADE 2', '2.3 CM', '2 OF 15', 'pT2 pN1a', '95%', '40%', '2+'];

function readReport() {
  const text = readFileSync(FIXTURE_REPORT_PATH, 'utf8');
  encodeCp1252(text); // fail early, with the culprit named, if someone adds a character cp1252 lacks
  for (const s of [...DISTINCTIVE, ...FACTS]) {
    if (!text.includes(s)) throw new Error(`fixture-report.txt no longer contains "${s}" (the fixtures promise it)`);
  }
  return text;
}

/**
 * Lays the report out on letter pages: line 1 becomes the running header, "label | value" lines become a two-column
 * table, other lines wrap (with dictionary hyphenation) at the right margin. Widths are the text PDF's Helvetica;
 * the scan draws exactly these lines too, so both fixtures break lines (and hyphenate) in the same places.
 * @param {string} report
 * @param {(text: string) => number} widthOf width in points at BODY_SIZE
 */
function layout(report, widthOf) {
  const [header, ...lines] = report.replace(/\n+$/, '').split('\n');
  /** @type {Placed[][]} */
  const pages = [[]];
  /** @type {Array<{ lineEnd: string, nextLineStart: string, joined: string }>} */
  const hyphenations = [];
  /** @type {Array<{ label: string, value: string }>} */
  const table = [];
  let y = BODY_TOP;
  const newPage = () => {
    pages.push([]);
    y = BODY_TOP;
  };
  const place = (/** @type {Omit<Placed, 'y'>} */ item) => {
    if (y < BODY_BOTTOM) newPage();
    pages[pages.length - 1].push({ ...item, y });
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const row = /^(.+?) \| (.+)$/.exec(line);
    if (row) {
      // Keep the table on one page when it fits on one, as report systems do.
      if (!/ \| /.test(lines[i - 1] ?? '')) {
        let rows = 0;
        while (/ \| /.test(lines[i + rows] ?? '')) rows++;
        if (y - (rows - 1) * LEADING < BODY_BOTTOM && rows * LEADING <= BODY_TOP - BODY_BOTTOM) newPage();
      }
      table.push({ label: row[1], value: row[2] });
      place({ text: row[1], x: LABEL_X, role: 'label' });
      pages[pages.length - 1].push({ text: row[2], x: VALUE_X, y, role: 'value' });
      y -= LEADING;
      continue;
    }
    if (line.trim() === '') {
      if (y < BODY_TOP) y -= LEADING; // a blank line, unless it would open a page
      continue;
    }
    const indent = /^ */.exec(line)?.[0].length ?? 0;
    const x = MARGIN_X + widthOf(' '.repeat(indent));
    for (const text of wrap(line.slice(indent), PAGE_W - MARGIN_X - x, widthOf, hyphenations)) {
      place({ text, x, role: 'body' });
      y -= LEADING;
    }
  }
  const total = pages.length;
  pages.forEach((page, i) => {
    page.unshift({ text: header, x: MARGIN_X, y: HEADER_Y, role: 'header' });
    const footer = `Page ${i + 1} of ${total}`;
    page.push({ text: footer, x: (PAGE_W - widthOf(footer)) / 2, y: FOOTER_Y, role: 'footer' });
  });
  return { header, pages, hyphenations, table };
}

/**
 * Greedy word wrap; a word that does not fit is split at its last hyphenation point that does.
 * @param {string} text @param {number} width @param {(t: string) => number} widthOf
 * @param {Array<{ lineEnd: string, nextLineStart: string, joined: string }>} hyphenations collects the splits made
 */
function wrap(text, width, widthOf, hyphenations) {
  const out = [];
  let line = '';
  for (let word of text.split(' ')) {
    const candidate = line ? `${line} ${word}` : word;
    if (widthOf(candidate) <= width) {
      line = candidate;
      continue;
    }
    const m = /^([A-Za-z]+)(.*)$/.exec(word);
    const parts = m && HYPHENATION.get(m[1].toLowerCase());
    if (parts && line) {
      for (let k = parts.length - 1; k > 0; k--) {
        const head = m[1].slice(0, parts.slice(0, k).join('').length);
        if (widthOf(`${line} ${head}-`) <= width) {
          const tail = word.slice(head.length);
          out.push(`${line} ${head}-`);
          hyphenations.push({ lineEnd: `${head}-`, nextLineStart: tail.replace(/[^A-Za-z].*$/, ''), joined: m[1] });
          line = '';
          word = tail;
          break;
        }
      }
    }
    if (line) out.push(line);
    line = word;
  }
  if (line) out.push(line);
  return out;
}

// --- PDFs with pdf-lib ---

/** Fixed dates: pdf-lib otherwise stamps "now" into the Info dictionary and the bytes change every run. */
const FIXED_DATE = new Date('2026-03-05T14:22:00Z');

async function newDocument(/** @type {string} */ title) {
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.setTitle(title);
  doc.setProducer('scripts/ingest-fixtures.mjs');
  doc.setCreationDate(FIXED_DATE);
  doc.setModificationDate(FIXED_DATE);
  return doc;
}

/**
 * The text PDF. pdf-lib can embed a TrueType font only through @pdf-lib/fontkit, which is not installed, so it uses
 * the standard Helvetica with WinAnsi encoding: WinAnsi is Windows-1252, which the report is already restricted to.
 * Table cells are drawn column by column (all labels, then all values), so the content-stream order is not the
 * reading order and the app has to sort text items by position.
 * @param {ReturnType<typeof layout>} laid @param {import('pdf-lib').PDFFont} font @param {PDFDocument} doc
 */
function drawTextPages(doc, font, laid) {
  for (const items of laid.pages) {
    const page = doc.addPage([PAGE_W, PAGE_H]);
    const labels = items.filter((it) => it.role === 'label');
    const values = items.filter((it) => it.role === 'value');
    let tableDrawn = false;
    for (const it of items) {
      if (it.role === 'label' || it.role === 'value') {
        if (tableDrawn) continue;
        tableDrawn = true;
        for (const cell of [...labels, ...values]) page.drawText(cell.text, { x: cell.x, y: cell.y, size: BODY_SIZE, font });
        continue;
      }
      page.drawText(it.text, { x: it.x, y: it.y, size: it.role === 'footer' ? 9 : BODY_SIZE, font });
    }
  }
}

async function textPdfBytes(/** @type {string} */ report) {
  const doc = await newDocument('Surgical pathology report S26-01234 (invented)');
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const laid = layout(report, (t) => font.widthOfTextAtSize(t, BODY_SIZE));
  if (laid.pages.length < 2) throw new Error('the text PDF must have 2+ pages; lengthen fixture-report.txt');
  if (!laid.hyphenations.length) throw new Error('no word was hyphenated at a line end; adjust the COMMENT paragraph');
  drawTextPages(doc, font, laid);
  return { bytes: await doc.save(), laid };
}

/** A one-page text PDF of plain lines (the recipe, the encrypted document's content), Helvetica. */
async function simplePdfBytes(/** @type {string} */ title, /** @type {string[]} */ lines) {
  const doc = await newDocument(title);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage([PAGE_W, PAGE_H]);
  lines.forEach((text, i) => page.drawText(text, { x: MARGIN_X, y: BODY_TOP - i * LEADING, size: BODY_SIZE, font }));
  return doc.save();
}

async function manyPagesPdfBytes(/** @type {number} */ count) {
  const doc = await newDocument(`${count} short pages`);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 1; i <= count; i++) {
    const page = doc.addPage([PAGE_W, PAGE_H]);
    page.drawText(`Page ${i} of ${count}. A short line of filler text for the page-count limit.`, {
      x: MARGIN_X, y: BODY_TOP, size: BODY_SIZE, font,
    });
  }
  return doc.save(); // object streams (pdf-lib's default) keep 300 page objects small
}

// --- The scan: canvas-rendered pages, image-only PDF ---

/**
 * Fonts for the scan, in order of preference. Tesseract (eng, best_int) reads "pN1a" as "pN1la" or "pNla" in most
 * system fonts at 11-12 pt; Liberation Serif at 11 pt with the stage line ending in "." read every OCR_FACTS entry
 * right on page 1 (tesseract.js 7; page 2's table row still came out "pNla"). Its glyphs are narrower than
 * Helvetica's, so lines laid out for the text PDF end a little short of the margin; the scan keeps exactly its lines.
 */
const SCAN_FONTS = [
  '/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf',
  '/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf',
  '/usr/share/fonts/liberation-serif/LiberationSerif-Regular.ttf',
  '/usr/share/fonts/truetype/dejavu/DejaVuSerifCondensed.ttf',
  '/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf',
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  '/System/Library/Fonts/Supplemental/Times New Roman.ttf',
  'C:\\Windows\\Fonts\\times.ttf',
];

/** Renders each laid-out page as 8-bit grey pixels at 300 DPI: black text on white, no noise, no skew. */
async function renderScanPages(/** @type {ReturnType<typeof layout>} */ laid) {
  const fontPath = SCAN_FONTS.find((p) => existsSync(p));
  if (!fontPath) {
    throw new Error(`no TrueType font for the scan fixture; install fonts-liberation or fonts-dejavu (looked in: ${SCAN_FONTS.join(', ')})`);
  }
  const { createCanvas, GlobalFonts } = await import('@napi-rs/canvas');
  GlobalFonts.registerFromPath(fontPath, 'IngestFixtureSans');
  const scale = DPI / 72;
  const [w, h] = [Math.round(PAGE_W * scale), Math.round(PAGE_H * scale)];
  const images = laid.pages.map((items) => {
    const canvas = createCanvas(w, h);
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, w, h);
    ctx.fillStyle = '#000';
    ctx.textBaseline = 'alphabetic';
    for (const it of items) {
      ctx.font = `${(it.role === 'footer' ? 9 : BODY_SIZE) * scale}px IngestFixtureSans`;
      ctx.fillText(it.text, it.x * scale, (PAGE_H - it.y) * scale);
    }
    const rgba = ctx.getImageData(0, 0, w, h).data;
    const grey = new Uint8Array(w * h);
    for (let i = 0; i < grey.length; i++) grey[i] = rgba[i * 4]; // r = g = b for black on white
    return { width: w, height: h, grey };
  });
  return { images, font: basename(fontPath) };
}

const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(/** @type {Uint8Array} */ bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 255] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A greyscale PNG (the canvas encoder only writes RGBA, three times the pixels for the same picture). */
function encodeGreyPng(/** @type {{ width: number, height: number, grey: Uint8Array }} */ img) {
  const raw = new Uint8Array((img.width + 1) * img.height); // each row: filter byte 0, then the pixels
  for (let y = 0; y < img.height; y++) raw.set(img.grey.subarray(y * img.width, (y + 1) * img.width), y * (img.width + 1) + 1);
  const chunk = (/** @type {string} */ type, /** @type {Uint8Array} */ data) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), body.length + 4);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(img.width, 0);
  ihdr.writeUInt32BE(img.height, 4);
  ihdr.set([8, 0, 0, 0, 0], 8); // 8 bits, greyscale, deflate, no filter method extras, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

/** One DeviceGray image per page, drawn over the whole page; no fonts, no text operators: nothing to extract. */
async function scanPdfBytes(/** @type {Array<{ width: number, height: number, grey: Uint8Array }>} */ images) {
  const doc = await newDocument('Scanned surgical pathology report (invented)');
  for (const img of images) {
    const page = doc.addPage([PAGE_W, PAGE_H]);
    // A raw XObject with node's zlib: pdf-lib's embedPng would expand grey to RGB and deflate in JS (slow, 3× larger).
    const ref = doc.context.register(
      doc.context.stream(deflateSync(img.grey, { level: 9 }), {
        Type: 'XObject', Subtype: 'Image', Width: img.width, Height: img.height,
        ColorSpace: 'DeviceGray', BitsPerComponent: 8, Filter: 'FlateDecode',
      }),
    );
    const name = page.node.newXObject('Scan', ref);
    page.pushOperators(pushGraphicsState(), concatTransformationMatrix(PAGE_W, 0, 0, PAGE_H, 0, 0), drawObject(name), popGraphicsState());
  }
  return doc.save();
}

/**
 * The report as a PDF form: each page one multi-line text field holding that page's lines, and no page text at
 * all, as some laboratory systems export. The values live in the fields (annotations), not in the text layer.
 * @param {ReturnType<typeof layout>} laid
 */
async function formFieldsPdfBytes(laid) {
  const doc = await newDocument('Surgical pathology report S26-01234 as a form (invented)');
  const form = doc.getForm();
  laid.pages.forEach((items, i) => {
    const page = doc.addPage([PAGE_W, PAGE_H]);
    const lines = [...items].sort((a, b) => b.y - a.y || a.x - b.x).map((it) => it.text);
    const field = form.createTextField(`page${i + 1}`);
    field.enableMultiline();
    field.setText(lines.join('\n'));
    field.addToPage(page, { x: MARGIN_X, y: 36, width: PAGE_W - 2 * MARGIN_X, height: PAGE_H - 72, borderWidth: 0 });
    field.setFontSize(8);
  });
  return doc.save();
}

/**
 * Text drawn as vector paths: the scan's first page traced into filled rectangles (one per run of dark pixels
 * on a 150 dpi grid), so the page shows the report but holds no text and no image, as PDFs whose fonts were
 * converted to outlines do. Only rendering and OCR can read it.
 * @param {{ width: number, height: number, grey: Uint8Array }} img a 300 dpi page of renderScanPages
 */
async function vectorTextPdfBytes(img) {
  const doc = await newDocument('Surgical pathology report, text as outlines (invented)');
  const page = doc.addPage([PAGE_W, PAGE_H]);
  const step = 2; // 300 dpi pixels per 150 dpi cell
  const unit = (72 / DPI) * step;
  const dark = (x, y) => {
    for (let dy = 0; dy < step; dy++) for (let dx = 0; dx < step; dx++) if (img.grey[(y + dy) * img.width + x + dx] < 128) return true;
    return false;
  };
  const ops = ['0 g'];
  for (let y = 0; y + step <= img.height; y += step) {
    for (let x = 0; x + step <= img.width; ) {
      if (!dark(x, y)) { x += step; continue; }
      const start = x;
      while (x + step <= img.width && dark(x, y)) x += step;
      const top = PAGE_H - (y / step) * unit;
      ops.push(`${((start / step) * unit).toFixed(2)} ${(top - unit).toFixed(2)} ${(((x - start) / step) * unit).toFixed(2)} ${unit.toFixed(2)} re`);
    }
  }
  ops.push('f');
  const contents = doc.context.register(doc.context.stream(deflateSync(Buffer.from(ops.join('\n'))), { Filter: 'FlateDecode' }));
  page.node.addContentStream(contents);
  return doc.save();
}

// --- An RC4-encrypted PDF, written by hand (pdf-lib cannot encrypt) ---

/** PDF 32000-1, 7.6.3.3: the padding string for passwords. */
const PASSWORD_PAD = Uint8Array.from([
  0x28, 0xbf, 0x4e, 0x5e, 0x4e, 0x75, 0x8a, 0x41, 0x64, 0x00, 0x4e, 0x56, 0xff, 0xfa, 0x01, 0x08,
  0x2e, 0x2e, 0x00, 0xb6, 0xd0, 0x68, 0x3e, 0x80, 0x2f, 0x0c, 0xa9, 0xfe, 0x64, 0x53, 0x69, 0x7a,
]);
const padPassword = (/** @type {string} */ pw) => {
  const out = new Uint8Array(32);
  const bytes = Buffer.from(pw, 'latin1').subarray(0, 32);
  out.set(bytes);
  out.set(PASSWORD_PAD.subarray(0, 32 - bytes.length), bytes.length);
  return out;
};
const xorKey = (/** @type {Uint8Array} */ key, /** @type {number} */ i) => key.map((b) => b ^ i);
const hex = (/** @type {Uint8Array} */ b) => `<${Buffer.from(b).toString('hex')}>`;

/**
 * Standard security handler, V 2 / R 3, 128-bit RC4 (PDF 32000-1, 7.6.3): Algorithm 3 computes /O, Algorithm 2 the
 * file key, Algorithm 5 /U, Algorithm 1 the per-object keys that encrypt each string and stream.
 * @param {{ userPassword: string, ownerPassword: string, lines: string[] }} opts
 */
function encryptedPdfBytes({ userPassword, ownerPassword, lines }) {
  const n = 16; // key length in bytes (/Length 128)
  const P = -4; // all permissions; bits 1-2 must be 0, the rest 1 for R 3
  const id = md5(Buffer.from('ingest-fixtures encrypted.pdf')); // fixed /ID: the key depends on it
  // Algorithm 3: /O
  let ownerKey = md5(padPassword(ownerPassword));
  for (let i = 0; i < 50; i++) ownerKey = md5(ownerKey);
  let O = rc4(ownerKey, padPassword(userPassword));
  for (let i = 1; i <= 19; i++) O = rc4(xorKey(ownerKey, i), O);
  // Algorithm 2: the file key
  const p = new Uint8Array(4);
  new DataView(p.buffer).setInt32(0, P, true);
  let key = md5(padPassword(userPassword), O, p, id);
  for (let i = 0; i < 50; i++) key = md5(key.subarray(0, n));
  key = key.subarray(0, n);
  // Algorithm 5: /U (16 meaningful bytes, then 16 arbitrary ones)
  let U = rc4(key, md5(PASSWORD_PAD, id));
  for (let i = 1; i <= 19; i++) U = rc4(xorKey(key, i), U);
  U = Uint8Array.from([...U, ...new Uint8Array(16)]);
  // Algorithm 1: the key for object num (generation 0)
  const objectKey = (/** @type {number} */ num) =>
    md5(key, Uint8Array.from([num & 255, (num >> 8) & 255, (num >> 16) & 255, 0, 0])).subarray(0, Math.min(n + 5, 16));
  const encString = (/** @type {number} */ num, /** @type {string} */ s) => hex(rc4(objectKey(num), Buffer.from(s, 'latin1')));

  const escape = (/** @type {string} */ s) => s.replace(/[\\()]/g, '\\$&');
  const content = Buffer.from(
    ['BT', '/F1 11 Tf', `${MARGIN_X} ${BODY_TOP} Td`, `${LEADING} TL`, ...lines.map((l) => `(${escape(l)}) '`), 'ET'].join('\n'),
    'latin1',
  );
  const streamData = rc4(objectKey(5), content);
  /** @type {Array<string | Buffer>} */
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${PAGE_W} ${PAGE_H}] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
    Buffer.concat([Buffer.from(`<< /Length ${streamData.length} >>\nstream\n`), streamData, Buffer.from('\nendstream')]),
    `<< /Title ${encString(6, 'Encrypted fixture')} /Producer ${encString(6, 'scripts/ingest-fixtures.mjs')} >>`,
    // The encryption dictionary's own strings are never encrypted.
    `<< /Filter /Standard /V 2 /R 3 /Length ${n * 8} /P ${P} /O ${hex(O)} /U ${hex(U)} >>`,
  ];
  const parts = [Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  let offset = parts[0].length;
  const offsets = objects.map((body, i) => {
    const bytes = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`), Buffer.from(body), Buffer.from('\nendobj\n')]);
    parts.push(bytes);
    const at = offset;
    offset += bytes.length;
    return at;
  });
  const xref = [`xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`, ...offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`)].join('');
  const trailer = `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info 6 0 R /Encrypt 7 0 R /ID [${hex(id)} ${hex(id)}] >>\nstartxref\n${offset}\n%%EOF\n`;
  parts.push(Buffer.from(xref + trailer, 'latin1'));
  return Buffer.concat(parts);
}

// --- Generation, manifest, cache ---

const RECIPE = [
  'Lemon Olive-Oil Cake',
  '',
  'Serves 8. Preparation 20 minutes, baking 45 minutes.',
  '',
  'Ingredients:',
  '  3 eggs, 1 cup sugar, finely grated zest of 2 lemons',
  '  3/4 cup olive oil, 1/2 cup plain yogurt, 1/4 cup lemon juice',
  '  1 1/2 cups flour, 2 teaspoons baking powder, a pinch of salt',
  '',
  'Method:',
  '  1. Heat the oven to 350 F. Oil a 9-inch round pan and line it with paper.',
  '  2. Whisk the eggs, sugar and zest until pale, then whisk in the oil, yogurt and juice.',
  '  3. Fold in the flour, baking powder and salt until just combined.',
  '  4. Pour into the pan and bake until a skewer comes out clean.',
  '  5. Cool for 15 minutes, then turn out and dust with powdered sugar.',
];

function contentVersion() {
  // The script's own source and the report decide the bytes; hashing them means an edit regenerates the fixtures.
  const h = createHash('sha256').update(readFileSync(SCRIPT_PATH)).update(readFileSync(FIXTURE_REPORT_PATH));
  return `${GENERATOR_VERSION}+${h.digest('hex').slice(0, 16)}`;
}

/** Writes via a temporary name and rename, so a parallel test worker never sees a half-written file. */
async function writeAtomic(/** @type {string} */ path, /** @type {Uint8Array | string} */ data) {
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}

/** @returns {Promise<Record<string, { file: string, bytes: Uint8Array, expect: Expect }>>} */
async function generate() {
  const report = readReport();
  const { bytes: textPdf, laid } = await textPdfBytes(report);
  const pages = laid.pages.length;
  const scan = await renderScanPages(laid);
  const firstPng = encodeGreyPng(scan.images[0]);
  const cp1252 = encodeCp1252(report);
  const utf16le = Buffer.from(`\ufeff${report}`, 'utf16le');
  const utf16be = Buffer.from(utf16le).swap16();
  const er = /** @type {{ label: string, value: string }} */ (laid.table.find((r) => r.label === 'Estrogen Receptor'));
  const collapse = (/** @type {string} */ t) => t.replace(/\s+/g, ' '); // pdf.js and OCR give runs of spaces as one
  const firstBody = laid.pages[0].filter((it) => it.role === 'body').slice(0, 3).map((it) => collapse(it.text));
  const textFacts = { contains: FACTS, distinctive: DISTINCTIVE };
  const binary = randomBytes(2048, 7);
  for (let i = 0; i < binary.length; i += 13) binary[i] = 0; // guarantee NULs, the usual "this is binary" signal
  const txt = (/** @type {string} */ encoding, /** @type {boolean} */ bom) =>
    /** @type {Expect} */ ({ kind: 'report', ocr: false, encoding, bom, text: textFacts });

  return {
    textPdf: {
      file: 'report-text.pdf',
      bytes: textPdf,
      expect: {
        kind: 'report', ocr: false, pages,
        text: {
          contains: FACTS, // each within one line of the PDF, so one text item holds it
          // pdf.js NFKC-normalises its text layer: the micro sign µ (U+00B5) comes out as Greek mu μ (U+03BC).
          distinctive: DISTINCTIVE.map((s) => s.replace('µ', 'μ')),
          header: collapse(laid.header), // on every page, above the body
          footers: laid.pages.map((_, i) => `Page ${i + 1} of ${pages}`),
          firstLines: firstBody, // the first body lines after the running header, spaces collapsed
          hyphenated: laid.hyphenations, // e.g. "carci-" at a line end, "noma" starting the next: joined "carcinoma"
          tableRow: er, // label at x=72, value at x=300 on the same baseline
          tableRows: laid.table.length,
          tableDrawOrder: 'labels-then-values', // so the content stream's order is not the reading order
        },
      },
    },
    scanPdf: {
      file: 'report-scan.pdf',
      bytes: await scanPdfBytes(scan.images),
      expect: { kind: 'report', ocr: true, pages, text: { font: scan.font, ocrContains: OCR_FACTS } },
    },
    formFieldsPdf: {
      file: 'report-form.pdf',
      bytes: await formFieldsPdfBytes(laid),
      expect: { kind: 'report', ocr: false, pages, text: { contains: ['S26-01234', 'FINAL DIAGNOSIS', 'pT2 pN1a'] } },
    },
    vectorTextPdf: {
      file: 'report-outlines.pdf',
      bytes: await vectorTextPdfBytes(scan.images[0]),
      expect: { kind: 'report', ocr: true, pages: 1, text: { ocrContains: ['SURGICAL PATHOLOGY REPORT', 'FINAL DIAGNOSIS', 'NOTTINGHAM GRADE 2', '2.3 CM'] } },
    },
    scanPng: {
      file: 'report-scan-p1.png',
      bytes: firstPng,
      expect: { kind: 'report', ocr: true, pages: 1, text: { font: scan.font, ocrContains: OCR_FACTS } },
    },
    txtUtf8: { file: 'report-utf8.txt', bytes: Buffer.from(report, 'utf8'), expect: txt('utf-8', false) },
    txtUtf8Bom: { file: 'report-utf8-bom.txt', bytes: Buffer.from(`\ufeff${report}`, 'utf8'), expect: txt('utf-8', true) },
    txtUtf16le: { file: 'report-utf16le.txt', bytes: utf16le, expect: txt('utf-16le', true) },
    txtUtf16be: { file: 'report-utf16be.txt', bytes: utf16be, expect: txt('utf-16be', true) },
    txtCp1252: { file: 'report-cp1252.txt', bytes: cp1252, expect: txt('windows-1252', false) },
    emptyPdf: { file: 'empty.pdf', bytes: new Uint8Array(0), expect: { kind: 'failure', reason: 'EmptyFile' } },
    truncatedPdf: {
      file: 'truncated.pdf',
      bytes: textPdf.subarray(0, Math.floor(textPdf.length * 0.4)),
      expect: { kind: 'failure', reason: 'CorruptFile' }, // pdf.js: InvalidPDFException
    },
    corruptPdf: {
      file: 'corrupt.pdf',
      bytes: Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(4096, 1234)]),
      expect: { kind: 'failure', reason: 'CorruptFile' },
    },
    encryptedPdf: {
      file: 'encrypted.pdf',
      bytes: encryptedPdfBytes({
        userPassword: 'secret',
        ownerPassword: 'owner-secret',
        lines: ['Surgical pathology report S26-01234 (encrypted fixture).', 'Invasive ductal carcinoma, pT2 pN1a.'],
      }),
      expect: { kind: 'failure', reason: 'EncryptedPdf', text: { password: 'secret', contains: ['S26-01234', 'pT2 pN1a'] } },
    },
    manyPagesPdf: {
      file: 'many-pages.pdf',
      bytes: await manyPagesPdfBytes(300),
      expect: { kind: 'failure', reason: 'TooManyPages', pages: 300 },
    },
    notReportPdf: {
      file: 'not-a-report.pdf',
      bytes: await simplePdfBytes('Lemon olive-oil cake', RECIPE),
      expect: { kind: 'not_pathology', ocr: false, pages: 1, text: { contains: ['Lemon Olive-Oil Cake'] } },
    },
    binaryTxt: { file: 'binary.txt', bytes: binary, expect: { kind: 'failure', reason: 'NotText' } },
    unsupported: {
      file: 'report.docx',
      // The start of a ZIP local file header, as a .docx begins: a type the app does not read.
      bytes: Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00]), Buffer.from('[Content_Types].xml')]),
      expect: { kind: 'failure', reason: 'UnsupportedType' },
    },
    whitespaceTxt: { file: 'blank.txt', bytes: Buffer.from('   \n\n  \n      \n\n \n'), expect: { kind: 'failure', reason: 'NoText' } },
    emptyTxt: { file: 'empty.txt', bytes: new Uint8Array(0), expect: { kind: 'failure', reason: 'EmptyFile' } },
  };
}

/** @type {Map<string, Promise<Fixtures>>} one generation per output folder and process */
const pending = new Map();

/**
 * Makes (or reuses) the intake fixtures in outDir (relative to the working directory).
 * Reuses them when manifest.json has the current version and every file is present with its recorded size.
 * @param {string} [outDir]
 * @returns {Promise<Fixtures>} fixture key → { path (absolute), expect }
 */
export function makeIngestFixtures(outDir = 'test-results/ingest-fixtures') {
  const dir = resolve(outDir);
  let p = pending.get(dir);
  if (!p) {
    p = ensure(dir);
    pending.set(dir, p);
    p.catch(() => pending.delete(dir));
  }
  return p;
}

async function ensure(/** @type {string} */ dir) {
  const version = contentVersion();
  const manifestPath = join(dir, 'manifest.json');
  /** @type {{ version: string, fixtures: Record<string, { file: string, size: number, expect: Expect }> } | null} */
  const old = await readFile(manifestPath, 'utf8').then(JSON.parse, () => null);
  const withPaths = (/** @type {NonNullable<typeof old>['fixtures']} */ entries) =>
    Object.fromEntries(Object.entries(entries).map(([k, e]) => [k, { path: join(dir, e.file), expect: e.expect }]));
  if (old?.version === version) {
    const sizes = await Promise.all(Object.values(old.fixtures).map((e) => stat(join(dir, e.file)).then((s) => s.size, () => -1)));
    if (Object.values(old.fixtures).every((e, i) => sizes[i] === e.size)) return withPaths(old.fixtures);
  }
  const made = await generate();
  await mkdir(dir, { recursive: true });
  await Promise.all(Object.values(made).map((f) => writeAtomic(join(dir, f.file), f.bytes)));
  const fixtures = Object.fromEntries(
    Object.entries(made).map(([k, f]) => [k, { file: f.file, size: f.bytes.length, expect: f.expect }]),
  );
  await writeAtomic(manifestPath, `${JSON.stringify({ version, fixtures }, null, 2)}\n`); // last: marks the set complete
  return withPaths(fixtures);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const started = performance.now();
  const fixtures = await makeIngestFixtures(process.argv[2]);
  for (const [key, f] of Object.entries(fixtures)) {
    console.log(`${key.padEnd(14)} ${f.path}  (${(await stat(f.path)).size} bytes)`);
  }
  console.log(`ready in ${Math.round(performance.now() - started)} ms`);
}
