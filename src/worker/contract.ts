// The shape every worker contract here shares. A contract is a map from request type to its payload,
// result and progress; from it come the request union (the `type` fixes the payload) and the reply
// union (only result | error | progress, each tied to its request id). Errors cross as data.
// Every worker also answers `cancel`: the target request then ends with a `Cancelled` error.

export interface Call<Payload, Result, Progress = never> {
  payload: Payload;
  result: Result;
  progress: Progress;
}

export interface ErrorPayload {
  name: string;
  message: string;
}

export interface CancelCall {
  cancel: Call<{ target: number }, { cancelled: boolean }>;
}

/** Any contract: an interface of calls (no index signature, so its keys stay a closed union). */
export type Contract<C> = { [K in keyof C]: Call<unknown, unknown, unknown> };

export type RequestOf<C extends Contract<C>> = { [K in keyof C & string]: { id: number; type: K; payload: C[K]['payload'] } }[keyof C & string];

export type ReplyOf<C extends Contract<C>> =
  | { [K in keyof C & string]: { id: number; type: 'result'; request: K; payload: C[K]['result'] } }[keyof C & string]
  | { [K in keyof C & string]: { id: number; type: 'progress'; request: K; payload: C[K]['progress'] } }[keyof C & string]
  | { id: number; type: 'error'; payload: ErrorPayload };

/** The name of the error a cancelled request ends with. */
export const CANCELLED = 'Cancelled';

export function toErrorPayload(e: unknown): ErrorPayload {
  if (e instanceof Error) return { name: e.name, message: e.message };
  return { name: 'Error', message: String(e) };
}

export class CancelledError extends Error {
  override readonly name = CANCELLED;
}

/** Cancellation handles of a worker's running requests, by request id. */
export class Cancellations {
  private readonly running = new Map<number, AbortController>();

  /** Runs request `id`'s work with a signal that its `cancel` aborts. */
  async run<T>(id: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    this.running.set(id, controller);
    try {
      return await work(controller.signal);
    } finally {
      this.running.delete(id);
    }
  }

  /** True when the target was running (it will end with a Cancelled error). */
  cancel(target: number): boolean {
    const controller = this.running.get(target);
    // The reason is what `signal.throwIfAborted()` throws, so the request ends with a Cancelled error.
    controller?.abort(new CancelledError('Cancelled.'));
    return controller !== undefined;
  }
}

/**
 * A worker's message handler: every request gets the reply its handler returns, or its error as data.
 * Set it synchronously at start-up (shared/platform-notes.md, trap 5: early messages would be lost).
 */
export function answering<C extends Contract<C>>(post: (reply: ReplyOf<C>) => void, handle: (request: RequestOf<C>) => Promise<ReplyOf<C>>) {
  return async (event: MessageEvent<RequestOf<C>>): Promise<void> => {
    const request = event.data;
    try {
      post(await handle(request));
    } catch (e) {
      post({ id: request.id, type: 'error', payload: toErrorPayload(e) });
    }
  };
}
