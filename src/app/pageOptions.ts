// The page's query parameters: which model package to load, on which backend, and a test fault.
// `?model=<id>` (default "default", loaded from models/<id>/), `?stored=<id>@<version>` (a package in
// this computer's model store instead), `?variant=<name>` (a variant other than the package's default),
// `?backend=auto|webgpu|wasm`, `?threads=<n>` (WASM threads; with variant, for the benchmark),
// `?fault=webgpu-session|worker-crash` (test seams).
import type { BackendPreference, LoadRequest } from '../worker/protocol';

const DEFAULT_MODEL_ID = 'default';

const BACKENDS: readonly BackendPreference[] = ['auto', 'webgpu', 'wasm'];
// A package id names one folder under models/: no slashes or dots that could leave it.
const PACKAGE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*$/;

export type PageOptions =
  | { ok: true; modelId: string; load: LoadRequest }
  | { ok: false; modelId: string; message: string };

export function readPageOptions(search: string, baseUrl: string): PageOptions {
  const params = new URLSearchParams(search);
  const modelId = params.get('model') || DEFAULT_MODEL_ID;
  if (!PACKAGE_ID.test(modelId)) {
    return { ok: false, modelId, message: `"?model=${modelId}" is not a model package id (letters, digits, "-", "_" and inner dots only)` };
  }
  const wanted = params.get('backend') as BackendPreference | null;
  const backend = wanted && BACKENDS.includes(wanted) ? wanted : 'auto';
  return {
    ok: true,
    modelId,
    load: {
      packageUrl: `models/${modelId}`,
      baseUrl,
      backend,
      ...(params.get('stored') ? { storedKey: params.get('stored')! } : {}),
      ...(params.get('variant') ? { variant: params.get('variant')! } : {}),
      ...(Number(params.get('threads')) > 0 ? { threads: Number(params.get('threads')) } : {}),
      ...(params.get('fault') === 'webgpu-session' ? { failWebGpuSession: true } : {}),
      ...(params.get('fault') === 'worker-crash' ? { fault: 'worker-crash' as const } : {}),
    },
  };
}
