// Model packages on this computer: each stored package with its size, variants and date; the default
// (used when the server has none, or cannot be reached); use one now, delete one; and import a package
// from disk (a folder, its files, or a .zip, e.g. from a USB stick), verified before it is stored.
// Test hooks: "model-panel", rows "stored-model" (data-key, data-default), "import-model-folder",
// "import-model-files", "model-import" (data-status).
import { useEffect, useRef } from 'react';
import type { ModelSummary } from '../../../storage/models';
import { megabytes } from '../../modelState';
import { useApp } from '../../store';
import { filesOfInput } from '../intake/collect';
import { deleteModel, importModel, refreshModels, setDefaultModel } from './models';

/** The address of this page with the stored package chosen (other parameters kept). */
function storedHref(key: string): string {
  const url = new URL(window.location.href);
  url.searchParams.set('stored', key);
  url.searchParams.delete('model');
  return url.href;
}

function StoredRow({ m, current }: { m: ModelSummary; current: boolean }) {
  const href = storedHref(m.key);
  return (
    <li className="stored-model" data-testid="stored-model" data-key={m.key} data-default={m.isDefault}>
      <label>
        <input type="radio" name="default-model" checked={m.isDefault} onChange={() => void setDefaultModel(m.key)} aria-label={`Use ${m.key} when the server has no model`} />
        <strong>{m.id}</strong> v{m.version}
      </label>
      <span className="meta">
        {megabytes(m.bytes)} · {m.variants.join(', ')} · stored {new Date(m.storedAt).toLocaleDateString()}
        {current && ' · in use'}
      </span>
      {!current && (
        <a className="button link" href={href} data-testid="use-stored-model">
          Use now
        </a>
      )}
      <button type="button" className="button link" onClick={() => void deleteModel(m.key)} aria-label={`Delete ${m.key} from this computer`}>
        Delete
      </button>
    </li>
  );
}

export function ModelPanel() {
  const models = useApp((s) => s.models);
  const imported = useApp((s) => s.modelImport);
  const loaded = useApp((s) => s.model);
  const folder = useRef<HTMLInputElement>(null);
  const files = useRef<HTMLInputElement>(null);
  useEffect(() => void refreshModels(), [loaded]);
  const pick = (input: HTMLInputElement | null) => {
    if (!input?.files?.length) return;
    void importModel(filesOfInput(input.files));
    input.value = '';
  };
  return (
    <details className="model-panel" data-testid="model-panel">
      <summary>Model packages on this computer ({models.length})</summary>
      {models.length === 0 ? (
        <p className="meta">None yet. The page keeps the package it downloads; or import one from disk.</p>
      ) : (
        <ul className="stored-models">
          {models.map((m) => (
            <StoredRow key={m.key} m={m} current={loaded?.storedKey === m.key} />
          ))}
        </ul>
      )}
      <div className="button-row">
        <button type="button" className="button secondary" onClick={() => folder.current?.click()} data-testid="import-model-folder-button">
          Import a package folder…
        </button>
        <button type="button" className="button secondary" onClick={() => files.current?.click()}>
          Import a .zip or files…
        </button>
        <input ref={folder} type="file" multiple hidden onChange={(e) => pick(e.currentTarget)} {...{ webkitdirectory: '' }} data-testid="import-model-folder" />
        <input ref={files} type="file" multiple hidden accept=".zip,.json,.onnx,.data,application/zip" onChange={(e) => pick(e.currentTarget)} data-testid="import-model-files" />
      </div>
      {imported.status !== 'idle' && (
        <p className={`message ${imported.status === 'failed' ? 'error' : 'info'}`} role={imported.status === 'failed' ? 'alert' : 'status'} data-testid="model-import" data-status={imported.status}>
          {imported.message}{' '}
          {imported.status === 'done' && (
            <a className="button link" href={storedHref(imported.key)} data-testid="use-imported-model">
              Use it now
            </a>
          )}
        </p>
      )}
    </details>
  );
}

