// One pasted report: edit, extract (with progress, cancellable), then review the fields beside the
// report with the evidence marked. "New report" and the extractor menu work while an extraction runs.
import { useCallback, useRef, useState } from 'react';
import { finalExtraction } from '../../../domain/corrections';
import type { Span } from '../../../domain/types';
import type { ExtractProgress } from '../../../worker/protocol';
import { EXAMPLE_REPORT } from '../../example';
import { runExtraction, type AppError, type ExtractSuccess } from '../../extract';
import { ResultsPane } from '../../components/ResultsPane';
import { store, useApp } from '../../store';
import { textDocument } from '../../../ingest/document';
import { keepExtraction } from '../history/records';
import { ReportPane } from './ReportPane';

type Mode = 'edit' | 'review';

// The report being typed or pasted survives a reload of the tab (the dev server's first-load reload, a
// misclick on reload): sessionStorage keeps it for this tab only, on this computer, until the tab closes.
const DRAFT_KEY = 'path-extract:draft';

function readDraft(): string {
  try {
    return sessionStorage.getItem(DRAFT_KEY) ?? '';
  } catch {
    return '';
  }
}

function saveDraft(text: string): void {
  try {
    if (text === '') sessionStorage.removeItem(DRAFT_KEY);
    else sessionStorage.setItem(DRAFT_KEY, text);
  } catch {
    // Storage off or full: the draft lives in the page only, as before.
  }
}

export function SingleReport({ modelReady }: { modelReady: boolean }) {
  const mode = useApp((s) => s.mode);
  const [text, setText] = useState(readDraft);
  const [view, setView] = useState<Mode>('edit');
  const [result, setResult] = useState<ExtractSuccess | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [running, setRunning] = useState<AbortController | null>(null);
  const [progress, setProgress] = useState<ExtractProgress | null>(null);
  const [hoverKey, setHoverKey] = useState<string | null>(null);
  const [pinnedKey, setPinnedKey] = useState<string | null>(null);
  const [recordId, setRecordId] = useState<string | null>(null);
  const [focusSpan, setFocusSpan] = useState<Span | null>(null);
  const record = useApp((s) => (recordId ? s.records[recordId] : undefined));
  // Each request gets a number; a reply to an older one (after "New report", say) is dropped.
  const lastRequest = useRef(0);

  const stop = useCallback(() => {
    lastRequest.current++;
    running?.abort();
    setRunning(null);
    setProgress(null);
  }, [running]);

  const extract = useCallback(async () => {
    if (running) return; // Ctrl+Enter still reaches here while the button is disabled
    const request = ++lastRequest.current;
    const controller = new AbortController();
    setRunning(controller);
    setProgress(null);
    const outcome = await runExtraction(text, mode, { signal: controller.signal, onProgress: (p) => request === lastRequest.current && setProgress(p) });
    if (request !== lastRequest.current) return;
    setRunning(null);
    setProgress(null);
    if (!outcome.ok) {
      setError(outcome.error);
      return;
    }
    setError(null);
    setResult(outcome);
    setRecordId(keepExtraction(textDocument({ name: 'Pasted report', kind: 'paste', bytes: text.length }, text), outcome).id);
    setHoverKey(null);
    setPinnedKey(null);
    setView('review');
    // Focus goes to the results (the first field to check, else their heading), not back to the page body.
    requestAnimationFrame(() => {
      const target = document.querySelector<HTMLElement>('.results-pane [data-review="needed"] .row-button') ?? document.getElementById('results-heading');
      target?.focus();
    });
  }, [text, mode, running]);

  const cancel = useCallback(() => {
    stop();
    setError({ name: 'Cancelled', message: 'Extraction cancelled. The report is unchanged; press Extract to start again.' });
  }, [stop]);

  const changeText = useCallback((next: string) => {
    setText(next);
    setError(null);
    saveDraft(next);
  }, []);

  const clear = useCallback(() => {
    stop();
    setText('');
    saveDraft('');
    setResult(null);
    setRecordId(null);
    setError(null);
    setView('edit');
  }, [stop]);

  const togglePinned = useCallback((key: string) => {
    setPinnedKey((k) => (k === key ? null : key));
    setFocusSpan(null);
  }, []);
  const activeKey = hoverKey ?? pinnedKey;
  const reviewing = view === 'review' && result !== null && result.text === text;

  return (
    <main className="workspace">
      <ReportPane
        text={text}
        onTextChange={changeText}
        onExtract={extract}
        onEdit={() => setView('edit')}
        onClear={clear}
        onExample={() => changeText(EXAMPLE_REPORT)}
        busy={running !== null}
        progress={progress}
        onCancel={cancel}
        error={error}
        mode={mode}
        modelReady={modelReady}
        onModeChange={(chosenMode) => store.set({ chosenMode })}
        review={reviewing && record ? { ...result, extraction: finalExtraction(record.extraction, record.review.corrections) } : reviewing ? result : null}
        activeKey={activeKey}
        focusSpan={focusSpan}
      />
      <ResultsPane
        result={result}
        stale={result !== null && result.text !== text}
        activeKey={activeKey}
        pinnedKey={pinnedKey}
        onHover={setHoverKey}
        onTogglePin={togglePinned}
        record={result !== null && result.text === text ? record : undefined}
        onShowSpan={setFocusSpan}
      />
    </main>
  );
}
