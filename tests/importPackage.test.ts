// Importing a model package from disk (src/domain/model/importPackage.ts) with the tiny package's real
// files: as a chosen folder, dropped flat and zipped, and every way the input can be wrong.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync, type Zippable } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { importPackage, listedFiles, MAX_UNZIPPED_BYTES, unzipEntries, type PackageEntry } from '../src/domain/model/importPackage';
import { PackageError } from '../src/domain/model/package';
import { ensureTinyPackage, TINY_PACKAGE_DIR } from '../scripts/tiny-package.mjs';

/** The package folder's files by name, read once (tests copy before altering). */
let pkg: Map<string, Uint8Array>;

beforeAll(() => {
  ensureTinyPackage();
  pkg = new Map(readdirSync(TINY_PACKAGE_DIR).map((name) => [name, new Uint8Array(readFileSync(join(TINY_PACKAGE_DIR, name)))]));
});

const encode = (text: string) => new TextEncoder().encode(text);

/** Byte equality without toEqual, which walks a typed array key by key (megabytes of keys). */
function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  return !!a && !!b && Buffer.compare(a, b) === 0;
}

function folder(top: string, files: ReadonlyMap<string, Uint8Array> = pkg): PackageEntry[] {
  return [...files].map(([name, data]) => ({ path: `${top}${name}`, data }));
}

function without(...names: string[]): Map<string, Uint8Array> {
  return new Map([...pkg].filter(([name]) => !names.includes(name)));
}

/**
 * The package zipped as Finder would: one top folder (nested objects make directory entries), a
 * __MACOSX copy and a .DS_Store; the ONNX files stored (random weights do not deflate), JSON deflated.
 */
function zipped(files: ReadonlyMap<string, Uint8Array> = pkg): Uint8Array {
  const top: Zippable = { '.DS_Store': encode('junk') };
  for (const [name, data] of files) top[name] = name.endsWith('.onnx') ? [data, { level: 0 }] : data;
  return zipSync({ __MACOSX: { 'manifest.json': encode('not a manifest') }, 'tiny-random': top });
}

/** Resolves with the PackageError the promise rejects with (fails the test otherwise). */
async function packageError(p: Promise<unknown>): Promise<PackageError> {
  const e = await p.then(() => null, (err: unknown) => err);
  expect(e).toBeInstanceOf(PackageError);
  return e as PackageError;
}

function expectWholePackage(result: Awaited<ReturnType<typeof importPackage>>): void {
  expect(result.manifest.id).toBe('tiny-random');
  expect(result.variants).toEqual(['fp32', 'q4']);
  expect(result.missing).toEqual([]);
  const listed = listedFiles(result.manifest).map((f) => f.path);
  expect([...result.files.keys()].sort()).toEqual([...listed].sort());
  for (const path of listed) expect(sameBytes(result.files.get(path), pkg.get(path)), path).toBe(true);
}

