// Registry of extractors the CLIs can run, by name (--extractor). Add 'model' and 'hybrid' here.
// Use: const extractor = await loadExtractor(flags.extractor ?? DEFAULT_EXTRACTOR).
import { rulesExtractor } from '../domain/rules';
import type { Extractor } from '../domain/types';
import { UsageError } from './args';

// Factories rather than instances, and possibly async, so that a model extractor is only loaded
// (weights read, runtime started) when it is the one asked for.
const FACTORIES: Readonly<Record<string, () => Extractor | Promise<Extractor>>> = {
  rules: () => rulesExtractor,
};

export const EXTRACTOR_NAMES: readonly string[] = Object.keys(FACTORIES);
export const DEFAULT_EXTRACTOR = 'rules';

export async function loadExtractor(name: string): Promise<Extractor> {
  const factory = Object.hasOwn(FACTORIES, name) ? FACTORIES[name] : undefined;
  if (!factory) {
    throw new UsageError(`unknown extractor "${name}"; known extractors: ${EXTRACTOR_NAMES.join(', ')}`);
  }
  return factory();
}
