"""Stage 2 — export: merge LoRA into the backbone, export backbone + heads to ONNX (fp32 and 4-bit
weight-only, heads kept fp32), verify against PyTorch and write the model package the app loads.

    python -m model_export.export --run runs/brca --out ../public/models/brca --id brca

Package: manifest.json (fields in head order, backbone summary, windows, variants with sha256 and
bytes, training summary and metrics, verification, command), the ONNX files, tokenizer.json and
tokenizer_config.json. It is written to <out>.partial and moved into place only after verification.
"""
from __future__ import annotations

import argparse
import json
import logging
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
import onnx
import torch

from . import common
from .config import ExportConfig
from .data import Encoder
from .schema import Schema
from .verify import BUILTIN_TEXTS, VerificationError, check_package, merge_with_reference, output_names, read_texts, verification_batch

VARIANT_FILES = {"fp32": "model.onnx", "q4": "model_q4.onnx", "q8": "model_q8.onnx", "int8": "model_int8.onnx", "fp16": "model_fp16.onnx"}
NBITS = {"q4": 4, "q8": 8}  # the MatMulNBits variants and their weight bits
# ONNX protobufs cannot exceed 2 GB; larger models keep their weights in an external data file.
PROTOBUF_LIMIT = 2**31 - 1


class Exportable(torch.nn.Module):
    """Merged model with a flat tuple of named outputs, in the order of output_names()."""

    def __init__(self, model, names: list[str]):
        super().__init__()
        self.model = model
        self.names = names

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor):
        out = self.model(input_ids=input_ids, attention_mask=attention_mask)
        return tuple(out[n] for n in self.names)


def export_fp32(model, schema: Schema, path: Path, opset: int, example: tuple[torch.Tensor, torch.Tensor]) -> None:
    names = output_names(schema)
    batch, seq = torch.export.Dim("batch", min=1), torch.export.Dim("seq", min=2)
    param_bytes = sum(p.numel() * p.element_size() for p in model.parameters())
    program = torch.onnx.export(
        Exportable(model, names).eval(),
        example,
        input_names=["input_ids", "attention_mask"],
        output_names=names,
        dynamic_shapes={"input_ids": {0: batch, 1: seq}, "attention_mask": {0: batch, 1: seq}},
        opset_version=opset,
        dynamo=True,
    )
    program.save(str(path), external_data=param_bytes > PROTOBUF_LIMIT * 0.9)


def head_nodes(model: onnx.ModelProto) -> list[str]:
    """Nodes that belong to the field heads (the exporter records each node's module scope)."""
    names = []
    for node in model.graph.node:
        scopes = next((p.value for p in node.metadata_props if p.key == "pkg.torch.onnx.name_scopes"), "")
        if ".heads." in scopes or "'heads" in scopes:
            names.append(node.name)
    return names


def int8_embedding(model: onnx.ModelProto) -> None:
    """Stores the token embedding as int8 rows with one fp32 scale per row, looked up with standard ops
    (Gather → Cast → Mul): a quarter of the fp32 size, accurate to ~0.4 % per row, and it runs on
    onnxruntime-web, whose WASM build lacks GatherBlockQuantized."""
    from onnx import helper, numpy_helper

    inits = {t.name: t for t in model.graph.initializer}
    node = next(n for n in model.graph.node if n.op_type == "Gather" and n.input[0] in inits and len(inits[n.input[0]].dims) == 2)
    table = numpy_helper.to_array(inits[node.input[0]]).astype(np.float32)
    scale = np.maximum(np.abs(table).max(axis=1), 1e-12) / 127.0
    q = np.clip(np.round(table / scale[:, None]), -127, 127).astype(np.int8)
    name, ids, out = node.input[0], node.input[1], node.output[0]
    model.graph.initializer.remove(inits[name])
    model.graph.initializer.extend([numpy_helper.from_array(q, f"{name}_int8"), numpy_helper.from_array(scale.astype(np.float32)[:, None], f"{name}_scale")])
    replacement = [
        helper.make_node("Gather", [f"{name}_int8", ids], [f"{out}_int8"], name=f"{node.name}_int8", axis=0),
        helper.make_node("Cast", [f"{out}_int8"], [f"{out}_f32"], name=f"{node.name}_cast", to=onnx.TensorProto.FLOAT),
        helper.make_node("Gather", [f"{name}_scale", ids], [f"{out}_scale"], name=f"{node.name}_scale", axis=0),
        helper.make_node("Mul", [f"{out}_f32", f"{out}_scale"], [out], name=f"{node.name}_dequant"),
    ]
    at = list(model.graph.node).index(node)
    model.graph.node.remove(node)
    for k, n in enumerate(replacement):
        model.graph.node.insert(at + k, n)


