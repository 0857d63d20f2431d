// The model path in Node: package manifest checks, sha256 refusal, onnxruntime-node logits equal to
// model-export's Python ONNX Runtime run, window combination, evidence spans, and the hybrid policy.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEngine } from '../src/cli/model';
import { combineWithRules, DISAGREE_FLAG } from '../src/domain/model/hybrid';
import { parseManifest, sha256Hex, verifyFile } from '../src/domain/model/package';
import { predict, softmax, tokenize, type ModelPrediction, type SessionLike } from '../src/domain/model/runner';
import { extractRules } from '../src/domain/rules';
import { calibratedConfidence, REVIEW_THRESHOLD } from '../src/domain/review';
import { FIELD_NAMES, labelsOf, type FieldName } from '../src/domain/schema';
import { python } from './model-helpers';
import { ROOT, TINY_PACKAGE } from './setup/tiny-package';

const manifestJson = () => JSON.parse(readFileSync(join(TINY_PACKAGE, 'manifest.json'), 'utf8'));

describe('package manifest', () => {
  it('accepts the tiny package and rejects what would mislabel or cannot load', () => {
    expect(parseManifest(manifestJson()).id).toBe('tiny-random');
    const cases: [string, (m: any) => void, RegExp][] = [
      ['format', (m) => (m.format = 'other'), /not a model package manifest/],
      ['version', (m) => (m.format_version = 2), /format version 2 is not supported/],
      ['label order', (m) => m.fields[0].labels.reverse(), /labels for pT .* differ/],
      ['missing head', (m) => (m.fields = m.fields.slice(1)), /no head for field pT/],
      ['stride', (m) => (m.stride = m.max_length), /stride/],
      ['default variant', (m) => (m.default_variant = 'fp16'), /default variant fp16/],
      ['tokenizer', (m) => (m.tokenizer.files = m.tokenizer.files.slice(1)), /tokenizer/],
      ['hash', (m) => (m.variants.fp32.files[0].sha256 = 'xyz'), /variant fp32 is malformed/],
    ];
    for (const [, mutate, message] of cases) {
      const m = manifestJson();
      mutate(m);
      expect(() => parseManifest(m)).toThrow(message);
    }
  });

  it('computes SHA-256 and refuses a file that fails it', async () => {
    const abc = new TextEncoder().encode('abc');
    expect(await sha256Hex(abc)).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const file = { path: 'model.onnx', sha256: await sha256Hex(abc), bytes: 3 };
    await expect(verifyFile(file, abc)).resolves.toBeUndefined();
    await expect(verifyFile(file, new TextEncoder().encode('abd'))).rejects.toThrow(/model.onnx failed its checksum/);
    await expect(verifyFile(file, new TextEncoder().encode('abcd'))).rejects.toThrow(/4 bytes, the manifest says 3/);
  });

  it('a package whose model file was altered is refused before it is loaded', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'corrupt-'));
    cpSync(TINY_PACKAGE, dir, { recursive: true });
    const model = join(dir, manifestJson().variants.q4.model);
    const bytes = readFileSync(model);
    bytes[bytes.length >> 1]! ^= 0xff;
    writeFileSync(model, bytes);
    await expect(loadEngine(dir)).rejects.toThrow(/model_q4.onnx failed its checksum/);
  });
});

describe('a model whose outputs do not fit the schema', () => {
  it('is refused with the output, its shape and the shape the schema needs, not read as NaN', async () => {
    const engine = await loadEngine(TINY_PACKAGE);
    const real = engine.session;
    // The real session's outputs, with pT's logits cut to 5 labels, as a model exported for another schema gives.
    const cut: SessionLike = {
      run: async (feeds) => {
        const out = await real.run(feeds);
        const logits = out.logits_pT!;
        return { ...out, logits_pT: { dims: [logits.dims[0]!, 5], data: (logits.data as Float32Array).slice(0, logits.dims[0]! * 5) } };
      },
    };
    const tokenized = tokenize(engine.tokenizer, TEXTS[0]!);
    await expect(predict(cut, engine.int64, engine.manifest, tokenized)).rejects.toThrow(/output logits_pT has shape \[1, 5\], but the schema needs \[1, 8\]: the model file does not match/);
    const missing: SessionLike = { run: async (feeds) => ({ ...(await real.run(feeds)), window_score_ER: undefined as never }) };
    await expect(predict(missing, engine.int64, engine.manifest, tokenized)).rejects.toThrow(/has no output window_score_ER/);
  });
});

