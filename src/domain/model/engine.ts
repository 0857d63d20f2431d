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

/** Reads every file a variant needs, checks each against the manifest's sha256 and size, and builds the tokenizer. */
export async function readVerifiedPackage(manifest: PackageManifest, variant: string, read: FileReader, onVerified?: (file: PackageFile) => void): Promise<VerifiedFiles> {
  const bytes = new Map<string, Uint8Array>();
  for (const file of filesFor(manifest, variant)) {
    const data = await read(file);
    await verifyFile(file, data);
    bytes.set(file.path, data);
    onVerified?.(file);
  }
  const json = (path: string) => JSON.parse(decoder.decode(bytes.get(path)!)) as object;
  return {
    tokenizer: new Tokenizer(json('tokenizer.json'), json('tokenizer_config.json')),
    model: bytes.get(manifest.variants[variant]!.model)!,
  };
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

  /** The extraction and the prediction it was combined from (callers that check logits need both). */
  async run(text: string, mode: ExtractorMode, control: RunControl = {}): Promise<{ extraction: Extraction; prediction: ModelPrediction }> {
    const rules = extractRules(text);
    const { tokenized, prediction } = await this.predict(text, control);
    return { extraction: combineWithRules(mode, text, tokenized.spans, prediction, rules, this.manifest.hybrid_policy), prediction };
  }

  async extract(text: string, mode: ExtractorMode): Promise<Extraction> {
    return (await this.run(text, mode)).extraction;
  }
}
