// The registrar's view of an extractor: how many fields it marks for review and how often the fields it
// does not mark are right, over a range of review thresholds; and how well its confidences are calibrated.
// Pure: used by `npm run eval`, scripts/fit-calibration.ts and the tests.
import type { FieldName } from './schema';

export interface ReviewedItem {
  field: FieldName;
  correct: boolean;
  /** The confidence the page shows (calibrated). */
  confidence: number;
}

export interface ReviewPoint {
  threshold: number;
  n: number;
  /** Share of fields below the threshold, i.e. marked for review. */
  flaggedShare: number;
  /** Accuracy of the fields a registrar would accept without reading; null when none is left. */
  unflaggedAccuracy: number | null;
  unflagged: number;
}

export const CURVE_THRESHOLDS: readonly number[] = [0, 0.5, 0.7, 0.8, 0.85, 0.88, 0.9, 0.91, 0.92, 0.93, 0.94, 0.95, 0.96, 0.97, 0.98, 0.99];

export function reviewAt(items: readonly ReviewedItem[], threshold: number): ReviewPoint {
  const kept = items.filter((i) => i.confidence >= threshold);
  const right = kept.filter((i) => i.correct).length;
  return {
    threshold,
    n: items.length,
    flaggedShare: items.length === 0 ? 0 : (items.length - kept.length) / items.length,
    unflaggedAccuracy: kept.length === 0 ? null : right / kept.length,
    unflagged: kept.length,
  };
}

export function reviewCurve(items: readonly ReviewedItem[], thresholds: readonly number[] = CURVE_THRESHOLDS): ReviewPoint[] {
  return thresholds.map((t) => reviewAt(items, t));
}

/** The highest threshold whose review share stays within `maxShare` (the registrar's budget). */
export function thresholdWithin(items: readonly ReviewedItem[], maxShare: number, thresholds: readonly number[] = CURVE_THRESHOLDS): ReviewPoint {
  const within = reviewCurve(items, thresholds).filter((p) => p.flaggedShare <= maxShare);
  return within[within.length - 1] ?? reviewAt(items, 0);
}

/** Expected calibration error: the item-weighted gap between confidence and accuracy over equal-width bins. */
export function expectedCalibrationError(items: readonly { confidence: number; correct: boolean }[], bins = 10): number {
  if (items.length === 0) return 0;
  const sums = Array.from({ length: bins }, () => ({ n: 0, conf: 0, right: 0 }));
  for (const i of items) {
    const b = sums[Math.min(bins - 1, Math.floor(i.confidence * bins))]!;
    b.n += 1;
    b.conf += i.confidence;
    b.right += i.correct ? 1 : 0;
  }
  return sums.reduce((e, b) => e + (b.n === 0 ? 0 : (b.n / items.length) * Math.abs(b.conf / b.n - b.right / b.n)), 0);
}

export function formatReviewCurve(points: readonly ReviewPoint[]): string {
  const rows = points.map((p) => `  ${p.threshold.toFixed(3).padStart(6)}  ${(100 * p.flaggedShare).toFixed(1).padStart(6)} %  ${p.unflaggedAccuracy === null ? '   n/a' : (100 * p.unflaggedAccuracy).toFixed(2).padStart(6) + ' %'}  ${String(p.unflagged).padStart(6)}`);
  return ['  threshold  flagged  unflagged-acc  unflagged', ...rows].join('\n');
}
