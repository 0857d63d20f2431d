// The model the page loads by default (public/models/default): its files pass their checksums, it
// fits the 100 MB budget, its manifest carries the cross-validated metrics, and in onnxruntime-node it
// reads plainly stated values. The metrics themselves are measured by scripts/crossval-metrics.ts.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEngine } from '../src/cli/model';
import { parseManifest } from '../src/domain/model/package';
import { ROOT } from './setup/tiny-package';

const DEFAULT = join(ROOT, 'public/models/default');
const manifestJson = () => JSON.parse(readFileSync(join(DEFAULT, 'manifest.json'), 'utf8'));

function bytesUnder(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((sum, e) => sum + (e.isDirectory() ? bytesUnder(join(dir, e.name)) : statSync(join(dir, e.name)).size), 0);
}

describe('the default model package', () => {
  it('is at most 100 MB on disk and records its training run and rules, model and hybrid metrics for both label kinds', () => {
    expect(bytesUnder(DEFAULT)).toBeLessThanOrEqual(100 * 1024 * 1024);
    const { metrics, training } = manifestJson();
    // How it was trained (issue 5): the exact command, the wall time and the loss curve.
    expect(training.command).toContain('model_export.train');
    expect(training.wall_seconds).toBeGreaterThan(0);
    expect(training.loss_curve.length).toBeGreaterThan(1);
    for (const labels of ['text', 'registrar']) {
      for (const extractor of ['rules', 'model', 'hybrid']) {
        const mean = metrics[labels][extractor].mean;
        expect(mean, `${labels}/${extractor}`).toBeGreaterThan(0);
        expect(mean).toBeLessThanOrEqual(1);
      }
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
    const { extraction } = await engine.run(report, 'model');
    const values = Object.fromEntries(Object.entries(extraction.fields).map(([f, r]) => [f, r.value]));
    expect(values).toMatchObject({ pT: 'T2', pN: 'N0', grade: '3', ER: 'positive', PR: 'positive', HER2: 'negative' });
  }, 120_000);
});
