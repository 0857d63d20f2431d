// The rule-based extractor: every schema field with evidence spans, the extra values, AJCC 8th
// derivations (size → T, node counts → N) and the stage group. Pure TS: runs in Node and the browser.
import { classifyReport, type ReportKindResult } from '../reportKind';
import { FIELD_NAMES, VALUES, type FieldName, type Label } from '../schema';
import { markForReview } from '../review';
import { stageGroup } from '../staging';
import type { Extraction, Extractor, FieldResult, FieldResults, Flag, Span, StageResult, ValueResult, ValueResults } from '../types';
import { resolve, round, type Candidate } from './candidates';
import { findGrades } from './grade';
import { findAnchors, findHer2, findKi67, findReceptor, receptorCandidates, type Her2Findings, type ReceptorFinding } from './markers';
import { findNodeFindings, nFromNodes, nodeTotals } from './nodes';
import { findT4Findings, findTumourSizes, invasiveStatus, largestInvasiveSize, tFromSize } from './size';
import { blankSpans, readableText } from './mask';
import { sideLines, type Side } from './tumours';
import { sections } from './text';
import { findStatedTnm, type StatedCode } from './tnm';
import { WEIGHTS } from './weights';

const T_ORDER: Label<'pT'>[] = ['T0', 'Tis', 'T1', 'T2', 'T3', 'T4'];
const N_ORDER: Label<'pN'>[] = ['N0', 'N1mi', 'N1', 'N2', 'N3'];
const byOrder =
  <V extends string>(order: readonly V[]) =>
  (a: V, b: V) =>
    order.indexOf(a) - order.indexOf(b);

function notStated<F extends FieldName>(): FieldResult<F> {
  return { value: 'not_stated' as Label<F>, confidence: WEIGHTS.resolution.notStated, evidence: [], derived: false };
}

function value(v: ValueResult['value'], evidence: Span[] = []): ValueResult {
  return { value: v, evidence };
}

interface Accumulator {
  flags: Flag[];
  flag(code: Flag['code'], message: string, evidence?: Span[], field?: FieldName): void;
}

function accumulator(): Accumulator {
  const flags: Flag[] = [];
  return {
    flags,
    flag(code, message, evidence = [], field) {
      flags.push({ code, message, evidence, ...(field ? { field } : {}) });
    },
  };
}

/** A stated code wins; the derived value fills in when nothing is stated; disagreement is flagged. */
function statedOrDerived<F extends 'pT' | 'pN'>(
  field: F,
  stated: StatedCode<Label<F>>[],
  derived: { value: Label<F>; weight: number; evidence: Span[] } | null,
  order: readonly Label<F>[],
  acc: Accumulator,
): FieldResult<F> {
  const best = resolve<Label<F>>(stated, byOrder(order));
  // "pNX" beside counted positive nodes: the nodes were assessed after all, and the count decides.
  if (best && best.value === 'NX' && derived && derived.value !== 'N0') {
    acc.flag('stated_derived_conflict', `${field}: stated NX, but the report counts positive nodes (${derived.value})`, [...best.evidence, ...derived.evidence], field);
    return { value: derived.value, confidence: round(derived.weight), evidence: derived.evidence, derived: true };
  }
  if (best) {
    if (best.conflict) acc.flag('conflicting_statements', `${field}: the report states both ${best.value} and ${best.runnerUp}`, best.evidence, field);
    if (derived && derived.value !== best.value && best.value !== 'TX' && best.value !== 'NX') {
      acc.flag('stated_derived_conflict', `${field}: stated ${best.value}, but the report's measurements give ${derived.value}`, derived.evidence, field);
    }
    return { value: best.value, confidence: best.confidence, evidence: best.evidence, derived: false };
  }
  if (derived) return { value: derived.value, confidence: round(derived.weight), evidence: derived.evidence, derived: true };
  return notStated<F>();
}

function fromCandidates<F extends FieldName>(field: F, cands: Candidate<Label<F>>[], acc: Accumulator): FieldResult<F> {
  const best = resolve(cands);
  if (!best) return notStated<F>();
  if (best.conflict) acc.flag('conflicting_statements', `${field}: the report states both ${best.value} and ${best.runnerUp}`, best.evidence, field);
  return { value: best.value, confidence: best.confidence, evidence: best.evidence, derived: false };
}

