// Every terminology code the FHIR export writes, in one place, with why it was chosen. Codes are
// copied from LOINC, SNOMED CT, HL7 v2 table 0074 and the mCODE STU4 examples; nothing is invented.
import type { Coding } from '@medplum/fhirtypes';
import type { Label } from '../domain/schema';
import type { StageGroup } from '../domain/types';

export const SYSTEM = {
  loinc: 'http://loinc.org',
  snomed: 'http://snomed.info/sct',
  /** AJCC's own code system, as mCODE STU1/STU2 use it ("pT2", "cM0", stage group "2B"). */
  ajcc: 'http://cancerstaging.org',
  diagnosticServiceSection: 'http://terminology.hl7.org/CodeSystem/v2-0074',
  observationCategory: 'http://terminology.hl7.org/CodeSystem/observation-category',
} as const;

const MCODE = 'http://hl7.org/fhir/us/mcode/StructureDefinition/';

export const PROFILE = {
  cancerPatient: `${MCODE}mcode-cancer-patient`,
  primaryTumor: `${MCODE}mcode-tnm-primary-tumor-category`,
  regionalNodes: `${MCODE}mcode-tnm-regional-nodes-category`,
  distantMetastases: `${MCODE}mcode-tnm-distant-metastases-category`,
  stageGroup: `${MCODE}mcode-tnm-stage-group`,
  tumorMarker: `${MCODE}mcode-tumor-marker-test`,
} as const;

const loinc = (code: string, display: string): Coding => ({ system: SYSTEM.loinc, code, display });

/** What an Observation is about. The pathologic ("p") TNM codes, since these are pathology reports. */
export const LOINC = {
  pT: loinc('21899-0', 'Primary tumor.pathology Cancer'),
  pN: loinc('21900-6', 'Regional lymph nodes.pathology [Class] Cancer'),
  pM: loinc('21901-4', 'Distant metastases.pathology [Class] Cancer'),
  stageGroup: loinc('21902-2', 'Stage group.pathology Cancer'),
  // The Nottingham grade code mCODE's own example uses (with US Core's lab profile; mCODE STU4 has no
  // breast-specific grade profile), so receivers that read mCODE examples read this one.
  grade: loinc('44648-4', 'Histologic grade [Score] in Breast cancer specimen Qualitative by Nottingham'),
  ER: loinc('85337-4', 'Estrogen receptor Ag [Presence] in Breast cancer specimen by Immune stain'),
  PR: loinc('85339-0', 'Progesterone receptor Ag [Presence] in Breast cancer specimen by Immune stain'),
  // The final HER2 status integrates IHC and ISH (ASCO/CAP), so it is an interpretation, not an
  // immune-stain result; 85319-2 ("by Immune stain") is kept for the IHC score, which is one.
  HER2: loinc('48676-1', 'HER2 [Interpretation] in Tissue'),
  HER2_ihc: loinc('85319-2', 'HER2 [Presence] in Breast cancer specimen by Immune stain'),
  // "Synoptic" because the report's discrete results (TNM, grade, markers) travel as Observations in
  // DiagnosticReport.result; 22637-3 names only the final-diagnosis narrative section, while the
  // presentedForm carries the whole report text.
  report: loinc('60568-3', 'Pathology Synoptic report'),
} as const;

/** LOINC answer codes for presence results. */
export const ANSWER = {
  positive: loinc('LA6576-8', 'Positive'),
  negative: loinc('LA6577-6', 'Negative'),
  equivocal: loinc('LA4259-3', 'Equivocal'),
} as const;

/** LOINC answers of 44648-4. */
export const GRADE_ANSWER: Record<Exclude<Label<'grade'>, 'not_stated'>, Coding> = {
  '1': loinc('LA27823-6', 'Nottingham grade 1'),
  '2': loinc('LA27824-4', 'Nottingham grade 2'),
  '3': loinc('LA27825-1', 'Nottingham grade 3'),
};

/** IHC score → presence, per the ASCO/CAP 2018 IHC reading (0 and 1+ negative, 2+ equivocal, 3+ positive). */
export const IHC_ANSWER: Record<Exclude<Label<'HER2_ihc'>, 'not_stated'>, Coding> = {
  '0': ANSWER.negative,
  '1+': ANSWER.negative,
  '2+': ANSWER.equivocal,
  '3+': ANSWER.positive,
};

export const AJCC_8TH_METHOD: Coding = {
  system: SYSTEM.snomed,
  code: '897275008',
  display: 'American Joint Commission on Cancer, Cancer Staging Manual, 8th edition neoplasm staging system (tumor staging)',
};

/**
 * AJCC stage group codes as mCODE's examples write them (code "2B", display "IIB"): the AJCC code
 * system uses Arabic numerals for the group; the Roman numeral is the display.
 */
export const AJCC_STAGE_GROUP: Record<StageGroup, string> = {
  '0': '0',
  IA: '1A',
  IB: '1B',
  IIA: '2A',
  IIB: '2B',
  IIIA: '3A',
  IIIB: '3B',
  IIIC: '3C',
  IV: '4',
};

export const LABORATORY: Coding = { system: SYSTEM.observationCategory, code: 'laboratory', display: 'Laboratory' };

export const SURGICAL_PATHOLOGY: Coding = { system: SYSTEM.diagnosticServiceSection, code: 'SP', display: 'Surgical Pathology' };

export const TEXT_PLAIN_UTF8 = 'text/plain; charset=utf-8';
