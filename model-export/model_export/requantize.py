"""Stage 2b — requantize: new variants of an existing package from one of its variants, for a package
whose training run is gone (the export stage needs the run; this one needs only the package).

    python -m model_export.requantize --package ../public/models/default --from q8 --variants int8 \
        --default int8 --version 3.1.0 --out runs/package-int8

The source variant's MatMulNBits weights are dequantized into an fp32 graph (exactly the arithmetic the
source runs: checked, max abs diff printed, fails over --tolerance), which is quantized as the export
stage quantizes fp32; each new variant is then compared with the source on the verification texts
(argmax agreement over every window and field, largest logit change; fails under --min-agreement).
The source was itself checked against PyTorch when it was exported; its manifest keeps that record.
Writes <out>.partial and moves it into place after verification; the manifest records the command.
"""
from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
import onnx
from onnx import helper, numpy_helper

from . import common
from .config import RequantizeConfig
from .data import Encoder
from .export import VARIANT_FILES, quantization_note, quantize, variant_entry, variant_files
from .schema import Schema
from .verify import BUILTIN_TEXTS, compare_quantized, max_abs_diffs, onnx_outputs, print_diffs, read_texts, verification_batch


def dequantized(model: onnx.ModelProto) -> onnx.ModelProto:
    """The model with every symmetric MatMulNBits (no zero points) as a MatMul of its fp32 weights."""
    inits = {t.name: t for t in model.graph.initializer}
    nodes, dropped, added = [], set(), []
    for node in model.graph.node:
        if node.op_type != "MatMulNBits":
            nodes.append(node)
            continue
        a = {x.name: helper.get_attribute_value(x) for x in node.attribute}
        if len(node.input) > 3 and node.input[3]:
            raise SystemExit(f"{node.name}: MatMulNBits with zero points is not supported (the export writes symmetric blocks)")
        k, n, bits, block = a["K"], a["N"], a["bits"], a["block_size"]
        packed = numpy_helper.to_array(inits[node.input[1]])  # [N, blocks, block * bits / 8] bytes
        scales = numpy_helper.to_array(inits[node.input[2]]).reshape(n, -1)
        if bits == 8:
            q = packed.reshape(n, -1, block).astype(np.float32)
        elif bits == 4:  # two values per byte, low nibble first
            q = np.stack([packed & 0x0F, packed >> 4], axis=-1).reshape(n, -1, block).astype(np.float32)
        else:
            raise SystemExit(f"{node.name}: {bits}-bit MatMulNBits is not supported")
        weight = ((q - 2 ** (bits - 1)) * scales[:, :, None]).reshape(n, -1)[:, :k].T
        name = f"{node.input[1]}_fp32"
        added.append(numpy_helper.from_array(np.ascontiguousarray(weight, dtype=np.float32), name))
        dropped |= {node.input[1], node.input[2]}
        nodes.append(helper.make_node("MatMul", [node.input[0], name], list(node.output), name=node.name))
    out = onnx.ModelProto()
    out.CopyFrom(model)
    del out.graph.node[:]
    out.graph.node.extend(nodes)
    kept = [t for t in model.graph.initializer if t.name not in dropped]
    del out.graph.initializer[:]
    out.graph.initializer.extend(kept + added)
    return out


