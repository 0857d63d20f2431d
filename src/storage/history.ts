// The report history: ReportRecords in IndexedDB, newest first, searchable. Every method turns an
// IndexedDB failure into a StorageError (errors.ts), so the page only ever shows those messages.
import { BY_CREATED, PENDING_STORE, REPORTS_STORE } from './constants';
import { committed, guarded, type HistoryDb } from './db';
import { MESSAGES, StorageError } from './errors';
import { estimate, persist, persisted } from './quota';
import { matches, normalizeQuery } from './search';
import type { ReviewState } from '../domain/corrections';
import type { ReportRecord } from '../domain/record';

// The one module the page imports: the database and the errors come with the history.
export { DB_VERSION, MIGRATIONS, openHistoryDb, type HistoryDb, type Migration } from './db';
export { StorageError, isStorageError, type StorageErrorName } from './errors';

export interface ListOptions {
  /** See search.ts: file name or text substring, or an exact final-value term ("HER2 negative"). */
  query?: string;
  /** At most this many records (the newest that match); all when absent. */
  limit?: number;
}

export interface StorageUsage {
  /** From navigator.storage.estimate() for the whole origin; null where there is no estimate. */
  quota: number | null;
  usage: number | null;
  /** Whether the browser will keep the data under storage pressure; null where it cannot say. */
  persisted: boolean | null;
}

export class History {
  constructor(private readonly db: HistoryDb) {}

  /**
   * Adds or replaces a record (by id). `settles` names the pending file (pending.ts) the report was
   * read from: it is removed in the same transaction, so a file is either still pending or has its
   * report, never neither (lost) nor both (read twice on resume). On failure nothing changes.
   */
  save(record: ReportRecord, settles?: string): Promise<void> {
    return this.guard('save the report to', async () => {
      if (settles === undefined) return void (await this.db.put(REPORTS_STORE, record));
      const tx = this.db.transaction([REPORTS_STORE, PENDING_STORE], 'readwrite');
      await committed(tx, [tx.objectStore(REPORTS_STORE).put(record), tx.objectStore(PENDING_STORE).delete(settles)]);
    });
  }

  get(id: string): Promise<ReportRecord | undefined> {
    return this.guard('read the report from', () => this.db.get(REPORTS_STORE, id));
  }

  /** Replaces a record's review; read and write in one transaction so a concurrent save is not lost. */
  updateReview(id: string, review: ReviewState): Promise<void> {
    return this.guard('save the review to', async () => {
      const tx = this.db.transaction(REPORTS_STORE, 'readwrite');
      try {
        const record = await tx.store.get(id);
        if (!record) throw new StorageError('NotFound', MESSAGES.notFound(id));
        await tx.store.put({ ...record, review });
        await tx.done;
      } catch (e) {
        // Settle the transaction (and its `done` promise) before reporting, so nothing dangles.
        abortQuietly(tx);
        await tx.done.catch(() => undefined);
        throw e;
      }
    });
  }

  /** Deleting an id that is not there is not an error: the result, no such record, is the same. */
  delete(id: string): Promise<void> {
    return this.guard('delete the report from', () => this.db.delete(REPORTS_STORE, id));
  }

  clear(): Promise<void> {
    return this.guard('clear', () => this.db.clear(REPORTS_STORE));
  }

  count(): Promise<number> {
    return this.guard('count the reports in', () => this.db.count(REPORTS_STORE));
  }

  /** Newest first (by createdAt); filtered by `query`, cut at `limit`. */
  list({ query = '', limit }: ListOptions = {}): Promise<ReportRecord[]> {
    if (limit !== undefined && !(Number.isInteger(limit) && limit >= 0)) return Promise.reject(new RangeError(`limit must be a whole number ≥ 0, not ${limit}`));
    const q = normalizeQuery(query);
    return this.guard('read', async () => {
      const found: ReportRecord[] = [];
      if (limit === 0) return found;
      // Search reads every record: fine for a personal history of hundreds to a few thousand reports.
      let cursor = await this.db.transaction(REPORTS_STORE).store.index(BY_CREATED).openCursor(null, 'prev');
      while (cursor) {
        if (matches(cursor.value, q)) {
          found.push(cursor.value);
          if (found.length === limit) break;
        }
        cursor = await cursor.continue();
      }
      return found;
    });
  }

  /**
   * What the browser says the origin uses of its quota, and whether it is persistent. Asked after every
   * write, so it reads no record: the browser's own estimate is the figure the quota is measured in.
   */
  async storage(): Promise<StorageUsage> {
    const [{ quota, usage }, isPersisted] = await Promise.all([estimate(), persisted()]);
    return { quota, usage, persisted: isPersisted };
  }

  /** Asks the browser to keep the history under storage pressure: granted or not, null if unsupported. */
  requestPersistence(): Promise<boolean | null> {
    return persist();
  }

  private guard<T>(action: string, op: () => Promise<T>): Promise<T> {
    return guarded(this.db, action, op);
  }
}

function abortQuietly(tx: { abort(): void }): void {
  try {
    tx.abort();
  } catch {
    // Already committed or aborted (the failure may have been the abort itself).
  }
}
