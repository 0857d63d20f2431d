// The one app store the features read: the batch (jobs and their outputs), what is open, the chosen
// extractor and the last notice. A plain external store (useSyncExternalStore), so the batch runner,
// which lives outside React, and every component see the same state without props through App.tsx.
import { useSyncExternalStore } from 'react';
import type { Job } from '../domain/jobs';
import type { ReportRecord } from '../domain/record';
import type { ReportDocument } from '../ingest/document';
import type { ModelSummary } from '../storage/models';
import type { ExtractorMode, LoadResult } from '../worker/protocol';
import type { ExtractSuccess } from './extract';

export interface JobOutput {
  document: ReportDocument;
  result: ExtractSuccess;
  /** The report as kept (history, corrections): ReportRecord.id. */
  recordId: string;
}

export type BatchJob = Job<JobOutput>;

/** The views: a pasted report, the batch table, history, and one kept report (from the batch or history). */
export type View = 'paste' | 'batch' | 'history' | 'report';

/** History's state: loading, ready, or off (no IndexedDB: private window), or failed with what to do. */
export type HistoryStatus =
  | { status: 'loading' }
  | { status: 'ready' }
  | { status: 'unavailable'; message: string }
  | { status: 'error'; name: string; message: string };

export interface StorageInfo {
  usage: number | null;
  quota: number | null;
  /** Whether the browser promised not to evict the data (navigator.storage.persist); null when unknown. */
  persisted: boolean | null;
}

export interface Notice {
  tone: 'info' | 'warning' | 'error';
  text: string;
  /** Counts notices, so the same words said twice are still announced again. */
  seq: number;
}

export interface AppState {
  view: View;
  jobs: BatchJob[];
  /** The kept report open in the report view. */
  openRecordId: string | null;
  /** Record ids in the order the list showed them when a report was opened: previous/next follow it. */
  order: string[];
  /** Where "back" goes from the report view. */
  openedFrom: 'batch' | 'history';
  /** Every report kept this session and loaded from history, by id. */
  records: Record<string, ReportRecord>;
  /** History's record ids, newest first (all of them; the history view filters). */
  historyIds: string[];
  history: HistoryStatus;
  storage: StorageInfo;
  /** The model that extracts now (null: rules only), recorded with every extraction. */
  model: LoadResult | null;
  /** Whether the app can start without the server: installed by the service worker, or not (yet). */
  offline: 'pending' | 'ready' | 'unsupported' | 'failed';
  /** A new version of the app is downloaded and waits for the page to accept it. */
  updateReady: boolean;
  /** Model packages in this computer's model store, newest first. */
  models: ModelSummary[];
  /** The last import of a package from disk. */
  modelImport: { status: 'idle' } | { status: 'importing' | 'failed'; message: string } | { status: 'done'; key: string; message: string };
  /** The extractor in use: the user's choice, else hybrid once a model is ready, else the rules (App sets it). */
  mode: ExtractorMode;
  /** What the user chose in the extractor menu; null until they choose. */
  chosenMode: ExtractorMode | null;
  notice: Notice | null;
  /** Files of an earlier batch (a reload, a closed tab) left unread in this computer's history store. */
  leftOver: { files: number; bytes: number } | null;
}

type Listener = () => void;

export class Store<S> {
  private listeners = new Set<Listener>();

  constructor(private state: S) {}

  get = (): S => this.state;

  set(update: Partial<S> | ((state: S) => Partial<S>)): void {
    const patch = typeof update === 'function' ? update(this.state) : update;
    this.state = { ...this.state, ...patch };
    this.listeners.forEach((l) => l());
  }

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
}

export const store = new Store<AppState>({
  view: 'paste',
  jobs: [],
  openRecordId: null,
  order: [],
  openedFrom: 'batch',
  records: {},
  historyIds: [],
  history: { status: 'loading' },
  storage: { usage: null, quota: null, persisted: null },
  model: null,
  offline: 'pending',
  updateReady: false,
  models: [],
  modelImport: { status: 'idle' },
  mode: 'rules',
  chosenMode: null,
  notice: null,
  leftOver: null,
});

/** Re-renders when the selected part changes (compared with Object.is: select existing objects, not new ones). */
export function useApp<T>(select: (state: AppState) => T): T {
  return useSyncExternalStore(store.subscribe, () => select(store.get()));
}

let notices = 0;
export function notify(tone: Notice['tone'], text: string): void {
  store.set({ notice: { tone, text, seq: ++notices } });
}
