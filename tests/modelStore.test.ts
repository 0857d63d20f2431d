// The model store (src/storage/models.ts) on fake-indexeddb, with the tiny package's real files: the
// upgrade from version 1, atomic puts, verification on every load, list, delete and the default.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { readVerifiedPackage } from '../src/domain/model/engine';
import { listedFiles } from '../src/domain/model/importPackage';
import { filesFor, PackageError, parseManifest, type PackageManifest } from '../src/domain/model/package';
import { extractRules } from '../src/domain/rules';
import type { ReportRecord } from '../src/domain/record';
import { DEFAULT_MODEL_SETTING, MODEL_FILES_STORE, MODELS_STORE, PENDING_STORE, REPORTS_STORE, SETTINGS_STORE } from '../src/storage/constants';
import { DB_VERSION, MIGRATIONS, openHistoryDb, type HistoryDb } from '../src/storage/db';
import { formatBytes, StorageError } from '../src/storage/errors';
import { History } from '../src/storage/history';
import { ModelStore, type LoadProgress } from '../src/storage/models';
import { ensureTinyPackage, TINY_PACKAGE_DIR } from '../scripts/tiny-package.mjs';

const KEY = 'tiny-random@0.1.0';
const KEY_2 = 'tiny-random@0.2.0';

let manifest: PackageManifest;
/** Every listed file of the tiny package, read once (tests copy before altering). */
let files: Map<string, Uint8Array>;
let factory: IDBFactory;
let opened: HistoryDb[];

beforeAll(() => {
  ensureTinyPackage();
  manifest = parseManifest(JSON.parse(readFileSync(join(TINY_PACKAGE_DIR, 'manifest.json'), 'utf8')));
  files = new Map(listedFiles(manifest).map((f) => [f.path, new Uint8Array(readFileSync(join(TINY_PACKAGE_DIR, f.path)))]));
});

beforeEach(() => {
  factory = new IDBFactory();
  opened = [];
});

