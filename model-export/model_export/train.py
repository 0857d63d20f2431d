"""Stage 1 — train: LoRA on a Llama-family backbone plus one attention-pooling head per schema field.

    python -m model_export.train --backbone <hf folder> --tokenizer <folder> \
        --train-data ../shared/data/tcga-brca-dev-text.jsonl --out runs/brca

Writes <out>/adapter (PEFT adapter with the heads as modules_to_save), <out>/tokenizer and
<out>/manifest.json (config, data summary, loss curve, evaluation metrics, wall time, command).
"""
from __future__ import annotations

import argparse
import math
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn.functional as F
from tqdm import tqdm

from . import common
from .config import LoraSettings, TrainConfig, WindowSettings
from .data import IGNORE, Batch, Encoder, Report, read_reports, split_reports
from .metrics import field_metrics
from .model import MultiTaskEncoder, backbone_slice, combine_windows, evidence_loss
from .schema import DEFAULT_SCHEMA, Schema, load_schema


def parse_args(argv: list[str] | None = None) -> tuple[TrainConfig, Path, str]:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    # --- model
    g = p.add_argument_group("model")
    g.add_argument("--backbone", required=True, help="local folder of a Llama-family checkpoint (config.json + weights)")
    g.add_argument("--tokenizer", required=True, help="folder with tokenizer.json + tokenizer_config.json, or a tokenizer.json")
    g.add_argument("--schema", default=str(DEFAULT_SCHEMA), help="the app's schema.json (fields and labels in head order)")
    g.add_argument("--dtype", default="float32", choices=["float32", "bfloat16"], help="backbone dtype (bfloat16 on GPU for 8B)")
    g.add_argument("--load-in-4bit", action="store_true", help="QLoRA: 4-bit NF4 base weights (GPU + bitsandbytes)")
    g.add_argument("--gradient-checkpointing", action="store_true", help="recompute activations to save memory")
    # --- LoRA
    g = p.add_argument_group("LoRA")
    g.add_argument("--lora-r", type=int, default=LoraSettings.r, help="adapter rank")
    g.add_argument("--lora-alpha", type=int, default=LoraSettings.alpha, help="adapter scaling numerator")
    g.add_argument("--lora-dropout", type=float, default=LoraSettings.dropout, help="dropout on the adapter input")
    g.add_argument("--lora-targets", default=",".join(LoraSettings.target_modules), help="comma-separated module names")
    g.add_argument("--lora-top-layers", type=int, default=None, help="adapt only the top N layers (default: all)")
    g.add_argument("--cache-frozen", action="store_true", help="with --lora-top-layers: run the frozen lower layers once per window and train on their cached output (exact; the CPU path)")
    g.add_argument("--frozen-cache", default=None, help="with --cache-frozen: a file to reuse (and to write) the frozen layers' outputs")
    # --- data
    g = p.add_argument_group("data")
    g.add_argument("--train-data", nargs="+", required=True, help="JSONL files: {text, labels: {field: value}}")
    g.add_argument("--eval-data", nargs="*", default=[], help="held-out JSONL for periodic per-field macro-F1")
    g.add_argument("--eval-fraction", type=float, default=0.0, help="hold this fraction of --train-data out instead")
    g.add_argument("--max-length", type=int, default=WindowSettings.max_length, help="tokens per window, BOS included")
    g.add_argument("--stride", type=int, default=WindowSettings.stride, help="tokens between window starts")
    # --- optimisation
    g = p.add_argument_group("optimisation")
    g.add_argument("--epochs", type=float, default=TrainConfig.epochs, help="passes over the training reports")
    g.add_argument("--max-steps", type=int, default=0, help="stop after this many optimizer steps (0: use --epochs)")
    g.add_argument("--batch-size", type=int, default=TrainConfig.batch_size, help="reports per micro-batch")
    g.add_argument("--grad-accum", type=int, default=TrainConfig.grad_accum, help="micro-batches per optimizer step")
    g.add_argument("--lr", type=float, default=TrainConfig.lr, help="learning rate of the LoRA adapters")
    g.add_argument("--head-lr", type=float, default=TrainConfig.head_lr, help="learning rate of the heads")
    g.add_argument("--weight-decay", type=float, default=TrainConfig.weight_decay, help="AdamW weight decay")
    g.add_argument("--warmup-steps", type=int, default=TrainConfig.warmup_steps, help="linear warm-up steps")
    g.add_argument("--class-weights", action="store_true", help="inverse-frequency class weights per field")
    g.add_argument("--not-stated-weight", type=float, default=1.0, help="loss weight of the not_stated class")
    g.add_argument("--evidence-weight", type=float, default=TrainConfig.evidence_weight, help="weight of the loss that puts each field's attention on its evidence quotes (reports with an \"evidence\" object; 0: off)")
    # --- run
    g = p.add_argument_group("run")
    g.add_argument("--out", required=True, help="run folder to write")
    g.add_argument("--eval-every", type=int, default=TrainConfig.eval_every, help="optimizer steps between evaluations (0: end only)")
    g.add_argument("--seed", type=int, default=TrainConfig.seed, help="seed for data order, dropout and head init")
    g.add_argument("--device", default="auto", help="auto, cpu or cuda")
    g.add_argument("--no-progress", action="store_true", help="no progress bar (logs only)")
    a = p.parse_args(argv)
    if a.cache_frozen and a.lora_top_layers is None:
        p.error("--cache-frozen needs --lora-top-layers")
    if a.frozen_cache and not a.cache_frozen:
        p.error("--frozen-cache needs --cache-frozen")
    cfg = TrainConfig(
        backbone=a.backbone,
        tokenizer=a.tokenizer,
        train_data=a.train_data,
        eval_data=a.eval_data,
        eval_fraction=a.eval_fraction,
        out=a.out,
        lora=LoraSettings(r=a.lora_r, alpha=a.lora_alpha, dropout=a.lora_dropout, target_modules=tuple(a.lora_targets.split(",")), top_layers=a.lora_top_layers),
        windows=WindowSettings(max_length=a.max_length, stride=a.stride),
        epochs=a.epochs,
        max_steps=a.max_steps,
        batch_size=a.batch_size,
        grad_accum=a.grad_accum,
        lr=a.lr,
        head_lr=a.head_lr,
        weight_decay=a.weight_decay,
        warmup_steps=a.warmup_steps,
        class_weights=a.class_weights,
        not_stated_weight=a.not_stated_weight,
        evidence_weight=a.evidence_weight,
        eval_every=a.eval_every,
        seed=a.seed,
        device=a.device,
        dtype=a.dtype,
        load_in_4bit=a.load_in_4bit,
        gradient_checkpointing=a.gradient_checkpointing,
        cache_frozen=a.cache_frozen,
        frozen_cache=a.frozen_cache,
        progress=not a.no_progress,
    )
    return cfg, Path(a.schema), common.command_line("model_export.train", argv)


