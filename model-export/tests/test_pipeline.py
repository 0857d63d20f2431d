"""End to end on CPU with Llama-3's conventions and tokenizer: train (loss decreases) → export → verify,
the package's manifest and hashes, the evaluate stage, and the failures that must stop an export."""
from __future__ import annotations

import json

import numpy as np
import onnx
import pytest
from onnx import numpy_helper

from model_export import evaluate, export, tiny, train, verify
from model_export.common import sha256_file


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory, llama3_tokenizer_dir):
    work = tmp_path_factory.mktemp("pipeline")
    backbone = tiny.make_backbone(work / "backbone")
    data = tiny.write_reports(work / "reports.jsonl")
    train.main([
        "--backbone", str(backbone), "--tokenizer", str(llama3_tokenizer_dir), "--train-data", str(data),
        "--eval-data", str(data), "--eval-every", "10", "--out", str(work / "run"), "--max-steps", "30",
        "--batch-size", "3", "--grad-accum", "2", "--max-length", "48", "--stride", "32", "--lr", "5e-3",
        "--head-lr", "5e-2", "--warmup-steps", "2", "--lora-r", "4", "--lora-alpha", "8", "--no-progress",
        "--class-weights",
    ])
    return work


@pytest.fixture(scope="module")
def package(run_dir):
    out = run_dir / "package"
    export.main([
        "--run", str(run_dir / "run"), "--out", str(out), "--id", "pipeline-test", "--variants", "fp32,q4,q8,int8,fp16",
        "--verify-texts", str(run_dir / "reports.jsonl"), "--min-q4-agreement", str(tiny.TINY_MIN_Q4_AGREEMENT),
    ])
    return out


def test_training_loss_decreases_and_is_recorded(run_dir):
    manifest = json.loads((run_dir / "run" / "manifest.json").read_text())
    losses = [p["loss"] for p in manifest["loss_curve"]]
    assert len(losses) == 30
    assert np.mean(losses[-5:]) < 0.5 * np.mean(losses[:5])
    assert manifest["windows"] == {"max_length": 48, "stride": 32, "bos_token_id": 128000, "pad_token_id": 128001}
    assert manifest["backbone"]["vocab_size"] == 128256
    assert manifest["command"].startswith("python -m model_export.train ")
    assert [e["step"] for e in manifest["evaluations"]] == [10, 20, 30]
    assert manifest["evaluations"][-1]["mean_macro_f1"] > manifest["evaluations"][0]["mean_macro_f1"] - 1e-9
    assert manifest["data"]["train_label_counts"]["pT"]["T2"] == 1


def test_package_layout_manifest_and_hashes(package, schema):
    manifest = json.loads((package / "manifest.json").read_text())
    assert manifest["fields"] == schema.to_json()
    assert (manifest["max_length"], manifest["stride"]) == (48, 32)
    assert set(manifest["variants"]) == {"fp32", "q4", "q8", "int8", "fp16"}
    assert manifest["default_variant"] == "q4"
    assert manifest["variants"]["q8"]["quantization"].startswith("8-bit symmetric MatMulNBits")
    # 8-bit weights drift far less than 4-bit ones from the fp32 logits.
    drift = {v: manifest["verification"][f"{v}_vs_fp32"]["max_logit_diff"] for v in ("q4", "q8")}
    assert drift["q8"] < drift["q4"] / 4
    for v in manifest["variants"].values():
        for f in v["files"]:
            assert sha256_file(package / f["path"]) == f["sha256"]
            assert (package / f["path"]).stat().st_size == f["bytes"]
    for f in manifest["tokenizer"]["files"]:
        assert sha256_file(package / f["path"]) == f["sha256"]
    assert manifest["verification"]["passed"] is True
    assert manifest["command"].startswith("python -m model_export.export ")
    assert not (package.parent / "package.partial").exists()


def test_onnx_interface_and_quantization(package, schema):
    fp32 = onnx.load(str(package / "model.onnx"))
    assert [i.name for i in fp32.graph.input] == ["input_ids", "attention_mask"]
    assert all(i.type.tensor_type.elem_type == onnx.TensorProto.INT64 for i in fp32.graph.input)
    outputs = {o.name: o for o in fp32.graph.output}
    for name in schema.names:
        assert {f"logits_{name}", f"evidence_{name}", f"window_score_{name}"} <= set(outputs)
        dims = outputs[f"logits_{name}"].type.tensor_type.shape.dim
        assert dims[1].dim_value == len(schema.field(name).labels)
    assert max(o.version for o in fp32.opset_import if o.domain in ("", "ai.onnx")) >= 17
    q4 = onnx.load(str(package / "model_q4.onnx"))
    ops = [n.op_type for n in q4.graph.node]
    # Every backbone projection (7 per layer × 2 layers) is 4-bit; the heads' classifiers stay fp32 Gemm.
    assert ops.count("MatMulNBits") == 14
    assert ops.count("Gemm") == len(schema.names)


