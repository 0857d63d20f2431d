// Model packages in the app's IndexedDB (stores from version 2, see db.ts): one small record per
// package, its files apart. Files are verified before they are stored and again on every load:
// stored bytes can rot (disk faults, an interrupted profile copy) and a wrong model must never run.
import { DEFAULT_MODEL_SETTING, MODEL_FILES_STORE, MODELS_STORE, SETTINGS_STORE } from './constants';
import { openHistoryDb, wasClosedForUpgrade, type HistoryDb, type ModelRecord } from './db';
import { MESSAGES, StorageError, formatBytes, toStorageError } from './errors';
import { estimate } from './quota';
import { checkPackageFiles } from '../domain/model/importPackage';
import { filesFor, PackageError, parseManifest, verifyFile, type PackageFile, type PackageManifest } from '../domain/model/package';

export type { DefaultModelSetting, ModelFileRecord, ModelRecord, SettingRecord } from './db';

export type ModelInfo = Omit<ModelRecord, 'manifest'>;

export interface ModelSummary extends ModelInfo {
  /** Whether getDefault() answers this package (set, or the newest when none is set). */
  isDefault: boolean;
}

export interface DefaultModel {
  key: string;
  /** 'set': chosen with setDefault; 'newest': none is set (or the one set is gone), so the newest stored. */
  source: 'set' | 'newest';
}

export interface LoadProgress {
  file: PackageFile;
  verifiedBytes: number;
  totalBytes: number;
}

/** What readVerifiedPackage(manifest, variant, (f) => files.get(f.path)) reads. */
export interface LoadedModel {
  manifest: PackageManifest;
  /** The variant read (the one asked for, or the stored default). */
  variant: string;
  files: Map<string, Uint8Array>;
}

export function modelKey(id: string, version: string): string {
  return `${id}@${version}`;
}

const MODEL_MESSAGES = {
  quota: (m: PackageManifest, bytes: number, amounts: string) =>
    `The browser's storage for this page is full${amounts}: the model package ${m.id} ${m.version} (${formatBytes(bytes)}) could not be stored, and nothing of it was kept. The app keeps working with the rules; to store the package, free space by deleting old reports or model packages (or allow more storage), then import it again.`,
  notStored: (key: string) => `The model package ${key} is not stored (it may have been deleted in another tab). Reload the list of model packages.`,
  variantNotStored: (key: string, variant: string, stored: string[]) =>
    `The model package ${key} is stored without its ${variant} variant (it has ${stored.join(', ')}). Import the package again with that variant's files, or choose another variant.`,
  damaged: (key: string, detail: string) => `${detail}. The stored copy of the model package ${key} is damaged: delete it and import the package again.`,
  unsuitable: (key: string, detail: string) => `The stored model package ${key} does not suit this version of the app (${detail}): delete it and import a package exported for this version.`,
} as const;

let opened: Promise<ModelStore | null> | null = null;

/**
 * This realm's model store, opened once (the page and the inference worker each have their own
 * connection to the same database), or null where the browser gives the page no IndexedDB.
 */
export function openModelStore(): Promise<ModelStore | null> {
  opened ??= openHistoryDb().then(
    (db) => new ModelStore(db),
    () => null,
  );
  return opened;
}

