// The pending store (src/storage/pending.ts) on fake-indexeddb: a batch's files stay until their report is
// saved or they end without one, a reload finds the ones no open tab owns, and two tabs resuming the same
// left-over batch split it instead of both reading it.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ReportRecord } from '../src/domain/record';
import { extractRules } from '../src/domain/rules';
import { PENDING_STORE, REPORTS_STORE } from '../src/storage/constants';
import { MIGRATIONS, openHistoryDb, type HistoryDb } from '../src/storage/db';
import { History } from '../src/storage/history';
import { PendingFiles, type PendingFile } from '../src/storage/pending';

let factory: IDBFactory;
let opened: HistoryDb[] = [];

async function open(): Promise<HistoryDb> {
  const db = await openHistoryDb('test-pending', factory);
  opened.push(db);
  return db;
}

function file(id: string, order: number, addedAt = '2026-12-03T08:00:00.000Z'): Omit<PendingFile, 'owner'> {
  const text = `report ${id}`;
  return { id, name: `${id}.txt`, size: text.length, addedAt, order, file: new Blob([text], { type: 'text/plain' }) };
}

function report(id: string): ReportRecord {
  const text = 'Invasive ductal carcinoma, grade 2. pT2 pN0. ER positive, PR negative, HER2 negative.';
  return {
    id,
    name: `${id}.txt`,
    text,
    source: { name: `${id}.txt`, kind: 'txt', bytes: text.length },
    createdAt: '2026-12-03T08:00:00.000Z',
    extractor: { mode: 'rules', model: null },
    extraction: extractRules(text),
    ocr: null,
    review: { corrections: [], reviewedAt: null },
  };
}

const ids = (files: readonly PendingFile[]) => files.map((f) => f.id);

beforeEach(() => {
  factory = new IDBFactory();
  opened = [];
});

afterEach(() => {
  for (const db of opened) db.close();
});

describe('PendingFiles', () => {
  it('keeps the file itself: a reloaded page reads the same bytes', async () => {
    const tabA = new PendingFiles(await open(), 'tab-a');
    await tabA.add(file('x', 0));
    const [left] = await new PendingFiles(await open(), 'tab-b').orphans(new Set(['tab-b']));
    expect(left).toMatchObject({ id: 'x', name: 'x.txt', owner: 'tab-a', size: 8 });
    expect(await left!.file.text()).toBe('report x');
  });

  it('offers only files no open tab owns, in batch order (queue time, then place in the batch)', async () => {
    const db = await open();
    const closed = new PendingFiles(db, 'closed-tab');
    await closed.add(file('late', 0, '2026-12-03T09:00:00.000Z'));
    await closed.add(file('second', 1));
    await closed.add(file('first', 0));
    await new PendingFiles(db, 'living-tab').add(file('running', 0));
    await new PendingFiles(db, 'me').add(file('mine', 0));
    const me = new PendingFiles(db, 'me');
    expect(ids(await me.orphans(new Set(['living-tab', 'me'])))).toEqual(['first', 'second', 'late']);
    // Without Web Locks only this tab counts as open: the other tab's files are offered too.
    expect(ids(await me.orphans(null)).sort()).toEqual(['first', 'late', 'running', 'second']);
  });

  it('a saved report settles its file in the same write; a save without one leaves the others', async () => {
    const db = await open();
    const pending = new PendingFiles(db, 'closed');
    for (const id of ['a', 'b', 'c']) await pending.add(file(id, 0));
    const history = new History(db);
    await history.save(report('r1'), 'b');
    await history.save(report('r2'));
    expect(ids(await new PendingFiles(db, 'me').orphans(new Set(['me']))).sort()).toEqual(['a', 'c']);
    expect(await history.count()).toBe(2);
  });

  it('a save aborted at commit (storage full) keeps the file pending and stores no report', async () => {
    const db = await open();
    await new PendingFiles(db, 'closed').add(file('a', 0));
    const realDelete = IDBObjectStore.prototype.delete;
    // As a browser does when the commit goes over quota: the requests succeed, then the transaction aborts.
    vi.spyOn(IDBObjectStore.prototype, 'delete').mockImplementation(function (this: IDBObjectStore, key: IDBValidKey | IDBKeyRange) {
      const request = realDelete.call(this, key);
      request.addEventListener('success', () => {
        const tx = this.transaction;
        tx.abort();
        Object.defineProperty(tx, 'error', { value: new DOMException('over quota', 'QuotaExceededError') });
      });
      return request;
    });
    await expect(new History(db).save(report('r'), 'a')).rejects.toMatchObject({ name: 'QuotaExceeded' });
    vi.restoreAllMocks();
    expect(await db.count(REPORTS_STORE)).toBe(0);
    expect(await db.getAllKeys(PENDING_STORE)).toEqual(['a']);
  });

  it('two tabs claiming the same left-overs: each file goes to one tab', async () => {
    const db = await open();
    const closed = new PendingFiles(db, 'closed');
    for (let i = 0; i < 6; i++) await closed.add(file(`f${i}`, i));
    const a = new PendingFiles(await open(), 'tab-a');
    const b = new PendingFiles(await open(), 'tab-b');
    const living = new Set(['tab-a', 'tab-b']);
    const [seenA, seenB] = await Promise.all([a.orphans(living), b.orphans(living)]);
    expect(seenA).toHaveLength(6);
    const [gotA, gotB] = await Promise.all([a.claim(seenA), b.claim(seenB)]);
    expect([...ids(gotA), ...ids(gotB)].sort()).toEqual(['f0', 'f1', 'f2', 'f3', 'f4', 'f5']);
    expect(gotA.length * gotB.length).toBe(0);
    const winner = gotA.length > 0 ? 'tab-a' : 'tab-b';
    expect((await db.getAll(PENDING_STORE)).every((f) => f.owner === winner)).toBe(true);
    // Claimed files belong to a living tab now: neither offers them again.
    expect(await a.orphans(living)).toEqual([]);
    expect(await b.orphans(living)).toEqual([]);
  });

  it('a file settled while another tab was deciding is not claimed', async () => {
    const db = await open();
    await new PendingFiles(db, 'closed').add(file('a', 0));
    await new PendingFiles(db, 'closed').add(file('b', 1));
    const me = new PendingFiles(db, 'me');
    const seen = await me.orphans(new Set(['me']));
    await new PendingFiles(db, 'closed').remove(['a']);
    expect(ids(await me.claim(seen))).toEqual(['b']);
  });

  it('remove forgets files; unknown ids are no error', async () => {
    const db = await open();
    const pending = new PendingFiles(db, 'closed');
    await pending.add(file('a', 0));
    await pending.add(file('b', 1));
    await pending.remove(['a', 'nope']);
    expect((await db.getAllKeys(PENDING_STORE)).sort()).toEqual(['b']);
  });

  it('version 3 adds the store to a version-2 database and keeps its reports', async () => {
    const v2 = await openHistoryDb('test-pending', factory, MIGRATIONS.slice(0, 2));
    await new History(v2).save(report('old'));
    v2.close();
    const db = await open();
    expect(db.version).toBe(3);
    expect(db.objectStoreNames.contains(PENDING_STORE)).toBe(true);
    expect(await new History(db).get('old')).toMatchObject({ id: 'old' });
  });
});
