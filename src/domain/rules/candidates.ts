// Candidate values found by the rules, and how competing candidates for one field are resolved.
// A candidate's weight is how much its pattern is trusted; resolution picks the best-supported value.
import type { Span } from '../types';
import { WEIGHTS } from './weights';

export interface Candidate<V extends string = string> {
  value: V;
  /** Trust in [0, 1]: pattern reliability times the trust of the section it came from. */
  weight: number;
  evidence: Span[];
}

export interface Resolved<V extends string> {
  value: V;
  confidence: number;
  evidence: Span[];
  /** A different value had nearly as much support. */
  conflict: boolean;
  runnerUp?: V;
}

/** Picks the best-supported value; ties go to `tieBreak` (e.g. the higher T category). */
export function resolve<V extends string>(
  candidates: readonly Candidate<V>[],
  tieBreak: (a: V, b: V) => number = () => 0,
): Resolved<V> | null {
  if (candidates.length === 0) return null;
  const byValue = new Map<V, Candidate<V>[]>();
  for (const c of candidates) byValue.set(c.value, [...(byValue.get(c.value) ?? []), c]);
  const scored = [...byValue.entries()].map(([value, cs]) => {
    const top = Math.max(...cs.map((c) => c.weight));
    return { value, score: top + WEIGHTS.resolution.repeatBonus * (cs.length - 1), top, cs };
  });
  scored.sort((a, b) => b.score - a.score || tieBreak(b.value, a.value));
  const best = scored[0]!;
  const second = scored[1];
  const ratio = second ? second.score / best.score : 0;
  const strongest = [...best.cs].sort((a, b) => b.weight - a.weight);
  return {
    value: best.value,
    confidence: round(Math.min(WEIGHTS.resolution.maxConfidence, best.top * (1 - WEIGHTS.resolution.runnerUpPenalty * ratio))),
    evidence: strongest.flatMap((c) => c.evidence),
    conflict: ratio >= WEIGHTS.resolution.conflictRatio,
    ...(second ? { runnerUp: second.value } : {}),
  };
}

export function round(x: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
