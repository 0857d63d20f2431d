// The page's one inference worker and a typed request → reply channel to it (src/worker/protocol.ts).
// Use: `await request('extract', { text, mode })`; the worker starts on the first request and lives as long as the page.
import type { ErrorPayload, ProgressPayload, RequestType, ResultOf, WorkerReply, WorkerRequest } from '../worker/protocol';

type PayloadOf<T extends RequestType> = Extract<WorkerRequest, { type: T }>['payload'];

/** An error the worker reported (or the worker itself failing), with the worker's name and message. */
export class WorkerError extends Error {
  constructor({ name, message }: ErrorPayload) {
    super(message);
    this.name = name;
  }
}

interface Pending {
  type: RequestType;
  resolve: (result: ResultOf[RequestType]) => void;
  reject(error: WorkerError): void;
  onProgress: ((progress: ProgressPayload) => void) | undefined;
}

const pending = new Map<number, Pending>();
let nextId = 1;
// Module state, not component state: React StrictMode mounts components twice in development, and a
// worker created in an effect would be started twice (and load the model twice).
let worker: Worker | null = null;

function theWorker(): Worker {
  if (worker) return worker;
  worker = new Worker(new URL('../worker/worker.ts', import.meta.url), { type: 'module', name: 'path-extract-inference' });
  worker.onmessage = (event: MessageEvent<WorkerReply>) => settle(event.data);
  // The script failed to load or threw outside a request: nothing pending can be answered any more,
  // and the next request starts a fresh worker.
  worker.onerror = (event) => {
    event.preventDefault();
    worker?.terminate();
    worker = null;
    failAll({ name: 'WorkerFailed', message: `The extraction worker stopped (${event.message || 'it could not be started'}). Reload the page to try again.` });
  };
  return worker;
}

function settle(reply: WorkerReply): void {
  const entry = pending.get(reply.id);
  if (!entry) return;
  switch (reply.type) {
    case 'progress':
      entry.onProgress?.(reply.payload);
      return;
    case 'error':
      pending.delete(reply.id);
      entry.reject(new WorkerError(reply.payload));
      return;
    case 'result':
      pending.delete(reply.id);
      if (reply.request === entry.type) entry.resolve(reply.payload);
      else entry.reject(new WorkerError({ name: 'ProtocolError', message: `the worker answered a ${entry.type} request with a ${reply.request} result` }));
      return;
    default:
      return unreachable(reply);
  }
}

function unreachable(reply: never): never {
  throw new Error(`unknown worker reply ${JSON.stringify(reply)}`);
}

function failAll(error: ErrorPayload): void {
  for (const entry of pending.values()) entry.reject(new WorkerError(error));
  pending.clear();
}

/** Sends one request; resolves with its result, rejects with a WorkerError, reports progress meanwhile. */
export function request<T extends RequestType>(type: T, payload: PayloadOf<T>, onProgress?: (progress: ProgressPayload) => void): Promise<ResultOf[T]> {
  const id = nextId++;
  return new Promise<ResultOf[T]>((resolve, reject) => {
    // The map holds every request type, so it stores resolve widened; settle() only passes it a result
    // whose `request` equals this entry's type, which is ResultOf[T].
    pending.set(id, { type, resolve: resolve as (result: ResultOf[RequestType]) => void, reject, onProgress });
    theWorker().postMessage({ id, type, payload });
  });
}
