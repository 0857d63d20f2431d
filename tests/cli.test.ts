// End-to-end tests of the extract and eval CLIs, run as child processes through tsx on temporary files.
// Run: npx vitest run tests/cli.test.ts (the /work/shared/data checks skip when that folder is absent)
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { FIELD_NAMES, labelsOf, VALUES } from '../src/domain/schema';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const DATA = join(ROOT, '..', 'shared', 'data');
const TEXT_SET = join(DATA, 'tcga-brca-dev-text.jsonl');

const tmp = mkdtempSync(join(tmpdir(), 'path-extract-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface MetricsJson {
  records: { scored: number; failed: number; labelErrors: number };
  meanMacroF1: { fields: string[]; value: number | null };
  fields: Record<string, { labels: string[]; n: number; confusion: number[][]; classes: { label: string; support: number }[] }>;
}

function cli(script: 'extract' | 'eval', args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(TSX, [join(ROOT, 'src', 'cli', `${script}.ts`), ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function file(name: string, content: string): string {
  const path = join(tmp, name);
  writeFileSync(path, content);
  return path;
}

function jsonLines(path: string): Record<string, unknown>[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

// Only extractor-independent structure: the rule extractor's answers are still changing.
function expectExtractionShape(line: Record<string, unknown>): void {
  expect(Object.keys(line)).toEqual(['id', 'fields', 'values', 'stage', 'flags']);
  expect(Object.keys(line.fields as object).sort()).toEqual([...FIELD_NAMES].sort());
  expect(Object.keys(line.values as object).sort()).toEqual(VALUES.map((v) => v.name).sort());
  expect(line.stage).toHaveProperty('group');
  expect(Array.isArray(line.flags)).toBe(true);
}

describe('extract', () => {
  it('writes one line per good JSONL report, reports the bad line and goes on', () => {
    const input = file(
      'three.jsonl',
      [
        JSON.stringify({ id: 'R1', text: 'Invasive ductal carcinoma, 2.1 cm. ER positive.' }),
        '{"id": "R2", "text": ', // truncated: invalid JSON
        JSON.stringify({ text: 'No id here. Lymph nodes 0/12.' }),
      ].join('\n'),
    );
    const out = join(tmp, 'out', 'three.jsonl');
    const r = cli('extract', ['--in', input, '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/line 2: invalid JSON/);
    expect(r.stderr).toMatch(/2 ok, 1 failed/);
    const lines = jsonLines(out);
    expect(lines.map((l) => l.id)).toEqual(['R1', 'line-3']);
    lines.forEach(expectExtractionShape);
  });

  it('names missing and empty text, and exits 1 when every line failed', () => {
    const input = file('bad.jsonl', `${JSON.stringify({ id: 'A' })}\n${JSON.stringify({ id: 'B', text: '  ' })}\n`);
    const r = cli('extract', ['--in', input, '--out', join(tmp, 'bad-out.jsonl')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/line 1: missing "text"/);
    expect(r.stderr).toMatch(/line 2: "text" is empty/);
  });

  it('takes a folder of .txt files, with ids from the file names', () => {
    const dir = join(tmp, 'reports');
    mkdirSync(dir);
    writeFileSync(join(dir, 'b-report.txt'), 'Grade 2 invasive carcinoma.');
    writeFileSync(join(dir, 'a.report.txt'), 'HER2 negative (1+).');
    writeFileSync(join(dir, 'notes.md'), 'not a report');
    const out = join(tmp, 'folder-out.jsonl');
    const r = cli('extract', ['--in', dir, '--out', out]);
    expect(r.code).toBe(0);
    const lines = jsonLines(out);
    expect(lines.map((l) => l.id)).toEqual(['a.report', 'b-report']);
    expect(lines[0]!.source).toEqual({ file: 'a.report.txt', kind: 'txt', pages: 1, ocr_pages: 0, ocr_mean_confidence: null, ocr_uncertain_words: 0 });
    lines.forEach(({ source, ...line }) => expectExtractionShape(line));
  });

  it('reads PDFs (text layer, and OCR of scans) and Windows-1252 text from a folder; bad files are reported and skipped', async () => {
    const { makeIngestFixtures } = await import('../scripts/ingest-fixtures.mjs');
    const fx = await makeIngestFixtures();
    const dir = join(tmp, 'files');
    mkdirSync(dir);
    for (const key of ['textPdf', 'scanPdf', 'txtCp1252', 'encryptedPdf', 'emptyPdf']) copyFileSync(fx[key]!.path, join(dir, fx[key]!.path.split('/').pop()!));
    const out = join(tmp, 'files-out.jsonl');
    const r = cli('extract', ['--in', dir, '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/file encrypted\.pdf: encrypted\.pdf is protected by a password/);
    expect(r.stderr).toMatch(/file empty\.pdf: empty\.pdf is empty \(0 bytes\)/);
    expect(r.stderr).toMatch(/rules: 3 ok, 2 failed, 5 total/);
    const lines = Object.fromEntries(jsonLines(out).map((l) => [l.id, l]));
    expect(Object.keys(lines).sort()).toEqual(['report-cp1252', 'report-scan', 'report-text']);
    const valuesOf = (l: Record<string, unknown>) => Object.fromEntries(Object.entries(l.fields as Record<string, { value: string }>).map(([k, v]) => [k, v.value]));
    expect(valuesOf(lines['report-scan']!)).toEqual(valuesOf(lines['report-text']!));
    expect(valuesOf(lines['report-cp1252']!)).toEqual(valuesOf(lines['report-text']!));
    expect(valuesOf(lines['report-text']!)).toMatchObject({ pT: 'T2', pN: 'N1', grade: '2', ER: 'positive', HER2_ihc: '2+' });
    expect(lines['report-scan']!.source).toMatchObject({ file: 'report-scan.pdf', kind: 'pdf', pages: 2, ocr_pages: 2 });
    expect((lines['report-scan']!.source as { ocr_mean_confidence: number }).ocr_mean_confidence).toBeGreaterThan(0.85);
    expect(lines['report-text']!.source).toMatchObject({ kind: 'pdf', pages: 2, ocr_pages: 0, ocr_mean_confidence: null });
  }, 120_000);

  it('writes the export formats: JSON lines with provenance, CSV with a BOM, a FHIR Bundle', () => {
    const input = file('formats.jsonl', `${JSON.stringify({ id: 'A1', text: 'Invasive ductal carcinoma, grade 2. pT2 pN1a. ER positive (95%). HER2 negative (1+).' })}\n`);
    const json = cli('extract', ['--in', input, '--out', join(tmp, 'f.jsonl'), '--format', 'json']);
    expect(json.code).toBe(0);
    const [line] = jsonLines(join(tmp, 'f.jsonl'));
    expect(Object.keys(line!)).toEqual(['id', 'fields', 'values', 'stage', 'flags', 'source', 'corrections', 'reviewed_at', 'provenance']);
    expect(line!.provenance).toMatchObject({ extractor: 'rules', model: null });
    expect(line!.source).toMatchObject({ file: 'line 1', kind: 'jsonl' });

    expect(cli('extract', ['--in', input, '--out', join(tmp, 'f.csv'), '--format', 'csv']).code).toBe(0);
    const csv = readFileSync(join(tmp, 'f.csv'), 'utf8');
    expect(csv.startsWith('\uFEFFid,file_name,')).toBe(true);
    expect(csv.split('\r\n')[1]).toMatch(/^A1,line 1,jsonl,/);

    expect(cli('extract', ['--in', input, '--out', join(tmp, 'f.fhir.json'), '--format', 'fhir']).code).toBe(0);
    const bundle = JSON.parse(readFileSync(join(tmp, 'f.fhir.json'), 'utf8')) as { resourceType: string; entry: { resource: { resourceType: string; code?: { coding: { code: string }[] } } }[] };
    expect(bundle.resourceType).toBe('Bundle');
    const codes = bundle.entry.flatMap((e) => e.resource.code?.coding.map((c) => c.code) ?? []);
    expect(codes).toEqual(expect.arrayContaining(['21899-0', '21900-6', '85337-4']));

    const bad = cli('extract', ['--in', input, '--out', join(tmp, 'f.x'), '--format', 'xml']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown --format "xml"; one of: lines, json, csv, fhir/);
  });

  it('explains usage errors with exit code 2 and prints --help', () => {
    const missing = cli('extract', ['--in', 'x.jsonl']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/missing required flag: --out/);

    const unknown = cli('extract', ['--in', 'x.jsonl', '--out', 'y.jsonl', '--extractor', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown extractor "nope"; known extractors: rules/);

    const help = cli('extract', ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: npm run extract/);
  });

  it('exits 1 when the input cannot be read', () => {
    const r = cli('extract', ['--in', join(tmp, 'absent.jsonl'), '--out', join(tmp, 'never.jsonl')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot read input/);
  });
});

describe('eval', () => {
  const dataset = [
    { id: 'E1', text: 'Invasive carcinoma 2.5 cm, ER positive.', labels: { pT: 'T2', ER: 'positive', Ki67: '10' } },
    { id: 'E2', text: 'Invasive carcinoma 1.2 cm, nodes 0/3.', labels: { pT: 'T1', pN: 'N0' } },
    { id: 'E3', text: 'Grade 2 carcinoma.', labels: { pT: 'T9', grade: '2' } },
  ];

  it('scores only the labelled fields and writes the metrics JSON and the errors file', () => {
    const data = file('tiny.jsonl', dataset.map((d) => JSON.stringify(d)).join('\n'));
    const jsonPath = join(tmp, 'eval', 'metrics.json');
    const errorsPath = join(tmp, 'eval', 'errors.jsonl');
    const r = cli('eval', ['--data', data, '--json', jsonPath, '--errors', errorsPath]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/line 3 \(E3\): labels\.pT = "T9" is not a label of pT/);
    expect(r.stdout).toMatch(/mean macro-F1 \(pT, pN, grade, ER\) = \d\.\d{3}/);

    const m = JSON.parse(readFileSync(jsonPath, 'utf8')) as MetricsJson;
    expect(m.records).toEqual({ scored: 3, failed: 0, labelErrors: 1 });
    // E3's invalid pT is skipped; absent fields are not scored; Ki67 is not a schema field.
    const n = Object.fromEntries(Object.entries(m.fields).map(([f, fm]) => [f, fm.n]));
    expect(n).toEqual({ pT: 2, pN: 1, pM: 0, grade: 1, ER: 1, PR: 0, HER2: 0, HER2_ihc: 0 });
    expect(m.meanMacroF1.fields).toEqual(['pT', 'pN', 'grade', 'ER']);
    expect(typeof m.meanMacroF1.value).toBe('number');

    const pT = m.fields.pT!;
    expect(pT.labels).toEqual(labelsOf('pT'));
    expect(pT.confusion).toHaveLength(pT.labels.length);
    // Row sums are the gold counts whatever the extractor predicts.
    const rowSum = (label: string) => pT.confusion[pT.labels.indexOf(label)]!.reduce((a, b) => a + b, 0);
    expect(rowSum('T1')).toBe(1);
    expect(rowSum('T2')).toBe(1);
    expect(pT.classes.map((c) => c.label)).toEqual(pT.labels);
    expect(pT.classes.find((c) => c.label === 'T2')!.support).toBe(1);

    for (const e of jsonLines(errorsPath)) {
      expect(['E1', 'E2', 'E3']).toContain(e.id);
      expect(e.gold).not.toBe(e.predicted);
      expect(Array.isArray(e.evidence)).toBe(true);
    }
  });

  it('scores style families as read or unseen by the rules and gives the registrar\'s view of the review marks', () => {
    const rows = [
      { id: 'F1', source: 'synthetic-llm/us-synoptic', text: 'Invasive ductal carcinoma, 2.5 cm. Pathologic stage: pT2 pN0.', labels: { pT: 'T2', pN: 'N0' } },
      { id: 'F2', source: 'synthetic-llm/uk-rcpath', text: 'Invasive ductal carcinoma, 1.2 cm. Lymph nodes 0/3.', labels: { pT: 'T1', pN: 'N1' } },
    ];
    const jsonPath = join(tmp, 'eval-families.json');
    const r = cli('eval', ['--data', file('families.jsonl', rows.map((d) => JSON.stringify(d)).join('\n')), '--json', jsonPath]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/us-synoptic\s+1\.000\s+read while writing the rules \(in-sample\)/);
    expect(r.stdout).toMatch(/uk-rcpath\s+0\.500\s+unseen by the rules \(out-of-sample\)/);
    const m = JSON.parse(readFileSync(jsonPath, 'utf8')) as { families: { family: string; read: boolean }[]; registrarView: { overall: { n: number; flaggedShare: number }; curve: { threshold: number }[] } };
    expect(m.families.map((f) => [f.family, f.read])).toEqual([['uk-rcpath', false], ['us-synoptic', true]]);
    expect(m.registrarView.overall.n).toBe(4);
    expect(m.registrarView.curve.length).toBeGreaterThan(5);
  });

  it('restricts scoring to --fields and rejects unknown fields', () => {
    const data = file('tiny2.jsonl', dataset.map((d) => JSON.stringify(d)).join('\n'));
    const jsonPath = join(tmp, 'eval-fields.json');
    const r = cli('eval', ['--data', data, '--fields', 'pN,PR', '--json', jsonPath]);
    expect(r.code).toBe(0);
    const m = JSON.parse(readFileSync(jsonPath, 'utf8')) as MetricsJson;
    expect(Object.keys(m.fields)).toEqual(['pN', 'PR']);
    expect(m.meanMacroF1.fields).toEqual(['pN']);
    expect(r.stdout).toMatch(/no gold labels for: PR/);

    const bad = cli('eval', ['--data', data, '--fields', 'pT,Ki67']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown field\(s\) Ki67/);
  });

  it('reports a line without labels and exits 1 when nothing can be scored', () => {
    const data = file('nolabels.jsonl', JSON.stringify({ id: 'X', text: 'Some report.' }));
    const r = cli('eval', ['--data', data]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/line 1: missing "labels" object/);
  });
});

describe('on the shared TCGA dev set', () => {
  const records = existsSync(TEXT_SET)
    ? readFileSync(TEXT_SET, 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as { id: string; labels: Record<string, string> })
    : [];

  it.skipIf(!existsSync(TEXT_SET))('extracts every report with its id', () => {
    const out = join(tmp, 'dev-pred.jsonl');
    const r = cli('extract', ['--in', TEXT_SET, '--out', out]);
    expect(r.code).toBe(0);
    const lines = jsonLines(out);
    expect(lines.map((l) => l.id)).toEqual(records.map((d) => d.id));
    lines.forEach(expectExtractionShape);
  });

  it.skipIf(!existsSync(TEXT_SET))('scores each field on exactly the records that label it', () => {
    const jsonPath = join(tmp, 'dev-metrics.json');
    const r = cli('eval', ['--data', TEXT_SET, '--json', jsonPath]);
    expect(r.code).toBe(0);
    const m = JSON.parse(readFileSync(jsonPath, 'utf8')) as MetricsJson;
    expect(m.records.scored).toBe(records.length);
    for (const f of FIELD_NAMES) {
      const expected = records.filter((d) => d.labels[f] !== undefined).length;
      expect(m.fields[f]!.n, f).toBe(expected);
    }
  });
});
