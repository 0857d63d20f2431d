// A report of the batch opened in the report view: its text with the evidence marked (and the OCR
// words the engine was unsure of), its fields beside it, and previous/next through the finished
// reports in the table's order. Alt+← / Alt+→ step too.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { OCR_LOW_CONFIDENCE } from '../../../domain/limits';
import { uncertainWords } from '../../../ingest/ocr';
import { HighlightedReport } from '../../components/HighlightedReport';
import { ResultsPane } from '../../components/ResultsPane';
import { store, useApp } from '../../store';

export function BatchReport() {
  const jobs = useApp((s) => s.jobs);
  const openId = useApp((s) => s.openJobId);
  const order = useApp((s) => s.order);
  const [hoverKey, setHoverKey] = useState<string | null>(null);
  const [pinnedKey, setPinnedKey] = useState<string | null>(null);

  // Only finished reports can be stepped to; the table's order first, then any added since.
  const ids = [...order, ...jobs.map((j) => j.id).filter((id) => !order.includes(id))].filter((id) => jobs.find((j) => j.id === id)?.output);
  const at = openId ? ids.indexOf(openId) : -1;
  const job = jobs.find((j) => j.id === openId);
  const ocr = job?.output?.document.ocr;
  const uncertain = useMemo(() => (ocr ? uncertainWords(ocr.words, OCR_LOW_CONFIDENCE) : []), [ocr]);
  const step = useCallback(
    (delta: number) => {
      const next = ids[at + delta];
      if (next) {
        store.set({ openJobId: next });
        setPinnedKey(null);
        setHoverKey(null);
      }
    },
    [ids, at],
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!e.altKey || (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight')) return;
      e.preventDefault();
      step(e.key === 'ArrowLeft' ? -1 : 1);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [step]);

  if (!job?.output) {
    return (
      <p className="message warning" role="status">
        This report is no longer in the batch.{' '}
        <button type="button" className="button link" onClick={() => store.set({ view: 'batch', openJobId: null })}>
          Back to the batch
        </button>
      </p>
    );
  }
  const { document, result } = job.output;
  return (
    <>
      <nav className="batch-nav" aria-label="Reports of the batch" data-testid="batch-nav">
        <button type="button" className="button secondary" onClick={() => store.set({ view: 'batch', openJobId: null })} data-testid="back-to-batch">
          ← Batch
        </button>
        <button type="button" className="button secondary" onClick={() => step(-1)} disabled={at <= 0} data-testid="previous-report" aria-keyshortcuts="Alt+ArrowLeft">
          Previous
        </button>
        <span className="batch-position" data-testid="batch-position">
          {at + 1} of {ids.length}: <strong>{job.name}</strong>
          {document.ocr && ` · OCR, mean word confidence ${Math.round(document.ocr.meanConfidence * 100)} %`}
        </span>
        <button type="button" className="button secondary" onClick={() => step(1)} disabled={at < 0 || at >= ids.length - 1} data-testid="next-report" aria-keyshortcuts="Alt+ArrowRight">
          Next
        </button>
      </nav>
      <main className="workspace">
        <section className="panel report-pane" aria-labelledby="batch-report-heading">
          <div className="panel-header">
            <h2 id="batch-report-heading">{job.name}</h2>
          </div>
          <HighlightedReport text={document.text} extraction={result.extraction} activeKey={hoverKey ?? pinnedKey} uncertain={uncertain} />
        </section>
        <ResultsPane
          result={result}
          stale={false}
          activeKey={hoverKey ?? pinnedKey}
          pinnedKey={pinnedKey}
          onHover={setHoverKey}
          onTogglePin={(key) => setPinnedKey((k) => (k === key ? null : key))}
        />
      </main>
    </>
  );
}