def down_projections(model: onnx.ModelProto, exclude: list[str]) -> list[str]:
    """The MLP down projections: the backbone MatMuls whose weight reads the widest input (the MLP's
    intermediate width is the largest in a Llama layer). Their inputs carry the outlier activations
    (SiLU(gate) · up) that one int8 scale per tensor cannot hold."""
    weights = {t.name: list(t.dims) for t in model.graph.initializer if len(t.dims) == 2}
    matmuls = [(n.name, weights[n.input[1]][0]) for n in model.graph.node if n.op_type == "MatMul" and n.name not in exclude and n.input[1] in weights]
    widest = max((k for _, k in matmuls), default=0)
    return [name for name, k in matmuls if k == widest]


def quantize_nbits(model: onnx.ModelProto, bits: int, block_size: int, keep_fp32: list[str]) -> onnx.ModelProto:
    from onnxruntime.quantization.matmul_nbits_quantizer import MatMulNBitsQuantizer

    # Importing it configures the root logger at INFO (one line per excluded node, and every later
    # onnxscript pass); keep the output to what matters.
    logging.getLogger().setLevel(logging.WARNING)
    logging.getLogger("onnxruntime.quantization.matmul_nbits_quantizer").setLevel(logging.ERROR)
    q = MatMulNBitsQuantizer(model, bits=bits, block_size=block_size, is_symmetric=True, nodes_to_exclude=keep_fp32, op_types_to_quantize=("MatMul",))
    q.process()
    return q.model.model


# RMSNorm's mean of squares overflows fp16 (65,504) on this backbone's large residual activations, and a
# softmax or log-sum-exp is where half precision loses most; these run in fp32 between casts.
FP32_OPS_IN_FP16 = ["Pow", "ReduceMean", "Sqrt", "Reciprocal", "Softmax", "ReduceLogSumExp"]


def half_precision(model: onnx.ModelProto, keep_fp32: list[str]) -> onnx.ModelProto:
    """fp16 weights and activations for WebGPU on adapters with shader-f16 (GPUs run half precision at
    up to twice the fp32 rate and it halves the bytes each MatMul reads); inputs and outputs stay as the
    app feeds and reads them, the heads and the numerically fragile ops stay fp32."""
    from onnxruntime.transformers.float16 import DEFAULT_OP_BLOCK_LIST
    from onnxruntime.transformers.onnx_model import OnnxModel

    logging.getLogger("onnxruntime.transformers").setLevel(logging.ERROR)
    # Through OnnxModel rather than the bare converter: it then folds the cast chains the converter leaves
    # between fp32 nodes (the heads' logits went through fp16 and back on their way out).
    converted = OnnxModel(model)
    converted.convert_float_to_float16(keep_io_types=True, op_block_list=[*DEFAULT_OP_BLOCK_LIST, *FP32_OPS_IN_FP16], node_block_list=keep_fp32)
    half = converted.model
    # It still casts the fp32 weights of the nodes it kept fp32 to fp32, once per load: read them directly.
    fp32_weights = {t.name for t in half.graph.initializer if t.data_type == onnx.TensorProto.FLOAT}
    to_float = lambda n: next(a.i for a in n.attribute if a.name == "to") == onnx.TensorProto.FLOAT
    useless = {n.output[0]: n.input[0] for n in half.graph.node if n.op_type == "Cast" and n.input[0] in fp32_weights and to_float(n)}
    kept = [n for n in half.graph.node if not (n.op_type == "Cast" and n.output[0] in useless)]
    for node in kept:
        node.input[:] = [useless.get(i, i) for i in node.input]
    del half.graph.node[:]
    half.graph.node.extend(kept)
    # The cast folding leaves value types that no longer hold (a "_cast_to_fp16" now fp32); they are optional.
    del half.graph.value_info[:]
    return half