def requantize(cfg: RequantizeConfig, verify_texts: list[str], command: str) -> dict:
    started = time.time()
    source = Path(cfg.package)
    manifest = common.read_json(source / "manifest.json")
    if cfg.source not in manifest["variants"]:
        raise SystemExit(f"{source} has no variant {cfg.source!r} (it has {', '.join(manifest['variants'])})")
    default = cfg.default or manifest["default_variant"]
    if default in cfg.drop:
        raise SystemExit(f"--drop {default} would leave the package without its default variant; name another with --default")
    schema = Schema.from_json(manifest["fields"])
    out = Path(cfg.out)
    stage = out.with_name(out.name + ".partial")
    shutil.rmtree(stage, ignore_errors=True)
    shutil.copytree(source, stage)
    encoder = Encoder(common.load_tokenizer(stage), manifest["max_length"], manifest["stride"])
    batch = verification_batch(encoder, BUILTIN_TEXTS + verify_texts)
    mask = batch.attention_mask.numpy().astype(np.float32)
    source_file = stage / manifest["variants"][cfg.source]["model"]
    reference = onnx_outputs(source_file, batch, schema)
    embeddings_int8 = "int8 rows" in manifest["variants"][cfg.source].get("quantization", "")
    record: dict = {"from": cfg.source, "command": command, "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "git_commit": common.git_commit(), "windows": int(batch.input_ids.shape[0])}
    failures: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = Path(tmp) / "dequantized.onnx"
        onnx.save_model(dequantized(onnx.load(str(source_file))), str(fp32))
        diffs = max_abs_diffs(reference, onnx_outputs(fp32, batch, schema), schema, mask)
        print_diffs(f"{cfg.source} vs its dequantized fp32 graph", diffs)
        worst = max(d["logits"] for d in diffs.values())
        record["dequantized_max_logit_diff"] = worst
        if worst > cfg.tolerance:
            failures.append(f"dequantized {cfg.source} differs by {worst:.3e} > {cfg.tolerance:.0e}")
        for variant in cfg.variants:
            print(f"quantizing: {variant}", flush=True)
            quantize(fp32, stage / VARIANT_FILES[variant], variant, cfg.block_size, False)
            record[f"{variant}_vs_{cfg.source}"] = compared = compare_quantized(reference, stage / VARIANT_FILES[variant], batch, schema, f"{variant} vs {cfg.source}")
            if compared["argmax_agreement"] < cfg.min_agreement:
                failures.append(f"{variant}: argmax agreement {compared['argmax_agreement']:.4f} < {cfg.min_agreement}")
            note = quantization_note(variant, cfg.block_size, embeddings_int8)
            manifest["variants"][variant] = variant_entry(stage, VARIANT_FILES[variant], False, f"{note} (requantized from {cfg.source})")
    if failures:
        raise SystemExit("verification failed:\n  " + "\n  ".join(failures) + f"\n(package left unpublished in {stage})")
    for variant in cfg.drop:
        for p in variant_files(stage, manifest["variants"][variant]["model"]):
            p.unlink()
        del manifest["variants"][variant]
    manifest["default_variant"] = default
    for name, v in manifest["variants"].items():
        v["default"] = name == manifest["default_variant"]
    if cfg.version:
        manifest["version"] = cfg.version
    record["seconds"] = round(time.time() - started, 1)
    manifest.setdefault("requantized", []).append(record)
    (stage / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    shutil.rmtree(out, ignore_errors=True)
    stage.rename(out)
    sizes = ", ".join(f"{v} {m['bytes'] / 1e6:.1f} MB" for v, m in manifest["variants"].items())
    print(f"wrote {out} ({sizes}; default {manifest['default_variant']})", flush=True)
    return manifest


def parse_args(argv: list[str] | None) -> tuple[RequantizeConfig, list[str]]:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    g = p.add_argument_group("input and output")
    g.add_argument("--package", required=True, help="model package folder to read (left unchanged)")
    g.add_argument("--out", required=True, help="package folder to write: the source's files plus the new variants")
    g.add_argument("--version", default="", help="package version of the result (default: the source's)")
    g = p.add_argument_group("variants")
    g.add_argument("--from", dest="source", default=RequantizeConfig.source, help="the source variant, a MatMulNBits one (q8 or q4)")
    g.add_argument("--variants", required=True, help="comma-separated variants to build: q4, q8, int8, fp16")
    g.add_argument("--block-size", type=int, default=RequantizeConfig.block_size, help="MatMulNBits block size of the new variants")
    g.add_argument("--default", default="", help="the result's default variant (default: the source's)")
    g.add_argument("--drop", default="", help="comma-separated variants the result leaves out (e.g. the source)")
    g = p.add_argument_group("verification")
    g.add_argument("--tolerance", type=float, default=RequantizeConfig.tolerance, help="max abs logit difference of the dequantized graph from the source")
    g.add_argument("--min-agreement", type=float, default=RequantizeConfig.min_agreement, help="min argmax agreement of a new variant with the source")
    g.add_argument("--verify-texts", nargs="*", default=[], help="JSONL files whose texts join the built-in verification texts")
    a = p.parse_args(argv)
    variants = tuple(v for v in a.variants.split(",") if v)
    unknown = [v for v in variants if v not in VARIANT_FILES or v == "fp32"]
    if unknown:
        p.error(f"unknown variants {unknown}; known: q4, q8, int8, fp16")
    drop = tuple(v for v in a.drop.split(",") if v)
    if a.default and a.default in drop:
        p.error(f"--default {a.default} is also dropped")
    cfg = RequantizeConfig(package=a.package, out=a.out, version=a.version, source=a.source, variants=variants, block_size=a.block_size, default=a.default, drop=drop, tolerance=a.tolerance, min_agreement=a.min_agreement)
    return cfg, read_texts(a.verify_texts)


def main(argv: list[str] | None = None) -> None:
    cfg, texts = parse_args(argv)
    requantize(cfg, texts, common.command_line("model_export.requantize", argv))


if __name__ == "__main__":
    main()
