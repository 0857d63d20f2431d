// The model the page loads by default (public/models/default): its files pass their checksums, it
// fits the 100 MB budget, its manifest carries the cross-validated metrics, temperatures and hybrid
// policy, and in onnxruntime-node the hybrid reads plainly stated values. The metrics themselves are measured by scripts/crossval-metrics.ts.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEngine } from '../src/cli/model';
import { parseManifest } from '../src/domain/model/package';
import { FIELD_NAMES } from '../src/domain/schema';
import { ROOT } from './setup/tiny-package';

const DEFAULT = join(ROOT, 'public/models/default');
const manifestJson = () => JSON.parse(readFileSync(join(DEFAULT, 'manifest.json'), 'utf8'));

function bytesUnder(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((sum, e) => sum + (e.isDirectory() ? bytesUnder(join(dir, e.name)) : statSync(join(dir, e.name)).size), 0);
}

describe('the default model package', () => {
  it('is at most 100 MB on disk and records its training run, temperatures, hybrid policy and out-of-fold metrics', () => {
    expect(bytesUnder(DEFAULT)).toBeLessThanOrEqual(100 * 1024 * 1024);
    const manifest = manifestJson();
    const { metrics, training } = manifest;
    // How it was trained: the exact command, the wall time and the loss curve.
    expect(training.command).toContain('model_export.train');
    expect(training.wall_seconds).toBeGreaterThan(0);
    expect(training.loss_curve.length).toBeGreaterThan(1);
    // The app applies these: parseManifest checks their ranges.
    expect(Object.keys(parseManifest(manifest).calibration!.temperature).sort()).toEqual([...FIELD_NAMES].sort());
    expect(manifest.hybrid_policy.fill_at).toBeDefined();
    expect(metrics.registrarView.hybrid.curve.length).toBeGreaterThan(1);
  });

  // Out of fold (every report scored by a model that never saw it), on dev + synthetic reports: the
  // hybrid the app runs must never cost a field more than 0.01 of the rules' macro-F1, nor the mean anything.
  it('its recorded hybrid is no worse than the rules, field by field, out of fold', () => {
    const { pooled } = manifestJson().metrics.macroF1;
    expect(pooled.hybrid.mean).toBeGreaterThanOrEqual(pooled.rules.mean);
    for (const f of FIELD_NAMES) {
      expect(pooled.hybrid.fields[f].macroF1, f).toBeGreaterThanOrEqual(pooled.rules.fields[f].macroF1 - 0.01);
    }
  });

  it('loads through the checksums and reads a plainly stated synoptic report', async () => {
    const engine = await loadEngine(DEFAULT);
    expect(engine.manifest.id).toBe(parseManifest(manifestJson()).id);
    const report = [
      'DIAGNOSIS: LEFT BREAST, MASTECTOMY: INVASIVE DUCTAL CARCINOMA, NOTTINGHAM GRADE 3 (OF 3), 2.8 CM.',
      'LYMPH NODES: 0/14 NEGATIVE FOR METASTATIC CARCINOMA.',
      'PATHOLOGIC STAGE (AJCC 8TH): pT2 pN0',
      'ESTROGEN RECEPTOR: POSITIVE (95%). PROGESTERONE RECEPTOR: POSITIVE (60%).',
      'HER2 (IHC): NEGATIVE (SCORE 1+).',
    ].join('\n');
    const expected = { pT: 'T2', pN: 'N0', grade: '3', ER: 'positive', PR: 'positive', HER2: 'negative' };
    const valuesOf = (x: Awaited<ReturnType<typeof engine.run>>['extraction']) => Object.fromEntries(Object.entries(x.fields).map(([f, r]) => [f, r.value]));
    // What the page runs by default: every stated value read, none marked for review.
    const hybrid = (await engine.run(report, 'hybrid')).extraction;
    expect(valuesOf(hybrid)).toMatchObject(expected);
    // The model alone (out of fold 0.59 mean macro-F1, README) must still read most of a plain report.
    const model = valuesOf((await engine.run(report, 'model')).extraction);
    expect(Object.entries(expected).filter(([f, v]) => model[f] === v).length).toBeGreaterThanOrEqual(4);
  }, 120_000);
});
