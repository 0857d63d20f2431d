// Loads a model package in the worker: capability probe → manifest → download → verify → compile →
// warm-up, reporting progress over the package's total bytes. Used by worker.ts (which memoizes it).
import { ModelEngine, readVerifiedPackage } from '../domain/model/engine';
import { filesFor } from '../domain/model/package';
import { downloadFiles, fetchManifest } from './download';
import type { LoadPhase, LoadProgress, LoadRequest, LoadResult } from './protocol';
import { createSession, int64Tensor, probeCapabilities, THREADS, type Session } from './runtime';

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
  const caps = await probeCapabilities(request.backend);
  if (!caps.simd) throw new Error('this browser lacks WebAssembly SIMD, which the model runtime needs; a current browser runs the model');

  const folder = new URL(request.packageUrl.replace(/\/?$/, '/'), request.baseUrl);
  const manifest = await fetchManifest(folder);
  const variant = request.variant ?? manifest.default_variant;
  const files = filesFor(manifest, variant);
  const total = files.reduce((sum, f) => sum + f.bytes, 0);
  const report = throttled(onProgress, total);

  // Download and verify each count the package's bytes from 0 to total; compile and warm-up have no
  // byte count (the page shows them without one).
  let downloaded = 0;
  report('download', 0, `${files.length} files`);
  const bytes = await downloadFiles(folder, files, (n, file) => report('download', (downloaded += n), file.path));

  let verified = 0;
  report('verify', 0, 'sha256');
  const verifiedFiles = await readVerifiedPackage(manifest, variant, async (f) => bytes.get(f.path)!, (f) => report('verify', (verified += f.bytes), f.path));
  bytes.clear();

  report('compile', 0, variant);
  let { session, backend, notice } = await createSession(verifiedFiles.model, request.backend, caps, request.failWebGpuSession ?? false);
  let engine = new ModelEngine(manifest, verifiedFiles.tokenizer, session, int64Tensor);

  report('warmup', total, backend);
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
      threads: THREADS,
      notice,
      bytes: total,
      loadMs: Math.round(performance.now() - started),
    },
  };
}

function throttled(onProgress: (p: LoadProgress) => void, total: number) {
  let lastPhase: LoadPhase | null = null;
  let lastAt = 0;
  return (phase: LoadPhase, loaded: number, detail: string) => {
    const now = performance.now();
    if (phase === lastPhase && loaded < total && now - lastAt < PROGRESS_INTERVAL_MS) return;
    lastPhase = phase;
    lastAt = now;
    onProgress({ phase, loaded, total, detail });
  };
}
