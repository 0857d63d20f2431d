// Right pane: what kind of text this is (when not a breast report), how many fields need a check, the
// stage group, report-level flags, every schema field, and the extra values found.
// Hovering or focusing a field previews its evidence; clicking pins it until clicked again.
// Test hooks: data-testid="review-summary" with data-needed (the count of fields marked for a check).
import type { ExtractSuccess } from '../extract';
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
}

export function ResultsPane({ result, stale, activeKey, pinnedKey, onHover, onTogglePin }: Props) {
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
  const { extraction } = result;
  const flags = generalFlags(extraction.flags);
  const summary = reviewSummary(extraction);
  return (
    <section className="panel results-pane" aria-labelledby="results-heading" aria-live="polite" data-testid="results" data-seq={result.seq} data-elapsed-ms={result.elapsedMs}>
      <div className="panel-header">
        <h2 id="results-heading">Extracted fields</h2>
        <p className="meta">
          {result.extractor} · {result.elapsedMs < 1 ? '<1' : Math.round(result.elapsedMs)} ms
        </p>
      </div>
      {stale && (
        <p className="message warning" role="status">
          The report has changed since these results were extracted. Press Extract to update them.
        </p>
      )}
      <ReportKindNotice flags={extraction.flags} />
      <p className={summary.needed > 0 ? 'review-summary needed' : 'review-summary'} data-testid="review-summary" data-needed={summary.needed}>
        {summary.text}
      </p>
      <StageCard stage={extraction.stage} />
      {flags.length > 0 && <FlagList flags={flags} heading="Report flags" />}
      <FieldList extraction={extraction} activeKey={activeKey} pinnedKey={pinnedKey} onHover={onHover} onTogglePin={onTogglePin} />
      <ExtraValues extraction={extraction} activeKey={activeKey} pinnedKey={pinnedKey} onHover={onHover} onTogglePin={onTogglePin} />
      {/* For the browser parity tests only: the model's raw logits of this extraction (README, "Testing hooks"). */}
      {result.logits && <div hidden data-testid="logits" data-logits={JSON.stringify(result.logits)} />}
    </section>
  );
}
