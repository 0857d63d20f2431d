// Runs a model package on one report with any ONNX Runtime (onnxruntime-web in the worker,
// onnxruntime-node in the CLI): tokenize → windows → session → per-field probabilities and evidence.
// Windows combine exactly as in training: softmax(window_score) weights each window's logits and evidence.
import { FIELD_NAMES, labelsOf, type FieldName } from '../schema';
import type { Span } from '../types';
import { PackageError, type PackageManifest } from './package';
import { tokenSpans } from './tokens';
import { makeWindows } from './windows';

/** The part of a tokenizers.js Tokenizer this module uses. */
export interface TokenizerLike {
  encode(text: string, options?: { add_special_tokens?: boolean }): { ids: number[]; tokens: string[] };
}

/** The part of an ONNX Runtime InferenceSession (web or node) this module uses. */
export interface TensorLike {
  readonly data: unknown;
  readonly dims: readonly number[];
}
export interface SessionLike {
  run(feeds: Record<string, unknown>): Promise<Record<string, TensorLike>>;
}
export type Int64TensorFactory = (data: BigInt64Array, dims: readonly number[]) => unknown;

export interface Tokenized {
  ids: number[];
  spans: Span[];
}

export interface FieldPrediction {
  /** Labels in head order with their probabilities. */
  labels: readonly string[];
  probabilities: number[];
  logits: number[];
  /** Attention weight of every token of the full text (sums to 1 with BOS excluded weight removed). */
  tokenWeights: Float64Array;
}

export type ModelPrediction = Record<FieldName, FieldPrediction>;

// What no report says but files carry (old laboratory systems, PDFs): C0 and C1 controls other than
// tab and line breaks, DEL, lone surrogates, and code points beyond U+3FFFF (unassigned planes, tags,
// private use). Byte-level vocabularies often lack their bytes (SmolLM2's has no 0x04, 0x06, 0x13,
// 0x14, 0x16, 0x1D, 0xF1 or 0xF2), and the tokenizer then drops them silently. The model reads a space
// or U+FFFD instead; UTF-16 lengths are kept (two U+FFFD for a surrogate pair), so spans of the copy
// are spans of the text.
const UNTOKENIZABLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]|[\ud8c0-\udbff][\udc00-\udfff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function tokenizableText(text: string): string {
  return text.replace(UNTOKENIZABLE, (c) => (c.length === 2 ? '\ufffd\ufffd' : c.charCodeAt(0) >= 0xd800 ? '\ufffd' : ' '));
}

export function tokenize(tokenizer: TokenizerLike, text: string): Tokenized {
  const readable = tokenizableText(text);
  const { ids, tokens } = tokenizer.encode(readable, { add_special_tokens: false });
  return { ids, spans: tokenSpans(readable, tokens) };
}

export function softmax(xs: readonly number[]): number[] {
  const top = Math.max(...xs);
  const e = xs.map((x) => Math.exp(x - top));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / sum);
}

// Windows per session.run: bounds activation memory on long reports (attention grows with batch × seq²).
const WINDOWS_PER_RUN = 4;

/**
 * [start, end) of the windows each session.run takes: up to WINDOWS_PER_RUN windows of the same length.
 * Every window but the last is full, so the short last one runs on its own rather than padded to the
 * full length: padding is masked out of the result but not out of the arithmetic.
 */
export function runsOf(windows: readonly (readonly number[])[]): [number, number][] {
  const runs: [number, number][] = [];
  for (let first = 0; first < windows.length; ) {
    let end = first + 1;
    while (end < windows.length && end - first < WINDOWS_PER_RUN && windows[end]!.length === windows[first]!.length) end++;
    runs.push([first, end]);
    first = end;
  }
  return runs;
}

