// The bad-input corpus, one list for the command line (tests/badInputs.test.ts) and the page
// (e2e/badinputs.spec.mjs): every kind of file and model package a working day brings, each with the
// outcome it must end in — a result (with the values that must be read, the flags that must be
// raised) or a clear message. Large files are generated, not stored: the corpus is written into a
// folder on each run from the intake fixtures (scripts/ingest-fixtures.mjs) and a few files made here.
import { copyFileSync, cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { basename, join } from 'node:path';
import { FIXTURE_REPORT_PATH, makeIngestFixtures } from './ingest-fixtures.mjs';

export const CORPUS_REPORT = 'Left breast, lumpectomy: invasive ductal carcinoma, grade 2. pT1c pN0. ER positive (90%). PR positive (50%). HER2 negative (1+).';

// The fixture report states pT2 pN1a, grade 2, ER and PR positive, HER2 2+ with FISH not amplified.
const FIXTURE = { pT: 'T2', pN: 'N1', grade: '2', ER: 'positive' };
const CORPUS = { pT: 'T1', pN: 'N0', ER: 'positive', HER2: 'negative' };

/**
 * @typedef {{ values?: Record<string, string>, flags?: string[], stage?: string, allNotStated?: boolean }} Read
 * @typedef {{ error: string, message: string }} Refused  message: a regular expression's source
 * @typedef {{ name: string, kind: string, read?: Read, refused?: Refused, cliSkipped?: boolean }} BadInput  cliSkipped: the CLI leaves it out of a folder, and says so
 */

/**
 * Writes the corpus into `dir` (emptied first) and returns its entries, one per file.
 * @param {string} dir
 * @returns {Promise<BadInput[]>}
 */
export async function makeBadInputs(dir) {
  const fx = await makeIngestFixtures();
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  /** @type {BadInput[]} */
  const corpus = [];
  const copy = (key, kind, outcome, name = basename(fx[key].path)) => (copyFileSync(fx[key].path, join(dir, name)), corpus.push({ name, kind, ...outcome }));
  const write = (name, content, kind, outcome) => (writeFileSync(join(dir, name), content), corpus.push({ name, kind, ...outcome }));
  const read = (values, more = {}) => ({ read: { values, ...more } });
  const refused = (error, message) => ({ refused: { error, message } });

  copy('emptyTxt', 'empty text (0 bytes)', refused('EmptyFile', String.raw`empty\.txt is empty \(0 bytes\)`));
  copy('whitespaceTxt', 'whitespace-only text', refused('NoText', String.raw`blank\.txt has no text in it`));
  copy('binaryTxt', 'binary data named .txt', refused('NotText', String.raw`binary\.txt is not a text file`));
  copy('txtCp1252', 'non-UTF-8 text (Windows-1252)', read({ ...FIXTURE, pN: 'N1' }));
  copy('txtUtf16be', 'UTF-16 big-endian text', read({ pT: 'T2', HER2_ihc: '2+' }));
  copy('txtUtf16le', 'UTF-16 little-endian text', read({ pT: 'T2', HER2_ihc: '2+' }));
  copy('txtUtf8Bom', 'UTF-8 text with a byte-order mark', read(FIXTURE));
  copy('emptyPdf', 'a 0-byte PDF', refused('EmptyFile', String.raw`empty\.pdf is empty \(0 bytes\)`));
  copy('truncatedPdf', 'a truncated PDF', refused('CorruptFile', String.raw`truncated\.pdf could not be opened as a PDF: it is damaged or incomplete`));
  copy('corruptPdf', 'a corrupt PDF (garbage after the header)', refused('CorruptFile', String.raw`corrupt\.pdf could not be opened as a PDF`));
  copy('encryptedPdf', 'a password-protected PDF', refused('EncryptedPdf', String.raw`encrypted\.pdf is protected by a password`));
  copy('manyPagesPdf', 'a 300-page PDF', refused('TooManyPages', String.raw`many-pages\.pdf has 300 pages; a report PDF may have at most \d+`));
  copy('unsupported', 'a Word document', { ...refused('UnsupportedType', String.raw`report\.docx: \.docx files are not read here`), cliSkipped: true });
  copy('scanPdf', 'an image-only (scanned) PDF', read(FIXTURE));
  copy('scanPng', 'a scanned page as a PNG image', read(FIXTURE));
  copy('formFieldsPdf', 'a PDF with form fields only', read({ pT: 'T2', pN: 'N1', ER: 'positive' }));
  copy('vectorTextPdf', 'a PDF with the text drawn as vector paths', read(FIXTURE));
  copy('notReportPdf', 'a PDF that is not a pathology report', read({}, { flags: ['not_a_pathology_report'] }));
  // Names lie: the bytes decide.
  copy('textPdf', 'a PDF named .txt', read({ pT: 'T2' }), 'pdf-named.txt');
  write('text-named.pdf', CORPUS_REPORT, 'a text file named .pdf', refused('CorruptFile', String.raw`text-named\.pdf is named \.pdf but is not a PDF`));
  write('text-named.png', CORPUS_REPORT, 'a text file named .png', refused('CorruptFile', String.raw`text-named\.png is named \.png but is not an image`));
  write('broken.png', Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 7)]), 'a PNG cut after its signature', refused('CorruptFile', String.raw`broken\.png could not be read as an image: it is damaged or incomplete`));
  write('huge.txt', `${CORPUS_REPORT}\n`.repeat(Math.ceil(5_000_000 / (CORPUS_REPORT.length + 1))), 'a 5 MB text', refused('ReportTooLong', String.raw`huge\.txt is 5,\d{3},\d{3} characters long; the limit is 200,000`));
  // Over the file-size limit: refused from its size alone, before a byte is read.
  write('oversize.pdf', Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(51 * 1024 * 1024)]), 'a 51 MB file (over the size limit)', refused('FileTooLarge', String.raw`oversize\.pdf is 51\.0 MB; files over 50 MB are not read`));
  write('rtl-emoji.txt', `تقرير علم الأمراض — דו"ח פתולוגיה 🔬🧪\n${CORPUS_REPORT} ✅`, 'right-to-left and emoji text', read(CORPUS));
  // A laboratory export with stray control characters between its lines (fewer than 1 %: still text).
  const controls = ['\u0004', '\u0006', '\u0013', '\u0014', '\u0016', '\u001d'];
  const fixtureLines = readFileSync(FIXTURE_REPORT_PATH, 'utf8').split('\n');
  write('control-chars.txt', fixtureLines.map((l, i) => (i % 4 === 1 ? `${controls[(i >> 2) % controls.length]}${l}` : l)).join('\n'), 'control characters (U+0004, U+0006, U+0013, U+0014, U+0016, U+001D)', read(FIXTURE));
  // The command line reads only the report types from a folder and says which files it left; the page reads what it is given.
  write('REPORT', CORPUS_REPORT, 'a text file with no extension', { ...read(CORPUS), cliSkipped: true });
  write('lung.txt', 'Right upper lobe, lobectomy: invasive adenocarcinoma of the lung, 3.2 cm. Lymph nodes 0/8. pT2a pN0.', 'a non-breast pathology report (lung)', read({}, { flags: ['not_breast_report'], stage: 'cannot be staged' }));
  write('letter.txt', 'Dear Dr Smith, thank you for seeing Mrs Jones in clinic on Tuesday. Kind regards.', 'a document that is not a pathology report (a letter)', read({}, { flags: ['not_a_pathology_report'], allNotStated: true }));
  write('dup-1.txt', CORPUS_REPORT, 'duplicated files (first copy)', read(CORPUS));
  write('dup-2.txt', CORPUS_REPORT, 'duplicated files (second copy)', read(CORPUS));
  return corpus;
}