function receptorField<F extends 'ER' | 'PR'>(field: F, findings: ReceptorFinding[], acc: Accumulator): { result: FieldResult<F>; percent: ValueResult } {
  const result = fromCandidates<F>(field, receptorCandidates(findings) as Candidate<Label<F>>[], acc);
  const chosen = findings.filter((f) => f.status === result.value);
  const withPercent = chosen.find((f) => f.percent !== null);
  const percentShown = withPercent ? (withPercent.shown ?? withPercent.percent) : null;
  if (result.value === 'positive' && chosen.some((f) => f.lowPositive)) {
    acc.flag(`${field}_low_positive`, `${field} low positive (1–10 % of cells): limited data on endocrine benefit`, chosen.find((f) => f.lowPositive)!.evidence, field);
  }
  if (result.value === 'not_stated' && findings.some((f) => f.status === 'pending')) {
    acc.flag('biomarkers_pending', `${field} is pending or was sent out: not reported here`, findings.flatMap((f) => (f.status === 'pending' ? f.evidence : [])), field);
  }
  if (result.value !== 'not_stated' && chosen.length > 0 && chosen.every((f) => f.prior)) {
    acc.flag('biomarkers_from_prior_specimen', `${field} is quoted from an earlier specimen`, chosen[0]!.evidence, field);
  }
  return { result, percent: value(percentShown, withPercent?.evidence ?? []) };
}

/** The breast AJCC stage group, for a breast report only: another organ's T and N mean other things. */
function stageOf(kind: ReportKindResult, t: Label<'pT'>, n: Label<'pN'>, m: Label<'pM'>): StageResult {
  if (kind.kind === 'breast_pathology') return stageGroup(t, n, m);
  return { group: 'cannot be staged', reason: kind.kind === 'not_pathology' ? 'this text is not a pathology report' : `this is a ${kind.site ?? 'non-breast'} report: breast AJCC staging does not apply` };
}

export function extractRules(report: string): Extraction {
  const acc = accumulator();
  const kind = classifyReport(report);
  if (kind.kind === 'not_pathology') {
    // Nothing in a recipe or a letter is a TNM code or a grade, whatever it happens to contain ("T2 tin", "5 stars").
    acc.flag('not_a_pathology_report', 'This text does not read as a pathology report: nothing was extracted', [...kind.evidence]);
    return markForReview(emptyExtraction(kind, acc.flags), NOTHING_READ);
  }
  if (kind.kind === 'other_site_pathology') {
    acc.flag('not_breast_report', `This reads as a ${kind.site ?? 'non-breast'} pathology report, not a breast one: values are shown for checking, without a breast stage group`, [...kind.evidence]);
  }
  const text = readableText(report);
  const whole = readTumour(text);
  const chosen = primaryTumour(text, whole);
  for (const f of chosen.flags) acc.flags.push(f);
  const { fields, values } = chosen;
  const rawWeights = Object.fromEntries(FIELD_NAMES.map((f) => [f, fields[f].confidence])) as Record<FieldName, number>;
  return markForReview(tidyEvidence(report, { fields, values, stage: stageOf(kind, fields.pT.value, fields.pN.value, fields.pM.value), flags: acc.flags }), rawWeights);
}

interface TumourReading {
  fields: FieldResults;
  values: ValueResults;
  flags: Flag[];
}