/** Stops a long report between runs, and says how many windows are read of how many. */
export interface RunControl {
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export async function predict(
  session: SessionLike,
  int64: Int64TensorFactory,
  manifest: PackageManifest,
  tokenized: Tokenized,
  control: RunControl = {},
): Promise<ModelPrediction> {
  const { starts, ids } = makeWindows(tokenized.ids, manifest.bos_token_id, manifest.max_length, manifest.stride);
  control.onProgress?.(0, ids.length);
  const perWindow: { logits: number[][]; evidence: Float32Array[]; score: number[] }[] = FIELD_NAMES.map(() => ({ logits: [], evidence: [], score: [] }));
  for (const [first, end] of runsOf(ids)) {
    // Between runs is the only place a worker can notice a cancel: one run is one blocking call.
    control.signal?.throwIfAborted();
    const chunk = ids.slice(first, end);
    const width = Math.max(...chunk.map((w) => w.length));
    const inputIds = new BigInt64Array(chunk.length * width).fill(BigInt(manifest.pad_token_id));
    const mask = new BigInt64Array(chunk.length * width);
    chunk.forEach((w, r) => w.forEach((id, c) => {
      inputIds[r * width + c] = BigInt(id);
      mask[r * width + c] = 1n;
    }));
    const out = await session.run({ input_ids: int64(inputIds, [chunk.length, width]), attention_mask: int64(mask, [chunk.length, width]) });
    checkOutputs(out, chunk.length, width);
    FIELD_NAMES.forEach((name, f) => {
      const logits = out[`logits_${name}`]!;
      const evidence = out[`evidence_${name}`]!;
      const score = out[`window_score_${name}`]!;
      const nLabels = logits.dims[1]!;
      const seq = evidence.dims[1]!;
      for (let r = 0; r < chunk.length; r++) {
        perWindow[f]!.logits.push(Array.from((logits.data as Float32Array).subarray(r * nLabels, (r + 1) * nLabels)));
        perWindow[f]!.evidence.push((evidence.data as Float32Array).slice(r * seq, r * seq + chunk[r]!.length));
        perWindow[f]!.score.push((score.data as Float32Array)[r]!);
      }
    });
    control.onProgress?.(Math.min(ids.length, first + chunk.length), ids.length);
  }
  const result = {} as ModelPrediction;
  FIELD_NAMES.forEach((name, f) => {
    const w = perWindow[f]!;
    const weights = softmax(w.score);
    const labels = labelsOf(name);
    const logits = labels.map((_, c) => w.logits.reduce((s, row, k) => s + weights[k]! * row[c]!, 0));
    const tokenWeights = new Float64Array(tokenized.ids.length);
    // Position 0 of a window is BOS: its weight belongs to no text and is dropped.
    w.evidence.forEach((ev, k) => {
      for (let j = 1; j < ev.length; j++) tokenWeights[starts[k]! + j - 1]! += weights[k]! * ev[j]!;
    });
    result[name] = { labels, probabilities: softmax(scaled(logits, manifest.calibration?.temperature[name])), logits, tokenWeights };
  });
  return result;
}

/**
 * Every head's outputs in the shapes the schema needs. A model file exported for another schema (or
 * edited) would otherwise give NaN probabilities or read past its arrays without a word.
 */
function checkOutputs(out: Record<string, TensorLike>, batch: number, seq: number): void {
  for (const name of FIELD_NAMES) {
    const wanted: [string, number[]][] = [[`logits_${name}`, [batch, labelsOf(name).length]], [`evidence_${name}`, [batch, seq]], [`window_score_${name}`, [batch]]];
    for (const [output, dims] of wanted) {
      const got = out[output];
      if (!got) throw new PackageError(`the model file has no output ${output}: it does not match its manifest's fields`);
      if (got.dims.length !== dims.length || got.dims.some((d, i) => d !== dims[i])) {
        throw new PackageError(`the model's output ${output} has shape [${got.dims.join(', ')}], but the schema needs [${dims.join(', ')}]: the model file does not match its manifest's fields and labels`);
      }
    }
  }
}

/** Logits divided by the field's fitted temperature (none: 1): probabilities that match measured accuracy. */
function scaled(logits: readonly number[], temperature = 1): number[] {
  return logits.map((x) => x / temperature);
}

/**
 * Evidence spans from token weights: the heaviest tokens (at least `share` of the heaviest one's
 * weight, at most `maxTokens`), merged where they touch, widened to whole words.
 */
export function evidenceSpans(text: string, spans: readonly Span[], weights: ArrayLike<number>, share = 0.5, maxTokens = 12): Span[] {
  let top = 0;
  for (let i = 0; i < weights.length; i++) top = Math.max(top, weights[i]!);
  if (top <= 0) return [];
  const chosen = Array.from({ length: weights.length }, (_, i) => i)
    .filter((i) => weights[i]! >= share * top)
    .sort((a, b) => weights[b]! - weights[a]!)
    .slice(0, maxTokens)
    .map((i) => widenToWord(text, spans[i]!))
    .filter(([s, e]) => e > s)
    .sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [s, e] of chosen) {
    const last = merged[merged.length - 1];
    if (last && s <= last[1] + 1) last[1] = Math.max(last[1], e);
    else merged.push([s, e]);
  }
  return merged;
}

function widenToWord(text: string, [s, e]: Span): Span {
  let start = s;
  let end = e;
  while (start < end && /\s/.test(text[start]!)) start++;
  while (start > 0 && /[\p{L}\p{N}]/u.test(text[start - 1]!)) start--;
  while (end < text.length && /[\p{L}\p{N}]/u.test(text[end]!)) end++;
  return [start, end];
}

/** A prediction from per-field logits alone (no token weights): for scoring logits computed elsewhere. */
export function predictionFromLogits(logits: Readonly<Record<FieldName, readonly number[]>>, temperature: Partial<Record<FieldName, number>> = {}): ModelPrediction {
  const out = {} as ModelPrediction;
  for (const name of FIELD_NAMES) {
    const row = [...logits[name]];
    out[name] = { labels: labelsOf(name), probabilities: softmax(scaled(row, temperature[name])), logits: row, tokenWeights: new Float64Array(0) };
  }
  return out;
}
