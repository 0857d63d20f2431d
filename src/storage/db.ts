// The history database: its typed schema and its versions. The schema is the list of migrations:
// MIGRATIONS[v] upgrades a database from version v to v + 1, so the version is the list's length,
// an upgrade runs every step from the stored version on, in order, and a later version only appends
// a step (never edits an earlier one: some browser out there has run it already).
import { wrap, type DBSchema, type IDBPDatabase, type IDBPTransaction } from 'idb';
import { BY_CREATED, BY_NAME, DB_NAME, DEFAULT_MODEL_SETTING, MODEL_FILES_STORE, MODELS_STORE, PENDING_STORE, REPORTS_STORE, SETTINGS_STORE } from './constants';
import { MESSAGES, StorageError, toStorageError } from './errors';
import type { ReportRecord } from '../domain/record';
import type { PackageManifest } from '../domain/model/package';

export interface HistorySchema extends DBSchema {
  [REPORTS_STORE]: {
    key: string;
    value: ReportRecord;
    indexes: { [BY_CREATED]: string; [BY_NAME]: string };
  };
  // From version 2: model packages (models.ts) and settings.
  [MODELS_STORE]: { key: string; value: ModelRecord };
  [MODEL_FILES_STORE]: { key: [string, string]; value: ModelFileRecord };
  [SETTINGS_STORE]: { key: string; value: SettingRecord };
  // From version 3: files of a batch not read yet (pending.ts).
  [PENDING_STORE]: { key: string; value: PendingFileRecord };
}

export type HistoryDb = IDBPDatabase<HistorySchema>;

// The model stores' records (models.ts reads and writes them).
export interface ModelRecord {
  /** modelKey(id, version): two versions of a package are stored side by side. */
  key: string;
  id: string;
  version: string;
  manifest: PackageManifest;
  /** The variants whose files are all stored. */
  variants: string[];
  /** The stored files' sizes, summed. */
  bytes: number;
  /** ISO 8601 UTC, so string order is time order. */
  storedAt: string;
}

/**
 * One stored file. An ArrayBuffer rather than a Blob: loading needs the bytes in memory anyway (to
 * hash them and to hand them to ONNX Runtime), so a Blob would only add an async read and a copy,
 * and WebKit has had long-lived bugs storing Blobs in IndexedDB. Chromium keeps large values out of
 * line either way.
 */
export interface ModelFileRecord {
  key: string;
  path: string;
  data: ArrayBuffer;
}

export interface DefaultModelSetting {
  name: typeof DEFAULT_MODEL_SETTING;
  value: string;
}

/**
 * A file of a batch that has no result yet. The file itself is stored as a Blob, unlike model files:
 * the bytes are not needed until the file's turn comes, a batch can be gigabytes, and storing a Blob
 * lets the browser copy the file to disk without it passing through the page's memory.
 */
export interface PendingFileRecord {
  /** The batch job's id (a UUID). */
  id: string;
  /** The file's path as the batch shows it. */
  name: string;
  size: number;
  /** ISO 8601 UTC when it was queued, then its place in that batch: together the batch order. */
  addedAt: string;
  order: number;
  /** The tab reading it (tabs.ts): a file whose owner is no open tab is left over from an earlier page. */
  owner: string;
  file: Blob;
}

/** The settings store's records; later settings join this union. */
export type SettingRecord = DefaultModelSetting;

/**
 * One upgrade step. It gets untyped handles on purpose: a step describes the schema as it was at
 * its version, which later versions may have changed, so it must not lean on today's types. A step
 * may return a promise for data migrations; it may only await requests on `tx` (IndexedDB commits
 * the upgrade transaction as soon as nothing is pending on it).
 */
export type Migration = (db: IDBPDatabase, tx: UpgradeTransaction) => void | Promise<void>;

export type UpgradeTransaction = IDBPTransaction<unknown, string[], 'versionchange'>;

export const MIGRATIONS: readonly Migration[] = [
  // 0 → 1: report history.
  (db) => {
    const reports = db.createObjectStore(REPORTS_STORE, { keyPath: 'id' });
    reports.createIndex(BY_CREATED, 'createdAt');
    reports.createIndex(BY_NAME, 'name');
  },
  // 1 → 2: model packages (records apart from their files, so listing reads no weights) and settings.
  (db) => {
    db.createObjectStore(MODELS_STORE, { keyPath: 'key' });
    db.createObjectStore(MODEL_FILES_STORE, { keyPath: ['key', 'path'] });
    db.createObjectStore(SETTINGS_STORE, { keyPath: 'name' });
  },
  // 2 → 3: files of a batch not read yet, so a reload can resume the batch.
  (db) => {
    db.createObjectStore(PENDING_STORE, { keyPath: 'id' });
  },
];

