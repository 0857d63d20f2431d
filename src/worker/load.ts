// Loads a model package in the worker: capability probe → the package from the store or the server
// (packageSource.ts; ONNX Runtime starts meanwhile) → verify → store → compile → warm-up, reporting
// progress over the package's bytes and timing each step. Used by worker.ts (which memoizes it).
import { ModelEngine, readVerifiedPackage } from '../domain/model/engine';
import { packageBytes } from './packageSource';
import type { LoadPhase, LoadProgress, LoadRequest, LoadResult } from './protocol';
import { createSession, int64Tensor, probeCapabilities, startRuntime, useThreads, type Session } from './runtime';

export interface LoadedModel {
  engine: ModelEngine;
  session: Session;
  result: LoadResult;
}

// A short text that reaches every head: the first run compiles WebGPU shaders and sizes WASM buffers,
// so the user's first extraction is not the slow one.
const WARMUP_TEXT = 'Invasive carcinoma, grade 2, pT1c pN0. ER positive, PR positive, HER2 negative (1+).';

// Chunks arrive every few kilobytes; a progress message per chunk would flood the page.
const PROGRESS_INTERVAL_MS = 50;

export async function loadModel(request: LoadRequest, onProgress: (p: LoadProgress) => void): Promise<LoadedModel> {
  const started = performance.now();
  const lap = lapTimer(started);
  const threads = useThreads(request.threads);
  // The runtime starts while the package is read and verified; awaited (and its error thrown) before the session.
  const runtime = startRuntime();
  runtime.catch(() => undefined);
  const caps = await probeCapabilities(request.backend);
  if (!caps.simd) throw new Error('this browser lacks WebAssembly SIMD, which the model runtime needs; a current browser runs the model');

  let total = 0;
  const report = throttled(onProgress);
  const source = await packageBytes(request, (phase, loaded, all, detail) => report(phase, loaded, (total = all), detail));
  const { manifest, variant } = source;
  const packageMs = lap();

  // Downloaded bytes are verified here; stored ones were verified as they were read from the store.
  let verified = 0;
  const verifiedFiles = await readVerifiedPackage(
    manifest,
    variant,
    async (f) => source.files.get(f.path)!,
    (f) => report('verify', (verified += f.bytes), total, f.path),
    source.from === 'store',
  );
  // Stored only once verified: a damaged download never reaches the store.
  const storeNotice = await source.keep();
  source.files.clear();
  const verifyMs = lap();

  report('compile', 0, total, variant);
  await runtime;
  let { session, backend, notice } = await createSession(verifiedFiles.model, request.backend, caps, request.failWebGpuSession ?? false);
  let engine = new ModelEngine(manifest, verifiedFiles.tokenizer, session, int64Tensor);
  const compileMs = lap();

  report('warmup', total, total, backend);
  try {
    await engine.predict(WARMUP_TEXT);
  } catch (e) {
    // A WebGPU session can build and still fail on its first run (buffer limits, a lost device):
    // the same fallback as a failed build, so the user gets the model on WASM rather than none.
    if (backend !== 'webgpu') throw e;
    await session.release();
    ({ session, backend } = await createSession(verifiedFiles.model, 'wasm', caps, false));
    notice = `WebGPU failed on its first inference (${e instanceof Error ? e.message : String(e)}); running on WASM instead.`;
    engine = new ModelEngine(manifest, verifiedFiles.tokenizer, session, int64Tensor);
    await engine.predict(WARMUP_TEXT);
  }

  return {
    engine,
    session,
    result: {
      packageId: manifest.id,
      packageVersion: manifest.version,
      variant,
      backend,
      threads,
      notice: [source.notice, notice, storeNotice].filter(Boolean).join(' ') || null,
      from: source.from,
      storedKey: source.key,
      bytes: total,
      loadMs: Math.round(performance.now() - started),
      phasesMs: { package: packageMs, verify: verifyMs, compile: compileMs, warmup: lap() },
    },
  };
}

/** Milliseconds since the previous call (the first: since `from`), rounded. */
function lapTimer(from: number): () => number {
  let last = from;
  return () => {
    const now = performance.now();
    const ms = Math.round(now - last);
    last = now;
    return ms;
  };
}

function throttled(onProgress: (p: LoadProgress) => void) {
  let lastPhase: LoadPhase | null = null;
  let lastAt = 0;
  return (phase: LoadPhase, loaded: number, total: number, detail: string) => {
    const now = performance.now();
    if (phase === lastPhase && loaded < total && now - lastAt < PROGRESS_INTERVAL_MS) return;
    lastPhase = phase;
    lastAt = now;
    onProgress({ phase, loaded, total, detail });
  };
}
