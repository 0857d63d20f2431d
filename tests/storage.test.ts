// Report history in IndexedDB (src/storage), on fake-indexeddb: a fresh factory per test, so every
// test starts from an empty browser. `fake-indexeddb/auto` only provides the IDB* classes that idb
// checks values against; the databases live in each test's own factory.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import type { IDBPDatabase } from 'idb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { correct, markReviewed } from '../src/domain/corrections';
import type { ReportRecord } from '../src/domain/record';
import { extractRules } from '../src/domain/rules';
import { BY_CREATED, BY_NAME, DB_NAME, MODEL_FILES_STORE, MODELS_STORE, PENDING_STORE, REPORTS_STORE, SETTINGS_STORE } from '../src/storage/constants';
import { DB_VERSION, MIGRATIONS, openHistoryDb, type HistoryDb, type Migration } from '../src/storage/db';
import { StorageError, formatBytes, toStorageError } from '../src/storage/errors';
import { History } from '../src/storage/history';

const REPORT_A = 'Left breast. Invasive ductal carcinoma, grade 2. pT2 pN0. ER positive (90%), PR negative, HER2 negative (IHC 1+).';
const REPORT_B = 'Right breast, lumpectomy. Invasive lobular carcinoma, Nottingham grade 1. pT1c pN1a M0. ER positive, PR positive, HER2 positive (IHC 3+).';
const REPORT_C = 'Core biopsy. Ductal carcinoma in situ, high nuclear grade. No invasive carcinoma. ER negative.';

function record(id: string, name: string, text: string, createdAt: string): ReportRecord {
  return {
    id,
    name,
    text,
    source: { name, kind: 'txt', bytes: text.length },
    createdAt,
    extractor: { mode: 'rules', model: null },
    extraction: extractRules(text),
    ocr: null,
    review: { corrections: [], reviewedAt: null },
  };
}

const A = record('a', 'Smith-core.txt', REPORT_A, '2026-01-01T09:00:00.000Z');
const B = record('b', 'jones_EXCISION.txt', REPORT_B, '2026-01-02T09:00:00.000Z');
const C = record('c', 'Pasted report', REPORT_C, '2026-01-03T09:00:00.000Z');

let factory: IDBFactory;
let opened: HistoryDb[] = [];

async function open(migrations?: readonly Migration[]): Promise<HistoryDb> {
  const db = await openHistoryDb('test-history', factory, migrations);
  opened.push(db);
  return db;
}

async function historyWith(...records: ReportRecord[]): Promise<History> {
  const history = new History(await open());
  for (const r of records) await history.save(r);
  return history;
}

/** Resolves with a StorageError the promise rejects with (fails the test if it resolves). */
async function storageError(p: Promise<unknown>): Promise<StorageError> {
  const e = await p.then(() => null, (err: unknown) => err);
  expect(e).toBeInstanceOf(StorageError);
  return e as StorageError;
}

/** Opens a database at `version` with the raw IndexedDB API, as earlier code (or another tab) would. */
function rawOpen(name: string, version: number, upgrade?: (db: IDBDatabase) => void): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = factory.open(name, version);
    request.onupgradeneeded = () => upgrade?.(request.result);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function stubStorage(storage: Partial<StorageManager>): void {
  vi.stubGlobal('navigator', { storage });
}

beforeEach(() => {
  factory = new IDBFactory();
  opened = [];
});