def test_fp16_halves_the_backbone_and_keeps_the_fragile_parts_and_the_interface_fp32(package, schema):
    fp32, fp16 = (onnx.load(str(package / f)) for f in ("model.onnx", "model_fp16.onnx"))
    # The app feeds and reads it as it does every variant: int64 ids and mask in, fp32 logits out.
    assert [(i.name, i.type.tensor_type.elem_type) for i in fp16.graph.input] == [(i.name, i.type.tensor_type.elem_type) for i in fp32.graph.input]
    assert {o.type.tensor_type.elem_type for o in fp16.graph.output} == {onnx.TensorProto.FLOAT}
    weights = {t.name: t.data_type for t in fp16.graph.initializer}
    matmuls = [n for n in fp16.graph.node if n.op_type == "MatMul" and n.input[1] in weights]
    half = [n for n in matmuls if weights[n.input[1]] == onnx.TensorProto.FLOAT16]
    assert len(half) == 14  # q, k, v, o, gate, up, down × 2 layers
    # The heads' classifiers stay fp32, and so does each norm's mean of squares (it would overflow fp16).
    assert all(weights[n.input[1]] == onnx.TensorProto.FLOAT for n in fp16.graph.node if n.op_type == "Gemm")
    assert sum(n.op_type == "Gemm" for n in fp16.graph.node) == len(schema.names)
    producer = {o: n for n in fp16.graph.node for o in n.output}
    to = lambda n: next(a.i for a in n.attribute if a.name == "to")
    squares = [n for n in fp16.graph.node if n.op_type == "Pow"]
    assert len(squares) == 5  # 2 layers × 2 norms + the final norm
    assert all(producer[n.input[0]].op_type == "Cast" and to(producer[n.input[0]]) == onnx.TensorProto.FLOAT for n in squares)
    assert all(producer[n.input[0]].op_type == "Pow" for n in fp16.graph.node if n.op_type == "ReduceMean")
    assert (package / "model_fp16.onnx").stat().st_size < 0.6 * (package / "model.onnx").stat().st_size
    compared = json.loads((package / "manifest.json").read_text())["verification"]["fp16_vs_fp32"]
    assert compared["argmax_agreement"] == 1.0 and compared["max_logit_diff"] < 0.05


def test_standalone_verify_passes_and_prints_per_field_diffs(run_dir, package, capsys, schema):
    verify.main(["--run", str(run_dir / "run"), "--package", str(package), "--min-q4-agreement", str(tiny.TINY_MIN_Q4_AGREEMENT)])
    out = capsys.readouterr().out
    for name in schema.names:
        assert f"  {name} " in out
    assert "verification passed" in out
    report = json.loads((package / "verification.json").read_text())
    assert report["passed"] and report["kind"] == "verification"
    assert max(d["logits"] for d in report["merged_vs_onnx_fp32"].values()) <= 1e-4


def test_verify_fails_on_a_tampered_model(run_dir, package, tmp_path):
    bad = tmp_path / "bad"
    bad.mkdir()
    for f in package.iterdir():
        (bad / f.name).write_bytes(f.read_bytes())
    model = onnx.load(str(bad / "model.onnx"))
    weight = max(model.graph.initializer, key=lambda t: len(t.dims) == 2 and t.dims[0] * t.dims[1] < 10_000 and "heads" not in t.name)
    array = numpy_helper.to_array(weight).copy()
    array += 0.05
    weight.CopyFrom(numpy_helper.from_array(array, weight.name))
    onnx.save(model, str(bad / "model.onnx"))
    with pytest.raises(SystemExit, match="merged vs ONNX fp32: .* logits differ"):
        verify.main(["--run", str(run_dir / "run"), "--package", str(bad), "--min-q4-agreement", "0"])


