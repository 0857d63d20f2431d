"""k-fold cross-validation: for each fold, train on the other folds (plus extra training data, e.g.
synthetic reports) and predict the held-out fold, so every report is scored by a model that never
saw it. Writes out-of-fold logits per report; the app's scripts score rules, model and hybrid on them.

    python -m model_export.crossval --data ../shared/data/tcga-brca-dev-text.jsonl [more.jsonl ...] --folds 4 \
        --extra-train runs/data/synthetic.jsonl --out runs/cv -- <train flags: --backbone ... --cache-frozen ...>

Writes <out>/oof.jsonl ({"id", "fold", "logits": {field: [...]}}) and <out>/manifest.json; with --write-fold K
only fold K's training and held-out lines, for one fold's model through the train and export stages.
"""
from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

from . import common, train
from .data import read_reports
from .schema import load_schema


def folds_of(ids: list[str], k: int, seed: int) -> dict[str, int]:
    order = sorted(ids)
    random.Random(seed).shuffle(order)
    return {rid: i % k for i, rid in enumerate(order)}


def jsonl_lines(paths: list[str]) -> list[str]:
    """The non-blank lines of JSONL files, as written (a fold's files copy them, not re-serialise them)."""
    return [line for path in paths for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def write_fold(data: list[str], extra: list[str], k: int, seed: int, which: int, out: Path) -> tuple[Path, Path]:
    """Fold `which`'s lines as the cross-validation splits them: held out, and the rest plus `extra`."""
    if not 0 <= which < k:
        raise SystemExit(f"--write-fold {which}: folds are numbered 0 to {k - 1}")
    rows = [(json.loads(line)["id"], line) for line in jsonl_lines(data)]
    fold = folds_of([rid for rid, _ in rows], k, seed)
    held = [line for rid, line in rows if fold[rid] == which]
    rest = [line for rid, line in rows if fold[rid] != which] + jsonl_lines(extra)
    out.mkdir(parents=True, exist_ok=True)
    train_file, held_file = out / f"fold-{which}-train.jsonl", out / f"fold-{which}-held.jsonl"
    train_file.write_text("".join(line + "\n" for line in rest), encoding="utf-8")
    held_file.write_text("".join(line + "\n" for line in held), encoding="utf-8")
    print(f"wrote {train_file} ({len(rest)} reports) and {held_file} ({len(held)} held out)", flush=True)
    return train_file, held_file


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    g = p.add_argument_group("cross-validation")
    g.add_argument("--data", nargs="+", required=True, help="labelled JSONL files to cross-validate on, pooled (every report is predicted once)")
    g.add_argument("--extra-train", nargs="*", default=[], help="JSONL added to every fold's training data, never scored")
    g.add_argument("--folds", type=int, default=4, help="number of folds")
    g.add_argument("--fold-seed", type=int, default=2026, help="seed of the fold assignment")
    g.add_argument("--out", required=True, help="folder for oof.jsonl and manifest.json")
    g.add_argument("--write-fold", type=int, default=None, metavar="K", help="only write fold K's training and held-out lines (<out>/fold-K-train.jsonl, fold-K-held.jsonl) and stop: one fold's model can then go through the train and export stages, e.g. to score a quantized variant out of fold")
    a, rest = p.parse_known_args(argv)
    if a.write_fold is not None:
        write_fold(a.data, a.extra_train, a.folds, a.fold_seed, a.write_fold, Path(a.out))
        return
    if rest[:1] == ["--"]:
        rest = rest[1:]
    # The training flags are the train stage's own; --train-data/--out are filled in per fold.
    cfg, schema_path, _ = train.parse_args([*rest, "--train-data", *a.data, "--out", str(Path(a.out) / "fold")])
    schema = load_schema(schema_path)
    started = time.time()
    reports = read_reports(a.data, schema)
    extra = read_reports(a.extra_train, schema) if a.extra_train else []
    fold = folds_of([r.id for r in reports], a.folds, a.fold_seed)
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    # The frozen layers' outputs depend only on the backbone, the windows and the text: shared by the
    # folds, and kept on disk so that a rerun with other training settings skips the slowest part.
    cache_file = Path(cfg.frozen_cache) if cfg.frozen_cache else out / "frozen-cache.pt"
    cache = train.load_frozen_cache(cache_file, cfg) if cfg.cache_frozen else {}
    results = []
    per_fold = []
    for k in range(a.folds):
        held = [r for r in reports if fold[r.id] == k]
        train_reports = [r for r in reports if fold[r.id] != k] + extra
        print(f"fold {k + 1}/{a.folds}: {len(train_reports)} training reports, {len(held)} held out", flush=True)
        fitted = train.fit(cfg, schema, train_reports, held, frozen_cache=cache if cfg.cache_frozen else None)
        if cfg.cache_frozen and not cache_file.exists():
            train.save_frozen_cache(cache_file, cfg, cache)
        logits = train.predict_logits(fitted.model, fitted.runner, held, schema, cfg.batch_size)
        results += [{"id": r.id, "fold": k, "logits": lg} for r, lg in zip(held, logits)]
        per_fold.append({"fold": k, "train_reports": len(train_reports), "held_out": len(held), "loss_curve": fitted.curve, "evaluation": fitted.evaluations[-1] if fitted.evaluations else None})
    with open(out / "oof.jsonl", "w") as f:
        for row in results:
            f.write(json.dumps(row) + "\n")
    common.write_manifest(
        out / "manifest.json",
        {
            "kind": "cross-validation",
            "command": common.command_line("model_export.crossval", argv),
            "data": a.data,
            "extra_train": a.extra_train,
            "folds": a.folds,
            "fold_seed": a.fold_seed,
            "train_config": cfg.to_json(),
            "per_fold": per_fold,
            "wall_seconds": round(time.time() - started, 1),
        },
    )
    print(f"wrote {out / 'oof.jsonl'} ({len(results)} reports) in {time.time() - started:.0f} s", flush=True)


if __name__ == "__main__":
    main()
