"""Stage 3 — verify: the unmerged PEFT model, the merged PyTorch model and ONNX Runtime agree.

    python -m model_export.verify --run runs/brca --package ../public/models/brca

Per field, the max abs difference of the logits (and evidence, window scores) is printed for
PEFT vs merged and merged vs ONNX fp32; it must be ≤ --tolerance. For quantized variants the argmax
agreement with fp32 over every (window, field) is printed and must be ≥ --min-q4-agreement.
Export runs the same checks before it publishes a package, and fails with them.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import onnxruntime as ort
import torch

from . import common
from .config import VerifyConfig
from .data import Batch, Encoder
from .schema import Schema

# Fixed verification texts: short and long (several windows), OCR noise, non-ASCII characters.
BUILTIN_TEXTS = [
    "Invasive ductal carcinoma, Nottingham grade 3. Pathologic stage: pT2 pN1a. ER: positive (90%). PR: negative. HER2: 1+ (negative).",
    "FINAL DIAGNOSIS: A. LEFT BREAST: INFILTRATING LOBULAR CARCINOMA, GRADE Il. TUMOR SIZE: 1.8. CM. pTlc pNO (0/3). ER 95%, PR 40%, HER2 2+ equivocal; FISH not amplified (ratio 1.3).",
    "Ductal carcinoma in situ, nuclear grade 3, comedo necrosis; no invasive carcinoma identified. Margins > 10 mm. Ki-67 ≈ 15 %. Größe 3×2 cm — naïve résumé ✓.",
    " ".join(["Sections show invasive carcinoma with tubule formation score 3, nuclear pleomorphism 2, mitoses 1."] * 12)
    + " Lymph nodes: 2/14 positive. pT3 N1a MX.",
    "Right breast, mastectomy: no residual invasive carcinoma after neoadjuvant chemotherapy; ypT0 ypN0. ER/PR/HER2: see prior core biopsy.",
    "SPECIMEN: A. SENTINEL LYMPH NODE #1: ONE LYMPH NODE, NEGATIVE FOR METASTATIC CARCINOMA (0/1). B. LEFT BREAST: INVASIVE LOBULAR CARCINOMA, 6.2 CM.",
    "Estrogen receptor: Negative (0%). Progesterone receptor: Negative (<1%). HER2 (IHC): 3+ positive. Ki-67: 60%. Nottingham score 9/9.",
    "Bilateral mastectomy. Left: invasive ductal carcinoma 1.1 cm, grade 1, pT1c N0. Right: DCIS only, pTis. Skin ulceration absent; chest wall free.",
]


class VerificationError(RuntimeError):
    pass


def verification_batch(encoder: Encoder, texts: list[str]) -> Batch:
    from .data import Report

    return encoder.batch([Report(id=str(i), text=t, labels=[]) for i, t in enumerate(texts)])


def output_names(schema: Schema) -> list[str]:
    return [f"{kind}_{name}" for name in schema.names for kind in ("logits", "evidence", "window_score")]


@torch.no_grad()
def torch_outputs(model, batch: Batch, schema: Schema) -> dict[str, np.ndarray]:
    device = next(model.parameters()).device
    out = model(input_ids=batch.input_ids.to(device), attention_mask=batch.attention_mask.to(device))
    return {k: out[k].float().cpu().numpy() for k in output_names(schema)}


def onnx_outputs(path: Path, batch: Batch, schema: Schema) -> dict[str, np.ndarray]:
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    names = output_names(schema)
    values = session.run(names, {"input_ids": batch.input_ids.numpy(), "attention_mask": batch.attention_mask.numpy()})
    return dict(zip(names, values))


def max_abs_diffs(a: dict[str, np.ndarray], b: dict[str, np.ndarray], schema: Schema, mask: np.ndarray) -> dict[str, dict[str, float]]:
    """Per field and output kind; evidence is compared on real tokens only (padding carries no meaning)."""
    diffs: dict[str, dict[str, float]] = {}
    for name in schema.names:
        ev = np.abs(a[f"evidence_{name}"] - b[f"evidence_{name}"]) * mask
        diffs[name] = {
            "logits": float(np.abs(a[f"logits_{name}"] - b[f"logits_{name}"]).max()),
            "evidence": float(ev.max()),
            "window_score": float(np.abs(a[f"window_score_{name}"] - b[f"window_score_{name}"]).max()),
        }
    return diffs


def argmax_agreement(a: dict[str, np.ndarray], b: dict[str, np.ndarray], schema: Schema) -> float:
    same = total = 0
    for name in schema.names:
        x, y = a[f"logits_{name}"].argmax(-1), b[f"logits_{name}"].argmax(-1)
        same += int((x == y).sum())
        total += x.size
    return same / total


def merge_with_reference(peft_model, batch: Batch, schema: Schema):
    """Outputs of the unmerged PEFT model, then merges LoRA into the base weights in place and returns
    (merged model, PEFT outputs, merged outputs). In place, so an 8B model is never held twice."""
    peft_out = torch_outputs(peft_model, batch, schema)
    merged = peft_model.merge_and_unload().eval()
    return merged, peft_out, torch_outputs(merged, batch, schema)


def print_diffs(title: str, diffs: dict[str, dict[str, float]]) -> None:
    print(f"{title}: max abs diff per field (logits / evidence / window_score)")
    for name, d in diffs.items():
        print(f"  {name:10s} {d['logits']:.3e}  {d['evidence']:.3e}  {d['window_score']:.3e}")


def compare_quantized(reference: dict[str, np.ndarray], path: Path, batch: Batch, schema: Schema, title: str) -> dict:
    """A quantized model against reference outputs: argmax agreement over every (window, field) and the
    largest logit change, printed under `title`."""
    quantized = onnx_outputs(path, batch, schema)
    agreement = argmax_agreement(reference, quantized, schema)
    mask = batch.attention_mask.numpy().astype(np.float32)
    drift = max(d["logits"] for d in max_abs_diffs(reference, quantized, schema, mask).values())
    print(f"{title}: argmax agreement {100 * agreement:.2f} % over {batch.input_ids.shape[0]} windows × {len(schema.names)} fields; max logit drift {drift:.3e}")
    return {"argmax_agreement": agreement, "max_logit_diff": drift}


def check_package(package: Path, variants: dict[str, str], batch: Batch, peft_out, merged_out, schema: Schema, tolerance: float, min_q4_agreement: float) -> dict:
    """Compares PEFT, merged and every ONNX variant; raises VerificationError past the limits."""
    mask = batch.attention_mask.numpy().astype(np.float32)
    report: dict = {"inputs": {"windows": int(batch.input_ids.shape[0]), "max_tokens": int(batch.input_ids.shape[1])}, "tolerance": tolerance}
    failures: list[str] = []

    merge_diffs = max_abs_diffs(peft_out, merged_out, schema, mask)
    print_diffs("PEFT (unmerged) vs merged PyTorch", merge_diffs)
    report["peft_vs_merged"] = merge_diffs
    checks = [("PEFT vs merged", merge_diffs)]
    # A shipped package may carry only its quantized variant; it is then compared with PyTorch directly.
    reference = merged_out
    if "fp32" in variants:
        reference = onnx_outputs(package / variants["fp32"], batch, schema)
        onnx_diffs = max_abs_diffs(merged_out, reference, schema, mask)
        print_diffs("merged PyTorch vs ONNX Runtime fp32", onnx_diffs)
        report["merged_vs_onnx_fp32"] = onnx_diffs
        checks.append(("merged vs ONNX fp32", onnx_diffs))
    for title, diffs in checks:
        for name, d in diffs.items():
            if d["logits"] > tolerance:
                failures.append(f"{title}: {name} logits differ by {d['logits']:.3e} > {tolerance:.0e}")

    for variant, file in variants.items():
        if variant == "fp32":
            continue
        report[f"{variant}_vs_fp32"] = compared = compare_quantized(reference, package / file, batch, schema, f"{variant} vs fp32")
        if compared["argmax_agreement"] < min_q4_agreement:
            failures.append(f"{variant}: argmax agreement {compared['argmax_agreement']:.4f} < {min_q4_agreement}")
    report["passed"] = not failures
    if failures:
        raise VerificationError("verification failed:\n  " + "\n  ".join(failures))
    print("verification passed")
    return report


def read_texts(paths: list[str]) -> list[str]:
    texts: list[str] = []
    for p in paths:
        for line in Path(p).read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.append(json.loads(line)["text"])
    return texts


def parse_args(argv: list[str] | None) -> VerifyConfig:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    g = p.add_argument_group("what to compare")
    g.add_argument("--run", required=True, help="training run folder (adapter, tokenizer, manifest)")
    g.add_argument("--package", required=True, help="model package folder (manifest.json, ONNX files)")
    g.add_argument("--texts", nargs="*", default=[], help="JSONL files whose texts join the built-in verification texts")
    g = p.add_argument_group("limits")
    g.add_argument("--tolerance", type=float, default=1e-4, help="max abs logit difference allowed (PEFT, merged, ONNX fp32)")
    g.add_argument("--min-q4-agreement", type=float, default=0.99, help="min argmax agreement of quantized variants with fp32")
    a = p.parse_args(argv)
    return VerifyConfig(run=a.run, package=a.package, tolerance=a.tolerance, min_q4_agreement=a.min_q4_agreement, texts=a.texts)


def main(argv: list[str] | None = None) -> None:
    cfg = parse_args(argv)
    run, package = Path(cfg.run), Path(cfg.package)
    manifest = common.read_json(package / "manifest.json")
    schema = Schema.from_json(manifest["fields"])
    peft_model = common.load_trained(run, schema, common.read_json(run / "manifest.json")["backbone"]["path"])
    encoder = Encoder(common.load_tokenizer(package), manifest["max_length"], manifest["stride"])
    batch = verification_batch(encoder, BUILTIN_TEXTS + read_texts(cfg.texts))
    _, peft_out, merged_out = merge_with_reference(peft_model, batch, schema)
    variants = {name: v["model"] for name, v in manifest["variants"].items()}
    try:
        report = check_package(package, variants, batch, peft_out, merged_out, schema, cfg.tolerance, cfg.min_q4_agreement)
    except VerificationError as e:
        raise SystemExit(str(e)) from None
    common.write_manifest(package / "verification.json", {"kind": "verification", "command": common.command_line("model_export.verify", argv), **report})


if __name__ == "__main__":
    main()