def quantize(src: Path, dst: Path, variant: str, block_size: int, quantize_embeddings: bool) -> None:
    model = onnx.load(str(src))
    keep_fp32 = head_nodes(model)
    if variant in NBITS:
        # Symmetric 4- or 8-bit blocks on every backbone MatMul (MatMulNBits); the heads are tiny and
        # stay fp32. 8 bits cost twice the weight bytes of 4 and keep a sharply trained model's argmax.
        quantized = quantize_nbits(model, NBITS[variant], block_size, keep_fp32)
    elif variant == "int8":
        from onnxruntime.quantization import QuantType, quantize_dynamic

        # Dynamic int8 (MatMulInteger, activations quantized per call): WebAssembly has integer dot
        # products but no kernel for MatMulNBits, which it dequantizes to fp32 on every call, so int8 runs
        # about 1.5x faster there. With int8 everywhere, argmaxes flipped on a quarter of the windows
        # (package 3.0.0); the down projections, whose inputs hold outliers, stay 8-bit blocks.
        down = down_projections(model, keep_fp32)
        with tempfile.TemporaryDirectory() as tmp:
            # It rewrites each Gemm (the heads' classifiers) as "<name>_MatMul" + Add before it looks at the
            # exclusions: both names keep them fp32.
            heads = keep_fp32 + [f"{n}_MatMul" for n in keep_fp32]
            quantize_dynamic(str(src), f"{tmp}/int8.onnx", weight_type=QuantType.QInt8, nodes_to_exclude=heads + down, op_types_to_quantize=["MatMul"])
            partly = onnx.load(f"{tmp}/int8.onnx")
        quantized = quantize_nbits(partly, 8, block_size, heads)
    elif variant == "fp16":
        quantized = half_precision(model, keep_fp32)
    else:
        raise ValueError(f"unknown variant {variant!r}; known: {', '.join(VARIANT_FILES)}")
    # With --int8-embeddings the token embedding (a large share of a small model) becomes int8 rows.
    if quantize_embeddings:
        int8_embedding(quantized)
    onnx.save_model(quantized, str(dst), save_as_external_data=quantized.ByteSize() > PROTOBUF_LIMIT * 0.9)


def quantization_note(variant: str, block_size: int, int8_embeddings: bool) -> str:
    if variant == "fp32":
        return "none"
    if variant == "fp16":
        return f"fp16 weights and activations; heads and {', '.join(FP32_OPS_IN_FP16)} fp32"
    weights = f"{NBITS[variant]}-bit symmetric MatMulNBits in blocks of {block_size}" if variant in NBITS else f"dynamic int8 MatMulInteger, MLP down projections 8-bit MatMulNBits in blocks of {block_size}"
    return weights + "; heads fp32" + ("; token embedding as int8 rows" if int8_embeddings else "")


def variant_files(folder: Path, model_file: str) -> list[Path]:
    """The model file and its external data, if any."""
    return [p for p in sorted(folder.iterdir()) if p.name == model_file or p.name.startswith(model_file + ".") or p.name == model_file.replace(".onnx", ".onnx_data")]