def test_export_refuses_a_quantized_variant_below_the_agreement_bar(run_dir):
    out = run_dir / "refused"
    with pytest.raises(SystemExit, match="q4: argmax agreement"):
        export.main(["--run", str(run_dir / "run"), "--out", str(out), "--min-q4-agreement", "1.01"])
    assert not out.exists()
    assert (run_dir / "refused.partial").exists()


def test_evaluate_reads_the_package_like_the_app(package, run_dir, tmp_path):
    out = tmp_path / "eval.json"
    evaluate.main(["--package", str(package), "--data", str(run_dir / "reports.jsonl"), "--variant", "fp32", "--json", str(out)])
    result = json.loads(out.read_text())
    assert result["reports"] == 6 and result["variant"] == "fp32"
    assert result["fields"]["pT"]["n"] == 6
    # Trained to memorise six reports: the fp32 model reproduces their labels.
    assert result["fields"]["pT"]["accuracy"] == 1.0


def test_the_tiny_package_command_builds_a_verified_package(tmp_path, schema):
    """The one command that makes the package the app's browser tests load."""
    tiny.main(["package", "--out", str(tmp_path / "tiny-random")])
    manifest = json.loads((tmp_path / "tiny-random" / "manifest.json").read_text())
    assert manifest["id"] == "tiny-random"
    assert manifest["fields"] == schema.to_json()
    assert manifest["verification"]["passed"] is True
    assert manifest["backbone"]["vocab_size"] == 128256
    assert {f["path"] for f in manifest["tokenizer"]["files"]} == {"tokenizer.json", "tokenizer_config.json"}


def test_a_package_can_ship_only_its_quantized_variant_with_int8_embeddings(run_dir, schema):
    out = run_dir / "q4-only"
    export.main(["--run", str(run_dir / "run"), "--out", str(out), "--ship", "q4", "--int8-embeddings", "--min-q4-agreement", str(tiny.TINY_MIN_Q4_AGREEMENT)])
    manifest = json.loads((out / "manifest.json").read_text())
    q4 = onnx.load(str(out / "model_q4.onnx"))
    # The embedding is int8 rows behind standard ops: onnxruntime-web has no GatherBlockQuantized.
    assert "GatherBlockQuantized" not in {n.op_type for n in q4.graph.node}
    int8 = [t for t in q4.graph.initializer if t.data_type == onnx.TensorProto.INT8]
    assert [list(t.dims) for t in int8] == [[128256, 32]]
    assert manifest["variants"]["q4"]["bytes"] < 0.5 * json.loads((run_dir / "package" / "manifest.json").read_text())["variants"]["q4"]["bytes"]
    assert set(manifest["variants"]) == {"q4"} and manifest["default_variant"] == "q4"
    assert not (out / "model.onnx").exists()
    assert "merged_vs_onnx_fp32" in manifest["verification"]  # fp32 was checked before it was dropped
    # Standalone verification of a q4-only package compares it with PyTorch directly.
    verify.main(["--run", str(run_dir / "run"), "--package", str(out), "--min-q4-agreement", str(tiny.TINY_MIN_Q4_AGREEMENT)])


def test_frozen_layer_outputs_are_reused_from_disk(run_dir, llama3_tokenizer_dir, tmp_path, capsys):
    backbone = tiny.make_backbone(tmp_path / "backbone")
    data = run_dir / "reports.jsonl"
    cache = tmp_path / "frozen.pt"
    args = ["--backbone", str(backbone), "--tokenizer", str(llama3_tokenizer_dir), "--train-data", str(data), "--max-steps", "2",
            "--batch-size", "3", "--grad-accum", "1", "--max-length", "48", "--stride", "32", "--lora-top-layers", "1",
            "--cache-frozen", "--frozen-cache", str(cache), "--no-progress"]
    train.main([*args, "--out", str(tmp_path / "a")])
    assert cache.exists()
    train.main([*args, "--out", str(tmp_path / "b")])
    assert "reusing frozen-layer outputs of 6 reports" in capsys.readouterr().out
    a = json.loads((tmp_path / "a" / "manifest.json").read_text())["loss_curve"]
    b = json.loads((tmp_path / "b" / "manifest.json").read_text())["loss_curve"]
    assert [p["loss"] for p in a] == [p["loss"] for p in b]  # same seed, same cached inputs, same training


