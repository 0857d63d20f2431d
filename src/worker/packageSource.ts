// Where the worker's model package comes from: the model store in IndexedDB when it holds the package
// (verified file by file on every load), else the app's server, after which the package is stored for
// the next visit. With the server unreachable (offline) or without a package, the store's default
// package is used, and the notice says so. Used by load.ts.
import { modelKey, openModelStore, type ModelStore } from '../storage/models';
import { filesFor, type PackageManifest } from '../domain/model/package';
import { downloadFiles, fetchManifest, PackageMissingError } from './download';
import type { LoadPhase, LoadRequest } from './protocol';

export interface PackageBytes {
  manifest: PackageManifest;
  variant: string;
  files: Map<string, Uint8Array>;
  /** Whether the bytes came from this computer's store (already verified) or from the server. */
  from: 'server' | 'store';
  key: string;
  /** Why the package is not the one asked for, or why it could not be stored; null when all went as asked. */
  notice: string | null;
  /** Only after the server's package is verified: stores it for the next visit (a failure is a notice, not an error). */
  keep: () => Promise<string | null>;
}

type Report = (phase: LoadPhase, loaded: number, total: number, detail: string) => void;

async function fromStore(s: ModelStore, key: string, variant: string | undefined, notice: string | null, report: Report): Promise<PackageBytes> {
  const loaded = await s.load(key, variant, (p) => report('verify', p.verifiedBytes, p.totalBytes, `${p.file.path} (stored on this computer)`));
  return { ...loaded, from: 'store', key, notice, keep: async () => null };
}

/** The store's default package instead of the server's, with the reason, or the server's error when none is stored. */
async function fallback(s: ModelStore | null, request: LoadRequest, why: string, error: unknown, report: Report): Promise<PackageBytes> {
  const chosen = s ? await s.getDefault() : null;
  if (!s || !chosen) throw error;
  return fromStore(s, chosen.key, request.variant, `${why}; using ${chosen.key}, stored on this computer.`, report);
}

export async function packageBytes(request: LoadRequest, report: Report): Promise<PackageBytes> {
  const s = await openModelStore();
  if (request.storedKey) {
    if (!s) throw new Error('This browser gives the page no storage, so no stored model package can be used.');
    return fromStore(s, request.storedKey, request.variant, null, report);
  }
  const folder = new URL(request.packageUrl.replace(/\/?$/, '/'), request.baseUrl);
  let manifest: PackageManifest;
  try {
    manifest = await fetchManifest(folder);
  } catch (e) {
    if (e instanceof PackageMissingError) return fallback(s, request, `No model package at ${request.packageUrl}/ on the server`, e, report);
    // fetch rejects with a TypeError when the network is down or the server gone.
    if (e instanceof TypeError) return fallback(s, request, 'The server cannot be reached', new Error(`the server cannot be reached (${e.message}), and no model package is stored on this computer`), report);
    throw e;
  }
  const variant = request.variant ?? manifest.default_variant;
  const key = modelKey(manifest.id, manifest.version);
  if (s && (await s.has(key, variant).catch(() => false))) return fromStore(s, key, variant, null, report);

  const wanted = filesFor(manifest, variant);
  const total = wanted.reduce((sum, f) => sum + f.bytes, 0);
  let downloaded = 0;
  report('download', 0, total, `${wanted.length} files`);
  const files = await downloadFiles(folder, wanted, (n, file) => report('download', (downloaded += n), total, file.path));
  const keep = async () => {
    if (!s) return 'This browser gives the page no storage: the model will be downloaded again on the next visit.';
    try {
      // keep() runs after load.ts verified these bytes against the manifest.
      await s.put(manifest, files, true);
      return null;
    } catch (e) {
      return `The model runs, but could not be stored for the next visit: ${e instanceof Error ? e.message : String(e)}`;
    }
  };
  return { manifest, variant, files, from: 'server', key, notice: null, keep };
}
