// Importing a model package from disk: a chosen folder (files with their relative paths), files
// dropped flat, or a .zip of the folder. Pure (no DOM, no Node): the page reads the bytes; this finds
// manifest.json, maps the files it lists and verifies every one before anything is stored or loaded.
import { unzipSync } from 'fflate';
import { filesFor, PackageError, parseManifest, verifyFile, type PackageFile, type PackageManifest } from './package';

/** The file model-export writes at the package's root. */
export const MANIFEST_NAME = 'manifest.json';
/**
 * A zip that would unzip to more than this is refused before anything is inflated (a zip bomb, or
 * the wrong zip): far above any real package (about 100 MB), and below what a browser tab can hold.
 */
export const MAX_UNZIPPED_BYTES = 2 * 1024 ** 3;

/** One file of a chosen folder (path relative to the folder picked, e.g. `mypkg/model.onnx`) or of a zip. */
export interface PackageEntry {
  path: string;
  data: Uint8Array;
}

/** A chosen folder's (or a drop's) files, or the bytes of a .zip of the package folder. */
export type PackageSource = readonly PackageEntry[] | Uint8Array;

export interface CheckedFiles {
  /** The files the manifest lists that were given, each verified, by the path the manifest uses. */
  files: Map<string, Uint8Array>;
  /** The variants whose files (tokenizer included) are all there, in manifest order. */
  variants: string[];
  /** Listed files that were not given (those of the variants left out). */
  missing: string[];
}

export interface ImportedPackage extends CheckedFiles {
  manifest: PackageManifest;
}

/** Every file the manifest lists (tokenizer and all variants), once each, in manifest order. */
export function listedFiles(manifest: PackageManifest): PackageFile[] {
  const byPath = new Map<string, PackageFile>();
  for (const f of [...manifest.tokenizer.files, ...Object.values(manifest.variants).flatMap((v) => v.files)]) {
    if (!byPath.has(f.path)) byPath.set(f.path, f);
  }
  return [...byPath.values()];
}

/**
 * Verifies every listed file that is present (sha256 and size; a failure names the file) and works
 * out which variants are complete. Refuses a package with none. Shared with the model store, which
 * checks again what it is asked to store (unless its caller has just verified the same bytes).
 */
export async function checkPackageFiles(manifest: PackageManifest, given: ReadonlyMap<string, Uint8Array>, alreadyVerified = false): Promise<CheckedFiles> {
  // parseManifest leaves the version alone, but the store keys packages by id and version.
  if (typeof manifest.version !== 'string' || manifest.version === '') throw new PackageError('manifest.json has no package version: export the package again');
  const files = new Map<string, Uint8Array>();
  const missing: string[] = [];
  for (const file of listedFiles(manifest)) {
    const data = given.get(file.path);
    if (!data) {
      missing.push(file.path);
      continue;
    }
    if (!alreadyVerified) await verifyFile(file, data);
    files.set(file.path, data);
  }
  const names = Object.keys(manifest.variants);
  const absent = (v: string) => filesFor(manifest, v).filter((f) => !files.has(f.path)).map((f) => f.path);
  const variants = names.filter((v) => absent(v).length === 0);
  if (variants.length === 0) {
    const needs = names.map((v) => `${v} is missing ${absent(v).join(', ')}`).join('; ');
    throw new PackageError(`the model package ${manifest.id} ${manifest.version} has no complete variant (${needs}): choose the whole package folder (or its zip) as model-export wrote it`);
  }
  return { files, variants, missing };
}

