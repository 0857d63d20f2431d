"""Configuration dataclasses for every stage. Each field's comment says why it has its default."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

# LoRA on every projection of attention and MLP, as in the paper; Llama module names.
LLAMA_LORA_TARGETS = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")


@dataclass
class LoraSettings:
    r: int = 16  # the paper's rank; enough capacity for 8 fields on an 8B backbone
    alpha: int = 32  # alpha / r = 2, the usual scaling with r = 16
    dropout: float = 0.05  # light regularisation; reports are few (thousands), weights are many
    target_modules: tuple[str, ...] = LLAMA_LORA_TARGETS
    # Only the top N transformer layers get LoRA (None: all). Lower layers then stay frozen, so
    # their activations need no gradients: the cheap path on CPU-only machines.
    top_layers: int | None = None


@dataclass
class WindowSettings:
    max_length: int = 512  # tokens per window including BOS; the app uses the same (manifest)
    stride: int = 384  # tokens between window starts: 128 tokens of overlap keep split phrases whole


@dataclass
class TrainConfig:
    backbone: str = ""  # HF folder of a Llama-family checkpoint (LlamaModel weights + config)
    tokenizer: str = ""  # folder or tokenizer.json of the backbone's tokenizer
    train_data: list[str] = field(default_factory=list)  # JSONL files: {"text", "labels": {field: value}}
    eval_data: list[str] = field(default_factory=list)  # held-out JSONL for periodic macro-F1
    eval_fraction: float = 0.0  # or split this fraction of train_data off for evaluation
    out: str = "runs/model"  # adapter + heads + manifest are written here
    lora: LoraSettings = field(default_factory=LoraSettings)
    windows: WindowSettings = field(default_factory=WindowSettings)
    epochs: float = 3.0  # passes over the training reports
    max_steps: int = 0  # stop after this many optimizer steps (0: run the epochs)
    batch_size: int = 4  # reports per micro-batch; all their windows go through the backbone together
    grad_accum: int = 4  # micro-batches per optimizer step: effective batch 16 reports
    lr: float = 2e-4  # LoRA adapters tolerate a higher rate than full fine-tuning
    head_lr: float = 1e-3  # heads start from random, so they learn faster than the adapters
    weight_decay: float = 0.01
    warmup_steps: int = 10
    class_weights: bool = False  # inverse-frequency weights per field, for rare classes (T4, N3, M1)
    not_stated_weight: float = 1.0  # scale for not_stated in the loss (below 1 favours stated values)
    # Weight of -log(attention mass on the annotated evidence tokens), per field with a quote. Few
    # reports cannot teach a fresh query where a value is written; the quotes can (and the app's
    # highlights then show where the model read).
    evidence_weight: float = 0.0
    eval_every: int = 50  # optimizer steps between evaluations (0: only at the end)
    seed: int = 1234
    device: str = "auto"  # auto | cpu | cuda
    dtype: str = "float32"  # float32 | bfloat16 (bf16 on GPU for 8B)
    load_in_4bit: bool = False  # QLoRA: 4-bit base weights via bitsandbytes (GPU only)
    gradient_checkpointing: bool = False  # trade compute for memory on long windows / big models
    cache_frozen: bool = False  # with lora.top_layers: cache the frozen lower layers' output per window
    frozen_cache: str | None = None  # file that keeps those outputs between runs (same backbone and windows)
    progress: bool = True

    def to_json(self) -> dict:
        return asdict(self)


@dataclass
class RequantizeConfig:
    package: str = ""  # model package folder to read
    out: str = ""  # package folder to write
    version: str = ""  # version of the result (empty: the source's)
    source: str = "q8"  # the variant the new ones are made from: 8 bits lose least of the fp32 weights
    variants: tuple[str, ...] = ("int8",)
    block_size: int = 32  # as the export stage: blocks of 32 keep argmax agreement on small hidden sizes
    default: str = ""  # the result's default variant (empty: the source's)
    drop: tuple[str, ...] = ()  # variants left out of the result
    tolerance: float = 1e-4  # dequantizing is exact up to fp32 rounding in a different summation order
    # Lower than the export's 0.99: measured against an already quantized source, and near-ties of
    # an undertrained head flip under any perturbation; the accuracy guard is the evaluation, not this.
    min_agreement: float = 0.95


@dataclass
class ExportConfig:
    run: str = ""  # training run folder (adapter, heads, manifest)
    out: str = ""  # model package folder to write
    package_id: str = "model"
    version: str = "0.1.0"
    opset: int = 18  # ≥ 17 as the app's ORT requires; 18 is what the dynamo exporter emits natively
    variants: tuple[str, ...] = ("fp32", "q4")  # fp32 and 4-bit weight-only (MatMulNBits); "q8", "int8" optional
    block_size: int = 32  # MatMulNBits block (q4, q8): 32 keeps argmax agreement high on small hidden sizes
    # Also shrink the token embedding, as int8 rows (standard ops; onnxruntime-web has no GatherBlockQuantized).
    # Off by default: it perturbs every layer's input, though it is a large share of a small model's size.
    int8_embeddings: bool = False
    ship: tuple[str, ...] = ()  # variants kept in the package after verification (empty: all)
    tolerance: float = 1e-4  # max abs logit difference allowed between PyTorch and ONNX fp32
    min_q4_agreement: float = 0.99  # argmax agreement of the 4-bit variant with fp32
    metrics: str | None = None  # JSON file of measured metrics recorded in the manifest


@dataclass
class VerifyConfig:
    run: str = ""
    package: str = ""
    tolerance: float = 1e-4
    min_q4_agreement: float = 0.99
    texts: list[str] = field(default_factory=list)  # extra verification texts (JSONL); built-ins otherwise
