// Model-only and hybrid extractions from a model prediction and the rules' extraction.
//
// Hybrid policy, per field (documented in README "Hybrid policy"):
//  1. The rules found a value — stated (a code, an explicit result) or derived by an AJCC rule from a
//     measured size or node count: it wins. The model agreeing makes the source "both"; a model that
//     disagrees with probability ≥ DISAGREE_FLAG flags the field for review.
//  2. The rules found nothing: the model's label fills the field only where the package's
//     hybrid_policy allows it for that field (chosen on out-of-fold predictions: only where filling
//     raised accuracy), at the probability it names; the fill is flagged model_fill for review.
//  3. Every field's confidence is then the measured accuracy of its kind of reading, and it is marked
//     for review below the review threshold (../review.ts).
// Values (Ki-67, sizes, counts), the stage group and the rules' flags always come from the rules.
import { FIELD_NAMES, type FieldName, type Label } from '../schema';
import { markForReview, rawWeightsOf } from '../review';
import { stageGroup } from '../staging';
import type { Extraction, FieldResult, FieldResults, Flag, ModelOpinion, Span } from '../types';
import type { HybridPolicy } from './package';
import { evidenceSpans, type ModelPrediction } from './runner';

// The model never overrides what the rules read or derived: out of fold it is less accurate than the
// rules wherever they found a value (README "Default model"), even where the report contradicts itself.
export const DISAGREE_FLAG = 0.5;
/** A package without a chosen policy never fills: out of fold, fills were wrong more often than right. */
export const NO_FILLS: HybridPolicy = { fill_at: {} };

function opinion<F extends FieldName>(field: F, p: ModelPrediction[F], text: string, spans: readonly Span[]): ModelOpinion<F> {
  const order = p.probabilities.map((prob, i) => ({ prob, i })).sort((a, b) => b.prob - a.prob);
  const best = order[0]!;
  const second = order[1];
  return {
    label: p.labels[best.i] as Label<F>,
    probability: round(best.prob),
    runnerUp: second ? { label: p.labels[second.i] as Label<F>, probability: round(second.prob) } : null,
    evidence: p.labels[best.i] === 'not_stated' ? [] : evidenceSpans(text, spans, p.tokenWeights),
  };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

export type ExtractorMode = 'model' | 'hybrid';

function fillAt(policy: HybridPolicy, field: FieldName): number | null {
  return policy.fill_at[field] ?? null;
}

/** Combines a model prediction with the rules' extraction of the same text. */
export function combineWithRules(mode: ExtractorMode, text: string, tokenSpans: readonly Span[], prediction: ModelPrediction, rules: Extraction, policy: HybridPolicy = NO_FILLS): Extraction {
  const flags: Flag[] = [...rules.flags];
  const fields = {} as Record<FieldName, FieldResult>;
  for (const name of FIELD_NAMES) {
    const r = rules.fields[name];
    const m = opinion(name, prediction[name], text, tokenSpans);
    const rulesOpinion = { value: r.value, confidence: r.confidence, evidence: r.evidence, derived: r.derived };
    const fromModel: FieldResult = { value: m.label, confidence: m.probability, evidence: m.evidence, derived: false, source: 'model', model: m, rules: rulesOpinion };
    let result: FieldResult;
    if (mode === 'model') {
      result = fromModel;
    } else if (r.value !== 'not_stated') {
      const agree = m.label === r.value;
      result = { ...r, confidence: agree ? Math.max(r.confidence, m.probability) : r.confidence, source: agree ? 'both' : 'rules', model: m, rules: rulesOpinion };
      if (!agree && m.probability >= DISAGREE_FLAG) {
        flags.push({ code: 'model_rules_disagree', field: name, message: `${name}: the report states ${r.value}; the model reads ${m.label} (${Math.round(m.probability * 100)} %)`, evidence: [...r.evidence, ...m.evidence] });
      }
    } else if (fillAt(policy, name) !== null && m.probability >= fillAt(policy, name)! && m.label !== 'not_stated') {
      result = fromModel;
      flags.push({ code: 'model_fill', field: name, message: `${name}: ${m.label} is the model's reading (${Math.round(m.probability * 100)} %); the rules found no statement: check the report`, evidence: m.evidence });
    } else {
      result = { ...r, source: 'rules', model: m, rules: rulesOpinion };
    }
    fields[name] = result;
  }
  const typed = fields as unknown as FieldResults;
  return markForReview({ fields: typed, values: rules.values, stage: stageGroup(typed.pT.value, typed.pN.value, typed.pM.value), flags }, rawWeightsOf(rules));
}
