// The page: header, model bar, intake (files, folder, drop anywhere), and the view chosen — a pasted
// report, the batch table, or one report of the batch. Features read the app store (store.ts);
// the model's load state is modelState.ts.
import { useEffect, useState } from 'react';
import { DropTarget } from './features/intake/DropTarget';
import { IntakeBar } from './features/intake/IntakeBar';
import { HistoryView } from './features/history/HistoryView';
import { startHistory } from './features/history/records';
import { BatchView } from './features/queue/BatchView';
import { ResumeOffer } from './features/queue/ResumeOffer';
import { findLeftOver } from './features/queue/runner';
import { RecordView } from './features/review/RecordView';
import { ModelPanel } from './features/model/ModelPanel';
import { startServiceWorker } from './features/offline/serviceWorker';
import { UpdateBanner } from './features/offline/UpdateBanner';
import { SingleReport } from './features/single/SingleReport';
import { useModel } from './modelState';
import { readPageOptions } from './pageOptions';
import { ModelStatus } from './components/ModelStatus';
import { store, useApp } from './store';

export function App() {
  const [options] = useState(() => readPageOptions(window.location.search, document.baseURI));
  const model = useModel(options);
  const modelReady = model.status === 'ready';
  const view = useApp((s) => s.view);
  const chosenMode = useApp((s) => s.chosenMode);
  // The user's choice; until there is one, hybrid once a model is ready and the rules before that.
  useEffect(() => store.set({ mode: modelReady ? (chosenMode ?? 'hybrid') : 'rules', model: model.status === 'ready' ? model.model : null }), [modelReady, chosenMode, model]);
  useEffect(() => {
    void startHistory().then(findLeftOver);
    startServiceWorker();
  }, []);

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
      <UpdateBanner />
      <ResumeOffer />
      <ModelStatus state={model} modelId={options.modelId} />
      <ModelPanel />
      <IntakeBar modelReady={modelReady} />
      <DropTarget />
      {/* Hidden rather than unmounted: a pasted report and its results survive a look at the batch. */}
      <div className="view" hidden={view !== 'paste'}>
        <SingleReport modelReady={modelReady} />
      </div>
      {view === 'batch' && <BatchView />}
      {view === 'history' && <HistoryView />}
      {view === 'report' && <RecordView />}
      <footer className="app-footer">
        Extraction aids abstraction; it does not replace reading the report. AJCC 8th edition anatomic stage groups.
      </footer>
    </div>
  );
}