def variant_entry(folder: Path, model_file: str, default: bool, quantization: str) -> dict:
    """A variant's manifest entry: its model file, every file it needs with sha256 and bytes, its note."""
    files = [common.file_entry(p, folder) for p in variant_files(folder, model_file)]
    return {"model": model_file, "files": files, "bytes": sum(f["bytes"] for f in files), "default": default, "quantization": quantization}


def export(cfg: ExportConfig, verify_texts: list[str], command: str) -> dict:
    started = time.time()
    run = Path(cfg.run)
    run_manifest = common.read_json(run / "manifest.json")
    schema = Schema.from_json(run_manifest["schema"]["fields"], run_manifest["schema"]["version"])
    windows = run_manifest["windows"]
    out = Path(cfg.out)
    stage = out.with_name(out.name + ".partial")
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir(parents=True)

    peft_model = common.load_trained(run, schema, run_manifest["backbone"]["path"])
    common.save_tokenizer_files(run / "tokenizer", stage)
    encoder = Encoder(common.load_tokenizer(stage), windows["max_length"], windows["stride"])
    batch = verification_batch(encoder, BUILTIN_TEXTS + verify_texts)
    merged, peft_out, merged_out = merge_with_reference(peft_model, batch, schema)

    print(f"exporting fp32 ONNX (opset {cfg.opset})", flush=True)
    export_fp32(merged, schema, stage / VARIANT_FILES["fp32"], cfg.opset, (batch.input_ids[:1, :8], batch.attention_mask[:1, :8]))
    for variant in cfg.variants:
        if variant != "fp32":
            print(f"quantizing: {variant}", flush=True)
            quantize(stage / VARIANT_FILES["fp32"], stage / VARIANT_FILES[variant], variant, cfg.block_size, cfg.int8_embeddings)
    variants = {v: VARIANT_FILES[v] for v in ("fp32", *[v for v in cfg.variants if v != "fp32"])}
    try:
        verification = check_package(stage, variants, batch, peft_out, merged_out, schema, cfg.tolerance, cfg.min_q4_agreement)
    except VerificationError as e:
        raise SystemExit(f"{e}\n(package left unpublished in {stage})") from None

    shipped = {v: f for v, f in variants.items() if not cfg.ship or v in cfg.ship}
    for v, file in variants.items():
        if v not in shipped:
            for p in variant_files(stage, file):
                p.unlink()
    default_variant = "q4" if "q4" in shipped else next(iter(shipped))
    manifest_variants = {}
    for v, file in shipped.items():
        manifest_variants[v] = variant_entry(stage, file, v == default_variant, quantization_note(v, cfg.block_size, cfg.int8_embeddings))
    backbone = {k: v for k, v in run_manifest["backbone"].items() if k != "path"}
    backbone["source"] = Path(run_manifest["backbone"]["path"]).name
    manifest = common.write_manifest(
        stage / "manifest.json",
        {
            "format": "path-extract-model-package",
            "format_version": 1,
            "id": cfg.package_id,
            "version": cfg.version,
            "command": command,
            "fields": schema.to_json(),
            "backbone": backbone,
            "lora": run_manifest["config"]["lora"],
            "heads": {"type": "attention-pooling", "evidence": "softmax of a learned per-field query against the final hidden states, per window"},
            "max_length": windows["max_length"],
            "stride": windows["stride"],
            "bos_token_id": windows["bos_token_id"],
            "pad_token_id": windows["pad_token_id"],
            "windowing": "token ids of the text without special tokens; windows of max_length - 1 tokens starting every stride tokens (until one reaches the end), each prefixed with BOS",
            "inputs": [{"name": n, "dtype": "int64", "shape": ["batch", "seq"]} for n in ("input_ids", "attention_mask")],
            "outputs": {
                "logits_<field>": "float32 [batch, labels]: per-window logits",
                "evidence_<field>": "float32 [batch, seq]: per-window attention weights over tokens (sum to 1 over real tokens)",
                "window_score_<field>": "float32 [batch]: log-sum-exp of the field's attention scores in the window",
            },
            "window_combination": "report logits = sum over windows of softmax(window_score)[w] * logits[w]; token evidence = softmax(window_score)[w] * evidence[w] (exact attention pooling over all windows)",
            "variants": manifest_variants,
            "default_variant": default_variant,
            "tokenizer": {"files": [common.file_entry(stage / n, stage) for n in common.TOKENIZER_FILES]},
            "training": {k: run_manifest.get(k) for k in ("command", "data", "evaluations", "loss_curve", "wall_seconds", "trainable_parameters", "device", "git_commit")},
            "verification": verification,
            "metrics": json.loads(Path(cfg.metrics).read_text()) if cfg.metrics else None,
            "export_seconds": round(time.time() - started, 1),
        },
    )
    shutil.rmtree(out, ignore_errors=True)
    stage.rename(out)
    sizes = ", ".join(f"{v} {m['bytes'] / 1e6:.1f} MB" for v, m in manifest_variants.items())
    print(f"wrote {out} ({sizes})", flush=True)
    return manifest


