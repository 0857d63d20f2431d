// The contract between the page and the inference worker (shape: contract.ts). Every request carries
// an id; the worker answers it with progress messages and exactly one result or error. Errors are data.
import type { RunTimings } from '../domain/model/engine';
import type { Extraction } from '../domain/types';
import type { Call, CancelCall, ReplyOf, RequestOf } from './contract';

export type Backend = 'webgpu' | 'wasm';
export type BackendPreference = 'auto' | Backend;
export type ExtractorMode = 'rules' | 'model' | 'hybrid';
export type LoadPhase = 'download' | 'verify' | 'compile' | 'warmup';

export interface LoadRequest {
  /** Folder under the app's base URL, e.g. "models/default". */
  packageUrl: string;
  /**
   * The page's base URL (document.baseURI), which packageUrl is relative to: the worker's own location
   * is its script under assets/, so it cannot resolve the folder by itself.
   */
  baseUrl: string;
  /** Package variant; default: the manifest's default variant. */
  variant?: string;
  /** A package in the model store (`id@version`) to load instead of the server's folder. */
  storedKey?: string;
  /** WASM threads (the page's `?threads=`); default: up to 4, as the machine has cores. */
  threads?: number;
  backend: BackendPreference;
  /**
   * Test seam: make WebGPU session creation fail, to exercise the fallback to WASM. Set only by the
   * page's `?fault=webgpu-session` parameter.
   */
  failWebGpuSession?: boolean;
  /** Test seam (`?fault=worker-crash`): the worker dies during its second extraction, as an out-of-memory kill would. */
  fault?: 'worker-crash';
}

export interface LoadResult {
  packageId: string;
  packageVersion: string;
  variant: string;
  backend: Backend;
  /** WASM threads in use (1 without cross-origin isolation). */
  threads: number;
  /** Why the backend is not the one asked for (WebGPU unavailable or failed). */
  notice: string | null;
  bytes: number;
  loadMs: number;
  /** Where loadMs went, for the benchmark (see LoadPhasesMs). */
  phasesMs: LoadPhasesMs;
  /** Where the package came from: this computer's model store (no download) or the server. */
  from: 'server' | 'store';
  /** Its key in the model store (`id@version`), where it is kept for the next visit. */
  storedKey: string;
}

/**
 * One load's time (ms) by step: `package` the manifest and bytes (downloaded, or read from the store and
 * verified there), `verify` checking downloaded bytes, the tokenizer and storing them, `compile` the
 * ONNX Runtime session (the runtime's own start included on a first load), `warmup` the first inference.
 */
export interface LoadPhasesMs {
  package: number;
  verify: number;
  compile: number;
  warmup: number;
}

export interface ExtractResult {
  extraction: Extraction;
  mode: ExtractorMode;
  ms: number;
  /** Raw per-field logits of the combined windows, for parity checks against onnxruntime-node. */
  logits: Record<string, number[]> | null;
  /** Where the model's time went, for the benchmark (null for the rules alone). */
  timings: RunTimings | null;
  /** Why the result is not the extractor's that was asked for (the model failed: the rules' result). */
  notice: string | null;
}

/** Windows of the report read so far, of all of them (the rules alone read no windows: 0 of 0). */
export interface ExtractProgress {
  done: number;
  total: number;
}

/** The inference worker's requests: load a model package, extract a report, cancel either. */
export interface InferenceContract extends CancelCall {
  load: Call<LoadRequest, LoadResult, LoadProgress>;
  extract: Call<{ text: string; mode: ExtractorMode }, ExtractResult, ExtractProgress>;
}

export type WorkerRequest = RequestOf<InferenceContract>;
export type WorkerReply = ReplyOf<InferenceContract>;
export interface LoadProgress {
  phase: LoadPhase;
  /** Bytes done and total over the whole load (all files; verify and compile count their bytes again). */
  loaded: number;
  total: number;
  detail: string;
}
