// One FHIR Observation per stated field of a report (mCODE STU4 profiles where mCODE has one), plus
// the stage group when the final T, N and M give one. A field that is not stated gives no
// Observation: "not stated" is the absence of a finding, not a finding, and FHIR has no use for an
// empty result (a field a person set to not stated therefore drops out; the JSON export keeps the trail).
import type { Annotation, CodeableConcept, Coding, Observation, Patient, Reference } from '@medplum/fhirtypes';
import type { ClinicalNoteCode } from '../domain/corrections';
import { isLabel, NOT_STATED, type FieldName, type Label } from '../domain/schema';
import type { FieldResult, Source } from '../domain/types';
import { AJCC_8TH_METHOD, AJCC_STAGE_GROUP, ANSWER, GRADE_ANSWER, IHC_ANSWER, LABORATORY, LOINC, PROFILE, SYSTEM } from './codes';
import { evidenceTexts, isAmended, sourceOf, stageDetail, type ExportView } from './view';

type Stated<F extends FieldName> = Exclude<Label<F>, 'not_stated'>;

interface FieldCoding {
  code: Coding;
  profile?: string;
  /** TNM categories are read by the AJCC 8th rules; a receiver needs the edition to read the code. */
  staging?: boolean;
  value(label: string, view: ExportView): CodeableConcept;
}

const ajcc = (code: string): CodeableConcept => ({ coding: [{ system: SYSTEM.ajcc, code }], text: code });

/** The y/r prefixes of the report apply to the whole pathologic classification (ypT2 ypN1). */
function prefix(view: ExportView): string {
  const v = view.final.values;
  return `${v.r_prefix.value === true ? 'r' : ''}${v.y_prefix.value === true ? 'y' : ''}p`;
}

/**
 * The stated sub-category ("T1c", "N1a") refines the code when it still belongs to the final value;
 * after a person's correction it may not, and the corrected category stands alone.
 */
function refined(name: 'pT' | 'pN', label: string, sub: unknown, field: FieldResult): string {
  if (field.source === 'person' || typeof sub !== 'string' || !sub.startsWith(label)) return label;
  return isLabel(name, sub) && sub !== label ? label : sub; // "N1mi" under N1 is another category, not a refinement
}

const capitalised = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function receptorValue(label: string, percent: unknown, field: FieldResult): CodeableConcept {
  const answer = ANSWER[label as Stated<'ER'>];
  // The percentage is the report's; it no longer describes a value a person changed.
  const share = field.source !== 'person' && percent !== null && percent !== undefined ? ` (${String(percent)}% of cells)` : '';
  return { coding: [answer], text: `${capitalised(label)}${share}` };
}

const FIELD_CODING: Record<FieldName, FieldCoding> = {
  pT: { code: LOINC.pT, profile: PROFILE.primaryTumor, staging: true, value: (l, v) => ajcc(`${prefix(v)}${refined('pT', l, v.final.values.pT_sub.value, v.final.fields.pT)}`) },
  pN: { code: LOINC.pN, profile: PROFILE.regionalNodes, staging: true, value: (l, v) => ajcc(`${prefix(v)}${refined('pN', l, v.final.values.pN_sub.value, v.final.fields.pN)}`) },
  pM: {
    code: LOINC.pM,
    profile: PROFILE.distantMetastases,
    staging: true,
    // AJCC has no pathologic M0 (cM0 is what a pathology report can say); MX left AJCC's 8th edition,
    // so it travels as text only, with no code to misread.
    value: (l) => (l === 'M0' ? ajcc('cM0') : l === 'M1' ? ajcc('pM1') : { text: 'MX (distant metastasis cannot be assessed)' }),
  },
  grade: { code: LOINC.grade, value: (l) => ({ coding: [GRADE_ANSWER[l as Stated<'grade'>]], text: `Nottingham grade ${l}` }) },
  ER: { code: LOINC.ER, profile: PROFILE.tumorMarker, value: (l, v) => receptorValue(l, v.final.values.ER_percent.value, v.final.fields.ER) },
  PR: { code: LOINC.PR, profile: PROFILE.tumorMarker, value: (l, v) => receptorValue(l, v.final.values.PR_percent.value, v.final.fields.PR) },
  HER2: { code: LOINC.HER2, profile: PROFILE.tumorMarker, value: (l) => ({ coding: [ANSWER[l as Stated<'HER2'>]], text: capitalised(l) }) },
  HER2_ihc: { code: LOINC.HER2_ihc, profile: PROFILE.tumorMarker, value: (l) => ({ coding: [IHC_ANSWER[l as Stated<'HER2_ihc'>]], text: `IHC ${l}` }) },
};

/** Which Observation carries which clinical note. */
const NOTE_FIELD: Record<ClinicalNoteCode, FieldName> = { ER_low_positive: 'ER', HER2_low: 'HER2' };

