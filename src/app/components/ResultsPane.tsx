// Right pane: what kind of text this is (when not a breast report), how many fields need a check, the
// stage group, report-level flags, every schema field, and the extra values found.
// Hovering or focusing a field previews its evidence; clicking pins it until clicked again.
// Test hooks: data-testid="review-summary" with data-needed (the count of fields marked for a check).
import { useMemo } from 'react';
import { finalExtraction } from '../../domain/corrections';
import type { ReportRecord } from '../../domain/record';
import type { Span } from '../../domain/types';
import type { ExtractSuccess } from '../extract';
import { correctField } from '../features/history/records';
import { ReviewBar } from '../features/review/ReviewBar';
import { generalFlags, reviewSummary } from '../present';
import { FieldList } from './FieldList';
import { ExtraValues } from './ExtraValues';
import { FlagList } from './FlagList';
import { ReportKindNotice } from './ReportKindNotice';
import { StageCard } from './StageCard';

interface Props {
  result: ExtractSuccess | null;
  /** True when the report text has changed since this result was extracted. */
  stale: boolean;
  activeKey: string | null;
  pinnedKey: string | null;
  onHover: (key: string | null) => void;
  onTogglePin: (key: string) => void;
  /** The kept report behind the result: its corrections are applied, and it can be corrected and marked reviewed. */
  record?: ReportRecord | undefined;
  /** Opens the next report that needs review (batch or history order). */
  onNextNeedingReview?: (() => void) | undefined;
  /** Scrolls the report to one evidence span (a pinned field lists all of its spans). */
  onShowSpan?: ((span: Span) => void) | undefined;
}

export function ResultsPane({ result, stale, activeKey, pinnedKey, onHover, onTogglePin, record, onNextNeedingReview, onShowSpan }: Props) {
  const final = useMemo(() => (record ? finalExtraction(record.extraction, record.review.corrections) : result?.extraction), [record, result]);
  if (!result) {
    return (
      <section className="panel results-pane empty" aria-labelledby="results-heading">
        <h2 id="results-heading">Extracted fields</h2>
        <p className="empty-state">
          Paste a report and press <strong>Extract</strong>. T, N and M categories, grade, ER, PR and HER2 will appear here, with the
          words they were read from highlighted in the report.
        </p>
      </section>
    );
  }
  const extraction = final!;
  const flags = generalFlags(extraction.flags);
  const summary = reviewSummary(extraction);
  return (
    <section className="panel results-pane" aria-labelledby="results-heading" aria-live="polite" data-testid="results" data-seq={result.seq} data-elapsed-ms={result.elapsedMs} data-timings={result.timings ? JSON.stringify(result.timings) : undefined}>
      <div className="panel-header">
        <h2 id="results-heading" tabIndex={-1}>
          Extracted fields
        </h2>
        <p className="meta">
          {result.extractor} · {record ? `extracted ${new Date(record.createdAt).toLocaleString()}` : `${result.elapsedMs < 1 ? '<1' : Math.round(result.elapsedMs)} ms`}
        </p>
      </div>
      {stale && (
        <p className="message warning" role="status">
          The report has changed since these results were extracted. Press Extract to update them.
        </p>
      )}
      {result.notice && (
        <p className="message warning" role="status" data-testid="extract-notice">
          {result.notice}
        </p>
      )}
      <ReportKindNotice flags={extraction.flags} />
      {record && <ReviewBar record={record} final={extraction} onNext={onNextNeedingReview} />}
      <p className={summary.needed > 0 ? 'review-summary needed' : 'review-summary'} data-testid="review-summary" data-needed={summary.needed}>
        {summary.text}
      </p>
      <StageCard stage={extraction.stage} />
      {flags.length > 0 && <FlagList flags={flags} heading="Report flags" />}
      <FieldList
        extraction={extraction}
        activeKey={activeKey}
        pinnedKey={pinnedKey}
        onHover={onHover}
        onTogglePin={onTogglePin}
        text={result.text}
        onShowSpan={onShowSpan}
        onCorrect={record && ((field, value) => correctField(record.id, field, value))}
      />
      <ExtraValues extraction={extraction} activeKey={activeKey} pinnedKey={pinnedKey} onHover={onHover} onTogglePin={onTogglePin} />
      {/* For the browser parity tests only: the model's raw logits of this extraction (README, "Testing hooks"). */}
      {result.logits && <div hidden data-testid="logits" data-logits={JSON.stringify(result.logits)} />}
    </section>
  );
}