def label_counts(reports: list[Report], schema: Schema) -> dict[str, dict[str, int]]:
    return {
        f.name: dict(Counter(f.labels[r.labels[i]] for r in reports if r.labels[i] != IGNORE))
        for i, f in enumerate(schema.fields)
    }


def loss_weights(reports: list[Report], schema: Schema, cfg: TrainConfig) -> list[torch.Tensor | None]:
    """Per-field class weights: inverse frequency (capped) if asked, and the not_stated scale."""
    weights: list[torch.Tensor | None] = []
    for i, f in enumerate(schema.fields):
        w = torch.ones(len(f.labels))
        if cfg.class_weights:
            counts = Counter(r.labels[i] for r in reports if r.labels[i] != IGNORE)
            total = sum(counts.values())
            for c in range(len(f.labels)):
                # Unseen classes get the cap rather than infinity; the cap keeps rare-class noise bounded.
                w[c] = min(10.0, total / (len(f.labels) * counts[c])) if counts[c] else 10.0
        w[f.index("not_stated")] *= cfg.not_stated_weight
        weights.append(None if torch.all(w == 1) else w)
    return weights


class TokenRunner:
    """Runs whole windows of token ids through the (LoRA) model."""

    def __init__(self, model, encoder: Encoder, device: torch.device):
        self.model, self.encoder, self.device = model, encoder, device

    def __call__(self, reports: list[Report]):
        batch = self.encoder.batch(reports)
        return self.model(input_ids=batch.input_ids.to(self.device), attention_mask=batch.attention_mask.to(self.device)), batch


