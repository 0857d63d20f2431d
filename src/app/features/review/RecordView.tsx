// A kept report opened from the batch or from history: its text with the evidence marked (and the OCR
// words the engine was unsure of), its fields beside it with corrections and the reviewed mark, and
// previous / next / next needing review through the list it was opened from, in that list's order.
// Alt+← / Alt+→ step, Alt+N jumps to the next report needing review.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { finalExtraction } from '../../../domain/corrections';
import type { ReportRecord } from '../../../domain/record';
import type { Span } from '../../../domain/types';
import { FIELD_NAMES } from '../../../domain/schema';
import { uncertainWords } from '../../../ingest/ocr';
import { HighlightedReport } from '../../components/HighlightedReport';
import { ResultsPane } from '../../components/ResultsPane';
import { EXTRACTOR_NAMES, type ExtractSuccess } from '../../extract';
import { needsReview } from '../../present';
import { store, useApp } from '../../store';

/** Not yet marked reviewed and some final field still needs a check. */
export function needsAttention(record: ReportRecord): boolean {
  if (record.review.reviewedAt !== null) return false;
  const final = finalExtraction(record.extraction, record.review.corrections);
  return FIELD_NAMES.some((f) => needsReview(final.fields[f]));
}

function asResult(record: ReportRecord): ExtractSuccess {
  return { ok: true, seq: 0, text: record.text, extraction: record.extraction, mode: record.extractor.mode, extractor: EXTRACTOR_NAMES[record.extractor.mode], elapsedMs: 0, logits: null };
}

export function RecordView() {
  const records = useApp((s) => s.records);
  const openId = useApp((s) => s.openRecordId);
  const order = useApp((s) => s.order);
  const from = useApp((s) => s.openedFrom);
  const [hoverKey, setHoverKey] = useState<string | null>(null);
  const [pinnedKey, setPinnedKey] = useState<string | null>(null);
  const [focusSpan, setFocusSpan] = useState<Span | null>(null);

  const ids = useMemo(() => order.filter((id) => records[id]), [order, records]);
  const at = openId ? ids.indexOf(openId) : -1;
  const record = openId ? records[openId] : undefined;
  const uncertain = useMemo(() => uncertainWords(record?.ocr ?? null), [record?.ocr]);
  const result = useMemo(() => record && asResult(record), [record]);
  const final = useMemo(() => record && finalExtraction(record.extraction, record.review.corrections), [record]);

  const go = useCallback((id: string | undefined) => {
    if (!id) return;
    store.set({ openRecordId: id });
    setPinnedKey(null);
    setHoverKey(null);
  }, []);
  const step = useCallback((delta: number) => go(ids[at + delta]), [go, ids, at]);
  // The next one after this in the list, wrapping round, that still needs review.
  const nextNeeding = useMemo(() => {
    const rest = [...ids.slice(at + 1), ...ids.slice(0, Math.max(0, at))];
    return rest.find((id) => needsAttention(records[id]!));
  }, [ids, at, records]);
  const back = () => store.set({ view: from, openRecordId: null });

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!e.altKey) return;
      if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') step(e.key === 'ArrowLeft' ? -1 : 1);
      else if (e.key.toLowerCase() === 'n') go(nextNeeding);
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [step, go, nextNeeding]);

  if (!record || !result || !final) {
    return (
      <p className="message warning" role="status">
        This report is no longer kept.{' '}
        <button type="button" className="button link" onClick={back}>
          Back
        </button>
      </p>
    );
  }
  return (
    <>
      <nav className="batch-nav" aria-label="Reports" data-testid="batch-nav">
        <button type="button" className="button secondary" onClick={back} data-testid="back-to-batch">
          ← {from === 'batch' ? 'Batch' : 'History'}
        </button>
        <button type="button" className="button secondary" onClick={() => step(-1)} disabled={at <= 0} data-testid="previous-report" aria-keyshortcuts="Alt+ArrowLeft">
          Previous
        </button>
        <span className="batch-position" data-testid="batch-position">
          {at + 1} of {ids.length}: <strong>{record.name}</strong>
          {record.ocr && ` · OCR, mean word confidence ${Math.round(record.ocr.meanConfidence * 100)} %`}
        </span>
        <button type="button" className="button secondary" onClick={() => step(1)} disabled={at < 0 || at >= ids.length - 1} data-testid="next-report" aria-keyshortcuts="Alt+ArrowRight">
          Next
        </button>
      </nav>
      <main className="workspace">
        <section className="panel report-pane" aria-labelledby="record-heading">
          <div className="panel-header">
            <h2 id="record-heading">{record.name}</h2>
          </div>
          <HighlightedReport text={record.text} extraction={final} activeKey={hoverKey ?? pinnedKey} uncertain={uncertain} focusSpan={focusSpan} />
        </section>
        <ResultsPane
          result={result}
          stale={false}
          activeKey={hoverKey ?? pinnedKey}
          pinnedKey={pinnedKey}
          onHover={setHoverKey}
          onTogglePin={(key) => {
            setPinnedKey((k) => (k === key ? null : key));
            setFocusSpan(null);
          }}
          onShowSpan={setFocusSpan}
          record={record}
          onNextNeedingReview={nextNeeding ? () => go(nextNeeding) : undefined}
        />
      </main>
    </>
  );
}
