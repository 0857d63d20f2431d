// A typed request → reply channel to one worker (contract.ts). Use:
// `const r = await channel.request('extract', { text, mode }, { onProgress, signal })`; aborting the
// signal sends the worker a `cancel` for that request, which then rejects with a Cancelled error.
// The worker starts on the first request; when it dies, everything pending fails and the next request
// starts a fresh one.
import type { CancelCall, Contract, ErrorPayload, ReplyOf, RequestOf } from '../worker/contract';

/** An error the worker reported (or the worker itself failing), with the worker's name and message. */
/** The error name of requests that were pending when their worker died. */
export const WORKER_FAILED = 'WorkerFailed';

export class WorkerError extends Error {
  constructor({ name, message }: ErrorPayload) {
    super(message);
    this.name = name;
  }
}

interface Pending {
  type: string;
  resolve: (result: unknown) => void;
  reject: (error: WorkerError) => void;
  onProgress: ((progress: unknown) => void) | undefined;
}

export interface RequestOptions<P> {
  onProgress?: (progress: P) => void;
  signal?: AbortSignal;
  /** Buffers moved to the worker instead of copied (a file's bytes). */
  transfer?: Transferable[];
}

export class WorkerChannel<C extends Contract<C> & CancelCall> {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private worker: Worker | null = null;
  private readonly restartListeners = new Set<() => void>();

  constructor(
    private readonly start: () => Worker,
    /** Shown when the worker stops: which part of the page stopped working. */
    private readonly what: string,
  ) {}

  request<T extends keyof C & string>(type: T, payload: C[T]['payload'], options: RequestOptions<C[T]['progress']> = {}): Promise<C[T]['result']> {
    const id = this.nextId++;
    const { signal, onProgress, transfer = [] } = options;
    return new Promise<C[T]['result']>((resolve, reject) => {
      if (signal?.aborted) return reject(new WorkerError({ name: 'Cancelled', message: 'Cancelled.' }));
      this.pending.set(id, { type, resolve: resolve as (r: unknown) => void, reject, onProgress: onProgress as ((p: unknown) => void) | undefined });
      this.post({ id, type, payload } as RequestOf<C>, transfer);
      signal?.addEventListener('abort', () => this.pending.has(id) && this.post({ id: this.nextId++, type: 'cancel', payload: { target: id } } as RequestOf<C>), { once: true });
    });
  }

  /** Called after the worker died and was dropped; returns the unsubscribe function. */
  onRestart(listener: () => void): () => void {
    this.restartListeners.add(listener);
    return () => this.restartListeners.delete(listener);
  }

  private post(message: RequestOf<C>, transfer: Transferable[] = []): void {
    this.theWorker().postMessage(message, transfer);
  }

  // Module state, not component state: React StrictMode mounts components twice in development, and a
  // worker created in an effect would be started twice (and load the model twice).
  private theWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = this.start();
    worker.onmessage = (event: MessageEvent<ReplyOf<C>>) => this.settle(event.data);
    // The script failed to load or threw outside a request: nothing pending can be answered any more,
    // and the next request starts a fresh worker.
    worker.onerror = (event) => {
      event.preventDefault();
      worker.terminate();
      if (this.worker === worker) this.worker = null;
      this.failAll({ name: WORKER_FAILED, message: `The ${this.what} stopped (${event.message || 'it could not be started'}). It was restarted; the report is read again.` });
      // Whoever set the worker up (the model load) does it again in the fresh one the next request starts.
      for (const listener of this.restartListeners) listener();
    };
    this.worker = worker;
    return worker;
  }

  private settle(reply: ReplyOf<C>): void {
    const entry = this.pending.get(reply.id);
    if (!entry) return;
    switch (reply.type) {
      case 'progress':
        entry.onProgress?.(reply.payload);
        return;
      case 'error':
        this.pending.delete(reply.id);
        entry.reject(new WorkerError(reply.payload));
        return;
      case 'result':
        this.pending.delete(reply.id);
        if (reply.request === entry.type) entry.resolve(reply.payload);
        else entry.reject(new WorkerError({ name: 'ProtocolError', message: `the worker answered a ${entry.type} request with a ${reply.request} result` }));
        return;
      default:
        return unreachable(reply);
    }
  }

  private failAll(error: ErrorPayload): void {
    for (const entry of this.pending.values()) entry.reject(new WorkerError(error));
    this.pending.clear();
  }
}

function unreachable(reply: never): never {
  throw new Error(`unknown worker reply ${JSON.stringify(reply)}`);
}
