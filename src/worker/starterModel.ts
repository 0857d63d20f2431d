// The smallest ONNX model, y = Identity(x) over one float (opset 13, IR 8; written by onnx.helper and
// checked by onnx.checker). A session on it starts ONNX Runtime's WebAssembly (compile, instantiate,
// thread pool) without the package, so the runtime's start overlaps with reading and verifying the
// package instead of following it. Kept apart from runtime.ts so Node tests can run it.
export const STARTER_MODEL = new Uint8Array([
  8, 8, 18, 0, 58, 55, 10, 16, 10, 1, 120, 18, 1, 121, 34, 8, 73, 100, 101, 110, 116, 105, 116, 121, 18, 1, 103, 90, 15, 10, 1, 120, 18, 10, 10, 8, 8,
  1, 18, 4, 10, 2, 8, 1, 98, 15, 10, 1, 121, 18, 10, 10, 8, 8, 1, 18, 4, 10, 2, 8, 1, 66, 4, 10, 0, 16, 13,
]);