/** Every field and value read from one text (the whole report, or one side of a bilateral one). */
function readTumour(text: string): TumourReading {
  const acc = accumulator();
  const secs = sections(text);
  const stated = findStatedTnm(text, secs);

  const status = invasiveStatus(text);
  // Sizes describe an invasive tumour only when the report has one; a DCIS-only report's sizes are in situ.
  const largest = status.invasive ? largestInvasiveSize(findTumourSizes(text, secs)) : null;
  const t4 = status.invasive ? findT4Findings(text, secs) : [];
  const derivedT = t4.length > 0
    ? { value: 'T4' as const, weight: Math.max(...t4.map((c) => c.weight)), evidence: t4.flatMap((c) => c.evidence) }
    : largest
      ? { value: tFromSize(largest.mm), weight: largest.weight, evidence: largest.evidence }
      : !status.invasive && status.dcis.length > 0
        ? { value: 'Tis' as const, weight: WEIGHTS.size.tisFromDcis, evidence: status.dcis }
        : !status.invasive && status.noResidual.length > 0
          ? { value: 'T0' as const, weight: WEIGHTS.size.t0FromNoResidual, evidence: status.noResidual }
          : null;
  if (!status.invasive && status.dcis.length > 0) acc.flag('dcis_only', 'Ductal carcinoma in situ without invasive carcinoma', status.dcis);
  const pT = statedOrDerived('pT', stated.T, derivedT, T_ORDER, acc);

  const nodes = findNodeFindings(text, secs);
  const totals = nodeTotals(nodes);
  const pN = statedOrDerived('pN', stated.N, nFromNodes(nodes, totals), N_ORDER, acc);
  const pM = fromCandidates('pM', stated.M, acc);

  const grades = findGrades(text, secs);
  // A range or "no overall grade" leaves the grade not stated, unless another statement is labelled overall.
  const overall = grades.candidates.some((c) => c.evidence.some(([s, e]) => /overall|final|combined/i.test(text.slice(Math.max(0, s - 30), e))));
  const grade = grades.noSingleGrade.length > 0 && !overall
    ? notStated<'grade'>()
    : fromCandidates('grade', grades.candidates, acc);

  const anchors = findAnchors(text);
  const er = receptorField('ER', findReceptor(text, anchors, 'ER', secs), acc);
  const pr = receptorField('PR', findReceptor(text, anchors, 'PR', secs), acc);
  const her2Findings = findHer2(text, anchors, secs);
  const { her2, her2Ihc } = her2Fields(her2Findings, acc);

  const fields: FieldResults = { pT, pN, pM, grade, ER: er.result, PR: pr.result, HER2: her2, HER2_ihc: her2Ihc };
  const tCode = stated.T.find((c) => c.value === pT.value && !pT.derived);
  const nCode = stated.N.find((c) => c.value === pN.value && !pN.derived);
  const yCode = [...stated.T, ...stated.N].find((c) => c.prefix.y);
  const rCode = [...stated.T, ...stated.N].find((c) => c.prefix.r);
  if (yCode) acc.flag('post_neoadjuvant', 'y prefix: staged after neoadjuvant therapy (ypTNM)', yCode.evidence);
  const ki67 = findKi67(text, anchors);
  const values: ValueResults = {
    Ki67_percent: value(ki67?.percent ?? null, ki67 ? [ki67.evidence] : []),
    ER_percent: er.percent,
    PR_percent: pr.percent,
    tumor_size_mm: value(largest ? round(largest.mm, 1) : null, largest?.evidence ?? []),
    nodes_positive: value(totals.positive, totals.evidence),
    nodes_examined: value(totals.examined, totals.evidence),
    y_prefix: value(Boolean(yCode), yCode?.evidence ?? []),
    r_prefix: value(Boolean(rCode), rCode?.evidence ?? []),
    pT_sub: value(tCode?.sub ? `${pT.value}${tCode.sub}` : null, tCode?.sub ? tCode.evidence : []),
    pN_sub: value(nCode?.sub ? `${pN.value}${nCode.sub}` : null, nCode?.sub ? nCode.evidence : []),
  };
  return { fields, values, flags: acc.flags };
}

function complement(length: number, spans: readonly Span[]): Span[] {
  const out: Span[] = [];
  let cursor = 0;
  for (const [s, e] of [...spans].sort((a, b) => a[0] - b[0])) {
    if (s > cursor) out.push([cursor, s]);
    cursor = Math.max(cursor, e);
  }
  if (cursor < length) out.push([cursor, length]);
  return out;
}

const SIDE_NAMES: Record<Side, string> = { right: 'right', left: 'left' };

/**
 * A bilateral report is two tumours: each side is read on its own (the other side's lines blanked) and
 * the higher-stage one is reported (the larger at equal stage), flagged with what the other side reads.
 */