afterEach(() => {
  for (const db of opened) db.close();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

describe('schema', () => {
  it('is version 3: a reports store keyed by id with by-created and by-name indexes, the model store and the pending files', async () => {
    expect(DB_VERSION).toBe(3);
    expect(DB_NAME).toBe('path-extract');
    const db = await open();
    expect(db.version).toBe(3);
    expect([...db.objectStoreNames].sort()).toEqual([MODEL_FILES_STORE, MODELS_STORE, PENDING_STORE, REPORTS_STORE, SETTINGS_STORE].sort());
    const store = db.transaction(REPORTS_STORE).store;
    expect(store.keyPath).toBe('id');
    expect([...store.indexNames].sort()).toEqual([BY_CREATED, BY_NAME]);
    expect(store.index(BY_CREATED).keyPath).toBe('createdAt');
    expect(store.index(BY_NAME).keyPath).toBe('name');
  });
});

describe('History', () => {
  it('saves and gets a record unchanged; a missing id gives undefined', async () => {
    const history = await historyWith(A);
    expect(await history.get('a')).toEqual(A);
    expect(await history.get('nope')).toBeUndefined();
  });

  it('save replaces a record with the same id', async () => {
    const history = await historyWith(A);
    await history.save({ ...A, name: 'renamed.txt' });
    expect((await history.get('a'))?.name).toBe('renamed.txt');
    expect(await history.count()).toBe(1);
  });

  it('lists newest first, whatever the save order, and cuts at limit', async () => {
    const history = await historyWith(B, C, A);
    expect((await history.list()).map((r) => r.id)).toEqual(['c', 'b', 'a']);
    expect((await history.list({ limit: 2 })).map((r) => r.id)).toEqual(['c', 'b']);
    expect(await history.list({ limit: 0 })).toEqual([]);
    await expect(history.list({ limit: -1 })).rejects.toThrow(RangeError);
  });

  it('searches the file name and the text case-insensitively', async () => {
    const history = await historyWith(A, B, C);
    const ids = async (query: string, limit?: number) => (await history.list({ query, limit })).map((r) => r.id);
    expect(await ids('smith')).toEqual(['a']);
    expect(await ids('EXCISION')).toEqual(['b']);
    expect(await ids('  lobular   CARCINOMA ')).toEqual(['b']);
    expect(await ids('in situ')).toEqual(['c']);
    expect(await ids('carcinoma')).toEqual(['c', 'b', 'a']);
    expect(await ids('carcinoma', 1)).toEqual(['c']);
    expect(await ids('')).toEqual(['c', 'b', 'a']);
    expect(await ids('no such words')).toEqual([]);
  });

  it('searches the final field values as exact terms, corrections included', async () => {
    const history = await historyWith(A, B, C);
    const ids = async (query: string) => (await history.list({ query })).map((r) => r.id);
    expect(await ids('HER2 negative')).toEqual(['a']);
    expect(await ids('her2 positive')).toEqual(['b']);
    expect(await ids('HER2 IHC 3+')).toEqual(['b']);
    expect(await ids('T2')).toEqual(['a']);
    expect(await ids('pN1')).toEqual(['b']);
    expect(await ids('ER+')).toEqual(['b', 'a']);
    expect(await ids('er-')).toEqual(['c']);
    expect(await ids('grade 1')).toEqual(['b']);
    // B is pT1c pN1a M0: stage IIA; A has no M, so no stage.
    expect(await ids('stage IIA')).toEqual(['b']);
    // A person corrects A's pT to T3 and sets M0: the final values (and the stage from them) are found.
    const t3 = correct(A.extraction, A.review, 'pT', 'T3', '2026-02-01T00:00:00.000Z');
    await history.updateReview('a', correct(A.extraction, t3, 'pM', 'M0', '2026-02-01T00:01:00.000Z'));
    expect(await ids('pT3')).toEqual(['a']);
    expect(await ids('stage IIB')).toEqual(['a']);
    expect(await ids('stage IIA')).toEqual(['b']);
  });

  it('counts, deletes and clears', async () => {
    const history = await historyWith(A, B, C);
    expect(await history.count()).toBe(3);
    await history.delete('b');
    await history.delete('not-there');
    expect(await history.count()).toBe(2);
    expect(await history.get('b')).toBeUndefined();
    await history.clear();
    expect(await history.count()).toBe(0);
    expect(await history.list()).toEqual([]);
  });

  it('updateReview replaces the review and keeps the rest; a missing id is NotFound', async () => {
    const history = await historyWith(A, B);
    const corrected = correct(A.extraction, A.review, 'grade', '3', '2026-02-01T10:00:00.000Z');
    const review = markReviewed(corrected, '2026-02-01T10:05:00.000Z');
    await history.updateReview('a', review);
    expect(await history.get('a')).toEqual({ ...A, review });
    expect(await history.get('b')).toEqual(B);
    const e = await storageError(history.updateReview('missing', review));
    expect(e.name).toBe('NotFound');
    expect(e.message).toContain('"missing" is not in the history');
    expect(await history.count()).toBe(2);
  });

  it('keeps the data when the database is closed and opened again', async () => {
    const db = await open();
    await new History(db).save(A);
    await new History(db).save(B);
    db.close();
    const again = new History(await open());
    expect((await again.list()).map((r) => r.id)).toEqual(['b', 'a']);
    expect(await again.get('a')).toEqual(A);
  });
});

describe('versions', () => {
  /** Version 1 as the previous release wrote it, with the raw API, holding A and B. */
  async function previousRelease(): Promise<void> {
    const db = await rawOpen('test-history', 1, (raw) => {
      const store = raw.createObjectStore('reports', { keyPath: 'id' });
      store.createIndex('by-created', 'createdAt');
      store.createIndex('by-name', 'name');
    });
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction('reports', 'readwrite');
      tx.objectStore('reports').put(A);
      tx.objectStore('reports').put(B);
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
    db.close();
  }

  it('opens a version 1 database written by the raw API with its records intact', async () => {
    await previousRelease();
    const history = new History(await open());
    expect((await history.list()).map((r) => r.id)).toEqual(['b', 'a']);
    expect(await history.get('a')).toEqual(A);
  });

  it('a later version appends a step: the upgrade runs it and keeps the data', async () => {
    await previousRelease();
    const bySourceKind: Migration = (_db, tx) => {
      tx.objectStore('reports').createIndex('by-source-kind', 'source.kind');
    };
    const db = await open([...MIGRATIONS, bySourceKind]);
    expect(db.version).toBe(DB_VERSION + 1);
    // The new index is not in today's typed schema: read it through an untyped handle, as v2 code would type it.
    const untyped = db as unknown as IDBPDatabase;
    expect(await untyped.getAllKeysFromIndex('reports', 'by-source-kind', 'txt')).toEqual(['a', 'b']);
    const history = new History(db);
    expect(await history.get('b')).toEqual(B);
    await history.save(C);
    expect(await untyped.countFromIndex('reports', 'by-source-kind', 'txt')).toBe(3);
  });

  it('runs every step from the stored version, in order, and only those', async () => {
    const ran: string[] = [];
    const step = (label: string): Migration => () => void ran.push(label);
    (await open([...MIGRATIONS, step('2')])).close();
    expect(ran).toEqual(['2']);
    ran.length = 0;
    await open([...MIGRATIONS, step('2'), step('3'), step('4')]);
    expect(ran).toEqual(['3', '4']);
  });

  it('a data step may await requests on the upgrade transaction', async () => {
    await previousRelease();
    const renameAll: Migration = async (_db, tx) => {
      const store = tx.objectStore('reports');
      for (const r of (await store.getAll()) as ReportRecord[]) await store.put({ ...r, name: r.name.toUpperCase() });
    };
    const history = new History(await open([...MIGRATIONS, renameAll]));
    expect((await history.list()).map((r) => r.name)).toEqual(['JONES_EXCISION.TXT', 'SMITH-CORE.TXT']);
  });

  it('a failing step rolls the whole upgrade back: Failed, and version 1 with its data stays', async () => {
    await previousRelease();
    const broken: Migration = (_db, tx) => {
      tx.objectStore('reports').createIndex('half-done', 'name');
      throw new Error('step 2 broke');
    };
    const e = await storageError(open([...MIGRATIONS, broken]));
    expect(e.name).toBe('Failed');
    expect(e.message).toContain('step 2 broke');
    expect(e.message).toContain('It is unchanged');
    const raw = await rawOpen('test-history', 1);
    expect(raw.version).toBe(1);
    expect([...raw.transaction('reports').objectStore('reports').indexNames]).not.toContain('half-done');
    raw.close();
    expect(await new History(await open()).count()).toBe(2);
  });

  it('closes for a newer version opened in another tab, and then says to reload', async () => {
    const oldTab = new History(await open());
    await oldTab.save(A);
    const newTab = new History(await open([...MIGRATIONS, () => undefined]));
    expect(await newTab.get('a')).toEqual(A);
    const e = await storageError(oldTab.get('a'));
    expect(e.name).toBe('Unavailable');
    expect(e.message).toContain('Reload this page');
  });

  it('an older tab that does not close blocks the upgrade: Blocked', async () => {
    const oldTab = await rawOpen('test-history', 1, (raw) => void raw.createObjectStore('reports', { keyPath: 'id' }));
    const e = await storageError(open([...MIGRATIONS, () => undefined]));
    expect(e.name).toBe('Blocked');
    expect(e.message).toContain('Close or reload the other tabs');
    oldTab.close();
  });

  it('a database from a newer version of the app is Unavailable, not overwritten', async () => {
    (await rawOpen('test-history', 7)).close();
    const e = await storageError(open());
    expect(e.name).toBe('Unavailable');
    expect(e.message).toContain('newer version of this app');
  });
});

describe('errors', () => {
  const quotaError = () => new DOMException('The quota has been exceeded.', 'QuotaExceededError');

  it('a write refused for quota is QuotaExceeded with the amounts, and nothing stored is lost', async () => {
    stubStorage({ estimate: async () => ({ usage: 49_800_000, quota: 50_000_000 }) });
    const history = await historyWith(A, B);
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(() => {
      throw quotaError();
    });
    const e = await storageError(history.save(C));
    expect(e.name).toBe('QuotaExceeded');
    expect(e.message).toBe(
      "The browser's storage for this page is full (49.8 MB used of 50.0 MB quota). Export and delete old reports, or allow more storage; nothing already stored was lost.",
    );
    vi.restoreAllMocks();
    expect((await history.list()).map((r) => r.id)).toEqual(['b', 'a']);
    expect(await history.get('a')).toEqual(A);
  });

  it('a commit aborted for quota rolls the write back atomically: the old record stays', async () => {
    const history = await historyWith(A, B);
    const realPut = IDBObjectStore.prototype.put;
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
      const request = realPut.apply(this, args);
      // As a browser does when the commit goes over quota: the put succeeded, then the transaction
      // aborts with a QuotaExceededError (abort() alone would leave tx.error null).
      request.addEventListener('success', () => {
        const tx = this.transaction;
        tx.abort();
        Object.defineProperty(tx, 'error', { value: quotaError() });
      });
      return request;
    });
    const e = await storageError(history.save({ ...A, text: 'x'.repeat(10_000), name: 'overwritten.txt' }));
    expect(e.name).toBe('QuotaExceeded');
    // No StorageManager here (Node): the message leaves the amounts out.
    expect(e.message).toBe(
      "The browser's storage for this page is full. Export and delete old reports, or allow more storage; nothing already stored was lost.",
    );
    vi.restoreAllMocks();
    expect(await history.get('a')).toEqual(A);
    expect(await history.get('b')).toEqual(B);
    expect(await history.count()).toBe(2);
  });

  it('no IndexedDB (or one that throws on open) is Unavailable: history off, results on the page', async () => {
    const none = await storageError(openHistoryDb('x', null));
    expect(none.name).toBe('Unavailable');
    expect(none.message).toContain('History is off');
    expect(none.message).toContain('Results stay on the page only');
    vi.stubGlobal('indexedDB', undefined);
    expect((await storageError(openHistoryDb('x'))).name).toBe('Unavailable');
    const throwing = { open: () => { throw new DOMException('denied', 'SecurityError'); } } as unknown as IDBFactory;
    expect((await storageError(openHistoryDb('x', throwing))).name).toBe('Unavailable');
  });

  it('anything else is Failed with what was being done; StorageErrors pass through', async () => {
    const e = await toStorageError(new DOMException('disk on fire', 'UnknownError'), 'save the report to');
    expect(e.name).toBe('Failed');
    expect(e.message).toBe('Could not save the report to the history (UnknownError: disk on fire). Try again; if it keeps failing, export your reports and reload the page.');
    expect(e.cause).toBeInstanceOf(DOMException);
    const notFound = new StorageError('NotFound', 'gone');
    expect(await toStorageError(notFound, 'read')).toBe(notFound);
  });

  it('formats byte amounts in SI units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1_500)).toBe('1.5 KB');
    expect(formatBytes(2_000_000_000)).toBe('2.0 GB');
  });
});

describe('usage and persistence', () => {
  it('without navigator.storage (Node): nothing to say, all null', async () => {
    const history = await historyWith(A, B);
    expect(await history.storage()).toEqual({ quota: null, usage: null, persisted: null });
    expect(await history.requestPersistence()).toBeNull();
  });

  it('with navigator.storage: quota, usage and persistence from the browser', async () => {
    const persist = vi.fn(async () => true);
    stubStorage({ estimate: async () => ({ usage: 1234, quota: 10_000 }), persisted: async () => false, persist });
    const history = await historyWith(A);
    expect(await history.storage()).toEqual({ quota: 10_000, usage: 1234, persisted: false });
    expect(await history.requestPersistence()).toBe(true);
    expect(persist).toHaveBeenCalledOnce();
  });
});
