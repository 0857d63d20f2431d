// Chooses the extractor: hybrid (model + rules, the default once a model is loaded), model only, or
// rules only. Model choices are disabled until a model is ready; the rules always work.
import { useId } from 'react';
import type { ExtractorMode } from '../../worker/protocol';

interface Props {
  mode: ExtractorMode;
  modelReady: boolean;
  disabled: boolean;
  onChange: (mode: ExtractorMode) => void;
}

const OPTIONS: readonly { mode: ExtractorMode; label: string; needsModel: boolean }[] = [
  { mode: 'hybrid', label: 'Hybrid: model + rules', needsModel: true },
  { mode: 'model', label: 'Model only', needsModel: true },
  { mode: 'rules', label: 'Rules only', needsModel: false },
];

export function ModeSelect({ mode, modelReady, disabled, onChange }: Props) {
  const id = useId();
  return (
    <span className="mode-select">
      <label htmlFor={id}>Extractor</label>
      <select id={id} value={mode} disabled={disabled} onChange={(e) => onChange(e.target.value as ExtractorMode)} data-testid="mode">
        {OPTIONS.map((o) => (
          <option key={o.mode} value={o.mode} disabled={o.needsModel && !modelReady}>
            {o.label}
          </option>
        ))}
      </select>
    </span>
  );
}