def test_record_metrics_moves_temperatures_and_the_hybrid_policy_into_the_manifest(package, tmp_path):
    from model_export import record_metrics

    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "manifest.json").write_text((package / "manifest.json").read_text())
    metrics = {"temperature": {"pT": 1.7, "ER": 0.9}, "hybrid_policy": {"fill_at": {"ER": 0.95, "pT": None}}, "macroF1": {"pooled": {}}}
    (tmp_path / "m.json").write_text(json.dumps(metrics))
    record_metrics.main(["--package", str(pkg), "--metrics", str(tmp_path / "m.json"), "--measured-by", "crossval"])
    manifest = json.loads((pkg / "manifest.json").read_text())
    assert manifest["calibration"]["temperature"] == {"pT": 1.7, "ER": 0.9}
    assert manifest["hybrid_policy"]["fill_at"] == {"ER": 0.95, "pT": None}
    assert "temperature" not in manifest["metrics"] and manifest["metrics"]["measured_by"] == "crossval"
    # the hashed files are untouched: only the manifest changed
    assert manifest["variants"] == json.loads((package / "manifest.json").read_text())["variants"]


def test_requantize_derives_int8_from_q8_without_the_training_run(run_dir, tmp_path, schema):
    from model_export import requantize

    q8_only = run_dir / "q8-only"
    export.main(["--run", str(run_dir / "run"), "--out", str(q8_only), "--variants", "fp32,q8", "--ship", "q8", "--min-q4-agreement", str(tiny.TINY_MIN_Q4_AGREEMENT)])
    # Dropping the default variant without naming another would leave a package the app cannot load.
    with pytest.raises(SystemExit, match="without its default variant"):
        requantize.main(["--package", str(q8_only), "--out", str(tmp_path / "no-default"), "--from", "q8", "--variants", "int8", "--drop", "q8"])
    assert not (tmp_path / "no-default").exists() and not (tmp_path / "no-default.partial").exists()
    out = tmp_path / "int8"
    requantize.main(["--package", str(q8_only), "--out", str(out), "--from", "q8", "--variants", "int8", "--default", "int8", "--drop", "q8", "--version", "9.9.9", "--min-agreement", str(tiny.TINY_MIN_Q4_AGREEMENT)])
    manifest = json.loads((out / "manifest.json").read_text())
    assert set(manifest["variants"]) == {"int8"} and manifest["default_variant"] == "int8" and manifest["version"] == "9.9.9"
    assert not (out / "model_q8.onnx").exists() and (q8_only / "model_q8.onnx").exists()  # the source is left as it was
    entry = manifest["variants"]["int8"]
    assert entry["default"] and entry["files"][0]["sha256"] == sha256_file(out / "model_int8.onnx")
    assert "requantized from q8" in entry["quantization"]
    record = manifest["requantized"][-1]
    assert record["from"] == "q8" and record["dequantized_max_logit_diff"] < 1e-4
    assert record["int8_vs_q8"]["argmax_agreement"] >= tiny.TINY_MIN_Q4_AGREEMENT
    nodes = onnx.load(str(out / "model_int8.onnx")).graph.node
    ops = [n.op_type for n in nodes]
    # 2 layers: q, k, v, o, gate, up in int8; the down projections 8-bit blocks; the heads' classifiers fp32.
    assert ops.count("MatMulInteger") == 12 and ops.count("MatMulNBits") == 2
    assert sum(n.op_type == "MatMul" and "classifier" in n.input[1] for n in nodes) == len(schema.names)
    # The result is a package the evaluate stage (and so the app) reads.
    assert evaluate.evaluate(out, [str(run_dir / "reports.jsonl")], None)["variant"] == "int8"


def test_dequantizing_reproduces_a_4_bit_variant(package, tmp_path, schema):
    from model_export.requantize import dequantized

    q4 = onnx.load(str(package / "model_q4.onnx"))
    fp32 = dequantized(q4)
    assert "MatMulNBits" not in {n.op_type for n in fp32.graph.node}
    onnx.save_model(fp32, str(tmp_path / "d.onnx"))
    ids = np.array([[1, 400, 401, 402, 403, 404, 405, 406]], dtype=np.int64)
    import onnxruntime as ort

    run = lambda p: ort.InferenceSession(str(p), providers=["CPUExecutionProvider"]).run(None, {"input_ids": ids, "attention_mask": np.ones_like(ids)})
    assert max(float(np.abs(a - b).max()) for a, b in zip(run(package / "model_q4.onnx"), run(tmp_path / "d.onnx"))) < 1e-4