class CachedRunner:
    """Runs only the adapted top layers on cached outputs of the frozen lower ones. The frozen part
    has no dropout and no trainable weights, so its output per window never changes: computing it
    once makes each training step cost the top layers alone (exactness is tested)."""

    def __init__(self, peft_model, encoder: Encoder, schema: Schema, top_layers: int, device: torch.device):
        mte = peft_model.base_model.model
        n = mte.backbone.config.num_hidden_layers
        self.first = n - top_layers
        self.bottom = backbone_slice(mte.backbone, 0, self.first, final_norm=False)
        self.top = MultiTaskEncoder(backbone_slice(mte.backbone, self.first, n, final_norm=True), schema, heads=mte.heads)
        self.encoder, self.device = encoder, device
        self.cache: dict[str, torch.Tensor] = {}

    @torch.no_grad()
    def _states(self, text: str) -> torch.Tensor:
        if text not in self.cache:
            batch = self.encoder.batch([Report(id="", text=text, labels=[])])
            states = self.bottom(input_ids=batch.input_ids.to(self.device), attention_mask=batch.attention_mask.to(self.device), use_cache=False).last_hidden_state
            self.cache[text] = states.to("cpu")
        return self.cache[text]

    def warm(self, reports: list[Report], progress: bool) -> None:
        for r in tqdm(reports, desc="cache frozen layers", disable=not progress, dynamic_ncols=True):
            self._states(r.text)

    def __call__(self, reports: list[Report]):
        batch = self.encoder.batch(reports)
        width = batch.input_ids.shape[1]
        hidden = torch.cat([torch.nn.functional.pad(s, (0, 0, 0, width - s.shape[1])) for s in (self._states(r.text) for r in reports)])
        return self.top(inputs_embeds=hidden.to(self.device), attention_mask=batch.attention_mask.to(self.device)), batch


def frozen_cache_key(cfg: TrainConfig) -> list:
    """What the frozen layers' cached outputs depend on (besides the text, their dictionary key)."""
    return [str(Path(cfg.backbone).resolve()), cfg.windows.max_length, cfg.windows.stride, cfg.lora.top_layers]


def load_frozen_cache(path: Path, cfg: TrainConfig) -> dict:
    """Cached frozen-layer outputs saved by an earlier run with the same backbone and windows, or {}."""
    if path.exists():
        saved = torch.load(path)
        if saved["key"] == frozen_cache_key(cfg):
            print(f"reusing frozen-layer outputs of {len(saved['states'])} reports from {path}", flush=True)
            return saved["states"]
    return {}


