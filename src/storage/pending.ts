// Files of a batch that have no result yet, kept in IndexedDB from the moment they are queued until
// their report is in history (History.save settles them in the same transaction) or they end without
// one (failed, cancelled). A reload, a closed tab or a crash in the middle of a batch therefore loses
// no file: the next page finds the files no open tab owns and offers to read them. Every tab owns the
// files it queued or resumed, so a second open tab never takes over a batch that is still running.
import { PENDING_STORE } from './constants';
import { committed, guarded, type HistoryDb, type PendingFileRecord } from './db';

export type PendingFile = PendingFileRecord;

export class PendingFiles {
  constructor(
    private readonly db: HistoryDb,
    /** This tab (tabs.ts). */
    readonly owner: string,
  ) {}

  /** Keeps one queued file for this tab. */
  add(file: Omit<PendingFile, 'owner'>): Promise<void> {
    return guarded(this.db, 'keep the queued file in', async () => {
      await this.db.put(PENDING_STORE, { ...file, owner: this.owner });
    });
  }

  /**
   * The files no open tab owns, in batch order. `living` is the set of open tabs; null where the
   * browser cannot say (no Web Locks): then only this tab counts as open, and a file another open tab
   * is reading would be offered too — read twice at worst, never lost.
   */
  orphans(living: ReadonlySet<string> | null): Promise<PendingFile[]> {
    return guarded(this.db, 'read the queued files from', async () => {
      const all = await this.db.getAll(PENDING_STORE);
      const open = living ?? new Set([this.owner]);
      return all.filter((f) => f.owner !== this.owner && !open.has(f.owner)).sort(batchOrder);
    });
  }

  /**
   * Makes this tab the owner of `files` (as orphans() returned them) and returns those it got: in one
   * transaction, and only where the owner is still the one seen, so when two tabs resume the same
   * left-over batch each file goes to one of them.
   */
  claim(files: readonly PendingFile[]): Promise<PendingFile[]> {
    return guarded(this.db, 'take over the queued files in', async () => {
      const tx = this.db.transaction(PENDING_STORE, 'readwrite');
      const reads = files.map((f) => tx.store.get(f.id));
      const current = await Promise.all(reads).catch(async (e: unknown) => {
        await committed(tx, reads);
        throw e;
      });
      const claimed = current.flatMap((now, i) => (now && now.owner === files[i]!.owner ? [{ ...now, owner: this.owner }] : []));
      await committed(
        tx,
        claimed.map((f) => tx.store.put(f)),
      );
      return claimed.sort(batchOrder);
    });
  }

  /** Forgets files (their job ended without a report, or the user discarded them); absent ids are no error. */
  remove(ids: readonly string[]): Promise<void> {
    return guarded(this.db, 'remove the queued files from', async () => {
      const tx = this.db.transaction(PENDING_STORE, 'readwrite');
      await committed(
        tx,
        ids.map((id) => tx.store.delete(id)),
      );
    });
  }
}

function batchOrder(a: PendingFile, b: PendingFile): number {
  return a.addedAt < b.addedAt ? -1 : a.addedAt > b.addedAt ? 1 : a.order - b.order;
}
