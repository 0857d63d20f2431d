// One schema field: title, value, where it comes from (rules / model / both), a "Check" mark when a
// person must check it, the calibrated confidence bar, the model's reading with its runner-up when a
// model ran, then why to check it and the field's other flags. Rendered by FieldList.
// With `onCorrect`, a Correct button opens the value picker; a corrected field shows what it was.
// Test hooks: the row's data-review is "needed" (the Check mark is shown) or "ok"; data-corrected.
import { useId, useRef, useState } from 'react';
import { CorrectionPicker } from '../features/review/CorrectionPicker';
import { NOT_STATED, type FieldSpec } from '../../domain/schema';
import type { FieldResult } from '../../domain/types';
import { confidenceLevel, displayLabel, evidenceCount, modelOpinionText, percent, SOURCE_TITLES, sourceOf, type RowReview } from '../present';
import { EvidenceButton, type HighlightControls } from './EvidenceButton';
import { EvidenceList } from './EvidenceList';
import { FlagList } from './FlagList';

interface Props extends HighlightControls {
  spec: FieldSpec;
  result: FieldResult;
  review: RowReview;
  /** Present when the report can be corrected (a kept report): sets the field to a schema label. */
  onCorrect?: (value: string) => void;
}

export function FieldRow({ spec, result: r, review, activeKey, pinnedKey, onHover, onTogglePin, onCorrect, text, onShowSpan }: Props) {
  const reasonsId = useId();
  const [picking, setPicking] = useState(false);
  const correctButton = useRef<HTMLButtonElement>(null);
  // After a choice (or Escape) focus returns to the field's Correct button, not to the page body.
  const closePicker = () => {
    setPicking(false);
    requestAnimationFrame(() => correctButton.current?.focus());
  };
  const pct = percent(r.confidence);
  const source = sourceOf(r);
  const hasReasons = review.reasons.length > 0;
  const classes = ['field-row', activeKey === spec.name ? 'active' : '', r.value === NOT_STATED ? 'not-stated' : ''].filter(Boolean).join(' ');
  return (
    <li className={classes} data-field={spec.name} data-value={r.value} data-review={review.needed ? 'needed' : 'ok'} data-corrected={r.corrected ? 'yes' : undefined}>
      <EvidenceButton
        highlightKey={spec.name}
        pinned={pinnedKey === spec.name}
        hasEvidence={r.evidence.length > 0}
        onHover={onHover}
        onTogglePin={onTogglePin}
        describedBy={hasReasons ? reasonsId : undefined}
      >
        <span className="row-title">
          <span className="field-title">{spec.title}</span>
          <span className="row-sub">{evidenceCount(r.evidence.length)}</span>
          {r.model && (
            <span className="row-sub model-opinion" data-testid="model-opinion">
              {modelOpinionText(r.model)}
            </span>
          )}
        </span>
        <span className="row-value">
          <span className="field-value">{displayLabel(r.value)}</span>
          {r.derived && (
            <span className="badge derived" title="Computed by an AJCC rule (size gives T, positive nodes give N), not stated as a code">
              derived
            </span>
          )}
          <span className={`badge source ${source}`} data-source={source} title={SOURCE_TITLES[source]}>
            {source}
          </span>
          {review.needed && (
            // Text, not colour alone; the hidden words say what the mark means to a screen reader.
            <span className="badge check" data-testid="review-mark" title="A person must check this value in the report">
              Check<span className="visually-hidden">: this value needs a check in the report</span>
            </span>
          )}
        </span>
        <span className={`confidence ${confidenceLevel(r)}`} title="How often readings of this kind were right on labelled reports">
          <span className="confidence-bar" aria-hidden="true">
            <span className="confidence-fill" style={{ width: `${pct}%` }} />
          </span>
          <span className="confidence-text">
            {pct}%<span className="visually-hidden"> confidence</span>
          </span>
        </span>
      </EvidenceButton>
      {pinnedKey === spec.name && text !== undefined && onShowSpan && <EvidenceList text={text} spans={r.evidence} title={spec.title} onShow={onShowSpan} />}
      {r.corrected && (
        <p className="corrected-note" data-testid="corrected-from">
          Corrected by hand; the {r.corrected.source ?? 'rules'} read <strong>{displayLabel(r.corrected.value)}</strong>
        </p>
      )}
      {onCorrect &&
        (picking ? (
          <CorrectionPicker
            spec={spec}
            current={r.value}
            onPick={(value) => {
              onCorrect(value);
              closePicker();
            }}
            onClose={closePicker}
          />
        ) : (
          <button ref={correctButton} type="button" className="button link correct-button" onClick={() => setPicking(true)} data-testid="correct-field" aria-label={`Correct ${spec.title}`}>
            Correct…
          </button>
        ))}
      {hasReasons && (
        <ul id={reasonsId} className="review-reasons" aria-label={`Why to check ${spec.title}`} data-testid="review-reasons">
          {review.reasons.map((reason, i) => (
            <li key={i}>{reason}</li>
          ))}
        </ul>
      )}
      {review.flags.length > 0 && <FlagList flags={review.flags} compact />}
    </li>
  );
}