const TEXTS = [
  'Invasive ductal carcinoma, Nottingham grade 3. Pathologic stage: pT2 pN1a. ER: positive (90%). PR: negative. HER2: 1+ (negative).',
  'Größe 3×2 cm — naïve ✓ 😀. '.repeat(3) + 'Invasive lobular carcinoma. '.repeat(30) + 'pT1c pN0 (0/3).',
];

describe('onnxruntime-node runs the package exactly as model-export does', () => {
  it.each(['fp32', 'q4'])('per-field logits equal Python ONNX Runtime within 1e-4 (%s)', async (variant) => {
    const engine = await loadEngine(TINY_PACKAGE, variant);
    const py = python<Record<string, number[]>[]>(
      `import json, sys
from pathlib import Path
import onnxruntime as ort
from model_export import common
from model_export.data import Encoder
from model_export.evaluate import predict
from model_export.schema import Schema
pkg = Path(${JSON.stringify(TINY_PACKAGE)})
m = common.read_json(pkg / "manifest.json")
schema = Schema.from_json(m["fields"])
s = ort.InferenceSession(str(pkg / m["variants"][${JSON.stringify(variant)}]["model"]))
enc = Encoder(common.load_tokenizer(pkg), m["max_length"], m["stride"])
print(json.dumps([{k: v.tolist() for k, v in predict(s, enc, schema, t).items()} for t in json.load(sys.stdin)]))`,
      TEXTS,
    );
    expect(engine.manifest.max_length).toBeLessThan(200); // the second text spans several windows
    for (const [i, text] of TEXTS.entries()) {
      const { prediction, tokenized } = await engine.predict(text);
      for (const f of FIELD_NAMES) {
        const diff = Math.max(...prediction[f].logits.map((x, c) => Math.abs(x - py[i]![f]![c]!)));
        expect(diff, `${f} text ${i}`).toBeLessThan(1e-4);
        expect(prediction[f].probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
        // Token weights are a distribution over the text's tokens once BOS is dropped (≤ 1).
        const total = prediction[f].tokenWeights.reduce((a, b) => a + b, 0);
        expect(total).toBeGreaterThan(0);
        expect(total).toBeLessThanOrEqual(1 + 1e-6);
        expect(prediction[f].tokenWeights).toHaveLength(tokenized.ids.length);
      }
    }
  });

  it('hybrid extraction gives every field with sources and evidence inside the text', async () => {
    const engine = await loadEngine(TINY_PACKAGE);
    const text = TEXTS[1]!;
    const x = await engine.extract(text, 'hybrid');
    expect(Object.keys(x.fields)).toEqual([...FIELD_NAMES]);
    for (const f of FIELD_NAMES) {
      const r = x.fields[f];
      expect(['model', 'rules', 'both']).toContain(r.source);
      expect(r.model?.label).toBeDefined();
      for (const [s, e] of [...r.evidence, ...(r.model?.evidence ?? [])]) {
        expect(0 <= s && s < e && e <= text.length).toBe(true);
      }
    }
    // The stated pT1c is read by the rules, so the hybrid keeps it whatever the random model says.
    expect(x.fields.pT.value).toBe('T1');
  });
});

/** A prediction that puts probability p on `label` for one field and is sure of not_stated elsewhere. */
function prediction(field: FieldName, label: string, p: number): ModelPrediction {
  const out = {} as ModelPrediction;
  for (const f of FIELD_NAMES) {
    const labels = labelsOf(f);
    const target = f === field ? label : 'not_stated';
    const prob = f === field ? p : 0.99;
    const rest = (1 - prob) / (labels.length - 1);
    const probabilities = labels.map((l) => (l === target ? prob : rest));
    out[f] = { labels, probabilities, logits: probabilities.map(Math.log), tokenWeights: new Float64Array(0) };
  }
  return out;
}

describe('hybrid policy', () => {
  const stated = 'Pathologic stage: pT2 pN0. Invasive carcinoma, tumor size: 1.5 cm.';

  it('a stated code wins; agreement makes the source "both"; the confidence is the measured one of its kind', () => {
    const x = combineWithRules('hybrid', stated, [], prediction('pT', 'T2', 0.95), extractRules(stated));
    expect(x.fields.pT).toMatchObject({ value: 'T2', source: 'both' });
    // The stated pT2 contradicts the measured 1.5 cm (T1): a concern, and the model agrees with the statement.
    expect(x.fields.pT.review!.basis).toBe('stated/concern/strong/agrees');
    expect(x.fields.pT.confidence).toBe(calibratedConfidence('pT', 'stated/concern/strong/agrees'));
    expect(x.fields.pT.review!.needed).toBe(x.fields.pT.confidence < REVIEW_THRESHOLD);
  });

  it('a confident model that disagrees with a stated code is flagged, not followed', () => {
    const x = combineWithRules('hybrid', stated, [], prediction('pT', 'T3', DISAGREE_FLAG + 0.2), extractRules(stated));
    expect(x.fields.pT).toMatchObject({ value: 'T2', source: 'rules' });
    expect(x.flags.some((f) => f.code === 'model_rules_disagree' && f.field === 'pT')).toBe(true);
  });

  it('a derived rules value stands; a missing one gives way to a confident model, not to an unsure one', () => {
    const derived = 'Invasive ductal carcinoma measuring 1.5 cm in greatest dimension.';
    const rules = extractRules(derived);
    expect(rules.fields.pT).toMatchObject({ value: 'T1', derived: true });
    const overruled = combineWithRules('hybrid', derived, [], prediction('pT', 'T2', 0.95), rules);
    expect(overruled.fields.pT).toMatchObject({ value: 'T1', source: 'rules' });
    expect(overruled.flags.some((f) => f.code === 'model_rules_disagree' && f.field === 'pT')).toBe(true);
    const none = 'No tumour information.';
    const gap = extractRules(none);
    // Fills happen only where the package's policy allows them for the field, at its probability.
    const policy = { fill_at: { ER: 0.9, PR: null } };
    const filled = combineWithRules('hybrid', none, [], prediction('ER', 'positive', 0.95), gap, policy);
    expect(filled.fields.ER).toMatchObject({ value: 'positive', source: 'model' });
    expect(filled.flags.filter((f) => f.code === 'model_fill').map((f) => f.field)).toEqual(['ER']);
    const unsure = combineWithRules('hybrid', none, [], prediction('ER', 'positive', 0.85), gap, policy);
    expect(unsure.fields.ER).toMatchObject({ value: 'not_stated', source: 'rules' });
    expect(unsure.flags.some((f) => f.code === 'model_fill')).toBe(false);
    const notAllowed = combineWithRules('hybrid', none, [], prediction('PR', 'positive', 0.99), gap, policy);
    expect(notAllowed.fields.PR).toMatchObject({ value: 'not_stated' });
    expect(combineWithRules('hybrid', none, [], prediction('ER', 'positive', 0.99), gap).fields.ER.value).toBe('not_stated');
  });

  it('model mode takes the model everywhere, its confidence measured for unsure model readings; the stage follows the fields', () => {
    const x = combineWithRules('model', stated, [], prediction('pT', 'T4', 0.4), extractRules(stated));
    expect(x.fields.pT).toMatchObject({ value: 'T4', source: 'model' });
    expect(x.fields.pT.model!.probability).toBe(0.4);
    expect(x.fields.pT.review!.basis).toBe('model/concern/-/unsure');
    expect(x.fields.pT.review!.needed).toBe(x.fields.pT.confidence < REVIEW_THRESHOLD);
    expect(x.stage.group).toBe('cannot be staged');
  });

  it('softmax is stable for large logits', () => {
    expect(softmax([1000, 1000])).toEqual([0.5, 0.5]);
  });
});

describe('CLI with a model', () => {
  const tsx = resolve(ROOT, 'node_modules/.bin/tsx');
  it('extracts with --extractor hybrid --model and refuses model without --model', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-'));
    writeFileSync(join(dir, 'in.jsonl'), JSON.stringify({ id: 'r1', text: TEXTS[0] }) + '\n');
    execFileSync(tsx, ['src/cli/extract.ts', '--in', join(dir, 'in.jsonl'), '--out', join(dir, 'out.jsonl'), '--extractor', 'hybrid', '--model', TINY_PACKAGE], { cwd: ROOT, stdio: 'pipe' });
    const line = JSON.parse(readFileSync(join(dir, 'out.jsonl'), 'utf8'));
    expect(line.id).toBe('r1');
    expect(line.fields.pT).toMatchObject({ value: 'T2', source: expect.stringMatching(/rules|both/) });
    expect(() => execFileSync(tsx, ['src/cli/extract.ts', '--in', join(dir, 'in.jsonl'), '--out', join(dir, 'x.jsonl'), '--extractor', 'model'], { cwd: ROOT, stdio: 'pipe' })).toThrow(/needs --model/);
  });
});
