// The model the inference worker starts ONNX Runtime with (src/worker/starterModel.ts) must load and
// run in ONNX Runtime, or the worker's start would fail before any package is read.
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { STARTER_MODEL } from '../src/worker/starterModel';

describe('starter model', () => {
  it('is a one-float Identity model that ONNX Runtime runs', async () => {
    const session = await ort.InferenceSession.create(STARTER_MODEL);
    expect(session.inputNames).toEqual(['x']);
    expect(session.outputNames).toEqual(['y']);
    const out = await session.run({ x: new ort.Tensor('float32', new Float32Array([2.5]), [1]) });
    expect(Array.from(out.y!.data as Float32Array)).toEqual([2.5]);
    await session.release();
  });
});
