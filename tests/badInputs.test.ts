// Bad input through the command line, one folder of every kind at once: each file ends in a result
// or a clear message on stderr naming it, and none stops the others. The files come from
// scripts/ingest-fixtures.mjs plus a few written here (a 5 MB text, right-to-left and emoji text, a
// lung report, a letter, duplicated files, 1,000 small files).
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeIngestFixtures } from '../scripts/ingest-fixtures.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const tmp = mkdtempSync(join(tmpdir(), 'path-extract-bad-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const REPORT = 'Left breast, lumpectomy: invasive ductal carcinoma, grade 2. pT1c pN0. ER positive (90%). PR positive (50%). HER2 negative (1+).';

type Line = { id: string; fields: Record<string, { value: string }>; flags: { code: string }[]; stage: { group: string } };
type Outcome = { result: (line: Line) => void } | { message: RegExp };

function extract(dir: string): { code: number | null; stderr: string; lines: Map<string, Line> } {
  const out = join(tmp, `${basename(dir)}.jsonl`);
  const r = spawnSync(TSX, [join(ROOT, 'src', 'cli', 'extract.ts'), '--in', dir, '--out', out], { cwd: ROOT, encoding: 'utf8' });
  const lines = new Map<string, Line>();
  for (const l of readFileSync(out, 'utf8').split('\n').filter(Boolean)) {
    const line = JSON.parse(l) as Line;
    lines.set(line.id, line);
  }
  return { code: r.status, stderr: r.stderr, lines };
}

