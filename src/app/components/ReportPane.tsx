// Left pane: the report box with its buttons, or, after extraction, the report with evidence marked.
// Ctrl+Enter (Cmd+Enter on a Mac) in the box extracts; an empty box shows a message, never a dialog.
import { useId, type KeyboardEvent } from 'react';
import type { ExtractorMode } from '../../worker/protocol';
import type { AppError, ExtractSuccess } from '../extract';
import { HighlightedReport } from './HighlightedReport';
import { ModeSelect } from './ModeSelect';

interface Props {
  text: string;
  onTextChange: (text: string) => void;
  onExtract: () => void;
  onEdit: () => void;
  onClear: () => void;
  onExample: () => void;
  busy: boolean;
  error: AppError | null;
  mode: ExtractorMode;
  modelReady: boolean;
  onModeChange: (mode: ExtractorMode) => void;
  /** The extraction to review beside its own text; null while the report is being edited. */
  review: ExtractSuccess | null;
  activeKey: string | null;
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
          <button type="button" className="button link" onClick={props.onExample}>
            Try an example
          </button>
        )}
      </div>

      {review ? (
        <HighlightedReport text={review.text} extraction={review.extraction} activeKey={props.activeKey} />
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
            aria-invalid={props.error?.name === 'EmptyReport' ? true : undefined}
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
              <ModeSelect mode={props.mode} modelReady={props.modelReady} disabled={props.busy} onChange={props.onModeChange} />
              <button type="button" className="button primary" onClick={props.onExtract} disabled={props.busy} aria-busy={props.busy} data-testid="extract">
                {props.busy && <span className="spinner" aria-hidden="true" />}
                {props.busy ? 'Extracting…' : 'Extract'}
              </button>
            </div>
          </div>
        </>
      )}
    </section>
  );
}