function primaryTumour(text: string, whole: TumourReading): TumourReading {
  const sides = sideLines(text);
  if (!sides) return whole;
  // A side is a tumour when its own lines, read alone, give a T: a benign contralateral side does not.
  const only = (side: Side) => readTumour(blankSpans(text, complement(text.length, sides[side])));
  const hasTumour = (r: TumourReading) => r.fields.pT.value !== 'not_stated' && r.fields.pT.value !== 'TX';
  if (!hasTumour(only('right')) || !hasTumour(only('left'))) return whole;
  const read = { right: readTumour(blankSpans(text, sides.left)), left: readTumour(blankSpans(text, sides.right)) };
  const rank = (r: TumourReading) => [T_ORDER.indexOf(r.fields.pT.value as Label<'pT'>), N_ORDER.indexOf(r.fields.pN.value as Label<'pN'>), Number(r.values.tumor_size_mm.value ?? 0)];
  const [a, b] = [rank(read.right), rank(read.left)];
  const cmp = a.map((x, i) => x - b[i]!).find((d) => d !== 0) ?? 0;
  const side: Side = cmp >= 0 ? 'right' : 'left';
  const other: Side = side === 'right' ? 'left' : 'right';
  const p = read[side];
  const o = read[other];
  const message = `Two tumours: the ${SIDE_NAMES[side]} (p${p.fields.pT.value} p${p.fields.pN.value}) is reported as the higher-stage one; the ${SIDE_NAMES[other]} reads p${o.fields.pT.value} p${o.fields.pN.value}, grade ${o.fields.grade.value}, ER ${o.fields.ER.value}, PR ${o.fields.PR.value}, HER2 ${o.fields.HER2.value}`;
  const flags: Flag[] = [{ code: 'multiple_tumours', message, evidence: [...p.fields.pT.evidence, ...o.fields.pT.evidence] }];
  // Fields where the two sides differ are the ones a reader must check against the right tumour.
  for (const f of FIELD_NAMES) {
    if (p.fields[f].value !== o.fields[f].value && o.fields[f].value !== 'not_stated') {
      flags.push({ code: 'multiple_tumours', field: f, message: `${f}: ${p.fields[f].value} on the ${SIDE_NAMES[side]}, ${o.fields[f].value} on the ${SIDE_NAMES[other]}`, evidence: [...p.fields[f].evidence, ...o.fields[f].evidence] });
    }
  }
  return { ...p, flags: [...p.flags, ...flags] };
}


const NOTHING_READ = Object.fromEntries(FIELD_NAMES.map((f) => [f, WEIGHTS.resolution.notStated])) as Record<FieldName, number>;

function emptyExtraction(kind: ReportKindResult, flags: Flag[]): Extraction {
  const fields = Object.fromEntries(FIELD_NAMES.map((f) => [f, notStated()])) as unknown as FieldResults;
  const values = Object.fromEntries(VALUES.map((v) => [v.name, value(v.name === 'y_prefix' || v.name === 'r_prefix' ? false : null)])) as unknown as ValueResults;
  return { fields, values, stage: stageOf(kind, 'not_stated', 'not_stated', 'not_stated'), flags };
}

// Patterns match loosely at their edges; evidence shown to a reader starts and ends on a word.
const EDGE = /[\s.,;:]/;

function tidySpans(text: string, spans: readonly Span[]): Span[] {
  const out: Span[] = [];
  for (const [s0, e0] of spans) {
    let s = s0;
    let e = e0;
    while (s < e && EDGE.test(text[s]!)) s++;
    while (e > s && EDGE.test(text[e - 1]!)) e--;
    if (e > s && !out.some(([a, b]) => a === s && b === e)) out.push([s, e]);
  }
  return out;
}

function tidyEvidence(text: string, x: Extraction): Extraction {
  const fields = Object.fromEntries(FIELD_NAMES.map((f) => [f, { ...x.fields[f], evidence: tidySpans(text, x.fields[f].evidence) }])) as unknown as FieldResults;
  const values = Object.fromEntries(Object.entries(x.values).map(([k, v]) => [k, { ...v, evidence: tidySpans(text, v.evidence) }])) as unknown as ValueResults;
  const flags = x.flags.map((f) => ({ ...f, evidence: tidySpans(text, f.evidence) }));
  return { ...x, fields, values, flags };
}

type IshGroup = 1 | 2 | 3 | 4 | 5;

