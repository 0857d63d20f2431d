// The page: paste a report, extract, then review the fields beside the report with evidence marked.
// State lives here; the model's load state in modelState.ts, display logic in present.ts, extraction in extract.ts.
import { useCallback, useRef, useState } from 'react';
import type { ExtractorMode } from '../worker/protocol';
import { runExtraction, type AppError, type ExtractSuccess } from './extract';
import { EXAMPLE_REPORT } from './example';
import { useModel } from './modelState';
import { readPageOptions } from './pageOptions';
import { ModelStatus } from './components/ModelStatus';
import { ReportPane } from './components/ReportPane';
import { ResultsPane } from './components/ResultsPane';

type View = 'edit' | 'review';

export function App() {
  const [options] = useState(() => readPageOptions(window.location.search, document.baseURI));
  const model = useModel(options);
  const modelReady = model.status === 'ready';
  // The user's choice; until there is one, hybrid once a model is ready and the rules before that.
  const [chosenMode, setChosenMode] = useState<ExtractorMode | null>(null);
  const mode: ExtractorMode = modelReady ? (chosenMode ?? 'hybrid') : 'rules';

  const [text, setText] = useState('');
  const [view, setView] = useState<View>('edit');
  const [result, setResult] = useState<ExtractSuccess | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [busy, setBusy] = useState(false);
  const [hoverKey, setHoverKey] = useState<string | null>(null);
  const [pinnedKey, setPinnedKey] = useState<string | null>(null);
  // Each request gets a number; a reply to an older one (after "New report", say) is dropped.
  const lastRequest = useRef(0);

  const extract = useCallback(async () => {
    if (busy) return; // Ctrl+Enter still reaches here while the button is disabled
    const request = ++lastRequest.current;
    setBusy(true);
    const outcome = await runExtraction(text, mode);
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
    setView('review');
  }, [text, mode, busy]);

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
    setView('edit');
  }, []);

  const loadExample = useCallback(() => changeText(EXAMPLE_REPORT), [changeText]);
  const togglePinned = useCallback((key: string) => setPinnedKey((k) => (k === key ? null : key)), []);

  const activeKey = hoverKey ?? pinnedKey;
  const reviewing = view === 'review' && result !== null && result.text === text;

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
      <ModelStatus state={model} modelId={options.modelId} />
      <main className="workspace">
        <ReportPane
          text={text}
          onTextChange={changeText}
          onExtract={extract}
          onEdit={() => setView('edit')}
          onClear={clear}
          onExample={loadExample}
          busy={busy}
          error={error}
          mode={mode}
          modelReady={modelReady}
          onModeChange={setChosenMode}
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
