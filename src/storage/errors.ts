// Every IndexedDB failure reaches the page as a StorageError: a name to branch on and a message
// that tells the user what happened and what to do. Raw DOMExceptions never leave src/storage.
import { estimate } from './quota';

export type StorageErrorName = 'QuotaExceeded' | 'NotFound' | 'Blocked' | 'Unavailable' | 'Failed';

export class StorageError extends Error {
  constructor(
    override readonly name: StorageErrorName,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isStorageError(e: unknown): e is StorageError {
  return e instanceof StorageError;
}

export const MESSAGES = {
  unavailable: 'History is off: this browser does not let the page store data (private browsing, or storage is blocked for this site). Results stay on the page only; export them before you leave.',
  newerVersion: 'History was saved by a newer version of this app. Reload the page to get that version; until then results stay on the page only.',
  closedForUpgrade: 'History was closed because a newer version of this page was opened in another tab. Reload this page to keep using history.',
  blocked: 'History cannot open while another tab has this page open with an older version. Close or reload the other tabs of this page, then reload this one.',
  notFound: (id: string) => `The report ${JSON.stringify(id)} is not in the history (it may have been deleted in another tab). Reload the history list.`,
  migrationFailed: (detail: string) => `History could not be upgraded to this version of the app (${detail}). It is unchanged; results stay on the page only until a reload succeeds.`,
  failed: (action: string, detail: string) => `Could not ${action} the history (${detail}). Try again; if it keeps failing, export your reports and reload the page.`,
} as const;

export async function quotaMessage(): Promise<string> {
  const { usage, quota } = await estimate();
  const amounts = usage !== null && quota !== null ? ` (${formatBytes(usage)} used of ${formatBytes(quota)} quota)` : '';
  return `The browser's storage for this page is full${amounts}. Export and delete old reports, or allow more storage; nothing already stored was lost.`;
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** The DOMException (or Error) name of a failure, wherever IndexedDB put it. */
function errorName(e: unknown): string {
  return e !== null && typeof e === 'object' && 'name' in e && typeof e.name === 'string' ? e.name : '';
}

function describe(e: unknown): string {
  const message = e instanceof Error || (e !== null && typeof e === 'object' && 'message' in e) ? String((e as Error).message ?? '') : String(e);
  const name = errorName(e);
  return name && message ? `${name}: ${message}` : name || message || 'no details';
}

/**
 * Turns whatever an IndexedDB call threw or rejected with into a StorageError. `action` is what was
 * being done, in words ("save the report to"), for the generic message.
 */
export async function toStorageError(e: unknown, action: string): Promise<StorageError> {
  if (isStorageError(e)) return e;
  switch (errorName(e)) {
    // Raised by a write, or (more often) as the error of the transaction that aborted at commit.
    case 'QuotaExceededError':
      return new StorageError('QuotaExceeded', await quotaMessage(), { cause: e });
    // The stored database is a later version than this code knows (the app was rolled back).
    case 'VersionError':
      return new StorageError('Unavailable', MESSAGES.newerVersion, { cause: e });
    // Firefox private mode refuses to open; Safari throws SecurityError when storage is blocked.
    case 'InvalidStateError':
    case 'SecurityError':
      return new StorageError('Unavailable', MESSAGES.unavailable, { cause: e });
    default:
      return new StorageError('Failed', MESSAGES.failed(action, describe(e)), { cause: e });
  }
}
