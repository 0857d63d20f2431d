// Loads a model package from disk for the CLIs and runs it with onnxruntime-node, through the same
// package checks, tokenization, windowing and hybrid policy as the browser worker.
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { ModelEngine, readVerifiedPackage } from '../domain/model/engine';
import type { ExtractorMode } from '../domain/model/hybrid';
import { PackageError, parseManifest } from '../domain/model/package';
import type { Extractor } from '../domain/types';

/** A package file's bytes; a missing or unreadable file is a PackageError that names it, as the page's are. */
async function readPackageFile(root: string, path: string): Promise<Buffer> {
  try {
    return await readFile(join(root, path));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new PackageError(code === 'ENOENT' ? `${path} is missing from the model package folder ${root}: copy the whole package again` : `${path} could not be read from ${root} (${code ?? String(e)})`);
  }
}

export async function loadEngine(dir: string, variant?: string): Promise<ModelEngine> {
  const root = resolve(dir);
  let raw: unknown;
  try {
    raw = JSON.parse((await readPackageFile(root, 'manifest.json')).toString('utf8'));
  } catch (e) {
    throw e instanceof PackageError ? e : new PackageError('manifest.json is not valid JSON');
  }
  const manifest = parseManifest(raw);
  const chosen = variant ?? manifest.default_variant;
  const files = await readVerifiedPackage(manifest, chosen, async (f) => new Uint8Array(await readPackageFile(root, f.path)));
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