/** ASCO/CAP 2018 dual-probe ISH groups from the ratio and the average HER2 copy number (both needed). */
function ishGroup(measures: Her2Findings['ishMeasures']): { group: IshGroup; weight: number; evidence: Span[] } | null {
  const m = measures.find((x) => x.copies !== null);
  if (!m) return null;
  const copies = m.copies!;
  const group: IshGroup = m.ratio >= 2 ? (copies >= 4 ? 1 : 2) : copies >= 6 ? 3 : copies >= 4 ? 4 : 5;
  return { group, weight: WEIGHTS.her2.ishGroup, evidence: m.evidence };
}

/** The ISH group with the concurrent IHC score: groups 2-4 are decided by the IHC (IHC 3+ is always positive). */
function her2FromGroup(group: IshGroup, ihc: Label<'HER2_ihc'> | null): Label<'HER2'> {
  if (group === 1) return 'positive';
  if (group === 3) return ihc === '2+' || ihc === '3+' ? 'positive' : 'negative';
  return ihc === '3+' ? 'positive' : 'negative';
}

/** HER2 final status per ASCO/CAP 2018/2023: ISH decides when done (IHC 3+ is positive regardless); IHC 3+ positive, 2+ equivocal, 0/1+ negative. */
function her2Fields(f: ReturnType<typeof findHer2>, acc: Accumulator): { her2: FieldResult<'HER2'>; her2Ihc: FieldResult<'HER2_ihc'> } {
  const ihc = resolve(f.ihc, byOrder(['0', '1+', '2+', '3+']));
  const ish = resolve(f.ish);
  const stated = resolve(f.status);
  const her2Ihc: FieldResult<'HER2_ihc'> = ihc ? { value: ihc.value, confidence: ihc.confidence, evidence: ihc.evidence, derived: false } : notStated();
  const pick = (value: Label<'HER2'>, confidence: number, evidence: Span[]): FieldResult<'HER2'> => ({ value, confidence: round(confidence), evidence, derived: false });
  const final = resolve(f.final);
  const group = ishGroup(f.ishMeasures);
  let her2: FieldResult<'HER2'>;
  if (final) her2 = pick(final.value, final.confidence, [...final.evidence, ...(ihc?.evidence ?? []), ...(ish?.evidence ?? [])]);
  else if (ihc?.value === '3+') her2 = pick('positive', ihc.confidence, [...ihc.evidence, ...(ish?.evidence ?? [])]);
  // A report that calls its ISH equivocal (2013 wording) is read as it says, not regrouped under 2018 rules.
  else if (ish?.value === 'equivocal') her2 = pick('equivocal', ish.confidence, [...ish.evidence, ...(ihc?.evidence ?? [])]);
  else if (group) her2 = pick(her2FromGroup(group.group, ihc?.value ?? null), group.weight, [...group.evidence, ...(ihc?.evidence ?? [])]);
  else if (ish) her2 = pick(ish.value === 'amplified' ? 'positive' : 'negative', ish.confidence, [...ish.evidence, ...(ihc?.evidence ?? [])]);
  else if (ihc) her2 = pick(ihc.value === '2+' ? 'equivocal' : 'negative', ihc.confidence, [...ihc.evidence, ...(stated?.evidence ?? [])]);
  else if (stated) her2 = pick(stated.value, stated.confidence, stated.evidence);
  else her2 = notStated();
  if (her2.value === 'not_stated' && f.pending.length > 0) acc.flag('biomarkers_pending', 'HER2 is pending or was sent out: not reported here', f.pending, 'HER2');
  if (her2.value !== 'not_stated' && f.prior) acc.flag('biomarkers_from_prior_specimen', 'HER2 may be quoted from an earlier specimen', her2.evidence, 'HER2');
  if (stated && !final && her2.value !== 'not_stated' && stated.value !== her2.value && (ihc || ish)) {
    acc.flag('conflicting_statements', `HER2: the report says ${stated.value}, but its IHC/ISH results give ${her2.value} (ASCO/CAP)`, stated.evidence, 'HER2');
  }
  return { her2, her2Ihc };
}

export const rulesExtractor: Extractor = { name: 'rules', extract: extractRules };