describe('a folder of bad input through the CLI', () => {
  const kinds: Record<string, Outcome> = {};
  let dir: string;

  beforeAll(async () => {
    const fx = await makeIngestFixtures();
    dir = join(tmp, 'corpus');
    mkdirSync(dir);
    const copy = (key: string, name = basename(fx[key]!.path)) => copyFileSync(fx[key]!.path, join(dir, name));
    const write = (name: string, content: string | Uint8Array) => writeFileSync(join(dir, name), content);
    const values = (expected: Record<string, string>) => (line: Line) => {
      for (const [f, v] of Object.entries(expected)) expect(line.fields[f]!.value, `${line.id} ${f}`).toBe(v);
    };
    const flagged = (code: string) => (line: Line) => expect(line.flags.map((f) => f.code)).toContain(code);

    copy('emptyTxt'), (kinds['empty.txt'] = { message: /empty\.txt is empty \(0 bytes\)/ });
    copy('whitespaceTxt'), (kinds['blank.txt'] = { message: /blank\.txt has no text in it/ });
    copy('binaryTxt'), (kinds['binary.txt'] = { message: /binary\.txt is not a text file/ });
    copy('txtCp1252'), (kinds['report-cp1252.txt'] = { result: values({ pT: 'T2', pN: 'N1', ER: 'positive' }) });
    copy('txtUtf16be'), (kinds['report-utf16be.txt'] = { result: values({ pT: 'T2', HER2_ihc: '2+' }) });
    copy('emptyPdf'), (kinds['empty.pdf'] = { message: /empty\.pdf is empty \(0 bytes\)/ });
    copy('truncatedPdf'), (kinds['truncated.pdf'] = { message: /truncated\.pdf could not be opened as a PDF: it is damaged or incomplete/ });
    copy('corruptPdf'), (kinds['corrupt.pdf'] = { message: /corrupt\.pdf could not be opened as a PDF/ });
    copy('encryptedPdf'), (kinds['encrypted.pdf'] = { message: /encrypted\.pdf is protected by a password/ });
    copy('manyPagesPdf'), (kinds['many-pages.pdf'] = { message: /many-pages\.pdf has 300 pages/ });
    copy('unsupported'), (kinds['report.docx'] = { message: /skipped 1 file of types not read here \(.+\): report\.docx/ });
    copy('scanPdf'), (kinds['report-scan.pdf'] = { result: values({ pT: 'T2', pN: 'N1', grade: '2', ER: 'positive' }) });
    copy('formFieldsPdf'), (kinds['report-form.pdf'] = { result: values({ pT: 'T2', pN: 'N1', ER: 'positive' }) });
    copy('vectorTextPdf'), (kinds['report-outlines.pdf'] = { result: values({ pT: 'T2', pN: 'N1', grade: '2', ER: 'positive' }) });
    copy('notReportPdf'), (kinds['not-a-report.pdf'] = { result: flagged('not_a_pathology_report') });
    // A .pdf that is really a text file, and a PDF named .txt: the bytes decide.
    copyFileSync(fx.textPdf!.path, join(dir, 'pdf-named.txt')), (kinds['pdf-named.txt'] = { result: values({ pT: 'T2' }) });
    write('text-named.pdf', REPORT), (kinds['text-named.pdf'] = { message: /text-named\.pdf is named \.pdf but is not a PDF/ });
    write('huge.txt', `${REPORT}\n`.repeat(Math.ceil(5_000_000 / (REPORT.length + 1)))), (kinds['huge.txt'] = { message: /huge\.txt is 5,\d{3},\d{3} characters long; the limit is 200,000/ });
    write('rtl-emoji.txt', `تقرير علم الأمراض — דו"ח פתולוגיה 🔬🧪\n${REPORT} ✅`), (kinds['rtl-emoji.txt'] = { result: values({ pT: 'T1', ER: 'positive', HER2: 'negative' }) });
    write('lung.txt', 'Right upper lobe, lobectomy: invasive adenocarcinoma of the lung, 3.2 cm. Lymph nodes 0/8. pT2a pN0.'), (kinds['lung.txt'] = { result: (l) => (flagged('not_breast_report')(l), expect(l.stage.group).toBe('cannot be staged')) });
    write('letter.txt', 'Dear Dr Smith, thank you for seeing Mrs Jones in clinic on Tuesday. Kind regards.'), (kinds['letter.txt'] = { result: (l) => (flagged('not_a_pathology_report')(l), expect(new Set(Object.values(l.fields).map((f) => f.value))).toEqual(new Set(['not_stated']))) });
    write('dup-1.txt', REPORT), write('dup-2.txt', REPORT), (kinds['dup-1.txt'] = { result: values({ pT: 'T1', pN: 'N0' }) }), (kinds['dup-2.txt'] = { result: values({ pT: 'T1', pN: 'N0' }) });
  }, 60_000);

  it('every kind ends in its result or its message, and none stops the rest', () => {
    const { code, stderr, lines } = extract(dir);
    expect(code).toBe(0);
    const rows: string[] = [];
    for (const [name, outcome] of Object.entries(kinds)) {
      const id = name.replace(/\.[^.]+$/, '');
      if ('message' in outcome) {
        expect(stderr, name).toMatch(outcome.message);
        expect(lines.has(id), `${name} gave a result`).toBe(false);
        rows.push(`${name}: refused — ${stderr.split('\n').find((l) => l.startsWith(`file ${name}:`) || l.endsWith(name))}`);
      } else {
        expect(lines.has(id), `${name} gave no result (${stderr})`).toBe(true);
        outcome.result(lines.get(id)!);
        rows.push(`${name}: read — pT ${lines.get(id)!.fields.pT!.value}, flags ${[...new Set(lines.get(id)!.flags.map((f) => f.code))].join(',') || 'none'}`);
      }
    }
    expect(Object.keys(kinds).length).toBeGreaterThanOrEqual(20);
    console.log(`bad-input corpus, ${Object.keys(kinds).length} kinds:\n  ${rows.join('\n  ')}`);
  }, 120_000);

  it('1,000 small files at once: 1,000 results', () => {
    const many = join(tmp, 'many');
    mkdirSync(many);
    for (let i = 0; i < 1000; i++) writeFileSync(join(many, `r${String(i).padStart(4, '0')}.txt`), `Report ${i}. ${REPORT}`);
    const { code, stderr, lines } = extract(many);
    expect(code).toBe(0);
    expect(lines.size).toBe(1000);
    expect(stderr).toMatch(/1000 ok, 0 failed, 1000 total/);
  }, 120_000);
});