describe('importPackage', () => {
  it('reads a chosen folder (one top folder), leaving out dot-files and unlisted files', async () => {
    const entries = [...folder('tiny-random/'), { path: 'tiny-random/.DS_Store', data: encode('x') }, { path: '.hidden/manifest.json', data: encode('{') }, { path: 'tiny-random/README.txt', data: encode('hi') }];
    expectWholePackage(await importPackage(entries));
  });

  it('reads files dropped flat, and Windows-style paths', async () => {
    expectWholePackage(await importPackage(folder('')));
    expectWholePackage(await importPackage(folder('tiny-random\\')));
  });

  it('reads a zip of the folder (directory entries, __MACOSX and dot-files ignored)', async () => {
    const zip = zipped();
    expect(unzipEntries(zip).map((e) => e.path).sort()).toEqual([...pkg.keys()].map((name) => `tiny-random/${name}`).sort());
    expectWholePackage(await importPackage(zip));
  });

  it('a variant left out is reported missing; the others import', async () => {
    const result = await importPackage(zipped(without('model.onnx')));
    expect(result.variants).toEqual(['q4']);
    expect(result.missing).toEqual(['model.onnx']);
    expect(result.files.has('model.onnx')).toBe(false);
  });

  it('refuses a package with no complete variant, naming the missing files', async () => {
    const e = await packageError(importPackage(folder('tiny-random/', without('model.onnx', 'model_q4.onnx'))));
    expect(e.message).toContain('no complete variant');
    expect(e.message).toContain('fp32 is missing model.onnx');
    expect(e.message).toContain('q4 is missing model_q4.onnx');
    const noTokenizer = await packageError(importPackage(folder('', without('tokenizer.json'))));
    expect(noTokenizer.message).toContain('tokenizer.json');
  });

  it('refuses a file with one altered byte, naming it (folder and zip)', async () => {
    const altered = new Map(pkg);
    const model = pkg.get('model_q4.onnx')!.slice();
    model[12345]! ^= 0xff;
    altered.set('model_q4.onnx', model);
    for (const source of [folder('tiny-random/', altered), zipped(altered)]) {
      const e = await packageError(importPackage(source));
      expect(e.message).toMatch(/^model_q4\.onnx failed its checksum/);
    }
    const short = new Map(pkg).set('tokenizer_config.json', pkg.get('tokenizer_config.json')!.subarray(1));
    expect((await packageError(importPackage(folder('', short)))).message).toMatch(/^tokenizer_config\.json is \d+ bytes, the manifest says/);
  });

  it('refuses a folder without a manifest, pointing at a deeper one', async () => {
    const none = await packageError(importPackage(folder('', without('manifest.json'))));
    expect(none.message).toContain('no manifest.json at the top of the folder or zip');
    const deep = await packageError(importPackage(folder('runs/tiny-random/')));
    expect(deep.message).toContain('there is one at runs/tiny-random/manifest.json');
    expect((await packageError(importPackage([]))).message).toContain('no manifest.json');
  });

  it('refuses two packages in one folder', async () => {
    const e = await packageError(importPackage([...folder('a/'), ...folder('b/')]));
    expect(e.message).toContain('holds more than one package (a/manifest.json, b/manifest.json)');
  });

  it('refuses a manifest that is not JSON, or not a package manifest', async () => {
    const broken = await packageError(importPackage([...folder('p/', without('manifest.json')), { path: 'p/manifest.json', data: encode('{"format": ') }]));
    expect(broken.message).toMatch(/^p\/manifest\.json is not valid JSON/);
    const other = await packageError(importPackage([...folder('', without('manifest.json')), { path: 'manifest.json', data: encode('{"format": "something-else"}') }]));
    expect(other.message).toContain('not a model package manifest');
  });

  it('refuses a listed file given twice (a flat drop from two folders)', async () => {
    const e = await packageError(importPackage([...folder(''), { path: 'model.onnx', data: pkg.get('model.onnx')! }]));
    expect(e.message).toContain('model.onnx was given twice');
  });
});

describe('zips', () => {
  it('refuses bytes that are not a zip, or a cut-off zip', async () => {
    for (const bytes of [encode('this is a text file, not a zip'), zipped().subarray(0, 1_000_000), new Uint8Array(0)]) {
      const e = await packageError(importPackage(bytes));
      expect(e.message).toMatch(/^the zip file could not be unzipped \(.+\): it is not a zip file, or it is damaged/);
    }
  });

  it('refuses a zip whose entries would unzip past the cap, before inflating them', () => {
    expect(MAX_UNZIPPED_BYTES).toBe(2 * 1024 ** 3);
    expect(() => unzipEntries(zipped(), 10 * 1024 ** 2)).toThrow(/would unzip to more than 10 MiB/);
    // A bomb's central directory claims ~3.75 GB for one entry; the cap refuses it from the header alone.
    const bomb = zipSync({ 'manifest.json': encode('{}') });
    const view = new DataView(bomb.buffer, bomb.byteOffset, bomb.byteLength);
    const central = bomb.findIndex((_, i) => view.getUint32(i, true) === 0x02014b50);
    view.setUint32(central + 24, 0xf000_0000, true);
    expect(() => unzipEntries(bomb)).toThrow(/would unzip to more than 2048 MiB/);
  });
});
