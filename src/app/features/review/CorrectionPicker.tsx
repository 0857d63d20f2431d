// Choosing a field's value from the schema's labels, by keyboard as well as by mouse: the arrow keys
// move between values, Enter or Space takes the focused one, a digit takes that value directly (its
// number is shown), Escape closes without a change. Focus starts on the current value.
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { FieldSpec } from '../../../domain/schema';
import { displayLabel } from '../../present';

interface Props {
  spec: FieldSpec;
  current: string;
  onPick: (value: string) => void;
  onClose: () => void;
}

export function CorrectionPicker({ spec, current, onPick, onClose }: Props) {
  const labels = spec.labels;
  const [focus, setFocus] = useState(() => Math.max(0, labels.indexOf(current)));
  const buttons = useRef<(HTMLButtonElement | null)[]>([]);
  useEffect(() => buttons.current[focus]?.focus(), [focus]);

  const onKeyDown = (e: KeyboardEvent) => {
    const move = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[e.key];
    if (move !== undefined) {
      e.preventDefault();
      setFocus((i) => (i + move + labels.length) % labels.length);
    } else if (e.key === 'Home' || e.key === 'End') {
      e.preventDefault();
      setFocus(e.key === 'Home' ? 0 : labels.length - 1);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      onClose();
    } else if (/^[1-9]$/.test(e.key) && Number(e.key) <= labels.length) {
      e.preventDefault();
      onPick(labels[Number(e.key) - 1]!);
    }
  };

  return (
    <div className="correction-picker" role="radiogroup" aria-label={`Correct ${spec.title}`} onKeyDown={onKeyDown} data-testid="correction-picker">
      {labels.map((label, i) => (
        <button
          key={label}
          ref={(el) => {
            buttons.current[i] = el;
          }}
          type="button"
          role="radio"
          aria-checked={label === current}
          tabIndex={i === focus ? 0 : -1}
          className={label === current ? 'choice current' : 'choice'}
          aria-keyshortcuts={String(i + 1)}
          onClick={() => onPick(label)}
          data-value={label}
        >
          <kbd aria-hidden="true">{i + 1}</kbd> {displayLabel(label)}
        </button>
      ))}
      <button type="button" className="button link" onClick={onClose}>
        Cancel
      </button>
    </div>
  );
}