/** Reads a package from a folder listing, a flat drop or a zip: see the module comment. */
export async function importPackage(source: PackageSource): Promise<ImportedPackage> {
  const raw = isZip(source) ? unzipEntries(source) : source;
  const entries = raw.map((e) => ({ path: normalize(e.path), data: e.data })).filter((e) => !skipped(e.path));
  const manifestEntry = findManifest(entries);
  const manifest = parseManifestBytes(manifestEntry);
  // The manifest's paths are relative to its folder: the package root, or the one top-level folder.
  const prefix = manifestEntry.path.slice(0, -MANIFEST_NAME.length);
  const given = new Map<string, Uint8Array>();
  const twice = new Set<string>();
  for (const e of entries) {
    if (e === manifestEntry || !e.path.startsWith(prefix)) continue;
    const path = e.path.slice(prefix.length);
    if (given.has(path)) twice.add(path);
    given.set(path, e.data);
  }
  // Two files for one listed path (a flat drop from two folders): which one is meant is a guess.
  const ambiguous = listedFiles(manifest).find((f) => twice.has(f.path));
  if (ambiguous) throw new PackageError(`${ambiguous.path} was given twice: choose one package folder (or its zip)`);
  return { manifest, ...(await checkPackageFiles(manifest, given)) };
}

/**
 * The files of a zip (directory entries, `__MACOSX/` and dot-files left out). The declared sizes are
 * summed before anything is inflated; fflate never inflates an entry past its declared size, so the
 * sum bounds the memory used whatever the archive claims.
 */
export function unzipEntries(zip: Uint8Array, maxBytes: number = MAX_UNZIPPED_BYTES): PackageEntry[] {
  let total = 0;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(zip, {
      filter: (f) => {
        if (skipped(normalize(f.name))) return false;
        total += f.originalSize;
        if (total > maxBytes) {
          throw new PackageError(`the zip file would unzip to more than ${Math.round(maxBytes / 1024 ** 2)} MiB: it is not a model package (those are about 100 MB); choose the package's own zip or folder`);
        }
        return true;
      },
    });
  } catch (e) {
    if (e instanceof PackageError) throw e;
    const detail = e instanceof Error ? e.message : String(e);
    throw new PackageError(`the zip file could not be unzipped (${detail}): it is not a zip file, or it is damaged or incomplete; zip the package folder again, or choose the folder itself`, { cause: e });
  }
  return Object.entries(files).map(([path, data]) => ({ path, data }));
}

function isZip(source: PackageSource): source is Uint8Array {
  return ArrayBuffer.isView(source);
}

/** Forward slashes, no leading `./` or `/` (a Windows zip, a drop with absolute-looking names). */
function normalize(path: string): string {
  return path.replace(/\\/g, '/').replace(/^(\.?\/)+/, '');
}

/** Directories, Finder's `__MACOSX/` copies and dot-files (`.DS_Store`, `._model.onnx`) are never package files. */
function skipped(path: string): boolean {
  return path === '' || path.endsWith('/') || path.split('/').some((part) => part.startsWith('.') || part === '__MACOSX');
}

/** manifest.json at the root or inside one top-level folder; deeper ones are only named in the error. */
function findManifest(entries: readonly PackageEntry[]): PackageEntry {
  const manifests = entries.filter((e) => e.path === MANIFEST_NAME || e.path.endsWith(`/${MANIFEST_NAME}`));
  const near = manifests.filter((e) => e.path.split('/').length <= 2);
  if (near.length > 1) {
    throw new PackageError(`the folder or zip holds more than one package (${near.map((e) => e.path).join(', ')}): choose one package folder (or its zip)`);
  }
  if (near.length === 1) return near[0]!;
  const deeper = manifests[0] ? ` (there is one at ${manifests[0].path}: choose that folder)` : '';
  throw new PackageError(`no ${MANIFEST_NAME} at the top of the folder or zip${deeper}: a model package is the folder model-export wrote, with ${MANIFEST_NAME} in it`);
}

function parseManifestBytes(entry: PackageEntry): PackageManifest {
  let raw: unknown;
  try {
    // TextDecoder drops a byte-order mark, which JSON.parse would refuse.
    raw = JSON.parse(new TextDecoder().decode(entry.data));
  } catch (e) {
    throw new PackageError(`${entry.path} is not valid JSON (${e instanceof Error ? e.message : String(e)}): the package is damaged; export it again`, { cause: e });
  }
  return parseManifest(raw);
}
