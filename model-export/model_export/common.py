"""Shared plumbing for the entry points: offline tokenizer and backbone loading, LoRA, manifests,
hashing, devices and seeds. Nothing here reaches the network: every model comes from a local folder.
"""
from __future__ import annotations

import hashlib
import json
import os
import random
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path

# Before transformers is imported anywhere: never ask the hub for anything.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402
from peft import LoraConfig, PeftModel, get_peft_model  # noqa: E402
from transformers import AutoTokenizer, LlamaModel, PreTrainedTokenizerFast  # noqa: E402

from .config import LoraSettings  # noqa: E402
from .model import MultiTaskEncoder  # noqa: E402
from .schema import Schema  # noqa: E402

TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json")


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def pick_device(name: str) -> torch.device:
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(name)


def load_tokenizer(path: str | Path):
    """A fast tokenizer from a folder (tokenizer.json + tokenizer_config.json) or a tokenizer.json."""
    path = Path(path)
    if path.is_dir():
        return AutoTokenizer.from_pretrained(str(path), local_files_only=True)
    return PreTrainedTokenizerFast(tokenizer_file=str(path), bos_token="<|begin_of_text|>", eos_token="<|end_of_text|>")


def save_tokenizer_files(tokenizer_path: str | Path, out: Path) -> None:
    """Copies tokenizer.json and tokenizer_config.json byte for byte: the browser loads exactly these."""
    src = Path(tokenizer_path)
    out.mkdir(parents=True, exist_ok=True)
    if src.is_dir():
        for name in TOKENIZER_FILES:
            if (src / name).exists():
                (out / name).write_bytes((src / name).read_bytes())
    else:
        (out / "tokenizer.json").write_bytes(src.read_bytes())
    if not (out / "tokenizer_config.json").exists():
        load_tokenizer(src).save_pretrained(str(out / "_tok"))
        (out / "tokenizer_config.json").write_bytes((out / "_tok" / "tokenizer_config.json").read_bytes())
        for f in (out / "_tok").iterdir():
            f.unlink()
        (out / "_tok").rmdir()


def load_backbone(path: str | Path, dtype: torch.dtype = torch.float32, load_in_4bit: bool = False) -> LlamaModel:
    """LlamaModel weights from a local checkpoint (a *ForCausalLM checkpoint works: its LM head is dropped).
    Eager attention: it exports to ONNX exactly and behaves the same on CPU and GPU."""
    kwargs: dict = dict(dtype=dtype, attn_implementation="eager", local_files_only=True)
    if load_in_4bit:
        from transformers import BitsAndBytesConfig  # GPU only; imported here so CPU machines never need it

        kwargs["quantization_config"] = BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_compute_dtype=torch.bfloat16)
    return LlamaModel.from_pretrained(str(path), **kwargs)


def lora_targets(lora: LoraSettings, n_layers: int) -> str | list[str]:
    """PEFT target modules: every named projection, or only those of the top `top_layers` layers."""
    if lora.top_layers is None or lora.top_layers >= n_layers:
        return list(lora.target_modules)
    layers = "|".join(str(i) for i in range(n_layers - lora.top_layers, n_layers))
    modules = "|".join(re.escape(m) for m in lora.target_modules)
    return rf"backbone\.layers\.({layers})\.(self_attn|mlp)\.({modules})"


def lora_config(lora: LoraSettings, schema: Schema, n_layers: int) -> LoraConfig:
    # The heads are trained in full and saved with the adapter: name each one in modules_to_save, so
    # that reloading restores them instead of leaving freshly initialised heads (a known PEFT trap).
    return LoraConfig(
        r=lora.r,
        lora_alpha=lora.alpha,
        lora_dropout=lora.dropout,
        target_modules=lora_targets(lora, n_layers),
        modules_to_save=[f"heads.{name}" for name in schema.names],
        bias="none",
    )


def with_lora(model: MultiTaskEncoder, lora: LoraSettings, schema: Schema) -> PeftModel:
    return get_peft_model(model, lora_config(lora, schema, model.backbone.config.num_hidden_layers))


def load_trained(run: Path, schema: Schema, backbone_path: str | Path, dtype: torch.dtype = torch.float32) -> PeftModel:
    """The trained adapter and heads on a freshly loaded backbone, unmerged, in eval mode."""
    base = MultiTaskEncoder(load_backbone(backbone_path, dtype), schema)
    return PeftModel.from_pretrained(base, str(run / "adapter"), is_trainable=False).eval()


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def file_entry(path: Path, root: Path) -> dict:
    return {"path": path.relative_to(root).as_posix(), "sha256": sha256_file(path), "bytes": path.stat().st_size}


def git_commit() -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, cwd=Path(__file__).parent, timeout=10)
        return out.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def command_line(module: str, argv: list[str] | None) -> str:
    """The stage's own command, reproducible as written (argv as parsed, not the caller's)."""
    args = sys.argv[1:] if argv is None else argv
    return " ".join(shlex.quote(a) for a in ["python", "-m", module, *args])


def invocation() -> str:
    """What was actually run, when a stage is called from another (the tiny package builder, tests)."""
    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    prog = ["python", "-m", spec.name] if spec is not None else ["python", *sys.argv[:1]]
    return " ".join(shlex.quote(a) for a in [*prog, *sys.argv[1:]])


def write_manifest(path: Path, body: dict) -> dict:
    """The JSON written beside every artifact: what it is, how it was made, from which commit."""
    manifest = {
        **body,
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "invoked_by": invocation(),
        "git_commit": git_commit(),
        "versions": {"torch": torch.__version__, "python": sys.version.split()[0]},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def read_json(path: Path) -> dict:
    return json.loads(Path(path).read_text())
