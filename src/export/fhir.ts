// FHIR R4 export: a `collection` Bundle with, per report, a placeholder Patient, a DiagnosticReport
// holding the report text, and the Observations of its final values (fhirObservations.ts). Resources
// refer to each other by their urn:uuid fullUrls, which are deterministic hashes of the record id
// (ids.ts), so exporting the same records twice gives the same bundle (apart from `now`).
//
// The report text is not parsed for identity, so the Patient is a placeholder with no identifier or
// name: whoever imports the bundle links it to the real patient (e.g. replaces the subject references
// by the patient's own) before the results reach a chart.
import type { Bundle, BundleEntry, DiagnosticReport, Observation, Patient, Resource } from '@medplum/fhirtypes';
import type { ReportRecord } from '../domain/record';
import { FIELD_NAMES, type FieldName } from '../domain/schema';
import { LOINC, PROFILE, SURGICAL_PATHOLOGY, TEXT_PLAIN_UTF8 } from './codes';
import { fieldObservation, stageObservation, type ObservationContext } from './fhirObservations';
import { hashUuid, resourceId, urnUuid } from './ids';
import { stageSentence, viewOf } from './view';

export interface FhirExportOptions {
  /** ISO 8601 instant of the export: the Bundle's timestamp. */
  now: string;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Base64 of the text's UTF-8 bytes (btoa takes Latin-1 only, and Buffer is Node's). */
export function utf8Base64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += BASE64[(n >> 18) & 63]! + BASE64[(n >> 12) & 63]!;
    out += i + 1 < bytes.length ? BASE64[(n >> 6) & 63]! : '=';
    out += i + 2 < bytes.length ? BASE64[n & 63]! : '=';
  }
  return out;
}

function entry(resource: Resource): BundleEntry {
  return { fullUrl: urnUuid(resource.id!), resource };
}

function patientOf(record: ReportRecord): Patient {
  return { resourceType: 'Patient', id: resourceId(record.id, 'Patient'), meta: { profile: [PROFILE.cancerPatient] } };
}

function reportOf(record: ReportRecord, subject: string, results: readonly Observation[], conclusion: string): DiagnosticReport {
  return {
    resourceType: 'DiagnosticReport',
    id: resourceId(record.id, 'DiagnosticReport'),
    // The pathologist's report is final; a person's corrections amend the Observations read from it.
    status: 'final',
    category: [{ coding: [SURGICAL_PATHOLOGY] }],
    code: { coding: [LOINC.report] },
    subject: { reference: subject },
    issued: record.createdAt,
    result: results.map((o) => ({ reference: urnUuid(o.id!) })),
    conclusion,
    presentedForm: [{ contentType: TEXT_PLAIN_UTF8, data: utf8Base64(record.text), title: record.name }],
  };
}

/** The entries of one report: Patient, DiagnosticReport, then its Observations in schema order. */
function reportEntries(record: ReportRecord): BundleEntry[] {
  const view = viewOf(record);
  const patient = patientOf(record);
  const subject = urnUuid(patient.id!);
  const idOf = (kind: FieldName | 'stage') => resourceId(record.id, `Observation/${kind}`);
  const ctx: ObservationContext = { view, subject: { reference: subject }, idOf, urlOf: (kind) => urnUuid(idOf(kind)) };
  const byField = FIELD_NAMES.map((f) => [f, fieldObservation(ctx, f)] as const).filter((p): p is readonly [FieldName, Observation] => p[1] !== null);
  const stage = stageObservation(ctx, byField.map(([f]) => f));
  // The stage group follows M, where a reader of T, N and M expects it (a known group needs M0 or M1,
  // so there always is an M Observation).
  const observations = byField.flatMap(([f, o]) => (f === 'pM' && stage ? [o, stage] : [o]));
  const conclusion = [stageSentence(view.final.stage), ...view.notes.map((n) => n.text)].join(' ');
  const report = reportOf(record, subject, observations, conclusion);
  return [entry(patient), entry(report), ...observations.map(entry)];
}

export function toFhirBundle(records: readonly ReportRecord[], options: FhirExportOptions): Bundle {
  return {
    resourceType: 'Bundle',
    id: hashUuid(`Bundle/${records.map((r) => r.id).join(',')}`),
    type: 'collection',
    timestamp: options.now,
    entry: records.flatMap(reportEntries),
  };
}