def save_frozen_cache(path: Path, cfg: TrainConfig, cache: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save({"key": frozen_cache_key(cfg), "states": cache}, path)


def report_logits(runner, reports: list[Report], schema: Schema) -> tuple[dict[str, torch.Tensor], dict[str, torch.Tensor], Batch]:
    """Per-report logits per field, the raw model outputs and the batch they came from."""
    out, batch = runner(reports)
    idx = batch.report_index.to(out[f"logits_{schema.names[0]}"].device)
    logits = {name: combine_windows(out[f"logits_{name}"], out[f"window_score_{name}"], idx, len(reports)) for name in schema.names}
    return logits, out, batch


def attention_loss(out: dict[str, torch.Tensor], batch: Batch, schema: Schema) -> torch.Tensor | None:
    """Mean over fields of the evidence loss, for the fields some report in the batch has evidence for."""
    device = out[f"logits_{schema.names[0]}"].device
    idx, marks = batch.report_index.to(device), batch.evidence.to(device)
    losses = [
        loss
        for i, name in enumerate(schema.names)
        if (loss := evidence_loss(out[f"attention_scores_{name}"], out[f"window_score_{name}"], marks[:, i], idx, batch.n_reports)) is not None
    ]
    return torch.stack(losses).mean() if losses else None


def multitask_loss(logits: dict[str, torch.Tensor], labels: torch.Tensor, schema: Schema, weights) -> torch.Tensor:
    """Sum over fields of cross-entropy; an unlabelled field (IGNORE) adds nothing."""
    total = torch.zeros((), device=labels.device)
    for i, name in enumerate(schema.names):
        target = labels[:, i]
        if (target == IGNORE).all():
            continue
        w = weights[i].to(labels.device) if weights[i] is not None else None
        total = total + F.cross_entropy(logits[name].float(), target, weight=w, ignore_index=IGNORE)
    return total


@torch.no_grad()
def predict_logits(model, runner, reports: list[Report], schema: Schema, batch_size: int) -> list[dict[str, list[float]]]:
    """Per report, per field: the combined logits (eval mode; training mode is restored)."""
    was_training = model.training
    model.eval()
    out: list[dict[str, list[float]]] = []
    for s in range(0, len(reports), batch_size):
        chunk = reports[s : s + batch_size]
        logits, _, _ = report_logits(runner, chunk, schema)
        out += [{name: logits[name][k].tolist() for name in schema.names} for k in range(len(chunk))]
    model.train(was_training)
    return out


def evaluate(model, runner, reports: list[Report], schema: Schema, batch_size: int) -> dict:
    gold: dict[str, list[int]] = {n: [] for n in schema.names}
    pred: dict[str, list[int]] = {n: [] for n in schema.names}
    for r, logits in zip(reports, predict_logits(model, runner, reports, schema, batch_size)):
        for i, name in enumerate(schema.names):
            if r.labels[i] != IGNORE:
                gold[name].append(r.labels[i])
                pred[name].append(max(range(len(logits[name])), key=logits[name].__getitem__))
    per_field = {f.name: field_metrics(list(f.labels), gold[f.name], pred[f.name]) for f in schema.fields}
    scored = [m["macro_f1"] for m in per_field.values() if m["macro_f1"] is not None]
    return {"fields": per_field, "mean_macro_f1": sum(scored) / len(scored) if scored else None}


@dataclass
class Fitted:
    model: object  # the PEFT model (adapters + heads)
    runner: object
    encoder: Encoder
    backbone: object
    curve: list[dict]
    evaluations: list[dict]
    trainable_parameters: int


def fit(cfg: TrainConfig, schema: Schema, train_reports: list[Report], held_out: list[Report], frozen_cache: dict | None = None) -> Fitted:
    """Trains adapters and heads on `train_reports`, evaluating on `held_out` every cfg.eval_every steps.
    `frozen_cache` shares the frozen layers' outputs between runs on the same backbone (cross-validation)."""
    started = time.time()
    common.seed_everything(cfg.seed)
    device = common.pick_device(cfg.device)
    if not train_reports:
        raise SystemExit("no training reports")
    encoder = Encoder(common.load_tokenizer(cfg.tokenizer), cfg.windows.max_length, cfg.windows.stride, n_fields=len(schema.fields))

    dtype = torch.bfloat16 if cfg.dtype == "bfloat16" else torch.float32
    backbone = common.load_backbone(cfg.backbone, dtype, cfg.load_in_4bit)
    if cfg.gradient_checkpointing:
        backbone.gradient_checkpointing_enable()
    model = common.with_lora(MultiTaskEncoder(backbone, schema), cfg.lora, schema).to(device)
    model.train()
    if cfg.cache_frozen:
        runner = CachedRunner(model, encoder, schema, cfg.lora.top_layers, device)
        if frozen_cache is not None:
            runner.cache = frozen_cache
        runner.warm(train_reports + held_out, cfg.progress)
    else:
        runner = TokenRunner(model, encoder, device)
    trainable = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
    head_params = [p for n, p in trainable if ".heads." in n]
    lora_params = [p for n, p in trainable if ".heads." not in n]
    n_trainable = sum(p.numel() for _, p in trainable)
    n_total = sum(p.numel() for p in model.parameters())
    print(f"trainable parameters: {n_trainable:,} of {n_total:,} ({100 * n_trainable / n_total:.2f} %)", flush=True)

    optimizer = torch.optim.AdamW(
        [{"params": lora_params, "lr": cfg.lr}, {"params": head_params, "lr": cfg.head_lr}], weight_decay=cfg.weight_decay
    )
    steps_per_epoch = math.ceil(len(train_reports) / (cfg.batch_size * cfg.grad_accum))
    total_steps = cfg.max_steps or max(1, math.ceil(cfg.epochs * steps_per_epoch))
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min(1.0, (s + 1) / max(1, cfg.warmup_steps)) * max(0.0, 1 - s / total_steps)
    )
    weights = loss_weights(train_reports, schema, cfg)
    generator = torch.Generator().manual_seed(cfg.seed)

    curve: list[dict] = []
    evaluations: list[dict] = []
    order: list[int] = []
    bar = tqdm(total=total_steps, desc="train", disable=not cfg.progress, dynamic_ncols=True)
    for step in range(total_steps):
        optimizer.zero_grad(set_to_none=True)
        step_loss = 0.0
        for _ in range(cfg.grad_accum):
            if len(order) < cfg.batch_size:
                order += torch.randperm(len(train_reports), generator=generator).tolist()
            chunk = [train_reports[i] for i in order[: cfg.batch_size]]
            order = order[cfg.batch_size :]
            logits, out, batch = report_logits(runner, chunk, schema)
            loss = multitask_loss(logits, batch.labels.to(device), schema, weights)
            if cfg.evidence_weight and (guided := attention_loss(out, batch, schema)) is not None:
                loss = loss + cfg.evidence_weight * guided
            (loss / cfg.grad_accum).backward()
            step_loss += loss.item() / cfg.grad_accum
        torch.nn.utils.clip_grad_norm_([p for _, p in trainable], 1.0)
        optimizer.step()
        schedule.step()
        curve.append({"step": step + 1, "loss": round(step_loss, 5), "seconds": round(time.time() - started, 1)})
        bar.set_postfix(loss=f"{step_loss:.4f}")
        bar.update(1)
        if not cfg.progress:
            print(f"step {step + 1}/{total_steps} loss {step_loss:.4f}", flush=True)
        if held_out and cfg.eval_every and (step + 1) % cfg.eval_every == 0 and step + 1 < total_steps:
            ev = evaluate(model, runner, held_out, schema, cfg.batch_size)
            evaluations.append({"step": step + 1, **ev})
            print(f"step {step + 1}: held-out mean macro-F1 {ev['mean_macro_f1']:.4f}", flush=True)
    bar.close()
    if held_out:
        ev = evaluate(model, runner, held_out, schema, cfg.batch_size)
        evaluations.append({"step": total_steps, **ev})
        print(f"final held-out mean macro-F1 {ev['mean_macro_f1']:.4f}", flush=True)
    return Fitted(model, runner, encoder, backbone, curve, evaluations, n_trainable)


