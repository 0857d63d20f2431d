// The rule-based extractor: every schema field with evidence spans, the extra values, AJCC 8th
// derivations (size → T, node counts → N) and the stage group. Pure TS: runs in Node and the browser.
import { FIELD_NAMES, type FieldName, type Label } from '../schema';
import { markForReview } from '../review';
import { stageGroup } from '../staging';
import type { Extraction, Extractor, FieldResult, FieldResults, Flag, Span, ValueResult, ValueResults } from '../types';
import { resolve, round, type Candidate } from './candidates';
import { findGrades } from './grade';
import { findAnchors, findHer2, findKi67, findReceptor, receptorCandidates, type ReceptorFinding } from './markers';
import { findNodeFindings, nFromNodes, nodeTotals } from './nodes';
import { findT4Findings, findTumourSizes, invasiveStatus, largestInvasiveSize, tFromSize } from './size';
import { readableText } from './mask';
import { sections } from './text';
import { findStatedTnm, type StatedCode } from './tnm';

// Confidence for a field the report does not mention: the rules cannot be sure nothing was missed.
const NOT_STATED_CONFIDENCE = 0.6;

const T_ORDER: Label<'pT'>[] = ['T0', 'Tis', 'T1', 'T2', 'T3', 'T4'];
const N_ORDER: Label<'pN'>[] = ['N0', 'N1mi', 'N1', 'N2', 'N3'];
const byOrder =
  <V extends string>(order: readonly V[]) =>
  (a: V, b: V) =>
    order.indexOf(a) - order.indexOf(b);

function notStated<F extends FieldName>(): FieldResult<F> {
  return { value: 'not_stated' as Label<F>, confidence: NOT_STATED_CONFIDENCE, evidence: [], derived: false };
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
  if (result.value === 'positive' && chosen.some((f) => f.lowPositive)) {
    acc.flag(`${field}_low_positive`, `${field} low positive (1–10 % of cells): limited data on endocrine benefit`, chosen.find((f) => f.lowPositive)!.evidence, field);
  }
  if (result.value === 'not_stated' && findings.some((f) => f.status === 'pending')) {
    acc.flag('biomarkers_pending', `${field} is pending or was sent out: not reported here`, findings.flatMap((f) => (f.status === 'pending' ? f.evidence : [])), field);
  }
  if (result.value !== 'not_stated' && chosen.length > 0 && chosen.every((f) => f.prior)) {
    acc.flag('biomarkers_from_prior_specimen', `${field} is quoted from an earlier specimen`, chosen[0]!.evidence, field);
  }
  return { result, percent: value(withPercent?.percent ?? null, withPercent?.evidence ?? []) };
}

export function extractRules(report: string): Extraction {
  const text = readableText(report);
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
        ? { value: 'Tis' as const, weight: 0.75, evidence: status.dcis }
        : !status.invasive && status.noResidual.length > 0
          ? { value: 'T0' as const, weight: 0.7, evidence: status.noResidual }
          : null;
  if (!status.invasive && status.dcis.length > 0) acc.flag('dcis_only', 'Ductal carcinoma in situ without invasive carcinoma', status.dcis);
  const pT = statedOrDerived('pT', stated.T, derivedT, T_ORDER, acc);

  const nodes = findNodeFindings(text, secs);
  const totals = nodeTotals(nodes);
  const pN = statedOrDerived('pN', stated.N, nFromNodes(nodes, totals), N_ORDER, acc);
  const pM = fromCandidates('pM', stated.M, acc);

  const grade = fromCandidates('grade', findGrades(text, secs), acc);

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
  const rawWeights = Object.fromEntries(FIELD_NAMES.map((f) => [f, fields[f].confidence])) as Record<FieldName, number>;
  return markForReview(tidyEvidence(report, { fields, values, stage: stageGroup(pT.value, pN.value, pM.value), flags: acc.flags }), rawWeights);
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

/** HER2 final status per ASCO/CAP 2018/2023: ISH decides when done (IHC 3+ is positive regardless); IHC 3+ positive, 2+ equivocal, 0/1+ negative. */
function her2Fields(f: ReturnType<typeof findHer2>, acc: Accumulator): { her2: FieldResult<'HER2'>; her2Ihc: FieldResult<'HER2_ihc'> } {
  const ihc = resolve(f.ihc, byOrder(['0', '1+', '2+', '3+']));
  const ish = resolve(f.ish);
  const stated = resolve(f.status);
  const her2Ihc: FieldResult<'HER2_ihc'> = ihc ? { value: ihc.value, confidence: ihc.confidence, evidence: ihc.evidence, derived: false } : notStated();
  const pick = (value: Label<'HER2'>, confidence: number, evidence: Span[]): FieldResult<'HER2'> => ({ value, confidence: round(confidence), evidence, derived: false });
  let her2: FieldResult<'HER2'>;
  if (ihc?.value === '3+') her2 = pick('positive', ihc.confidence, [...ihc.evidence, ...(ish?.evidence ?? [])]);
  else if (ish) her2 = pick(ish.value === 'amplified' ? 'positive' : 'negative', ish.confidence, [...ish.evidence, ...(ihc?.evidence ?? [])]);
  else if (ihc) her2 = pick(ihc.value === '2+' ? 'equivocal' : 'negative', ihc.confidence, [...ihc.evidence, ...(stated?.evidence ?? [])]);
  else if (stated) her2 = pick(stated.value, stated.confidence, stated.evidence);
  else her2 = notStated();
  if (her2.value === 'not_stated' && f.pending.length > 0) acc.flag('biomarkers_pending', 'HER2 is pending or was sent out: not reported here', f.pending, 'HER2');
  if (her2.value !== 'not_stated' && f.prior) acc.flag('biomarkers_from_prior_specimen', 'HER2 may be quoted from an earlier specimen', her2.evidence, 'HER2');
  if (stated && her2.value !== 'not_stated' && stated.value !== her2.value && (ihc || ish)) {
    acc.flag('conflicting_statements', `HER2: the report says ${stated.value}, but its IHC/ISH results give ${her2.value} (ASCO/CAP)`, stated.evidence, 'HER2');
  }
  return { her2, her2Ihc };
}

export const rulesExtractor: Extractor = { name: 'rules', extract: extractRules };
