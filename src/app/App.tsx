// The page: paste a report, extract, then review the fields beside the report with evidence marked.
// State lives here; display logic is in present.ts / highlight.ts and extraction in extract.ts.
import { useCallback, useRef, useState } from 'react';
import { runExtraction, type AppError, type ExtractSuccess } from './extract';
import { EXAMPLE_REPORT } from './example';
import { ReportPane } from './components/ReportPane';
import { ResultsPane } from './components/ResultsPane';

type Mode = 'edit' | 'review';

export function App() {
  const [text, setText] = useState('');
  const [mode, setMode] = useState<Mode>('edit');
  const [result, setResult] = useState<ExtractSuccess | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [busy, setBusy] = useState(false);
  const [hoverKey, setHoverKey] = useState<string | null>(null);
  const [pinnedKey, setPinnedKey] = useState<string | null>(null);
  // Each request gets a number; a reply to an older one (a slow worker, later) is dropped.
  const lastRequest = useRef(0);

  const extract = useCallback(async () => {
    const request = ++lastRequest.current;
    setBusy(true);
    const outcome = await runExtraction(text);
    if (request !== lastRequest.current) return;
    setBusy(false);
    if (!outcome.ok) {
      setError(outcome.error);
      return;
    }
    setError(null);
    setResult(outcome);
    setHoverKey(null);
    setPinnedKey(null);
    setMode('review');
  }, [text]);

  const changeText = useCallback((next: string) => {
    setText(next);
    setError(null);
  }, []);

  const clear = useCallback(() => {
    lastRequest.current++;
    setText('');
    setResult(null);
    setError(null);
    setBusy(false);
    setMode('edit');
  }, []);

  const loadExample = useCallback(() => changeText(EXAMPLE_REPORT), [changeText]);
  const togglePinned = useCallback((key: string) => setPinnedKey((k) => (k === key ? null : key)), []);

  const activeKey = hoverKey ?? pinnedKey;
  const reviewing = mode === 'review' && result !== null && result.text === text;

  return (
    <div className="app">
      <header className="app-header">
        <div>
          <h1>Pathology report extractor</h1>
          <p className="app-subtitle">TNM staging, histologic grade and biomarkers from breast-cancer pathology reports</p>
        </div>
        <p className="privacy-note">
          <span className="privacy-dot" aria-hidden="true" />
          Runs in this browser · no report leaves this computer
        </p>
      </header>
      <main className="workspace">
        <ReportPane
          text={text}
          onTextChange={changeText}
          onExtract={extract}
          onEdit={() => setMode('edit')}
          onClear={clear}
          onExample={loadExample}
          busy={busy}
          error={error}
          review={reviewing ? result : null}
          activeKey={activeKey}
        />
        <ResultsPane
          result={result}
          stale={result !== null && result.text !== text}
          activeKey={activeKey}
          pinnedKey={pinnedKey}
          onHover={setHoverKey}
          onTogglePin={togglePinned}
        />
      </main>
      <footer className="app-footer">
        Extraction aids abstraction; it does not replace reading the report. AJCC 8th edition anatomic stage groups.
      </footer>
    </div>
  );
}
