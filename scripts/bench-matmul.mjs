// A one-node ONNX model (fp32 MatMul of the backbone's MLP shape, 512 tokens) for the benchmark's
// "physical limit": written as protobuf bytes here, so measuring needs no Python and no model file.
// Field numbers from onnx.proto (ModelProto, GraphProto, NodeProto, ValueInfoProto, TypeProto).

export const MATMUL_SHAPE = { m: 512, k: 576, n: 1536 };

function varint(n) {
  const out = [];
  while (n > 127) {
    out.push((n & 127) | 128);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}

const field = (number, wire) => varint((number << 3) | wire);
const int = (number, value) => [...field(number, 0), ...varint(value)];
const bytes = (number, content) => [...field(number, 2), ...varint(content.length), ...content];
const text = (number, s) => bytes(number, [...new TextEncoder().encode(s)]);

/** ValueInfoProto: a float tensor of fixed shape. */
function tensorInfo(name, dims) {
  const shape = dims.flatMap((d) => bytes(1, int(1, d))); // TensorShapeProto.dim { dim_value }
  const tensorType = [...int(1, 1), ...bytes(2, shape)]; // elem_type FLOAT = 1, shape
  return [...text(1, name), ...bytes(2, bytes(1, tensorType))]; // name, type { tensor_type }
}

export function matmulModel({ m, k, n } = MATMUL_SHAPE) {
  const node = [...text(1, 'a'), ...text(1, 'b'), ...text(2, 'c'), ...text(4, 'MatMul')];
  const graph = [...bytes(1, node), ...text(2, 'matmul'), ...bytes(11, tensorInfo('a', [m, k])), ...bytes(11, tensorInfo('b', [k, n])), ...bytes(12, tensorInfo('c', [m, n]))];
  const model = [...int(1, 8), ...bytes(7, graph), ...bytes(8, int(2, 17))]; // ir_version 8, graph, opset 17
  return new Uint8Array(model);
}
