// A row button tied to one highlight key: hover or focus previews its evidence, click pins it.
// aria-pressed tells assistive technology whether the row is pinned.
import type { CSSProperties, ReactNode } from 'react';
import type { Span } from '../../domain/types';
import { keyHue } from '../present';

/** What a list of evidence rows needs from the page: which key is shown or pinned, and the handlers. */
export interface HighlightControls {
  activeKey: string | null;
  pinnedKey: string | null;
  onHover: (key: string | null) => void;
  onTogglePin: (key: string) => void;
  /** The report text and a way to scroll it to one span: a pinned field then lists all its evidence. */
  text?: string;
  onShowSpan?: (span: Span) => void;
}

interface Props {
  highlightKey: string;
  pinned: boolean;
  hasEvidence: boolean;
  onHover: (key: string | null) => void;
  onTogglePin: (key: string) => void;
  /** The id of what says more about this row (a field's review reasons), read out with the button. */
  describedBy?: string;
  children: ReactNode;
}

export function EvidenceButton({ highlightKey, pinned, hasEvidence, onHover, onTogglePin, describedBy, children }: Props) {
  const style = { '--hue': keyHue(highlightKey) } as CSSProperties;
  return (
    <button
      type="button"
      className="row-button"
      style={style}
      aria-pressed={pinned}
      aria-describedby={describedBy}
      title={hasEvidence ? 'Show the evidence in the report (click to keep it highlighted)' : 'No evidence span for this value'}
      onMouseEnter={() => onHover(highlightKey)}
      onMouseLeave={() => onHover(null)}
      onFocus={() => onHover(highlightKey)}
      onBlur={() => onHover(null)}
      onClick={() => onTogglePin(highlightKey)}
    >
      <span className="swatch" aria-hidden="true" />
      {children}
    </button>
  );
}
