// The extraction schema: field names and labels, read from schema.json (shared with model-export).
// Types here are checked against the JSON at load, so the two can never drift silently.
import schemaJson from './schema.json';

export interface FieldLabels {
  pT: 'Tis' | 'T0' | 'T1' | 'T2' | 'T3' | 'T4' | 'TX' | 'not_stated';
  pN: 'N0' | 'N1mi' | 'N1' | 'N2' | 'N3' | 'NX' | 'not_stated';
  pM: 'M0' | 'M1' | 'MX' | 'not_stated';
  grade: '1' | '2' | '3' | 'not_stated';
  ER: 'positive' | 'negative' | 'not_stated';
  PR: 'positive' | 'negative' | 'not_stated';
  HER2: 'positive' | 'negative' | 'equivocal' | 'not_stated';
  HER2_ihc: '0' | '1+' | '2+' | '3+' | 'not_stated';
}

export type FieldName = keyof FieldLabels;
export type Label<F extends FieldName = FieldName> = FieldLabels[F];

export interface FieldSpec {
  name: FieldName;
  title: string;
  description: string;
  labels: readonly string[];
}

export interface ValueSpec {
  name: ValueName;
  title: string;
  unit: string;
}

export type ValueName =
  | 'Ki67_percent'
  | 'ER_percent'
  | 'PR_percent'
  | 'tumor_size_mm'
  | 'nodes_positive'
  | 'nodes_examined'
  | 'y_prefix'
  | 'r_prefix'
  | 'pT_sub'
  | 'pN_sub';

export const NOT_STATED = 'not_stated' as const;

// Every label of every field, as the TypeScript side knows them; compared with the JSON below.
const KNOWN_LABELS: { [F in FieldName]: Record<FieldLabels[F], true> } = {
  pT: { Tis: true, T0: true, T1: true, T2: true, T3: true, T4: true, TX: true, not_stated: true },
  pN: { N0: true, N1mi: true, N1: true, N2: true, N3: true, NX: true, not_stated: true },
  pM: { M0: true, M1: true, MX: true, not_stated: true },
  grade: { '1': true, '2': true, '3': true, not_stated: true },
  ER: { positive: true, negative: true, not_stated: true },
  PR: { positive: true, negative: true, not_stated: true },
  HER2: { positive: true, negative: true, equivocal: true, not_stated: true },
  HER2_ihc: { '0': true, '1+': true, '2+': true, '3+': true, not_stated: true },
};

const KNOWN_VALUES: Record<ValueName, true> = {
  Ki67_percent: true,
  ER_percent: true,
  PR_percent: true,
  tumor_size_mm: true,
  nodes_positive: true,
  nodes_examined: true,
  y_prefix: true,
  r_prefix: true,
  pT_sub: true,
  pN_sub: true,
};

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

function loadSchema(): { fields: FieldSpec[]; values: ValueSpec[] } {
  const fieldNames = schemaJson.fields.map((f) => f.name);
  if (!sameSet(fieldNames, Object.keys(KNOWN_LABELS))) {
    throw new Error(`schema.json fields [${fieldNames}] do not match schema.ts`);
  }
  for (const f of schemaJson.fields) {
    const known = Object.keys(KNOWN_LABELS[f.name as FieldName]);
    if (!sameSet(f.labels, known)) {
      throw new Error(`schema.json labels of ${f.name} [${f.labels}] do not match schema.ts [${known}]`);
    }
    if (f.labels[f.labels.length - 1] !== NOT_STATED) {
      throw new Error(`schema.json: ${f.name} must end with ${NOT_STATED}`);
    }
  }
  const valueNames = schemaJson.values.map((v) => v.name);
  if (!sameSet(valueNames, Object.keys(KNOWN_VALUES))) {
    throw new Error(`schema.json values [${valueNames}] do not match schema.ts`);
  }
  return {
    fields: schemaJson.fields as FieldSpec[],
    values: schemaJson.values as ValueSpec[],
  };
}

const loaded = loadSchema();

/** Classified fields in head order (the order of schema.json). */
export const FIELDS: readonly FieldSpec[] = loaded.fields;
export const FIELD_NAMES: readonly FieldName[] = FIELDS.map((f) => f.name);
export const VALUES: readonly ValueSpec[] = loaded.values;

export function labelsOf<F extends FieldName>(field: F): readonly Label<F>[] {
  return FIELDS.find((f) => f.name === field)!.labels as readonly Label<F>[];
}

export function isFieldName(name: string): name is FieldName {
  return (FIELD_NAMES as readonly string[]).includes(name);
}

export function isLabel<F extends FieldName>(field: F, value: string): value is Label<F> {
  return (labelsOf(field) as readonly string[]).includes(value);
}
