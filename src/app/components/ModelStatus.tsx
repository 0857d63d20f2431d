// The model bar under the header: load progress (one bar, with the phase), then the package and the
// backend in use, a fallback notice, or why the page runs on the rules only. Tests read data-state and data-backend.
import type { ModelState } from '../modelState';
import { backendLabel, loadingLine, megabytes } from '../modelState';
import { sentence } from '../present';

export function ModelStatus({ state, modelId }: { state: ModelState; modelId: string }) {
  return (
    <section className="model-status" aria-label="Model" data-testid="model-status" data-state={state.status}>
      <ModelLine state={state} modelId={modelId} />
    </section>
  );
}

function ModelLine({ state, modelId }: { state: ModelState; modelId: string }) {
  switch (state.status) {
    case 'idle':
    case 'loading': {
      const line = loadingLine(state);
      return (
        <div className="model-loading" role="status">
          <span className="model-name">Model {modelId}</span>
          <span className="model-phase" data-testid="model-phase">
            {line.text}
          </span>
          <progress className="model-progress" max={line.max} value={line.value} aria-label={line.text} data-testid="model-progress" />
          <span className="model-hint">Extraction with the rules works meanwhile.</span>
        </div>
      );
    }
    case 'ready': {
      const m = state.model;
      return (
        <>
          <div className="model-ready">
            <span className="model-name" data-testid="model-package">
              Model {m.packageId} <span className="model-version">v{m.packageVersion} · {m.variant}</span>
            </span>
            <span className={`backend-chip ${m.backend}`} data-backend={m.backend} data-testid="backend" data-load-phases={JSON.stringify({ total: m.loadMs, ...m.phasesMs })} title={`Loaded ${megabytes(m.bytes)} in ${(m.loadMs / 1000).toFixed(1)} s`}>
              {backendLabel(m.backend, m.threads)}
            </span>
            <span className="model-hint" data-testid="model-from" data-from={m.from}>
              {m.from === 'store' ? 'from this computer' : 'downloaded, kept for the next visit'}
            </span>
          </div>
          {m.notice && (
            <p className="message warning model-message" role="status" data-testid="model-notice">
              {m.notice}
            </p>
          )}
        </>
      );
    }
    case 'missing':
      return (
        <p className="model-note" role="status" data-testid="model-notice">
          No model package at {state.packageUrl} — extraction uses the rules only.
        </p>
      );
    case 'error':
      return (
        <p className="message error model-message" role="alert" data-testid="model-error">
          The model could not be loaded: {sentence(state.message)} Extraction uses the rules only.
        </p>
      );
  }
}
