// The extra values the report gives (Ki-67 %, ER/PR %, size, node counts, y/r prefix, sub-categories).
// Only values present in the report are listed; each row carries data-extra and data-value.
import type { Extraction } from '../../domain/types';
import { VALUES } from '../../domain/schema';
import { displayExtraValue } from '../present';
import { EvidenceButton, type HighlightControls } from './EvidenceButton';

interface Props extends HighlightControls {
  extraction: Extraction;
}

export function ExtraValues({ extraction, activeKey, pinnedKey, onHover, onTogglePin }: Props) {
  const present = VALUES.flatMap((spec) => {
    const r = extraction.values[spec.name];
    const shown = displayExtraValue(spec, r.value);
    return shown === null ? [] : [{ spec, r, shown }];
  });
  return (
    <div className="extra-values">
      <h3>Other values</h3>
      {present.length === 0 ? (
        <p className="empty-note">None found (Ki-67, receptor %, tumour size, node counts, y/r prefix).</p>
      ) : (
        <ul className="value-list">
          {present.map(({ spec, r, shown }) => (
            <li
              key={spec.name}
              className={activeKey === spec.name ? 'value-row active' : 'value-row'}
              data-extra={spec.name}
              data-value={String(r.value)}
            >
              <EvidenceButton
                highlightKey={spec.name}
                pinned={pinnedKey === spec.name}
                hasEvidence={r.evidence.length > 0}
                onHover={onHover}
                onTogglePin={onTogglePin}
              >
                <span className="row-title">{spec.title}</span>
                <span className="row-value">{shown}</span>
              </EvidenceButton>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