afterEach(() => {
  for (const db of opened) db.close();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

async function open(migrations = MIGRATIONS): Promise<HistoryDb> {
  const db = await openHistoryDb('test-models', factory, migrations);
  opened.push(db);
  return db;
}

/** A store whose clock ticks a minute per put, so "newest" is well defined. */
async function store(): Promise<{ db: HistoryDb; models: ModelStore }> {
  const db = await open();
  let minute = 0;
  return { db, models: new ModelStore(db, () => new Date(Date.UTC(2026, 0, 1, 9, minute++))) };
}

function without(...paths: string[]): Map<string, Uint8Array> {
  return new Map([...files].filter(([path]) => !paths.includes(path)));
}

/** Byte equality without toEqual, which walks a typed array key by key (megabytes of keys). */
function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  return !!a && !!b && Buffer.compare(a, b) === 0;
}

async function rejection<T extends Error>(p: Promise<unknown>, type: new (...args: never[]) => T): Promise<T> {
  const e = await p.then(() => null, (err: unknown) => err);
  expect(e).toBeInstanceOf(type);
  return e as T;
}

async function expectNothingStored(db: HistoryDb, models: ModelStore): Promise<void> {
  expect(await models.list()).toEqual([]);
  expect(await db.count(MODEL_FILES_STORE)).toBe(0);
}

// The tiny package is rebuilt from random weights on a fresh machine, so its size is read, not written down.
const packageSize = () => formatBytes([...files.values()].reduce((sum, d) => sum + d.byteLength, 0));
const quotaError = () => new DOMException('The quota has been exceeded.', 'QuotaExceededError');

describe('upgrade from version 1', () => {
  const report = (id: string, createdAt: string): ReportRecord => {
    const text = 'Left breast. Invasive ductal carcinoma, grade 2. pT2 pN0. ER positive, PR negative, HER2 negative.';
    return { id, name: `${id}.txt`, text, source: { name: `${id}.txt`, kind: 'txt', bytes: text.length }, createdAt, extractor: { mode: 'rules', model: null }, extraction: extractRules(text), ocr: null, review: { corrections: [], reviewedAt: null } };
  };

  it('keeps the history records and adds the model stores', async () => {
    // Version 1 as the previous release wrote it: its own migrations, its History.
    const v1 = await openHistoryDb('test-models', factory, MIGRATIONS.slice(0, 1));
    const previous = new History(v1);
    const a = report('a', '2026-01-01T09:00:00.000Z');
    const b = report('b', '2026-01-02T09:00:00.000Z');
    await previous.save(a);
    await previous.save(b);
    expect(v1.version).toBe(1);
    v1.close();

    const db = await open();
    expect(DB_VERSION).toBe(3);
    expect(db.version).toBe(3);
    expect([...db.objectStoreNames].sort()).toEqual([MODEL_FILES_STORE, MODELS_STORE, PENDING_STORE, REPORTS_STORE, SETTINGS_STORE].sort());
    const tx = db.transaction([MODELS_STORE, MODEL_FILES_STORE, SETTINGS_STORE]);
    expect(tx.objectStore(MODELS_STORE).keyPath).toBe('key');
    expect(tx.objectStore(MODEL_FILES_STORE).keyPath).toEqual(['key', 'path']);
    expect(tx.objectStore(SETTINGS_STORE).keyPath).toBe('name');
    const history = new History(db);
    expect((await history.list()).map((r) => r.id)).toEqual(['b', 'a']);
    expect(await history.get('a')).toEqual(a);
    const models = new ModelStore(db);
    expect(await models.list()).toEqual([]);
    expect(await models.getDefault()).toBeNull();
  });
});

describe('put and load', () => {
  it('round trip: every variant stored, each loads verified and reads with readVerifiedPackage', async () => {
    const { db, models } = await store();
    const info = await models.put(manifest, files);
    const total = [...files.values()].reduce((sum, d) => sum + d.byteLength, 0);
    expect(info).toEqual({ key: KEY, id: 'tiny-random', version: '0.1.0', variants: ['fp32', 'q4'], bytes: total, storedAt: '2026-01-01T09:00:00.000Z' });
    expect(await db.count(MODEL_FILES_STORE)).toBe(4);
    expect(await models.has(KEY, 'q4')).toBe(true);

    const progress: LoadProgress[] = [];
    const loaded = await models.load(KEY, 'q4', (p) => progress.push(p));
    expect(loaded.manifest).toEqual(manifest);
    const wanted = filesFor(manifest, 'q4');
    expect([...loaded.files.keys()]).toEqual(wanted.map((f) => f.path));
    for (const f of wanted) expect(sameBytes(loaded.files.get(f.path), files.get(f.path)), f.path).toBe(true);
    expect(progress.map((p) => p.file.path)).toEqual(wanted.map((f) => f.path));
    expect(progress.at(-1)!.verifiedBytes).toBe(progress.at(-1)!.totalBytes);

    const verified = await readVerifiedPackage(loaded.manifest, 'q4', async (f) => loaded.files.get(f.path)!);
    expect(sameBytes(verified.model, files.get('model_q4.onnx'))).toBe(true);
    expect(verified.tokenizer.encode('pT2 pN0').ids.length).toBeGreaterThan(0);
    expect((await models.load(KEY, 'fp32')).files.has('model.onnx')).toBe(true);
    // Without a variant, the package's default one is read (in one load, not a guess and a second read).
    expect((await models.load(KEY, undefined)).variant).toBe(manifest.default_variant);
  });

  it('stores bytes its caller has just verified without hashing them again, and load still verifies them', async () => {
    const { models } = await store();
    expect((await models.put(manifest, files, true)).variants).toEqual(['fp32', 'q4']);
    expect((await models.load(KEY, 'q4')).files.size).toBe(3);
  });

  it('stores a variant only when all its files are given; a missing one is NotFound, an unknown one a PackageError', async () => {
    const { db, models } = await store();
    expect((await models.put(manifest, without('model.onnx'))).variants).toEqual(['q4']);
    expect(await db.count(MODEL_FILES_STORE)).toBe(3);
    expect(await models.has(KEY, 'fp32')).toBe(false);
    expect(await models.has('other@1', 'q4')).toBe(false);
    const e = await rejection(models.load(KEY, 'fp32'), StorageError);
    expect(e.name).toBe('NotFound');
    expect(e.message).toContain('stored without its fp32 variant (it has q4)');
    expect((await rejection(models.load(KEY, 'int8'), PackageError)).message).toContain('no variant "int8"');
    expect((await rejection(models.load('other@1', 'q4'), StorageError)).name).toBe('NotFound');
    // The default variant not stored: the one that is.
    expect((await models.put(manifest, without('model_q4.onnx'))).variants).toEqual(['fp32']);
    expect((await models.load(KEY, undefined)).variant).toBe('fp32');
  });

  it('putting the same key again replaces it, files of a variant left out included', async () => {
    const { db, models } = await store();
    await models.put(manifest, files);
    const info = await models.put(manifest, without('model.onnx'));
    expect(info.storedAt).toBe('2026-01-01T09:01:00.000Z');
    expect((await models.list()).map((m) => [m.key, m.variants])).toEqual([[KEY, ['q4']]]);
    expect(await db.get(MODEL_FILES_STORE, [KEY, 'model.onnx'])).toBeUndefined();
    expect(await db.count(MODEL_FILES_STORE)).toBe(3);
  });

  it('refuses a package with no complete variant, storing nothing', async () => {
    const { db, models } = await store();
    const e = await rejection(models.put(manifest, without('model.onnx', 'model_q4.onnx')), PackageError);
    expect(e.message).toContain('no complete variant');
    await expectNothingStored(db, models);
    const unversioned = await rejection(models.put({ ...manifest, version: '' }, files), PackageError);
    expect(unversioned.message).toContain('no package version');
    await expectNothingStored(db, models);
  });

  it('refuses a file with one altered byte before writing anything, naming it; a stored copy stays', async () => {
    const { db, models } = await store();
    const altered = new Map(files);
    const config = files.get('tokenizer_config.json')!.slice();
    config[100]! ^= 0x01;
    altered.set('tokenizer_config.json', config);
    const e = await rejection(models.put(manifest, altered), PackageError);
    expect(e.message).toMatch(/^tokenizer_config\.json failed its checksum/);
    await expectNothingStored(db, models);

    await models.put(manifest, files);
    await rejection(models.put(manifest, altered), PackageError);
    expect((await models.load(KEY, 'q4')).files.size).toBe(3);
  });
});

describe('load verifies the stored bytes', () => {
  it('one byte altered in model-files: load throws naming the file and saying to re-import', async () => {
    const { db, models } = await store();
    await models.put(manifest, files);
    const row = (await db.get(MODEL_FILES_STORE, [KEY, 'model_q4.onnx']))!;
    new Uint8Array(row.data)[4096]! ^= 0x80;
    await db.put(MODEL_FILES_STORE, row);
    const e = await rejection(models.load(KEY, 'q4'), PackageError);
    expect(e.message).toMatch(/^model_q4\.onnx failed its checksum/);
    expect(e.message).toContain(`The stored copy of the model package ${KEY} is damaged: delete it and import the package again.`);
    // The other variant does not use that file and still loads.
    expect((await models.load(KEY, 'fp32')).files.size).toBe(3);
  });

  it('a stored file row gone, or a truncated one, is damaged too', async () => {
    const { db, models } = await store();
    await models.put(manifest, files);
    const row = (await db.get(MODEL_FILES_STORE, [KEY, 'model.onnx']))!;
    await db.put(MODEL_FILES_STORE, { ...row, data: row.data.slice(0, 1000) });
    expect((await rejection(models.load(KEY, 'fp32'), PackageError)).message).toMatch(/^model\.onnx is 1000 bytes, the manifest says/);
    await db.delete(MODEL_FILES_STORE, [KEY, 'tokenizer.json']);
    expect((await rejection(models.load(KEY, 'q4'), PackageError)).message).toMatch(/^tokenizer\.json is missing from the stored copy\. The stored copy/);
  });


  it('a stored manifest that no longer suits this app (other labels) is refused on load', async () => {
    const { db, models } = await store();
    await models.put(manifest, without('model.onnx'));
    const record = (await db.get(MODELS_STORE, KEY))!;
    const fields = record.manifest.fields.map((f) => (f.name === 'ER' ? { ...f, labels: ['pos', 'neg', 'not_stated'] } : f));
    await db.put(MODELS_STORE, { ...record, manifest: { ...record.manifest, fields } });
    const e = await rejection(models.load(KEY, 'q4'), PackageError);
    expect(e.message).toMatch(/^The stored model package tiny-random@0\.1\.0 does not suit this version of the app \(the model package's labels for ER/);
  });
});

describe('quota', () => {
  it('a write refused for quota: QuotaExceeded in package words, and nothing stored', async () => {
    vi.stubGlobal('navigator', { storage: { estimate: async () => ({ usage: 49_800_000, quota: 50_000_000 }) } });
    const { db, models } = await store();
    const realPut = IDBObjectStore.prototype.put;
    let filePuts = 0;
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
      // The record and two files are written; the third file is refused.
      if (this.name === MODEL_FILES_STORE && ++filePuts === 3) throw quotaError();
      return realPut.apply(this, args);
    });
    const e = await rejection(models.put(manifest, files), StorageError);
    expect(e.name).toBe('QuotaExceeded');
    expect(e.message).toBe(
      `The browser's storage for this page is full (49.8 MB used of 50.0 MB): the model package tiny-random 0.1.0 (${packageSize()}) could not be stored, and nothing of it was kept. The app keeps working with the rules; to store the package, free space by deleting old reports or model packages (or allow more storage), then import it again.`,
    );
    vi.restoreAllMocks();
    await expectNothingStored(db, models);
  });

  it('a commit aborted for quota rolls the whole put back: the copy stored before stays whole', async () => {
    const { db, models } = await store();
    await models.put(manifest, without('model.onnx'));
    const realPut = IDBObjectStore.prototype.put;
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
      const request = realPut.apply(this, args);
      // As a browser does when the commit goes over quota: the writes succeed, then the transaction aborts.
      if (this.name === MODEL_FILES_STORE) {
        request.addEventListener('success', () => {
          const tx = this.transaction;
          tx.abort();
          Object.defineProperty(tx, 'error', { value: quotaError() });
        });
      }
      return request;
    });
    const e = await rejection(models.put(manifest, files), StorageError);
    expect(e.name).toBe('QuotaExceeded');
    expect(e.message).toContain(`the model package tiny-random 0.1.0 (${packageSize()}) could not be stored`);
    vi.restoreAllMocks();
    expect((await models.list()).map((m) => m.variants)).toEqual([['q4']]);
    expect(await db.count(MODEL_FILES_STORE)).toBe(3);
    expect((await models.load(KEY, 'q4')).files.size).toBe(3);
  });
});