def parse_args(argv: list[str] | None) -> tuple[ExportConfig, list[str]]:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    g = p.add_argument_group("input and output")
    g.add_argument("--run", required=True, help="training run folder (adapter, tokenizer, manifest.json)")
    g.add_argument("--out", required=True, help="model package folder to write (e.g. ../public/models/<id>)")
    g.add_argument("--id", default="model", help="package id, as the app lists it")
    g.add_argument("--version", default="0.1.0", help="package version")
    g = p.add_argument_group("ONNX")
    g.add_argument("--opset", type=int, default=ExportConfig.opset, help="ONNX opset (≥ 17)")
    g.add_argument("--variants", default="fp32,q4", help="comma-separated: fp32 (always), q4, q8, int8, fp16 (for WebGPU)")
    g.add_argument("--ship", default="", help="comma-separated variants the package keeps after verification (default: all); e.g. q4 for a small download")
    g.add_argument("--block-size", type=int, default=ExportConfig.block_size, help="MatMulNBits block size of q4 and q8 (16, 32, 64, 128)")
    g.add_argument("--int8-embeddings", action="store_true", help="in the quantized variants, store the token embedding as int8 rows (standard ONNX ops, runs on onnxruntime-web)")
    g = p.add_argument_group("verification")
    g.add_argument("--tolerance", type=float, default=ExportConfig.tolerance, help="max abs logit difference vs PyTorch")
    g.add_argument("--min-q4-agreement", type=float, default=ExportConfig.min_q4_agreement, help="min argmax agreement of quantized variants")
    g.add_argument("--verify-texts", nargs="*", default=[], help="JSONL files whose texts join the built-in verification texts")
    g = p.add_argument_group("documentation")
    g.add_argument("--metrics", default=None, help="a JSON file of measured metrics (e.g. cross-validation) to record in the manifest")
    a = p.parse_args(argv)
    if a.opset < 17:
        p.error("--opset must be at least 17")
    variants = tuple(v for v in a.variants.split(",") if v)
    unknown = [v for v in variants if v not in VARIANT_FILES]
    if unknown:
        p.error(f"unknown variants {unknown}; known: {', '.join(VARIANT_FILES)}")
    ship = tuple(v for v in a.ship.split(",") if v)
    if any(v not in variants and v != "fp32" for v in ship):
        p.error(f"--ship {a.ship}: ship only variants that are built ({', '.join(('fp32', *variants))})")
    cfg = ExportConfig(metrics=a.metrics, ship=ship, run=a.run, out=a.out, package_id=a.id, version=a.version, opset=a.opset, variants=variants, block_size=a.block_size, int8_embeddings=a.int8_embeddings, tolerance=a.tolerance, min_q4_agreement=a.min_q4_agreement)
    return cfg, read_texts(a.verify_texts)


def main(argv: list[str] | None = None) -> None:
    cfg, texts = parse_args(argv)
    export(cfg, texts, common.command_line("model_export.export", argv))


if __name__ == "__main__":
    main()
