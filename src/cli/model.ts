// Loads a model package from disk for the CLIs and runs it with onnxruntime-node, through the same
// package checks, tokenization, windowing and hybrid policy as the browser worker.
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { ModelEngine, readVerifiedPackage } from '../domain/model/engine';
import type { ExtractorMode } from '../domain/model/hybrid';
import { parseManifest } from '../domain/model/package';
import type { Extractor } from '../domain/types';

export async function loadEngine(dir: string, variant?: string): Promise<ModelEngine> {
  const root = resolve(dir);
  const manifest = parseManifest(JSON.parse(await readFile(join(root, 'manifest.json'), 'utf8')));
  const chosen = variant ?? manifest.default_variant;
  const files = await readVerifiedPackage(manifest, chosen, async (f) => new Uint8Array(await readFile(join(root, f.path))));
  const session = await ort.InferenceSession.create(files.model, { executionProviders: ['cpu'] });
  const int64 = (data: BigInt64Array, dims: readonly number[]) => new ort.Tensor('int64', data, dims);
  return new ModelEngine(manifest, files.tokenizer, session, int64);
}

export async function modelExtractor(mode: ExtractorMode, dir: string, variant?: string): Promise<Extractor> {
  const engine = await loadEngine(dir, variant);
  const chosen = variant ?? engine.manifest.default_variant;
  return {
    name: `${mode}:${engine.manifest.id}/${chosen}`,
    provenance: { mode, model: { id: engine.manifest.id, version: engine.manifest.version, variant: chosen } },
    extract: (text) => engine.extract(text, mode),
  };
}
