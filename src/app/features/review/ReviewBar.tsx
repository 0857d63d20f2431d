// A kept report's review: the clinical notes that follow from the final values (ER low positive,
// HER2-low), how many fields a person corrected, the reviewed mark, and a jump to the next report
// that still needs review. After "Mark reviewed" focus moves to that jump, the usual next step.
// Test hooks: data-testid="review-bar" with data-reviewed; "mark-reviewed", "next-needing-review", "clinical-note".
import { useRef } from 'react';
import { clinicalNotes } from '../../../domain/corrections';
import type { ReportRecord } from '../../../domain/record';
import type { Extraction } from '../../../domain/types';
import { setReviewed } from '../history/records';

interface Props {
  record: ReportRecord;
  final: Extraction;
  /** Opens the next report that needs review; absent when there is no list to go through. */
  onNext?: (() => void) | undefined;
}

export function ReviewBar({ record, final, onNext }: Props) {
  const next = useRef<HTMLButtonElement>(null);
  const notes = clinicalNotes(final);
  const corrections = new Set(record.review.corrections.map((c) => c.field)).size;
  const reviewed = record.review.reviewedAt !== null;
  const mark = () => {
    setReviewed(record.id, !reviewed);
    if (!reviewed) requestAnimationFrame(() => next.current?.focus());
  };
  return (
    <div className="review-bar" data-testid="review-bar" data-reviewed={reviewed}>
      {notes.map((n) => (
        <p key={n.code} className="clinical-note" data-testid="clinical-note" data-note={n.code}>
          {n.text}
        </p>
      ))}
      <div className="button-row">
        <button type="button" className={reviewed ? 'button secondary' : 'button primary'} onClick={mark} aria-pressed={reviewed} data-testid="mark-reviewed">
          {reviewed ? '✓ Reviewed' : 'Mark reviewed'}
        </button>
        {onNext && (
          <button ref={next} type="button" className="button secondary" onClick={onNext} data-testid="next-needing-review" aria-keyshortcuts="Alt+N">
            Next needing review
          </button>
        )}
      </div>
      <p className="meta">
        {reviewed ? `Reviewed ${new Date(record.review.reviewedAt!).toLocaleString()}` : 'Not reviewed yet'}
        {corrections > 0 && ` · ${corrections} ${corrections === 1 ? 'field' : 'fields'} corrected by hand`}
      </p>
    </div>
  );
}
