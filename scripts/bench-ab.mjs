// A/B timing of model files and session options on the same reports in one process, alternating
// configurations round by round so that a machine that speeds up or slows down during the run (this
// one does) affects them alike. Times session creation and the model's windows per report (tokenize
// and post-processing are the same for every configuration), and compares every configuration's
// per-field predictions with the first one's: argmax agreement over reports and the largest logit change.
// `npm run bench` is the full harness; this answers "is B faster than A, and does it read the same".
// Run: node scripts/bench-ab.mjs --files a.onnx,b.onnx [--runtime wasm|node] [--threads 2] [--opt all]
//      [--outputs fresh,preallocated]
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fail, ROOT } from '../e2e/serve.mjs';
import { DEV_REPORTS, median, reportTexts } from './bench-inputs.mjs';

const USAGE = `Usage: node scripts/bench-ab.mjs [--model <package>] [--files a.onnx,b.onnx] [--opt all,basic]
                                [--outputs fresh,preallocated] [--runtime wasm|node] [--threads N]
                                [--reports N] [--rounds N] [--data <jsonl>]

  --model    package whose tokenizer, manifest and windowing are used (default public/models/default)
  --files    comma-separated ONNX files to compare (default the package's default variant)
  --opt      comma-separated graph optimisation levels (disabled, basic, extended, all; default all)
  --outputs  comma-separated output handling: fresh (ONNX Runtime allocates the outputs of every run; what
             the app does) or preallocated (output tensors made once per batch shape and passed to every
             run as fetches, ONNX Runtime's pre-allocated outputs; default fresh)
  --runtime  wasm (onnxruntime-web, V8's WebAssembly as in Chromium; default) or node (onnxruntime-node)
  --threads  intra-op threads (default 2)
  --reports  the first N reports of --data (default 8)
  --rounds   rounds over every configuration (default 3); the first is a warm-up and not counted
  --data     JSONL with a "text" per line (default ../shared/data/tcga-brca-dev-text.jsonl)

Every file is combined with every --opt level and --outputs mode; the first combination is the reference.`;

let flags;
try {
  flags = parseArgs({
    options: {
      help: { type: 'boolean', short: 'h', default: false },
      model: { type: 'string', default: join(ROOT, 'public', 'models', 'default') },
      files: { type: 'string' },
      opt: { type: 'string', default: 'all' },
      outputs: { type: 'string', default: 'fresh' },
      runtime: { type: 'string', default: 'wasm' },
      threads: { type: 'string', default: '2' },
      reports: { type: 'string', default: '8' },
      rounds: { type: 'string', default: '3' },
      data: { type: 'string', default: DEV_REPORTS },
    },
  }).values;
} catch (err) {
  console.error(`bench-ab: ${err.message}\n\n${USAGE}`);
  process.exit(2);
}
if (flags.help) {
  console.log(USAGE);
  process.exit(0);
}
const positive = (name) => {
  const n = Number(flags[name]);
  if (!(Number.isInteger(n) && n > 0)) fail(`--${name} must be a positive integer, not ${flags[name]}`);
  return n;
};
const [threads, reports, rounds] = [positive('threads'), positive('reports'), positive('rounds')];
if (rounds < 2) fail('--rounds must be at least 2 (the first is a warm-up)');
if (!['wasm', 'node'].includes(flags.runtime)) fail(`--runtime must be wasm or node, not ${flags.runtime}`);
const levels = flags.opt.split(',');
for (const l of levels) if (!['disabled', 'basic', 'extended', 'all'].includes(l)) fail(`unknown --opt level ${l}`);
const outputModes = flags.outputs.split(',');
for (const m of outputModes) if (!['fresh', 'preallocated'].includes(m)) fail(`unknown --outputs mode ${m}`);

const { tsImport } = await import('tsx/esm/api');
const ts = (path) => tsImport(path, import.meta.url);
const { loadEngine } = await ts('../src/cli/model.ts');
const { predict, tokenize } = await ts('../src/domain/model/runner.ts');
const { FIELD_NAMES } = await ts('../src/domain/schema.ts');

