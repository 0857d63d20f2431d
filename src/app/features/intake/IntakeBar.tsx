// The intake bar: choose files or a folder (or drop them anywhere), switch between the pasted report
// and the batch, and the last notice (files added, a drop that held nothing) as a live status line.
import { useRef } from 'react';
import { SUPPORTED_TYPES } from '../../../ingest/detect';
import { store, useApp, type View } from '../../store';
import { ModeSelect } from '../../components/ModeSelect';
import { addFiles } from '../queue/runner';
import { filesOfInput } from './collect';

const ACCEPT = '.txt,.text,.pdf,.png,.jpg,.jpeg,.tif,.tiff,text/plain,application/pdf,image/png,image/jpeg,image/tiff';

export function IntakeBar({ modelReady }: { modelReady: boolean }) {
  const view = useApp((s) => s.view);
  const mode = useApp((s) => s.mode);
  const jobCount = useApp((s) => s.jobs.length);
  const historyCount = useApp((s) => s.historyIds.length);
  const from = useApp((s) => s.openedFrom);
  const notice = useApp((s) => s.notice);
  const filesInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);

  const pick = (input: HTMLInputElement | null) => {
    if (!input) return;
    addFiles(filesOfInput(input.files));
    // The same file chosen again must fire `change` again.
    input.value = '';
  };
  const show = (next: View) => store.set({ view: next });

  return (
    <section className="intake-bar" aria-label="Reports">
      <div className="view-tabs" role="tablist" aria-label="What to show">
        <button type="button" role="tab" aria-selected={view === 'paste'} className="tab" onClick={() => show('paste')} data-testid="tab-paste">
          Paste a report
        </button>
        <button type="button" role="tab" aria-selected={view === 'batch' || (view === 'report' && from === 'batch')} className="tab" onClick={() => show('batch')} data-testid="tab-batch">
          Batch{jobCount > 0 ? ` (${jobCount})` : ''}
        </button>
        <button type="button" role="tab" aria-selected={view === 'history' || (view === 'report' && from === 'history')} className="tab" onClick={() => show('history')} data-testid="tab-history">
          History{historyCount > 0 ? ` (${historyCount})` : ''}
        </button>
      </div>
      <div className="intake-actions">
        <button type="button" className="button secondary" onClick={() => filesInput.current?.click()} data-testid="add-files">
          Add files…
        </button>
        <button type="button" className="button secondary" onClick={() => folderInput.current?.click()} data-testid="add-folder">
          Add a folder…
        </button>
        <span className="hint">or drop {SUPPORTED_TYPES} files anywhere on the page</span>
        {view !== 'paste' && <ModeSelect mode={mode} modelReady={modelReady} disabled={false} onChange={(chosenMode) => store.set({ chosenMode })} />}
        <input ref={filesInput} type="file" multiple accept={ACCEPT} hidden onChange={(e) => pick(e.currentTarget)} data-testid="file-input" />
        {/* webkitdirectory is not in React's types; every current browser supports it. */}
        <input ref={folderInput} type="file" multiple hidden onChange={(e) => pick(e.currentTarget)} {...{ webkitdirectory: '' }} data-testid="folder-input" />
      </div>
      <p className={`intake-notice ${notice?.tone ?? ''}`} role="status" aria-live="polite" data-testid="intake-notice" data-tone={notice?.tone}>
        {notice?.text ?? ''}
      </p>
    </section>
  );
}
