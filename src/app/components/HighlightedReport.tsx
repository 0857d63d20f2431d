// The report text with every evidence span marked; the active field's spans take its own colour
// and the first of them is scrolled into view inside the pane (the page itself does not jump).
import { useEffect, useMemo, useRef, type CSSProperties } from 'react';
import type { Extraction } from '../../domain/types';
import { segmentText } from '../highlight';
import { evidenceSpans, keyHue, keyTitle } from '../present';

interface Props {
  text: string;
  extraction: Extraction;
  activeKey: string | null;
}

export function HighlightedReport({ text, extraction, activeKey }: Props) {
  const segments = useMemo(() => segmentText(text, evidenceSpans(extraction)), [text, extraction]);
  const container = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const box = container.current;
    if (!box || !activeKey) return;
    const first = box.querySelector<HTMLElement>(`mark[data-keys~="${CSS.escape(activeKey)}"]`);
    if (first) scrollWithin(box, first);
  }, [activeKey, segments]);

  const style = activeKey ? ({ '--hue': keyHue(activeKey) } as CSSProperties) : undefined;

  return (
    <div
      ref={container}
      className={activeKey ? 'report-view has-active' : 'report-view'}
      style={style}
      tabIndex={0}
      aria-label="Report text; evidence for the extracted values is highlighted"
      data-testid="report-view"
    >
      {segments.map((s) =>
        s.keys.length === 0 ? (
          <span key={s.start}>{s.text}</span>
        ) : (
          <mark
            key={s.start}
            className={activeKey && s.keys.includes(activeKey) ? 'evidence active' : 'evidence'}
            data-keys={s.keys.join(' ')}
            title={`Evidence for: ${s.keys.map(keyTitle).join(', ')}`}
          >
            {s.text}
          </mark>
        ),
      )}
    </div>
  );
}

/** Scrolls box so that el is visible, centred when it was out of view; honours reduced motion. */
function scrollWithin(box: HTMLElement, el: HTMLElement): void {
  const boxRect = box.getBoundingClientRect();
  const elRect = el.getBoundingClientRect();
  if (elRect.top >= boxRect.top && elRect.bottom <= boxRect.bottom) return;
  const top = box.scrollTop + (elRect.top - boxRect.top) - box.clientHeight / 3;
  const reduce = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  box.scrollTo({ top: Math.max(0, top), behavior: reduce ? 'auto' : 'smooth' });
}
