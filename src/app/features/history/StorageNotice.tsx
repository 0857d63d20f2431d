// Where history stands: storage used of the browser's quota and whether it is persistent, or why
// history is off or failed, with what to do. A full quota is a state here, never a lost result.
import { megabytes } from '../../modelState';
import { useApp } from '../../store';

export function StorageNotice() {
  const history = useApp((s) => s.history);
  const storage = useApp((s) => s.storage);
  switch (history.status) {
    case 'loading':
      return (
        <p className="meta" data-testid="history-state" data-status="loading">
          Opening history…
        </p>
      );
    case 'unavailable':
      return (
        <p className="message warning" role="status" data-testid="history-state" data-status="unavailable">
          {history.message}
        </p>
      );
    case 'error':
      return (
        <p className="message error" role="alert" data-testid="history-state" data-status="error" data-error={history.name}>
          {history.message}
        </p>
      );
    case 'ready':
      return (
        <p className="meta" data-testid="history-state" data-status="ready">
          <span data-testid="storage-usage">
            {storage.usage !== null && storage.quota !== null ? `Storage used: ${megabytes(storage.usage)} of ${megabytes(storage.quota)} this browser allows. ` : ''}
          </span>
          <span data-testid="storage-persisted" data-persisted={String(storage.persisted)}>
            {storage.persisted === true
              ? 'Storage is persistent: the browser will not clear it to free space.'
              : storage.persisted === false
                ? 'Storage is not persistent: the browser may clear history when the disk runs low. Export what you need to keep.'
                : ''}
          </span>
        </p>
      );
    default:
      return null;
  }
}
