// Fetches a model package from the app's own server: its manifest, then every file of one variant
// with a running byte count for the progress bar. Used by load.ts; verification happens afterwards.
import { PackageError, parseManifest, type PackageFile, type PackageManifest } from '../domain/model/package';

/** No package at that URL: the page falls back to the rules and says so, rather than showing an error. */
export class PackageMissingError extends Error {
  override name = 'PackageMissing';
}

export async function fetchManifest(folder: URL): Promise<PackageManifest> {
  const url = new URL('manifest.json', folder);
  const response = await fetch(url);
  // A single-page-app fallback (a common server setting) answers a missing file with index.html and 200.
  const html = response.headers.get('content-type')?.includes('text/html') ?? false;
  if (response.status === 404 || (response.ok && html)) {
    throw new PackageMissingError(`No model package at ${folder.pathname.replace(/^\//, '')}`);
  }
  if (!response.ok) throw new PackageError(`manifest.json could not be read: the server answered ${response.status} ${response.statusText}`);
  let raw: unknown;
  try {
    raw = await response.json();
  } catch {
    throw new PackageError('manifest.json is not valid JSON');
  }
  return parseManifest(raw);
}

/**
 * Downloads the files in parallel; `onBytes` receives each chunk's size as it arrives, so one counter
 * covers all files. Sizes are checked later against the manifest, together with the checksums.
 */
export async function downloadFiles(folder: URL, files: readonly PackageFile[], onBytes: (n: number, file: PackageFile) => void): Promise<Map<string, Uint8Array>> {
  const entries = await Promise.all(files.map(async (file) => [file.path, await download(new URL(file.path, folder), file, onBytes)] as const));
  return new Map(entries);
}

async function download(url: URL, file: PackageFile, onBytes: (n: number, file: PackageFile) => void): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new PackageError(`${file.path} could not be downloaded: the server answered ${response.status} ${response.statusText}`);
  if (!response.body) {
    const data = new Uint8Array(await response.arrayBuffer());
    onBytes(data.byteLength, file);
    return data;
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    onBytes(value.byteLength, file);
  }
  const data = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    data.set(chunk, at);
    at += chunk.byteLength;
  }
  return data;
}
