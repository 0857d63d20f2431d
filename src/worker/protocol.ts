// The one contract between the page and the inference worker. Every request carries an id; the
// worker answers it with progress messages and exactly one result or error. Errors are data.
import type { Extraction } from '../domain/types';

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
  backend: BackendPreference;
  /**
   * Test seam: make WebGPU session creation fail, to exercise the fallback to WASM. Set only by the
   * page's `?fault=webgpu-session` parameter.
   */
  failWebGpuSession?: boolean;
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
}

export interface ExtractResult {
  extraction: Extraction;
  mode: ExtractorMode;
  ms: number;
  /** Raw per-field logits of the combined windows, for parity checks against onnxruntime-node. */
  logits: Record<string, number[]> | null;
}

/** Requests: the `type` fixes the payload. */
export type WorkerRequest =
  | { id: number; type: 'load'; payload: LoadRequest }
  | { id: number; type: 'extract'; payload: { text: string; mode: ExtractorMode } };

export type RequestType = WorkerRequest['type'];

export interface ResultOf {
  load: LoadResult;
  extract: ExtractResult;
}

export interface ProgressPayload {
  phase: LoadPhase;
  /** Bytes done and total over the whole load (all files; verify and compile count their bytes again). */
  loaded: number;
  total: number;
  detail: string;
}

export interface ErrorPayload {
  name: string;
  message: string;
}

/** Replies: only result | error | progress, each tied to the request id. */
export type WorkerReply =
  | { id: number; type: 'result'; request: 'load'; payload: LoadResult }
  | { id: number; type: 'result'; request: 'extract'; payload: ExtractResult }
  | { id: number; type: 'error'; payload: ErrorPayload }
  | { id: number; type: 'progress'; payload: ProgressPayload };

export function toErrorPayload(e: unknown): ErrorPayload {
  if (e instanceof Error) return { name: e.name, message: e.message };
  return { name: 'Error', message: String(e) };
}
