// Says when a new version of the app is ready, and installs it when the user says so; while a batch
// runs the offer waits, so that a reload never cuts a batch short.
import { isActive } from '../../../domain/jobs';
import { useApp } from '../../store';
import { installUpdate } from './serviceWorker';

export function UpdateBanner() {
  const ready = useApp((s) => s.updateReady);
  const busy = useApp((s) => s.jobs.some((j) => j.state.status === 'queued' || isActive(j.state)));
  if (!ready) return null;
  return (
    <p className="message info update-banner" role="status" data-testid="update-banner">
      A new version of the app is ready.{' '}
      {busy ? (
        'It will be offered again when the batch has finished.'
      ) : (
        <button type="button" className="button secondary" onClick={installUpdate} data-testid="install-update">
          Reload to update
        </button>
      )}
    </p>
  );
}