describe('list, delete and the default', () => {
  it('two versions side by side; the default is the newest until one is set, and delete clears it', async () => {
    const { db, models } = await store();
    await models.put(manifest, files);
    await models.put({ ...manifest, version: '0.2.0' }, without('model.onnx'));
    let list = await models.list();
    expect(list.map((m) => [m.key, m.variants, m.isDefault])).toEqual([
      [KEY_2, ['q4'], true],
      [KEY, ['fp32', 'q4'], false],
    ]);
    expect(list[0]).toMatchObject({ id: 'tiny-random', version: '0.2.0', storedAt: '2026-01-01T09:01:00.000Z' });
    expect(list[0]).not.toHaveProperty('manifest');
    expect(await models.getDefault()).toEqual({ key: KEY_2, source: 'newest' });
    expect((await models.load(KEY, 'fp32')).manifest.version).toBe('0.1.0');
    expect((await models.load(KEY_2, 'q4')).manifest.version).toBe('0.2.0');

    await models.setDefault(KEY);
    expect(await models.getDefault()).toEqual({ key: KEY, source: 'set' });
    list = await models.list();
    expect(list.map((m) => m.isDefault)).toEqual([false, true]);

    await models.delete(KEY);
    expect(await db.get(SETTINGS_STORE, DEFAULT_MODEL_SETTING)).toBeUndefined();
    expect(await models.getDefault()).toEqual({ key: KEY_2, source: 'newest' });
    expect(await db.count(MODEL_FILES_STORE)).toBe(3);
    expect((await models.load(KEY_2, 'q4')).files.size).toBe(3);

    await models.delete(KEY_2);
    await models.delete('never@stored');
    await expectNothingStored(db, models);
    expect(await models.getDefault()).toBeNull();
  });

  it('setDefault refuses a package that is not stored; null goes back to the newest', async () => {
    const { db, models } = await store();
    await models.put(manifest, without('model.onnx'));
    const e = await rejection(models.setDefault('nope@1'), StorageError);
    expect(e.name).toBe('NotFound');
    expect(e.message).toContain('The model package nope@1 is not stored');
    await models.setDefault(KEY);
    await models.setDefault(null);
    expect(await models.getDefault()).toEqual({ key: KEY, source: 'newest' });
    // A default set in another tab to a package since deleted elsewhere: the newest, saying so.
    await db.put(SETTINGS_STORE, { name: DEFAULT_MODEL_SETTING, value: 'gone@1' });
    expect(await models.getDefault()).toEqual({ key: KEY, source: 'newest' });
  });

  it('a connection closed for a newer version says to reload', async () => {
    const { models } = await store();
    (await open([...MIGRATIONS, () => undefined])).close();
    const e = await rejection(models.list(), StorageError);
    expect(e.name).toBe('Unavailable');
    expect(e.message).toContain('Reload this page');
  });
});
