// The one app store the features read: the batch (jobs and their outputs), what is open, the chosen
// extractor and the last notice. A plain external store (useSyncExternalStore), so the batch runner,
// which lives outside React, and every component see the same state without props through App.tsx.
import { useSyncExternalStore } from 'react';
import type { Job } from '../domain/jobs';
import type { ReportDocument } from '../ingest/document';
import type { ExtractorMode } from '../worker/protocol';
import type { ExtractSuccess } from './extract';

export interface JobOutput {
  document: ReportDocument;
  result: ExtractSuccess;
}

export type BatchJob = Job<JobOutput>;

export type View = 'paste' | 'batch' | 'batch-report';

export interface Notice {
  tone: 'info' | 'warning' | 'error';
  text: string;
  /** Counts notices, so the same words said twice are still announced again. */
  seq: number;
}

export interface AppState {
  view: View;
  jobs: BatchJob[];
  /** The batch report open in the report view. */
  openJobId: string | null;
  /** Job ids in the order the results table showed them when a report was opened: previous/next follow it. */
  order: string[];
  /** The extractor in use: the user's choice, else hybrid once a model is ready, else the rules (App sets it). */
  mode: ExtractorMode;
  /** What the user chose in the extractor menu; null until they choose. */
  chosenMode: ExtractorMode | null;
  notice: Notice | null;
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

export const store = new Store<AppState>({ view: 'paste', jobs: [], openJobId: null, order: [], mode: 'rules', chosenMode: null, notice: null });

/** Re-renders when the selected part changes (compared with Object.is: select existing objects, not new ones). */
export function useApp<T>(select: (state: AppState) => T): T {
  return useSyncExternalStore(store.subscribe, () => select(store.get()));
}

let notices = 0;
export function notify(tone: Notice['tone'], text: string): void {
  store.set({ notice: { tone, text, seq: ++notices } });
}
