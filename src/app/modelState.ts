// The model package's load state on the page (idle → loading → ready | missing | error), its reducer,
// the hook that starts the load in the worker, and the words the page shows for each state.
import { useEffect, useReducer } from 'react';
import type { Backend, LoadPhase, LoadProgress, LoadRequest, LoadResult } from '../worker/protocol';
import type { PageOptions } from './pageOptions';
import { inference } from './workers';

export type ModelState =
  | { status: 'idle' }
  | { status: 'loading'; phase: LoadPhase; loaded: number; total: number; detail: string }
  | { status: 'ready'; model: LoadResult }
  /** No package at models/<id>/: not an error, the page runs the rules only. */
  | { status: 'missing'; packageUrl: string }
  | { status: 'error'; message: string };

export type ModelAction =
  | { type: 'start' }
  | { type: 'progress'; progress: LoadProgress }
  | { type: 'ready'; model: LoadResult }
  | { type: 'missing'; packageUrl: string }
  | { type: 'failed'; message: string };

export function modelReducer(state: ModelState, action: ModelAction): ModelState {
  switch (action.type) {
    case 'start':
      return { status: 'loading', phase: 'download', loaded: 0, total: 0, detail: '' };
    case 'progress':
      // A late progress message must not turn a finished load back into "loading".
      return state.status === 'loading' ? { status: 'loading', ...action.progress } : state;
    case 'ready':
      return { status: 'ready', model: action.model };
    case 'missing':
      return { status: 'missing', packageUrl: action.packageUrl };
    case 'failed':
      return { status: 'error', message: action.message };
  }
}

function initialState(options: PageOptions): ModelState {
  return options.ok ? { status: 'idle' } : { status: 'error', message: options.message };
}

/** Loads the page's model package once; StrictMode's second effect run joins the worker's same load. */
export function useModel(options: PageOptions): ModelState {
  const [state, dispatch] = useReducer(modelReducer, options, initialState);
  useEffect(() => {
    if (!options.ok) return;
    let live = true;
    const send = (action: ModelAction) => {
      if (live) dispatch(action);
    };
    const { fault: _once, ...again } = options.load;
    const load = (request: LoadRequest) => {
      send({ type: 'start' });
      inference.request('load', request, { onProgress: (progress) => send({ type: 'progress', progress }) }).then(
        (model) => send({ type: 'ready', model }),
        (e: Error) => send(e.name === 'PackageMissing' ? { type: 'missing', packageUrl: `${options.load.packageUrl}/` } : { type: 'failed', message: e.message }),
      );
    };
    load(options.load);
    // A worker that died lost its model: load it again in the fresh one (without a test fault, which fires once).
    const unsubscribe = inference.onRestart(() => load(again));
    return () => {
      live = false;
      unsubscribe();
    };
  }, [options]);
  return state;
}

const PHASE_TITLES: Record<LoadPhase, string> = {
  download: 'Downloading the model',
  verify: 'Verifying checksums',
  compile: 'Compiling the model',
  warmup: 'Warming up',
};

export interface LoadingLine {
  text: string;
  /** Bytes done of `max`; undefined while there is no byte count to show (the bar is indeterminate). */
  value: number | undefined;
  max: number;
}

/** The one progress line: downloading and verifying count the package's bytes; compile and warm-up cannot. */
export function loadingLine(state: ModelState): LoadingLine {
  if (state.status !== 'loading' || state.total === 0) return { text: 'Looking for the model package…', value: undefined, max: 1 };
  const title = PHASE_TITLES[state.phase];
  if (state.phase === 'compile' || state.phase === 'warmup') return { text: `${title}…`, value: undefined, max: state.total };
  return { text: `${title} · ${megabytes(state.loaded)} of ${megabytes(state.total)}`, value: state.loaded, max: state.total };
}

export function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

export function backendLabel(backend: Backend, threads: number): string {
  return backend === 'webgpu' ? 'WebGPU' : `WASM · ${threads} ${threads === 1 ? 'thread' : 'threads'}`;
}