/** `count` small report files in `dir`, for "1,000 small files at once". */
export function writeManySmallFiles(dir, count = 1000) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const names = [];
  for (let i = 0; i < count; i++) {
    const name = `r${String(i).padStart(4, '0')}.txt`;
    writeFileSync(join(dir, name), `Report ${i}. ${CORPUS_REPORT}`);
    names.push(name);
  }
  return names;
}

/**
 * @typedef {{ name: string, kind: string, message: string }} BrokenPackage  message: a regular expression's source
 */

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

/**
 * Writes broken copies of a working package (the tiny one) into `root`/<name>/ and returns what each
 * must be refused with. The checksum one is `tiny-corrupt`, the name the other e2e tests know.
 * @param {string} source a package folder that loads
 * @param {string} root
 * @returns {BrokenPackage[]}
 */
export function makeBrokenPackages(source, root) {
  const manifest = JSON.parse(readFileSync(join(source, 'manifest.json'), 'utf8'));
  const variant = manifest.variants[manifest.default_variant];
  /** @type {BrokenPackage[]} */
  const broken = [];
  const make = (name, kind, message, change) => {
    const dir = join(root, name);
    rmSync(dir, { recursive: true, force: true });
    cpSync(source, dir, { recursive: true });
    change(dir, structuredClone(manifest));
    broken.push({ name, kind, message });
  };
  const writeManifest = (dir, m) => writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify(m, null, 2)}\n`);

  make('tiny-corrupt', 'a model file that fails its checksum', String.raw`failed its checksum`, (dir) => {
    const path = join(dir, variant.model);
    const bytes = readFileSync(path);
    bytes[bytes.length >> 1] ^= 0xff;
    writeFileSync(path, bytes);
  });
  make('broken-missing', 'a package with a missing file', String.raw`tokenizer\.json`, (dir) => rmSync(join(dir, 'tokenizer.json')));
  make('broken-manifest', 'a manifest that does not parse', String.raw`manifest\.json is not valid JSON`, (dir) => writeFileSync(join(dir, 'manifest.json'), '{"format": "path-extract-model-package", "fields": ['));
  make('broken-schema', "a manifest whose labels differ from the app's schema", String.raw`labels for pT \(not_stated, TX.*\) differ from this app's`, (dir, m) => {
    m.fields.find((f) => f.name === 'pT').labels.reverse();
    writeManifest(dir, m);
  });
  // Two heads' output names swapped in the ONNX graph (names of equal length, so the protobuf stays
  // valid): the manifest and its checksum are right, but logits_pT now has pN's 7 labels, not 8.
  make('broken-shape', 'an ONNX file whose outputs have the wrong shape', String.raw`logits_pT has shape \[1, 7\], but the schema needs \[1, 8\]`, (dir, m) => {
    const path = join(dir, variant.model);
    const swapped = swapNames(readFileSync(path), 'logits_pT', 'logits_pN');
    writeFileSync(path, swapped);
    const file = m.variants[m.default_variant].files.find((f) => f.path === variant.model);
    file.sha256 = sha256(swapped);
    writeManifest(dir, m);
  });
  return broken;
}

/** Every `a` becomes `b` and every `b` becomes `a` (names of equal length). */
function swapNames(bytes, a, b) {
  const [A, B] = [Buffer.from(a), Buffer.from(b)];
  if (A.length !== B.length) throw new Error('swapNames needs names of equal length');
  const out = Buffer.from(bytes);
  for (const [from, to] of [[A, B], [B, A]]) for (let i = bytes.indexOf(from); i >= 0; i = bytes.indexOf(from, i + 1)) to.copy(out, i);
  return out;
}