def train(cfg: TrainConfig, schema: Schema, command: str = "") -> dict:
    started = time.time()
    out = Path(cfg.out)
    out.mkdir(parents=True, exist_ok=True)
    reports = read_reports(cfg.train_data, schema)
    train_reports, held_out = split_reports(reports, cfg.eval_fraction, cfg.seed)
    if cfg.eval_data:
        held_out = read_reports(cfg.eval_data, schema)
    cache_file = Path(cfg.frozen_cache) if cfg.frozen_cache else None
    cache = load_frozen_cache(cache_file, cfg) if cache_file else None
    fitted = fit(cfg, schema, train_reports, held_out, frozen_cache=cache)
    if cache_file and not cache_file.exists():
        save_frozen_cache(cache_file, cfg, fitted.runner.cache)
    model, encoder, backbone = fitted.model, fitted.encoder, fitted.backbone
    model.save_pretrained(str(out / "adapter"))
    common.save_tokenizer_files(cfg.tokenizer, out / "tokenizer")
    bcfg = backbone.config
    return common.write_manifest(
        out / "manifest.json",
        {
            "kind": "training-run",
            "command": command,
            "schema": {"version": schema.version, "fields": schema.to_json()},
            "config": cfg.to_json(),
            "backbone": {
                "path": str(Path(cfg.backbone).resolve()),
                "architecture": "LlamaModel",
                "hidden_size": bcfg.hidden_size,
                "num_hidden_layers": bcfg.num_hidden_layers,
                "num_attention_heads": bcfg.num_attention_heads,
                "num_key_value_heads": bcfg.num_key_value_heads,
                "vocab_size": bcfg.vocab_size,
                "rope_theta": getattr(bcfg, "rope_theta", None) or (getattr(bcfg, "rope_parameters", None) or {}).get("rope_theta"),
                "parameters": sum(p.numel() for p in backbone.parameters()),
            },
            "windows": {"max_length": cfg.windows.max_length, "stride": cfg.windows.stride, "bos_token_id": encoder.bos_id, "pad_token_id": encoder.pad_id},
            "trainable_parameters": fitted.trainable_parameters,
            "data": {
                "train_files": cfg.train_data,
                "train_reports": len(train_reports),
                "held_out_reports": len(held_out),
                "train_label_counts": label_counts(train_reports, schema),
            },
            "loss_curve": fitted.curve,
            "evaluations": fitted.evaluations,
            "wall_seconds": round(time.time() - started, 1),
            "device": str(common.pick_device(cfg.device)),
        },
    )


def main(argv: list[str] | None = None) -> None:
    cfg, schema_path, command = parse_args(argv)
    manifest = train(cfg, load_schema(schema_path), command)
    first, last = manifest["loss_curve"][0]["loss"], manifest["loss_curve"][-1]["loss"]
    print(f"wrote {cfg.out} — loss {first:.4f} → {last:.4f} in {manifest['wall_seconds']} s", flush=True)


if __name__ == "__main__":
    main()
