// Kept reports: every extraction becomes a ReportRecord in the app store and in history (IndexedDB,
// src/storage); corrections and the reviewed mark are applied through the domain (corrections.ts) and
// saved at once. Outside React, like the batch runner. A storage failure is a visible state
// (store.history), never a lost result: the record stays in the page either way.
import { correct, markReviewed, type ReviewState } from '../../../domain/corrections';
import type { ExtractorInfo, ReportRecord } from '../../../domain/record';
import type { FieldName } from '../../../domain/schema';
import type { ReportDocument } from '../../../ingest/document';
import { History, StorageError, openHistoryDb } from '../../../storage/history';
import { PendingFiles } from '../../../storage/pending';
import { newId } from '../../ids';
import { TAB_ID, holdTabLock } from '../../tabs';
import type { ExtractSuccess } from '../../extract';
import { notify, store, type HistoryStatus } from '../../store';

let history: Promise<History | null> | null = null;
let pending: PendingFiles | null = null;
// Writes begun and not yet committed. A correction is saved within milliseconds, but a reload or a
// closed tab inside that window would drop it: while any is open, leaving the page asks first.
let unsaved = 0;

function guardUnsavedWrites(event: BeforeUnloadEvent): void {
  if (unsaved === 0) return;
  event.preventDefault();
  event.returnValue = ''; // older Chromium and Safari show the prompt only when this is set
}

function failed(e: unknown): HistoryStatus {
  if (e instanceof StorageError && e.name === 'Unavailable') return { status: 'unavailable', message: e.message };
  if (e instanceof StorageError) return { status: 'error', name: e.name, message: e.message };
  return { status: 'error', name: 'Failed', message: `History could not be used (${e instanceof Error ? e.message : String(e)}). Results stay on this page until it is closed.` };
}

/** Opens history once, loads what it holds, asks for persistent storage; later calls share it. */
export function startHistory(): Promise<History | null> {
  history ??= (async () => {
    addEventListener('beforeunload', guardUnsavedWrites);
    // Held before any file is queued, so no other tab takes this tab's pending files for left-overs.
    await holdTabLock();
    try {
      const db = await openHistoryDb();
      pending = new PendingFiles(db, TAB_ID);
      const h = new History(db);
      const kept = await h.list();
      store.set((s) => ({
        records: { ...Object.fromEntries(kept.map((r) => [r.id, r])), ...s.records },
        historyIds: [...s.historyIds.filter((id) => !kept.some((r) => r.id === id)), ...kept.map((r) => r.id)],
        history: { status: 'ready' },
      }));
      // Without persistence the browser may evict history under storage pressure; say which it is.
      const persisted = await h.requestPersistence();
      await refreshUsage(h, persisted);
      return h;
    } catch (e) {
      store.set({ history: failed(e) });
      return null;
    }
  })();
  return history;
}

/** The store of this tab's queued files; null when history is off (then a reload loses the queue). */
export async function pendingFiles(): Promise<PendingFiles | null> {
  await startHistory();
  return pending;
}

async function refreshUsage(h: History, persisted?: boolean | null): Promise<void> {
  const usage = await h.storage();
  store.set((s) => ({ storage: { usage: usage.usage, quota: usage.quota, persisted: persisted ?? usage.persisted ?? s.storage.persisted } }));
}

/** Runs a history write; a failure becomes the history state (with what to do) and the page goes on. */
async function write(work: (h: History) => Promise<void>): Promise<void> {
  unsaved++;
  try {
    await save(work);
  } finally {
    unsaved--;
  }
}

async function save(work: (h: History) => Promise<void>): Promise<void> {
  const h = await startHistory();
  if (!h) return;
  try {
    await work(h);
    store.set((s) => (s.history.status === 'error' ? { history: { status: 'ready' } } : {}));
    await refreshUsage(h);
  } catch (e) {
    const state = failed(e);
    store.set({ history: state });
    // Said where the user is (the batch, a report), not only on the history tab.
    if (state.status !== 'ready' && state.status !== 'loading') notify('error', state.message);
  }
}

function extractorInfo(result: ExtractSuccess): ExtractorInfo {
  const model = store.get().model;
  return { mode: result.mode, model: result.mode !== 'rules' && model ? { id: model.packageId, version: model.packageVersion, variant: model.variant } : null };
}

/**
 * Keeps a new extraction: in the page at once, in history as soon as it is written. `settles` is the
 * pending file it was read from (the batch job's id), which is removed in the same write.
 */
export function keepExtraction(document: ReportDocument, result: ExtractSuccess, settles?: string): ReportRecord {
  const record: ReportRecord = {
    id: newId(),
    name: document.source.name,
    text: document.text,
    source: document.source,
    createdAt: new Date().toISOString(),
    extractor: extractorInfo(result),
    extraction: result.extraction,
    ocr: document.ocr,
    review: { corrections: [], reviewedAt: null },
  };
  store.set((s) => ({ records: { ...s.records, [record.id]: record }, historyIds: [record.id, ...s.historyIds] }));
  void write((h) => h.save(record, settles));
  return record;
}

function updateReview(id: string, change: (record: ReportRecord) => ReviewState): void {
  const record = store.get().records[id];
  if (!record) return;
  const review = change(record);
  if (review === record.review) return;
  store.set((s) => ({ records: { ...s.records, [id]: { ...record, review } } }));
  void write((h) => h.updateReview(id, review));
}

export function correctField(id: string, field: FieldName, to: string): void {
  updateReview(id, (r) => correct(r.extraction, r.review, field, to, new Date().toISOString()));
}

export function setReviewed(id: string, reviewed: boolean): void {
  updateReview(id, (r) => (reviewed ? markReviewed(r.review, new Date().toISOString()) : { ...r.review, reviewedAt: null }));
}

export function deleteRecord(id: string): void {
  store.set((s) => {
    const { [id]: _gone, ...records } = s.records;
    return { records, historyIds: s.historyIds.filter((k) => k !== id), openRecordId: s.openRecordId === id ? null : s.openRecordId };
  });
  void write((h) => h.delete(id));
}

export function deleteAllRecords(): void {
  store.set((s) => ({ records: {}, historyIds: [], openRecordId: null, view: s.view === 'report' ? 'history' : s.view }));
  void write((h) => h.clear());
}

export function openRecord(id: string, order: readonly string[], from: 'batch' | 'history'): void {
  store.set({ view: 'report', openRecordId: id, order: [...order], openedFrom: from });
}