const said = (label: string) => (label === NOT_STATED ? 'not stated' : label);

const READ_BY: Record<Source, string> = { rules: 'the rules', model: 'the model', both: 'the rules and the model, agreeing', person: 'a person' };

function quotes(view: ExportView, field: FieldResult): string {
  const q = evidenceTexts(view.record.text, field.evidence).map((t) => `"${t}"`);
  return q.length > 0 ? ` Evidence in the report: ${q.join('; ')}.` : '';
}

function fieldNotes(view: ExportView, name: FieldName): Annotation[] {
  const field = view.final.fields[name];
  const notes: Annotation[] = [];
  if (field.source !== 'person') {
    const derived = field.derived ? '; derived with an AJCC rule from a measurement or node count' : '';
    notes.push({ text: `Read from the report text by ${READ_BY[sourceOf(field)]} (confidence ${field.confidence.toFixed(2)}${derived}).${quotes(view, field)}` });
  }
  if (field.review?.needed) notes.push({ text: `Marked for a person's check: ${field.review.reasons.join('; ')}.` });
  for (const c of view.record.review.corrections) {
    if (c.field === name) notes.push({ time: c.at, text: `Corrected by a person from ${said(c.from)} to ${said(c.to)}.` });
  }
  // Set back to what the extractor read: its reading stands, and its evidence with it.
  if (field.corrected && !isAmended(field)) {
    notes.push({ time: field.corrected.at, text: `Confirmed by a person: the reading of ${READ_BY[field.corrected.source ?? 'rules']} stands.${quotes(view, field)}` });
  }
  for (const n of view.notes) if (NOTE_FIELD[n.code] === name) notes.push({ text: n.text });
  return notes;
}

export interface ObservationContext {
  view: ExportView;
  subject: Reference<Patient>;
  /** The Observation's id for one field, or for 'stage'. */
  idOf(kind: FieldName | 'stage'): string;
  urlOf(kind: FieldName | 'stage'): string;
}

function base(ctx: ObservationContext, kind: FieldName | 'stage', code: Coding, profile: string | undefined): Observation {
  return {
    resourceType: 'Observation',
    id: ctx.idOf(kind),
    ...(profile !== undefined ? { meta: { profile: [profile] } } : {}),
    status: 'final',
    category: [{ coding: [LABORATORY] }],
    code: { coding: [code] },
    subject: ctx.subject,
    // When the app read the report: the report's own dates are not parsed.
    effectiveDateTime: ctx.view.record.createdAt,
  };
}

/** The Observation for one field, or null when the field is not stated. */
export function fieldObservation(ctx: ObservationContext, name: FieldName): Observation | null {
  const field = ctx.view.final.fields[name];
  if (field.value === NOT_STATED) return null;
  const spec = FIELD_CODING[name];
  const obs = base(ctx, name, spec.code, spec.profile);
  obs.status = isAmended(field) ? 'amended' : 'final';
  if (spec.staging) obs.method = { coding: [AJCC_8TH_METHOD] };
  obs.valueCodeableConcept = spec.value(field.value, ctx.view);
  const notes = fieldNotes(ctx.view, name);
  if (notes.length > 0) obs.note = notes;
  return obs;
}

const TNM: readonly FieldName[] = ['pT', 'pN', 'pM'];

/** The stage group Observation, with the T, N and M Observations as members; null when not staged. */
export function stageObservation(ctx: ObservationContext, members: readonly FieldName[]): Observation | null {
  const { final, record } = ctx.view;
  const stage = final.stage;
  if (stage.group === 'cannot be staged') return null;
  const obs = base(ctx, 'stage', LOINC.stageGroup, PROFILE.stageGroup);
  obs.method = { coding: [AJCC_8TH_METHOD] };
  obs.valueCodeableConcept = { coding: [{ system: SYSTEM.ajcc, code: AJCC_STAGE_GROUP[stage.group], display: stage.group }], text: `Stage ${stage.group}` };
  const tnm = members.filter((m) => TNM.includes(m));
  if (tnm.length > 0) obs.hasMember = tnm.map((m) => ({ reference: ctx.urlOf(m) }));
  const notes: Annotation[] = [{ text: `Computed by the app from the final categories (${stageDetail(stage)}) with the AJCC 8th edition anatomic stage table, not read from the report.` }];
  // A corrected T, N or M means the group was recomputed from a person's values.
  if (TNM.some((f) => isAmended(final.fields[f]))) {
    obs.status = 'amended';
    notes.push({ text: `Recomputed after a person's correction; the extraction as made gave: ${record.extraction.stage.group} (${stageDetail(record.extraction.stage)}).` });
  }
  obs.note = notes;
  return obs;
}