export class ModelStore {
  constructor(
    private readonly db: HistoryDb,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * Stores the listed files that are given, all verified first (a failure is a PackageError naming
   * the file, and nothing is written), in one transaction with the record: a quota failure or an
   * abort leaves nothing of the package. Replaces a package stored under the same key.
   * `alreadyVerified`: the caller has just checked these very bytes (the worker, before running a
   * downloaded package), and hashing 80 MB again would only slow the first visit.
   */
  async put(manifest: PackageManifest, given: ReadonlyMap<string, Uint8Array>, alreadyVerified = false): Promise<ModelInfo> {
    const checked = parseManifest(manifest);
    // Before the transaction: hashing awaits WebCrypto, and IndexedDB commits an idle transaction.
    const { files, variants } = await checkPackageFiles(checked, given, alreadyVerified);
    const key = modelKey(checked.id, checked.version);
    const bytes = [...files.values()].reduce((sum, data) => sum + data.byteLength, 0);
    const record: ModelRecord = { key, id: checked.id, version: checked.version, manifest: checked, variants, bytes, storedAt: this.now().toISOString() };
    const quota = async () => {
      const { usage, quota: limit } = await estimate();
      return MODEL_MESSAGES.quota(checked, bytes, usage !== null && limit !== null ? ` (${formatBytes(usage)} used of ${formatBytes(limit)})` : '');
    };
    await this.guard('store the model package in', async () => {
      const tx = this.db.transaction([MODELS_STORE, MODEL_FILES_STORE], 'readwrite');
      await atomically(tx, async (track) => {
        const store = tx.objectStore(MODEL_FILES_STORE);
        // The old copy's files go in the same transaction, so a variant left out this time is not left behind.
        track(store.delete(filesOf(key)));
        track(tx.objectStore(MODELS_STORE).put(record));
        for (const [path, data] of files) track(store.put({ key, path, data: ownBuffer(data) }));
      });
    }, quota);
    const { manifest: _, ...info } = record;
    return info;
  }

  /**
   * Reads a stored variant's files and verifies each (sha256, size); a mismatch is a PackageError naming
   * the file. Without a variant: the package's default one when it is stored, else the first stored.
   */
  async load(key: string, variant: string | undefined, onProgress?: (progress: LoadProgress) => void): Promise<LoadedModel> {
    const { manifest, wanted, rows, chosen } = await this.guard('read the model package from', async () => {
      // One transaction: a delete in another tab cannot leave this load half a package.
      const tx = this.db.transaction([MODELS_STORE, MODEL_FILES_STORE]);
      const record = await tx.objectStore(MODELS_STORE).get(key);
      if (!record) throw new StorageError('NotFound', MODEL_MESSAGES.notStored(key));
      let manifest: PackageManifest;
      try {
        // Stored by an earlier app version, perhaps: its heads must still match this app's fields.
        manifest = parseManifest(record.manifest);
      } catch (e) {
        throw new PackageError(MODEL_MESSAGES.unsuitable(key, e instanceof Error ? e.message : String(e)), { cause: e });
      }
      const chosen = variant ?? (record.variants.includes(manifest.default_variant) ? manifest.default_variant : record.variants[0]!);
      const wanted = filesFor(manifest, chosen);
      if (!record.variants.includes(chosen)) throw new StorageError('NotFound', MODEL_MESSAGES.variantNotStored(key, chosen, record.variants));
      const rows = await Promise.all(wanted.map((f) => tx.objectStore(MODEL_FILES_STORE).get([key, f.path])));
      return { manifest, wanted, rows, chosen };
    });
    const totalBytes = wanted.reduce((sum, f) => sum + f.bytes, 0);
    const files = new Map<string, Uint8Array>();
    let verifiedBytes = 0;
    for (const [i, file] of wanted.entries()) {
      const row = rows[i];
      try {
        if (!row) throw new PackageError(`${file.path} is missing from the stored copy`);
        const data = new Uint8Array(row.data);
        await verifyFile(file, data);
        files.set(file.path, data);
      } catch (e) {
        throw new PackageError(MODEL_MESSAGES.damaged(key, e instanceof Error ? e.message : String(e)), { cause: e });
      }
      verifiedBytes += file.bytes;
      onProgress?.({ file, verifiedBytes, totalBytes });
    }
    return { manifest, variant: chosen, files };
  }

  /** Whether the variant is stored complete (its files are not read: load still verifies them). */
  has(key: string, variant: string): Promise<boolean> {
    return this.guard('read the model packages in', async () => (await this.db.get(MODELS_STORE, key))?.variants.includes(variant) ?? false);
  }

  /** Newest first; reads the records only, never the files. */
  list(): Promise<ModelSummary[]> {
    return this.guard('read the model packages in', async () => {
      const { records, chosen } = await this.readDefault();
      return newestFirst(records).map(({ manifest: _, ...info }) => ({ ...info, isDefault: info.key === chosen?.key }));
    });
  }

  /** Removes a package and its files in one transaction (and the default setting if it named it). Absent keys are no error. */
  delete(key: string): Promise<void> {
    return this.guard('delete the model package from', async () => {
      const tx = this.db.transaction([MODELS_STORE, MODEL_FILES_STORE, SETTINGS_STORE], 'readwrite');
      await atomically(tx, async (track) => {
        track(tx.objectStore(MODELS_STORE).delete(key));
        track(tx.objectStore(MODEL_FILES_STORE).delete(filesOf(key)));
        const settings = tx.objectStore(SETTINGS_STORE);
        if ((await settings.get(DEFAULT_MODEL_SETTING))?.value === key) track(settings.delete(DEFAULT_MODEL_SETTING));
      });
    });
  }

  /** Makes a stored package the default (NotFound when it is not stored); null goes back to the newest. */
  setDefault(key: string | null): Promise<void> {
    return this.guard('save the default model in', async () => {
      const tx = this.db.transaction([MODELS_STORE, SETTINGS_STORE], 'readwrite');
      await atomically(tx, async (track) => {
        const settings = tx.objectStore(SETTINGS_STORE);
        if (key === null) return void track(settings.delete(DEFAULT_MODEL_SETTING));
        if (!(await tx.objectStore(MODELS_STORE).getKey(key))) throw new StorageError('NotFound', MODEL_MESSAGES.notStored(key));
        track(settings.put({ name: DEFAULT_MODEL_SETTING, value: key }));
      });
    });
  }

  /** The package to load when the user has not chosen one; null when none is stored. */
  getDefault(): Promise<DefaultModel | null> {
    return this.guard('read the default model from', async () => (await this.readDefault()).chosen);
  }

  private async readDefault(): Promise<{ records: ModelRecord[]; chosen: DefaultModel | null }> {
    const tx = this.db.transaction([MODELS_STORE, SETTINGS_STORE]);
    const [records, setting] = await Promise.all([tx.objectStore(MODELS_STORE).getAll(), tx.objectStore(SETTINGS_STORE).get(DEFAULT_MODEL_SETTING)]);
    if (setting && records.some((r) => r.key === setting.value)) return { records, chosen: { key: setting.value, source: 'set' } };
    const newest = newestFirst(records)[0];
    return { records, chosen: newest ? { key: newest.key, source: 'newest' } : null };
  }

  /** Runs one operation: PackageErrors pass, anything else becomes a StorageError (quota in package words when given). */
  private async guard<T>(action: string, op: () => Promise<T>, quota?: () => Promise<string>): Promise<T> {
    if (wasClosedForUpgrade(this.db)) throw new StorageError('Unavailable', MESSAGES.closedForUpgrade);
    try {
      return await op();
    } catch (e) {
      if (e instanceof PackageError) throw e;
      const error = await toStorageError(e, action);
      if (error.name === 'QuotaExceeded' && quota) throw new StorageError('QuotaExceeded', await quota(), { cause: error.cause });
      throw error;
    }
  }
}

/** Every file row of a package: keys [key, path] sort between [key] and [key, []] (arrays sort after strings). */
function filesOf(key: string): IDBKeyRange {
  return IDBKeyRange.bound([key], [key, []]);
}

function newestFirst(records: readonly ModelRecord[]): ModelRecord[] {
  const order = (a: string, b: string) => (a < b ? 1 : a > b ? -1 : 0);
  return [...records].sort((a, b) => order(a.storedAt, b.storedAt) || order(a.key, b.key));
}

/** IndexedDB would store a view's whole buffer: copy when the view is a window on a larger one (a subarray, a pooled Buffer). */
function ownBuffer(data: Uint8Array): ArrayBuffer {
  const { buffer } = data;
  return buffer instanceof ArrayBuffer && data.byteOffset === 0 && data.byteLength === buffer.byteLength ? buffer : data.slice().buffer;
}

/**
 * Runs writes in `tx` and waits for the commit. On any failure (a write that throws, a commit
 * aborted for quota) it aborts the transaction, so none of its writes stay, and settles every
 * request it tracked, so no rejection goes unhandled.
 */
async function atomically(tx: { abort(): void; done: Promise<void> }, work: (track: (request: Promise<unknown>) => void) => Promise<void>): Promise<void> {
  const pending: Promise<unknown>[] = [];
  let committing = false;
  try {
    await work((request) => void pending.push(request));
    committing = true;
    await Promise.all([...pending, tx.done]);
  } catch (e) {
    try {
      tx.abort();
    } catch {
      // Already committed or aborted (the failure may have been the abort itself).
    }
    const [done] = await Promise.allSettled([tx.done, ...pending]);
    // Requests cut off by an abort only say AbortError: the transaction's error (quota) is the cause.
    throw committing && done?.status === 'rejected' ? done.reason : e;
  }
}