const modelDir = resolve(flags.model);
const engine = await loadEngine(modelDir);
const manifest = engine.manifest;
const files = flags.files ? flags.files.split(',').map((f) => resolve(f)) : [join(modelDir, manifest.variants[manifest.default_variant].model)];
for (const f of files) if (!existsSync(f)) fail(`no model file at ${f}`);
const texts = reportTexts(flags.data, reports);
const tokenized = texts.map((t) => tokenize(engine.tokenizer, t));

const ort = flags.runtime === 'wasm' ? await import('onnxruntime-web') : await import('onnxruntime-node');
if (flags.runtime === 'wasm') ort.env.wasm.numThreads = threads;
const int64 = (data, dims) => new ort.Tensor('int64', data, dims);

// Output tensors made once per [windows, width] and handed to every run with that shape. The shapes
// come from the first run's own outputs, so the wrapper needs no knowledge of the heads.
function preallocated(session) {
  const byShape = new Map();
  return {
    async run(feeds) {
      const key = feeds.input_ids.dims.join('x');
      const fetches = byShape.get(key);
      if (fetches) return session.run(feeds, fetches);
      const out = await session.run(feeds);
      byShape.set(key, Object.fromEntries(Object.entries(out).map(([name, t]) => [name, new ort.Tensor(t.type, new t.data.constructor(t.data.length), t.dims)])));
      return out;
    },
  };
}

const sessionOptions = (level) => ({ graphOptimizationLevel: level, ...(flags.runtime === 'node' ? { intraOpNumThreads: threads, executionProviders: ['cpu'] } : { executionProviders: ['wasm'] }) });
// The first session of a process also pays for the runtime's own start (WebAssembly compile, thread
// pool): an untimed one takes that, so each configuration's session time is its own.
const modelBytes = new Map(files.map((f) => [f, new Uint8Array(readFileSync(f))]));
await (await ort.InferenceSession.create(modelBytes.get(files[0]), sessionOptions(levels[0]))).release();

const configs = [];
for (const file of files) {
  const bytes = modelBytes.get(file);
  for (const level of levels) for (const outputs of outputModes) {
    const options = sessionOptions(level);
    const t = performance.now();
    const session = await ort.InferenceSession.create(bytes, options);
    configs.push({ label: `${file.replace(`${ROOT}/`, '')} [${level}, ${outputs}]`, session, runner: outputs === 'preallocated' ? preallocated(session) : session, createMs: performance.now() - t, perReport: texts.map(() => []), predictions: null });
  }
}

for (let round = 0; round < rounds; round++) {
  for (const config of configs) {
    const predictions = [];
    for (let r = 0; r < texts.length; r++) {
      const t = performance.now();
      predictions.push(await predict(config.runner, int64, manifest, tokenized[r]));
      if (round > 0) config.perReport[r].push(performance.now() - t);
    }
    config.predictions = predictions;
  }
}

const argmax = (xs) => xs.indexOf(Math.max(...xs));
const reference = configs[0];
const refMs = reference.perReport.map(median);
console.log(`${flags.runtime === 'wasm' ? 'onnxruntime-web (WASM in V8)' : 'onnxruntime-node'}, ${threads} thread(s), ${texts.length} reports, ${rounds - 1} timed rounds`);
console.log('configuration | session ms | ms/report (median over reports of the per-report median) | vs first | argmax agreement | max |Δ logit|');
for (const config of configs) {
  const ms = config.perReport.map(median);
  let agree = 0;
  let total = 0;
  let drift = 0;
  config.predictions.forEach((p, r) => {
    for (const name of FIELD_NAMES) {
      const a = p[name].logits;
      const b = reference.predictions[r][name].logits;
      total++;
      if (argmax(a) === argmax(b)) agree++;
      a.forEach((x, i) => (drift = Math.max(drift, Math.abs(x - b[i]))));
    }
  });
  const ratio = median(ms.map((x, r) => x / refMs[r]));
  console.log(`${config.label} | ${config.createMs.toFixed(0)} | ${median(ms).toFixed(0)} | ${ratio.toFixed(3)}× | ${((100 * agree) / total).toFixed(2)} % | ${drift.toFixed(3)}`);
}
for (const config of configs) await config.session.release();
