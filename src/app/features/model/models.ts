// The page's side of the model store: the list of stored packages, choosing the default, deleting,
// and importing a package from disk (a folder, its files, or a .zip) — verified against its manifest
// before anything is stored. The worker loads from the same store (src/worker/packageSource.ts).
import { importPackage, type PackageEntry } from '../../../domain/model/importPackage';
import { openModelStore, type ModelStore, type ModelSummary } from '../../../storage/models';
import { notify, store } from '../../store';

export async function refreshModels(): Promise<ModelSummary[]> {
  const s = await openModelStore();
  const models = s ? await s.list().catch(() => []) : [];
  store.set({ models });
  return models;
}

async function act(what: string, work: (s: ModelStore) => Promise<void>): Promise<void> {
  const s = await openModelStore();
  if (!s) return notify('error', 'This browser gives the page no storage, so model packages cannot be kept on this computer.');
  try {
    await work(s);
  } catch (e) {
    notify('error', `${what}: ${e instanceof Error ? e.message : String(e)}`);
  }
  await refreshModels();
}

export function setDefaultModel(key: string): Promise<void> {
  return act('The default model could not be set', (s) => s.setDefault(key));
}

export function deleteModel(key: string): Promise<void> {
  return act('The model package could not be deleted', (s) => s.delete(key));
}

/** A file of the chosen folder or drop, by its path inside the folder (a zip is passed whole). */
async function sourceOf(files: readonly File[]): Promise<PackageEntry[] | Uint8Array> {
  const zip = files.find((f) => f.name.toLowerCase().endsWith('.zip'));
  if (zip) return new Uint8Array(await zip.arrayBuffer());
  return Promise.all(files.map(async (f) => ({ path: f.webkitRelativePath || f.name, data: new Uint8Array(await f.arrayBuffer()) })));
}

/** Files that are a model package (its manifest, or a .zip) rather than reports. */
export function isPackageDrop(files: readonly File[]): boolean {
  return files.some((f) => f.name === 'manifest.json' || f.name.toLowerCase().endsWith('.zip'));
}

/** Verifies and stores a package from disk; on success it can be used at once (`?stored=<key>`). */
export async function importModel(files: readonly File[]): Promise<void> {
  store.set({ modelImport: { status: 'importing', message: `Checking ${files.length} file${files.length === 1 ? '' : 's'} against the package manifest…` } });
  const s = await openModelStore();
  try {
    if (!s) throw new Error('this browser gives the page no storage, so model packages cannot be kept on this computer');
    const imported = await importPackage(await sourceOf(files));
    const info = await s.put(imported.manifest, imported.files);
    store.set({ modelImport: { status: 'done', key: info.key, message: `Imported ${info.key} (${imported.variants.join(', ')}): every file matched its checksum. It works offline from now on.` } });
  } catch (e) {
    store.set({ modelImport: { status: 'failed', message: `The package was not imported: ${e instanceof Error ? e.message : String(e)}. Nothing of it was stored.` } });
  }
  await refreshModels();
}
