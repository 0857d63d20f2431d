// The report text with every evidence span marked; the active field's spans take its own colour
// and the first of them is scrolled into view inside the pane (the page itself does not jump).
// Words OCR was unsure of are underlined (data-ocr="uncertain") with their confidence.
import { useEffect, useMemo, useRef, type CSSProperties } from 'react';
import type { Extraction, Span } from '../../domain/types';
import type { OcrWord } from '../../ingest/document';
import { segmentText } from '../highlight';
import { evidenceSpans, keyHue, keyTitle } from '../present';

interface Props {
  text: string;
  extraction: Extraction;
  activeKey: string | null;
  /** OCR words below the confidence threshold (none for text-layer and pasted reports). */
  uncertain?: readonly OcrWord[];
  /** One span to bring into view (a quote chosen in a field's evidence list), instead of the first. */
  focusSpan?: Span | null;
}

// Not a field name: marks the stretches of text that are uncertain OCR words.
const OCR_KEY = '~ocr';
const NO_WORDS: readonly OcrWord[] = [];

export function HighlightedReport({ text, extraction, activeKey, uncertain = NO_WORDS, focusSpan = null }: Props) {
  const segments = useMemo(
    () => segmentText(text, [...evidenceSpans(extraction), ...uncertain.map((w) => ({ key: OCR_KEY, start: w.span[0], end: w.span[1] }))]),
    [text, extraction, uncertain],
  );
  const confidenceAt = (start: number) => uncertain.find((w) => w.span[0] <= start && start < w.span[1])?.confidence ?? 0;
  const container = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const box = container.current;
    if (!box || !activeKey) return;
    const marks = [...box.querySelectorAll<HTMLElement>(`mark[data-keys~="${CSS.escape(activeKey)}"]`)];
    const target = focusSpan ? marks.find((m) => Number(m.dataset.start) <= focusSpan[0] && focusSpan[0] < Number(m.dataset.end)) : marks[0];
    if (target) scrollWithin(box, target);
  }, [activeKey, segments, focusSpan]);

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
      {segments.map((s) => {
        const keys = s.keys.filter((k) => k !== OCR_KEY);
        const ocr = keys.length < s.keys.length;
        const ocrTitle = ocr ? `OCR was unsure of this word (${Math.round(confidenceAt(s.start) * 100)} %)` : undefined;
        if (keys.length === 0) {
          return ocr ? (
            <span key={s.start} className="ocr-uncertain" data-ocr="uncertain" title={ocrTitle}>
              {s.text}
            </span>
          ) : (
            <span key={s.start}>{s.text}</span>
          );
        }
        return (
          <mark
            key={s.start}
            className={`${activeKey && keys.includes(activeKey) ? 'evidence active' : 'evidence'}${ocr ? ' ocr-uncertain' : ''}`}
            data-keys={keys.join(' ')}
            data-start={s.start}
            data-end={s.end}
            data-ocr={ocr ? 'uncertain' : undefined}
            title={[`Evidence for: ${keys.map(keyTitle).join(', ')}`, ocrTitle].filter(Boolean).join(' · ')}
          >
            {s.text}
          </mark>
        );
      })}
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
