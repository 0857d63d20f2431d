// A loaded model package ready to extract: the tokenizer, the ONNX session and the manifest. Built by
// the worker (onnxruntime-web) and by the CLI (onnxruntime-node) from verified package files.
import { Tokenizer } from '@huggingface/tokenizers';
import { extractRules } from '../rules';
import type { Extraction } from '../types';
import { combineWithRules, type ExtractorMode } from './hybrid';
import { filesFor, verifyFile, type PackageFile, type PackageManifest } from './package';
import { predict, tokenize, type RunControl, type Int64TensorFactory, type ModelPrediction, type SessionLike, type Tokenized, type TokenizerLike } from './runner';

/** Reads one package file's bytes (fetch in the browser, the file system in Node). */
export type FileReader = (file: PackageFile) => Promise<Uint8Array>;

export interface VerifiedFiles {
  tokenizer: TokenizerLike;
  model: Uint8Array;
}

const decoder = new TextDecoder();

/**
 * Reads every file a variant needs, checks each against the manifest's sha256 and size, and builds the
 * tokenizer. `alreadyVerified`: the reader has just checked the same bytes (the model store does on
 * every load), and hashing 80 MB twice would only slow the start.
 */
export async function readVerifiedPackage(
  manifest: PackageManifest,
  variant: string,
  read: FileReader,
  onVerified?: (file: PackageFile) => void,
  alreadyVerified = false,
): Promise<VerifiedFiles> {
  const bytes = new Map<string, Uint8Array>();
  for (const file of filesFor(manifest, variant)) {
    const data = await read(file);
    if (!alreadyVerified) await verifyFile(file, data);
    bytes.set(file.path, data);
    onVerified?.(file);
  }
  const json = (path: string) => JSON.parse(decoder.decode(bytes.get(path)!)) as object;
  return {
    tokenizer: new Tokenizer(json('tokenizer.json'), json('tokenizer_config.json')),
    model: bytes.get(manifest.variants[variant]!.model)!,
  };
}

/** Where one report's time went (ms): tokenizing, the model's runs over its windows, and the rules + combination after. */
export interface RunTimings {
  tokenizeMs: number;
  inferenceMs: number;
  postMs: number;
  tokens: number;
  windows: number;
}

export class ModelEngine {
  constructor(
    readonly manifest: PackageManifest,
    readonly tokenizer: TokenizerLike,
    readonly session: SessionLike,
    readonly int64: Int64TensorFactory,
  ) {}

  async predict(text: string, control: RunControl = {}): Promise<{ tokenized: Tokenized; prediction: ModelPrediction }> {
    const tokenized = tokenize(this.tokenizer, text);
    return { tokenized, prediction: await predict(this.session, this.int64, this.manifest, tokenized, control) };
  }

  /** The extraction and the prediction it was combined from (callers that check logits need both), with where the time went. */
  async run(text: string, mode: ExtractorMode, control: RunControl = {}): Promise<{ extraction: Extraction; prediction: ModelPrediction; timings: RunTimings }> {
    const t0 = performance.now();
    const tokenized = tokenize(this.tokenizer, text);
    const t1 = performance.now();
    let windows = 0;
    const prediction = await predict(this.session, this.int64, this.manifest, tokenized, {
      ...control,
      onProgress: (done, total) => {
        windows = total;
        control.onProgress?.(done, total);
      },
    });
    const t2 = performance.now();
    const extraction = combineWithRules(mode, text, tokenized.spans, prediction, extractRules(text), this.manifest.hybrid_policy);
    const t3 = performance.now();
    return { extraction, prediction, timings: { tokenizeMs: t1 - t0, inferenceMs: t2 - t1, postMs: t3 - t2, tokens: tokenized.ids.length, windows } };
  }

  async extract(text: string, mode: ExtractorMode): Promise<Extraction> {
    return (await this.run(text, mode)).extraction;
  }
}
