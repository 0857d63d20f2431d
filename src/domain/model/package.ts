// The model package format written by model-export (manifest.json + ONNX + tokenizer files), parsed
// and checked here so the worker, the CLI and the tests read packages the same way.
import { FIELDS, type FieldName } from '../schema';

export interface PackageFile {
  path: string;
  sha256: string;
  bytes: number;
}

export interface PackageVariant {
  model: string;
  files: PackageFile[];
  bytes: number;
  default: boolean;
}

export interface PackageField {
  name: string;
  labels: string[];
}

export interface PackageManifest {
  format: 'path-extract-model-package';
  format_version: 1;
  id: string;
  version: string;
  fields: PackageField[];
  max_length: number;
  stride: number;
  bos_token_id: number;
  pad_token_id: number;
  variants: Record<string, PackageVariant>;
  default_variant: string;
  tokenizer: { files: PackageFile[] };
  backbone?: Record<string, unknown>;
  training?: Record<string, unknown>;
  verification?: Record<string, unknown>;
  /** Per-field softmax temperatures fitted on out-of-fold logits, so a probability means what it says. */
  calibration?: { temperature: Partial<Record<FieldName, number>>; fitted_on?: string };
  /** Where the hybrid lets the model fill a field the rules left empty, chosen on out-of-fold predictions. */
  hybrid_policy?: HybridPolicy;
}

export interface HybridPolicy {
  /** Per field: the (calibrated) model probability at which it fills a gap the rules left; absent or null: never. */
  fill_at: Partial<Record<FieldName, number | null>>;
  chosen_by?: string;
}

export class PackageError extends Error {
  override name = 'PackageError';
}

function need(cond: unknown, message: string): asserts cond {
  if (!cond) throw new PackageError(message);
}

function isFile(x: unknown): x is PackageFile {
  const f = x as PackageFile;
  return typeof f?.path === 'string' && /^[0-9a-f]{64}$/.test(f?.sha256 ?? '') && Number.isInteger(f?.bytes) && f.bytes >= 0;
}

/** Validates a parsed manifest.json; every problem is reported in words a site administrator can act on. */
export function parseManifest(raw: unknown): PackageManifest {
  const m = raw as PackageManifest;
  need(m && typeof m === 'object', 'manifest.json is not a JSON object');
  need(m.format === 'path-extract-model-package', `manifest.json is not a model package manifest (format "${String(m.format)}")`);
  need(m.format_version === 1, `model package format version ${String(m.format_version)} is not supported by this app (expects 1)`);
  need(typeof m.id === 'string' && m.id.length > 0, 'manifest.json has no package id');
  need(Number.isInteger(m.max_length) && m.max_length >= 2, 'manifest.json: max_length must be an integer ≥ 2');
  need(Number.isInteger(m.stride) && m.stride > 0 && m.stride <= m.max_length - 1, 'manifest.json: stride must be between 1 and max_length - 1');
  need(Number.isInteger(m.bos_token_id) && Number.isInteger(m.pad_token_id), 'manifest.json: bos_token_id and pad_token_id must be integers');
  need(Array.isArray(m.fields), 'manifest.json has no fields');
  // The heads' label order must be the app's: a package trained on another schema would mislabel silently.
  for (const spec of FIELDS) {
    const f = m.fields.find((x) => x.name === spec.name);
    need(f, `the model package has no head for field ${spec.name}`);
    need(
      Array.isArray(f.labels) && f.labels.length === spec.labels.length && f.labels.every((l, i) => l === spec.labels[i]),
      `the model package's labels for ${spec.name} (${f.labels?.join(', ')}) differ from this app's (${spec.labels.join(', ')})`,
    );
  }
  need(m.variants && typeof m.variants === 'object' && Object.keys(m.variants).length > 0, 'manifest.json lists no model variants');
  for (const [name, v] of Object.entries(m.variants)) {
    need(typeof v.model === 'string' && Array.isArray(v.files) && v.files.every(isFile), `manifest.json: variant ${name} is malformed`);
    need(v.files.some((f) => f.path === v.model), `manifest.json: variant ${name} does not list its model file ${v.model}`);
  }
  need(m.default_variant in m.variants, `manifest.json: default variant ${m.default_variant} is not listed`);
  need(Array.isArray(m.tokenizer?.files) && m.tokenizer.files.every(isFile), 'manifest.json: tokenizer files are malformed');
  const temperatures = Object.values(m.calibration?.temperature ?? {});
  need(temperatures.every((t) => typeof t === 'number' && t > 0 && Number.isFinite(t)), 'manifest.json: calibration temperatures must be positive numbers');
  const fills = Object.values(m.hybrid_policy?.fill_at ?? {});
  need(fills.every((t) => t === null || (typeof t === 'number' && t > 0 && t <= 1)), 'manifest.json: hybrid_policy.fill_at values must be probabilities or null');
  for (const name of ['tokenizer.json', 'tokenizer_config.json']) {
    need(m.tokenizer.files.some((f) => f.path === name), `manifest.json does not list ${name}`);
  }
  return m;
}

/** Every file a variant needs, model first: the bytes a loader downloads and verifies. */
export function filesFor(m: PackageManifest, variant: string): PackageFile[] {
  const v = m.variants[variant];
  if (!v) throw new PackageError(`the model package has no variant "${variant}" (it has ${Object.keys(m.variants).join(', ')})`);
  return [...m.tokenizer.files, ...v.files];
}

/** Lower-case hex SHA-256 with WebCrypto (browsers, workers and Node 20 all provide crypto.subtle). */
export async function sha256Hex(data: ArrayBuffer | Uint8Array): Promise<string> {
  // Typed as ArrayBuffer: both the DOM and Node typings accept it, and WebCrypto reads views too.
  const digest = await crypto.subtle.digest('SHA-256', data as ArrayBuffer);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export async function verifyFile(file: PackageFile, data: ArrayBuffer | Uint8Array): Promise<void> {
  if (data.byteLength !== file.bytes) {
    throw new PackageError(`${file.path} is ${data.byteLength} bytes, the manifest says ${file.bytes}: the file is incomplete or was replaced`);
  }
  const actual = await sha256Hex(data);
  if (actual !== file.sha256) {
    throw new PackageError(`${file.path} failed its checksum (sha256 ${actual.slice(0, 12)}…, expected ${file.sha256.slice(0, 12)}…): the file is corrupt or was replaced; the model was not loaded`);
  }
}
