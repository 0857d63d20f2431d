// The inference worker: answers the page's load, extract and cancel requests (protocol.ts) off the main thread.
// Started by src/app/workers.ts with `new Worker(new URL('../worker/worker.ts', import.meta.url), { type: 'module' })`.
import { extractRules } from '../domain/rules';
import { FIELD_NAMES } from '../domain/schema';
import { answering, Cancellations } from './contract';
import { loadModel, type LoadedModel } from './load';
import type { ExtractorMode, ExtractResult, InferenceContract, LoadRequest, LoadResult, WorkerReply, WorkerRequest } from './protocol';

declare const self: DedicatedWorkerGlobalScope;

const post = (reply: WorkerReply) => self.postMessage(reply);
const cancellations = new Cancellations();

// ORT's WASM threads are workers started from this same script (named "em-pthread"), and they install
// their own message handler while ORT's module evaluates: this one must not replace it there.
// Everywhere else the handler is set synchronously, before any await, or early requests would be lost.
if (!self.name.startsWith('em-pthread')) {
  const answer = answering<InferenceContract>(post, handle);
  self.onmessage = (event: MessageEvent<WorkerRequest>) => void answer(event);
}

async function handle(request: WorkerRequest): Promise<WorkerReply> {
  switch (request.type) {
    case 'load':
      return { id: request.id, type: 'result', request: 'load', payload: await load(request.id, request.payload) };
    case 'extract': {
      const { text, mode } = request.payload;
      return { id: request.id, type: 'result', request: 'extract', payload: await cancellations.run(request.id, (signal) => extract(request.id, text, mode, signal)) };
    }
    case 'cancel':
      return { id: request.id, type: 'result', request: 'cancel', payload: { cancelled: cancellations.cancel(request.payload.target) } };
    default:
      return unknownRequest(request);
  }
}

function unknownRequest(request: never): never {
  throw new Error(`unknown request type ${JSON.stringify((request as { type?: unknown }).type)}`);
}

/** The package being loaded or loaded, and every request id waiting on it (each gets the progress). */
interface CurrentLoad {
  key: string;
  promise: Promise<LoadedModel>;
  listeners: Set<number>;
}
let current: CurrentLoad | null = null;
/** The test seam's extraction to die in (`?fault=worker-crash`), and extractions so far. */
let crashAt: number | null = null;
let extractions = 0;

function loadKey(r: LoadRequest): string {
  return JSON.stringify([r.baseUrl, r.packageUrl, r.storedKey ?? null, r.variant ?? null, r.backend, r.threads ?? null, r.failWebGpuSession ?? false]);
}

/** Memoized: the same request again joins the same load; a different one replaces it. */
async function load(id: number, request: LoadRequest): Promise<LoadResult> {
  if (request.fault === 'worker-crash') crashAt = 2;
  const key = loadKey(request);
  if (current?.key !== key) {
    const previous = current;
    const listeners = new Set<number>();
    const promise = loadModel(request, (payload) => listeners.forEach((listener) => post({ id: listener, type: 'progress', request: 'load', payload })));
    const entry: CurrentLoad = { key, promise, listeners };
    current = entry;
    // The replaced model's memory (weights, WebGPU buffers) is freed once nothing can use it any more.
    void previous?.promise.then((old) => old.session.release()).catch(() => undefined);
    // A failed load is forgotten, so that asking again retries instead of repeating the old error.
    promise.catch(() => {
      if (current === entry) current = null;
    });
  }
  current.listeners.add(id);
  return (await current.promise).result;
}

async function extract(id: number, text: string, mode: ExtractorMode, signal: AbortSignal): Promise<ExtractResult> {
  const started = performance.now();
  if (mode === 'rules') return { extraction: extractRules(text), mode, ms: performance.now() - started, logits: null, timings: null, notice: null };
  if (!current) {
    return { extraction: extractRules(text), mode: 'rules', ms: performance.now() - started, logits: null, timings: null, notice: 'The model is not loaded (it is loading again after the extraction worker restarted), so these are the rules’ results alone.' };
  }
  const { engine } = await current.promise;
  if (crashAt !== null && ++extractions === crashAt) {
    // Thrown outside any request, like a fault the worker cannot answer: the page sees the worker die.
    setTimeout(() => {
      throw new Error('simulated crash (test seam ?fault=worker-crash)');
    });
    return new Promise<never>(() => undefined);
  }
  signal.throwIfAborted();
  const onProgress = (done: number, total: number) => post({ id, type: 'progress', request: 'extract', payload: { done, total } });
  // The raw logits travel with the extraction for parity checks against onnxruntime-node.
  try {
    const { extraction, prediction, timings } = await engine.run(text, mode, { signal, onProgress });
    const logits = Object.fromEntries(FIELD_NAMES.map((name) => [name, prediction[name].logits]));
    return { extraction, mode, ms: performance.now() - started, logits, timings, notice: null };
  } catch (e) {
    if (signal.aborted) throw e;
    // The rules read any text; a report the model cannot read still gets their results, said plainly.
    const why = e instanceof Error ? e.message : String(e);
    return { extraction: extractRules(text), mode: 'rules', ms: performance.now() - started, logits: null, timings: null, notice: `The model could not read this report (${why}), so these are the rules' results alone.` };
  }
}
