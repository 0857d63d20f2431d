// ONNX Runtime Web inside the inference worker: self-hosted WASM, thread count, capability probe and
// session creation on WebGPU with a fallback to WASM. Only worker code imports it; the page never loads ORT.
// The webgpu entry carries both EPs ('webgpu' and 'wasm') and inlines its .mjs glue, so the only runtime
// file fetched is the .asyncify.wasm below, from this server (platform-notes traps 2–4).
import * as ort from 'onnxruntime-web/webgpu';
import wasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import type { Backend, BackendPreference } from './protocol';
import { STARTER_MODEL } from './starterModel';

// Left unset, ORT would look for the .wasm next to its own script or on a CDN; an air-gapped page must
// name the copy Vite emitted into its own assets.
ort.env.wasm.wasmPaths = { wasm: new URL(wasmUrl, self.location.href).href };
// Threads need SharedArrayBuffer, i.e. a cross-origin isolated page (COOP + COEP). ORT's own default is
// 1 thread on a 2-core machine, so the count is set explicitly; more than 4 rarely pays off for one report.
const DEFAULT_THREADS = self.crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency || 1) : 1;
ort.env.wasm.numThreads = DEFAULT_THREADS;
ort.env.wasm.simd = true;

/**
 * The WASM thread count for this worker's runtime, before its first session (ORT reads it once, when
 * it starts): `wanted` (the page's ?threads=, for the benchmark) within what isolation allows.
 */
export function useThreads(wanted: number | undefined): number {
  const n = wanted && Number.isInteger(wanted) && wanted > 0 ? (self.crossOriginIsolated ? wanted : 1) : DEFAULT_THREADS;
  ort.env.wasm.numThreads = n;
  return n;
}

export type Session = ort.InferenceSession;

// Errors only: ORT warns on every WebGPU session that shape ops run on the CPU, which is by design and
// would read as a fault in the console (where ORT writes its log).
const SESSION_OPTIONS = { logSeverityLevel: 3 } as const satisfies ort.InferenceSession.SessionOptions;
ort.env.logLevel = 'error';

let runtimeStarted: Promise<void> | null = null;

/**
 * Starts ONNX Runtime's WebAssembly in this worker (once; after useThreads, as it reads the thread
 * count). Await it before createSession: a session made while the runtime is still starting fails.
 * Rejects with the runtime's own error when it cannot start.
 */
export function startRuntime(): Promise<void> {
  runtimeStarted ??= ort.InferenceSession.create(STARTER_MODEL, { ...SESSION_OPTIONS, executionProviders: ['wasm'] }).then((s) => s.release());
  return runtimeStarted;
}

export interface Capabilities {
  /** A WebGPU adapter, or why there is none (only asked for when WebGPU may be used). */
  adapter: GPUAdapter | null;
  noAdapterReason: string | null;
  simd: boolean;
}

// The smallest module using a v128 instruction: validates only where WebAssembly SIMD exists
// (the same probe as wasm-feature-detect). ORT 1.30 ships SIMD builds only.
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);

export async function probeCapabilities(preference: BackendPreference): Promise<Capabilities> {
  const simd = WebAssembly.validate(SIMD_PROBE);
  if (preference === 'wasm') return { adapter: null, noAdapterReason: null, simd };
  if (!('gpu' in navigator)) return { adapter: null, noAdapterReason: 'this browser has no WebGPU', simd };
  try {
    const adapter = await navigator.gpu.requestAdapter();
    return { adapter, noAdapterReason: adapter ? null : 'this browser offers no WebGPU adapter', simd };
  } catch (e) {
    return { adapter: null, noAdapterReason: `WebGPU adapter request failed (${e instanceof Error ? e.message : String(e)})`, simd };
  }
}

export interface CreatedSession {
  session: Session;
  backend: Backend;
  /** Why the backend is not the one asked for; null when it is (or when "auto" found no GPU). */
  notice: string | null;
}

/**
 * WebGPU when an adapter exists and the preference allows it, else WASM. A WebGPU session that fails
 * to build (unsupported operator, lost device, driver bug) falls back to WASM with a notice rather than
 * an error: the page stays usable. `failWebGpu` is the test seam for that path.
 */
export async function createSession(model: Uint8Array, preference: BackendPreference, caps: Capabilities, failWebGpu: boolean): Promise<CreatedSession> {
  let notice: string | null = null;
  if (preference !== 'wasm' && caps.adapter) {
    try {
      if (failWebGpu) throw new Error('simulated failure (?fault=webgpu-session)');
      return { session: await ort.InferenceSession.create(model, { ...SESSION_OPTIONS, executionProviders: ['webgpu'] }), backend: 'webgpu', notice: null };
    } catch (e) {
      notice = `WebGPU could not run the model (${e instanceof Error ? e.message : String(e)}); running on WASM instead.`;
    }
  } else if (preference === 'webgpu') {
    notice = `WebGPU was requested, but ${caps.noAdapterReason ?? 'it is unavailable'}; running on WASM instead.`;
  }
  return { session: await ort.InferenceSession.create(model, { ...SESSION_OPTIONS, executionProviders: ['wasm'] }), backend: 'wasm', notice };
}

export function int64Tensor(data: BigInt64Array, dims: readonly number[]): ort.Tensor {
  return new ort.Tensor('int64', data, dims);
}
