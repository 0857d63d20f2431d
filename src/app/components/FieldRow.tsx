// One schema field: title, value, where it comes from (rules / model / both), confidence bar, the
// model's reading with its runner-up when a model ran, and the field's flags. Rendered by FieldList.
import { NOT_STATED, type FieldSpec } from '../../domain/schema';
import type { FieldResult, Flag } from '../../domain/types';
import { confidenceLevel, displayLabel, evidenceCount, modelOpinionText, percent, SOURCE_TITLES, sourceOf } from '../present';
import { EvidenceButton, type HighlightControls } from './EvidenceButton';
import { FlagList } from './FlagList';

interface Props extends HighlightControls {
  spec: FieldSpec;
  result: FieldResult;
  flags: readonly Flag[];
}

export function FieldRow({ spec, result: r, flags, activeKey, pinnedKey, onHover, onTogglePin }: Props) {
  const pct = percent(r.confidence);
  const source = sourceOf(r);
  const classes = ['field-row', activeKey === spec.name ? 'active' : '', r.value === NOT_STATED ? 'not-stated' : ''].filter(Boolean).join(' ');
  return (
    <li className={classes} data-field={spec.name} data-value={r.value}>
      <EvidenceButton highlightKey={spec.name} pinned={pinnedKey === spec.name} hasEvidence={r.evidence.length > 0} onHover={onHover} onTogglePin={onTogglePin}>
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
        </span>
        <span className={`confidence ${confidenceLevel(r.confidence)}`}>
          <span className="confidence-bar" aria-hidden="true">
            <span className="confidence-fill" style={{ width: `${pct}%` }} />
          </span>
          <span className="confidence-text">
            {pct}%<span className="visually-hidden"> confidence</span>
          </span>
        </span>
      </EvidenceButton>
      {flags.length > 0 && <FlagList flags={flags} compact />}
    </li>
  );
}
