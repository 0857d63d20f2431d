// Every schema field in schema order: title, value, confidence bar, "derived" marker and its flags.
// Each row carries data-field and data-value (the raw label, e.g. "not_stated") for tests and scripts.
import type { Extraction } from '../../domain/types';
import { FIELDS, NOT_STATED } from '../../domain/schema';
import { confidenceLevel, displayLabel, evidenceCount, flagsForField, percent } from '../present';
import { EvidenceButton, type HighlightControls } from './EvidenceButton';
import { FlagList } from './FlagList';

interface Props extends HighlightControls {
  extraction: Extraction;
}

export function FieldList({ extraction, activeKey, pinnedKey, onHover, onTogglePin }: Props) {
  return (
    <ul className="field-list" aria-label="Extracted fields">
      {FIELDS.map((spec) => {
        const r = extraction.fields[spec.name];
        const flags = flagsForField(extraction.flags, spec.name);
        const pct = percent(r.confidence);
        const classes = ['field-row', activeKey === spec.name ? 'active' : '', r.value === NOT_STATED ? 'not-stated' : '']
          .filter(Boolean)
          .join(' ');
        return (
          <li key={spec.name} className={classes} data-field={spec.name} data-value={r.value}>
            <EvidenceButton
              highlightKey={spec.name}
              pinned={pinnedKey === spec.name}
              hasEvidence={r.evidence.length > 0}
              onHover={onHover}
              onTogglePin={onTogglePin}
            >
              <span className="row-title">
                <span className="field-title">{spec.title}</span>
                <span className="row-sub">{evidenceCount(r.evidence.length)}</span>
              </span>
              <span className="row-value">
                <span className="field-value">{displayLabel(r.value)}</span>
                {r.derived && (
                  <span className="badge derived" title="Computed by an AJCC rule (size gives T, positive nodes give N), not stated as a code">
                    derived
                  </span>
                )}
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
      })}
    </ul>
  );
}
