// Left pane: the report box with its buttons, or, after extraction, the report with evidence marked.
// Ctrl+Enter (Cmd+Enter on a Mac) in the box extracts; an empty box shows a message, never a dialog.
// While an extraction runs it shows how far the model has read and can be cancelled.
import { useId, type KeyboardEvent } from 'react';
import type { ExtractorMode, ExtractProgress } from '../../../worker/protocol';
import type { Span } from '../../../domain/types';
import type { AppError, ExtractSuccess } from '../../extract';
import { HighlightedReport } from '../../components/HighlightedReport';
import { ModeSelect } from '../../components/ModeSelect';

interface Props {
  text: string;
  onTextChange: (text: string) => void;
  onExtract: () => void;
  onEdit: () => void;
  onClear: () => void;
  onExample: () => void;
  busy: boolean;
  /** Windows read of all, while the model reads; null before the first progress message. */
  progress: ExtractProgress | null;
  onCancel: () => void;
  error: AppError | null;
  mode: ExtractorMode;
  modelReady: boolean;
  onModeChange: (mode: ExtractorMode) => void;
  /** The extraction to review beside its own text; null while the report is being edited. */
  review: ExtractSuccess | null;
  activeKey: string | null;
  /** The evidence span chosen in a field's list, scrolled into view. */
  focusSpan: Span | null;
}

const IS_MAC = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);
const SHORTCUT = IS_MAC ? '⌘ Enter' : 'Ctrl Enter';

export function ReportPane(props: Props) {
  const { text, review } = props;
  const textId = useId();
  const hintId = useId();
  const errorId = useId();

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      props.onExtract();
    }
  };

  return (
    <section className="panel report-pane" aria-labelledby={`${textId}-heading`}>
      <div className="panel-header">
        <h2 id={`${textId}-heading`}>{review ? 'Report with evidence' : 'Report'}</h2>
        {review ? (
          <div className="button-row">
            <button type="button" className="button secondary" onClick={props.onEdit} data-testid="edit-report">
              Edit report
            </button>
            <button type="button" className="button secondary" onClick={props.onClear} data-testid="new-report">
              New report
            </button>
          </div>
        ) : (
          <div className="button-row">
            <button type="button" className="button link" onClick={props.onExample}>
              Try an example
            </button>
            {(props.busy || text !== '') && (
              <button type="button" className="button secondary" onClick={props.onClear} data-testid="new-report">
                New report
              </button>
            )}
          </div>
        )}
      </div>

      {review ? (
        <HighlightedReport text={review.text} extraction={review.extraction} activeKey={props.activeKey} focusSpan={props.focusSpan} />
      ) : (
        <>
          <label htmlFor={textId} className="visually-hidden">
            Pathology report text
          </label>
          <textarea
            id={textId}
            className="report-input"
            value={text}
            onChange={(e) => props.onTextChange(e.target.value)}
            onKeyDown={onKeyDown}
            placeholder="Paste the text of a breast-cancer pathology report here…"
            spellCheck={false}
            aria-describedby={props.error ? `${hintId} ${errorId}` : hintId}
            aria-invalid={props.error?.name === 'EmptyReport' || props.error?.name === 'ReportTooLong' ? true : undefined}
            data-testid="report-input"
          />
          {props.error && (
            <p id={errorId} className="message error" role="alert" data-testid="message" data-error={props.error.name}>
              {props.error.message}
            </p>
          )}
          <div className="action-row">
            <p id={hintId} className="hint">
              Press <kbd>{SHORTCUT}</kbd> to extract. The text stays on this computer.
            </p>
            <div className="extract-controls">
              <ModeSelect mode={props.mode} modelReady={props.modelReady} disabled={false} onChange={props.onModeChange} />
              {props.busy && (
                <button type="button" className="button secondary" onClick={props.onCancel} data-testid="cancel-extract">
                  Cancel
                </button>
              )}
              <button type="button" className="button primary" onClick={props.onExtract} disabled={props.busy} aria-busy={props.busy} data-testid="extract">
                {props.busy && <span className="spinner" aria-hidden="true" />}
                {props.busy ? progressText(props.progress) : 'Extract'}
              </button>
            </div>
          </div>
        </>
      )}
    </section>
  );
}

/** "Extracting… 3/12": windows of the report the model has read (the rules alone report none). */
export function progressText(progress: ExtractProgress | null): string {
  return progress && progress.total > 0 ? `Extracting… ${progress.done}/${progress.total}` : 'Extracting…';
}