/** The schema version this code writes: one per migration step. */
export const DB_VERSION = MIGRATIONS.length;

/** Connections closed because another tab opened a newer version; History tells the user to reload. */
const closedForUpgrade = new WeakSet<object>();

export function wasClosedForUpgrade(db: HistoryDb): boolean {
  return closedForUpgrade.has(db);
}

/**
 * Runs one operation on the database, turning any failure into a StorageError (the only errors the
 * page shows). `action` says what was being done, in words, for the message.
 */
export async function guarded<T>(db: HistoryDb, action: string, op: () => Promise<T>): Promise<T> {
  if (wasClosedForUpgrade(db)) throw new StorageError('Unavailable', MESSAGES.closedForUpgrade);
  try {
    return await op();
  } catch (e) {
    throw await toStorageError(e, action);
  }
}

/**
 * Waits for a transaction's requests and its commit. A failed request aborts the transaction, so
 * nothing of it stays; the rejection is the transaction's own error where it has one (a quota abort
 * at commit says more than the AbortError of the requests it cut off). Every promise is settled.
 */
export async function committed(tx: { done: Promise<void> }, requests: readonly Promise<unknown>[]): Promise<void> {
  const [done, ...rest] = await Promise.allSettled([tx.done, ...requests]);
  if (done!.status === 'rejected') throw done!.reason;
  const failed = rest.find((r) => r.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
}

/** Runs steps [from, to) in order, synchronously while they are synchronous. */
function runSteps(steps: readonly Migration[], from: number, to: number, db: IDBPDatabase, tx: UpgradeTransaction): void | Promise<void> {
  for (let v = from; v < to; v++) {
    const pending = steps[v]!(db, tx);
    if (pending) return pending.then(() => runSteps(steps, v + 1, to, db, tx));
  }
}

/** The browser's IndexedDB, or null where there is none (or merely looking at it throws). */
function defaultFactory(): IDBFactory | null {
  try {
    return globalThis.indexedDB ?? null;
  } catch {
    return null;
  }
}

/**
 * Opens (creating or upgrading) the history database. `factory` defaults to the browser's
 * IndexedDB; `migrations` defaults to this app's, and a longer list opens a later version.
 * Rejects with a StorageError: 'Unavailable' (no IndexedDB, private mode, a newer stored version),
 * 'Blocked' (another tab holds an older version open), 'Failed' (a migration failed: the upgrade
 * is rolled back and the stored data stays as it was).
 */
export function openHistoryDb(name: string = DB_NAME, factory: IDBFactory | null = defaultFactory(), migrations: readonly Migration[] = MIGRATIONS): Promise<HistoryDb> {
  if (migrations.length === 0) throw new RangeError('openHistoryDb needs at least one migration');
  if (!factory) return Promise.reject(new StorageError('Unavailable', MESSAGES.unavailable));
  let request: IDBOpenDBRequest;
  try {
    request = factory.open(name, migrations.length);
  } catch (e) {
    return Promise.reject(new StorageError('Unavailable', MESSAGES.unavailable, { cause: e }));
  }
  return new Promise<HistoryDb>((resolve, reject) => {
    let blocked = false;
    let migrationError: unknown = null;
    request.addEventListener('upgradeneeded', (event) => {
      // idb's `wrap` types any transaction as readonly; during upgradeneeded it is the versionchange one.
      const tx = wrap(request.transaction!) as unknown as UpgradeTransaction;
      const db = wrap(request.result) as IDBPDatabase;
      // The open request reports an aborted upgrade; idb's `done` promise would go unhandled.
      tx.done.catch(() => undefined);
      const fail = (e: unknown) => {
        migrationError = e;
        try {
          tx.abort();
        } catch {
          // Already finished: the open request reports the failure anyway.
        }
      };
      try {
        runSteps(migrations, event.oldVersion, migrations.length, db, tx)?.catch(fail);
      } catch (e) {
        fail(e);
      }
    });
    // Another connection did not close on our versionchange (a tab with code older than this).
    request.addEventListener('blocked', () => {
      blocked = true;
      reject(new StorageError('Blocked', MESSAGES.blocked));
    });
    (wrap(request) as Promise<HistoryDb>).then(
      (db) => {
        // The caller was told "blocked" and has moved on; don't leave a connection nobody uses.
        if (blocked) return db.close();
        // Let a newer version in another tab upgrade rather than be blocked by this one.
        db.addEventListener('versionchange', () => {
          closedForUpgrade.add(db);
          db.close();
        });
        resolve(db);
      },
      async (e: unknown) => {
        if (blocked) return;
        if (migrationError !== null) reject(new StorageError('Failed', MESSAGES.migrationFailed(String(migrationError)), { cause: migrationError }));
        else reject(await toStorageError(e, 'open'));
      },
    );
  });
}
