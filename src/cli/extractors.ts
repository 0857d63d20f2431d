// Registry of extractors the CLIs can run, by name (--extractor): rules, model and hybrid.
// Use: const extractor = await loadExtractor(flags.extractor ?? DEFAULT_EXTRACTOR, { model, variant }).
import { rulesExtractor } from '../domain/rules';
import type { Extractor } from '../domain/types';
import { UsageError } from './args';
import { modelExtractor } from './model';

// Factories rather than instances, and possibly async, so that a model extractor is only loaded
// (weights read, runtime started) when it is the one asked for.
const FACTORIES: Readonly<Record<string, (options: ExtractorOptions) => Extractor | Promise<Extractor>>> = {
  rules: () => rulesExtractor,
  model: (o) => modelExtractor('model', needModel(o, 'model'), o.variant),
  hybrid: (o) => modelExtractor('hybrid', needModel(o, 'hybrid'), o.variant),
};

export interface ExtractorOptions {
  /** Model package folder (manifest.json, ONNX files, tokenizer) for the model and hybrid extractors. */
  model?: string;
  /** Package variant (fp32, q4, int8); default: the package's default variant. */
  variant?: string;
}

function needModel(o: ExtractorOptions, name: string): string {
  if (!o.model) throw new UsageError(`--extractor ${name} needs --model <model package folder>`);
  return o.model;
}

export const EXTRACTOR_NAMES: readonly string[] = Object.keys(FACTORIES);
export const DEFAULT_EXTRACTOR = 'rules';

export async function loadExtractor(name: string, options: ExtractorOptions = {}): Promise<Extractor> {
  const factory = Object.hasOwn(FACTORIES, name) ? FACTORIES[name] : undefined;
  if (!factory) {
    throw new UsageError(`unknown extractor "${name}"; known extractors: ${EXTRACTOR_NAMES.join(', ')}`);
  }
  return factory(options);
}
