"""Stage 4 — evaluate: run a model package with ONNX Runtime over labelled reports, per-field metrics.

    python -m model_export.evaluate --package ../public/models/brca --data ../shared/data/tcga-brca-dev-text.jsonl

Windows are combined exactly as the app does (softmax of the window scores weights the logits).
Prints per-field accuracy and macro-F1 (over the gold classes present) and writes them with --json.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import onnxruntime as ort
import torch

from . import common
from .data import IGNORE, Encoder, read_reports
from .metrics import field_metrics
from .model import combine_windows
from .schema import Schema

DEFAULT_FIELDS = ("pT", "pN", "grade", "ER", "PR", "HER2")


def predict(session: ort.InferenceSession, encoder: Encoder, schema: Schema, text: str) -> dict[str, np.ndarray]:
    windows = encoder.windows(text)
    width = max(len(w) for w in windows)
    ids = np.full((len(windows), width), encoder.pad_id, dtype=np.int64)
    mask = np.zeros_like(ids)
    for i, w in enumerate(windows):
        ids[i, : len(w)] = w
        mask[i, : len(w)] = 1
    names = [f"{k}_{f}" for f in schema.names for k in ("logits", "window_score")]
    out = dict(zip(names, session.run(names, {"input_ids": ids, "attention_mask": mask})))
    # The training code's combination, so evaluation cannot drift from what the model was trained on.
    one_report = torch.zeros(len(windows), dtype=torch.long)
    return {
        f: combine_windows(torch.from_numpy(out[f"logits_{f}"]), torch.from_numpy(out[f"window_score_{f}"]), one_report, 1)[0].numpy()
        for f in schema.names
    }


def evaluate(package: Path, data: list[str], variant: str | None) -> dict:
    manifest = common.read_json(package / "manifest.json")
    schema = Schema.from_json(manifest["fields"])
    variant = variant or manifest["default_variant"]
    session = ort.InferenceSession(str(package / manifest["variants"][variant]["model"]), providers=["CPUExecutionProvider"])
    encoder = Encoder(common.load_tokenizer(package), manifest["max_length"], manifest["stride"])
    reports = read_reports(data, schema)
    gold: dict[str, list[int]] = {f: [] for f in schema.names}
    pred: dict[str, list[int]] = {f: [] for f in schema.names}
    for r in reports:
        logits = predict(session, encoder, schema, r.text)
        for i, f in enumerate(schema.names):
            if r.labels[i] != IGNORE:
                gold[f].append(r.labels[i])
                pred[f].append(int(logits[f].argmax()))
    fields = {f.name: field_metrics(list(f.labels), gold[f.name], pred[f.name]) for f in schema.fields}
    scored = [fields[f]["macro_f1"] for f in DEFAULT_FIELDS if f in fields and fields[f]["macro_f1"] is not None]
    return {"package": manifest["id"], "variant": variant, "data": data, "reports": len(reports), "fields": fields, "mean_macro_f1": sum(scored) / len(scored) if scored else None}


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    g = p.add_argument_group("inputs")
    g.add_argument("--package", required=True, help="model package folder")
    g.add_argument("--data", nargs="+", required=True, help="labelled JSONL: {id, text, labels: {field: value}}")
    g.add_argument("--variant", default=None, help="fp32, q4 or int8 (default: the package's default variant)")
    g = p.add_argument_group("output")
    g.add_argument("--json", default=None, help="write the metrics here (a manifest with the command)")
    a = p.parse_args(argv)
    result = evaluate(Path(a.package), a.data, a.variant)
    for name, m in result["fields"].items():
        if m["n"]:
            print(f"{name:10s} n={m['n']:4d}  accuracy={m['accuracy']:.3f}  macro-F1={m['macro_f1']:.3f}")
    if result["mean_macro_f1"] is not None:
        print(f"mean macro-F1 ({', '.join(DEFAULT_FIELDS)}) = {result['mean_macro_f1']:.3f}  [{result['variant']}, {result['reports']} reports]")
    if a.json:
        common.write_manifest(Path(a.json), {"kind": "evaluation", "command": common.command_line("model_export.evaluate", argv), **result})


if __name__ == "__main__":
    main()
