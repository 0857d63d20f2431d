"""The multi-task encoder: a Llama-family backbone whose final hidden states feed one attention-pooling
head per schema field (the paper's parallel heads), plus the exact combination of windows.

Each head scores every token against a learned query; the masked softmax of those scores is the
field's evidence over tokens and pools the states for a linear classifier. Besides the per-window
logits, a head returns the log-sum-exp of its scores (`window_score`): attention pooling over all
windows of a report then equals the softmax(window_score)-weighted mean of the per-window logits, so
training, verification and the browser combine windows with the same arithmetic.
"""
from __future__ import annotations

import copy
import math

import torch
from torch import nn
from transformers import LlamaConfig, LlamaModel

from .schema import Schema


class FieldHead(nn.Module):
    def __init__(self, hidden_size: int, n_labels: int):
        super().__init__()
        self.scale = 1.0 / math.sqrt(hidden_size)
        self.query = nn.Parameter(torch.randn(hidden_size) * self.scale)
        self.classifier = nn.Linear(hidden_size, n_labels)

    def forward(self, states: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
        scores = (states @ self.query) * self.scale  # [windows, seq]
        scores = scores.masked_fill(mask == 0, torch.finfo(scores.dtype).min)
        window_score = torch.logsumexp(scores, dim=-1)  # [windows]
        weights = torch.softmax(scores, dim=-1)  # evidence over tokens
        pooled = torch.einsum("ws,wsh->wh", weights, states)
        return self.classifier(pooled), weights, window_score, scores


class MultiTaskEncoder(nn.Module):
    def __init__(self, backbone: LlamaModel, schema: Schema, heads: nn.ModuleDict | None = None):
        super().__init__()
        self.backbone = backbone
        self.field_names = schema.names
        hidden = backbone.config.hidden_size
        # `heads` lets a view over the top layers share the heads (and their training) with the full model.
        self.heads = heads if heads is not None else nn.ModuleDict({f.name: FieldHead(hidden, len(f.labels)) for f in schema.fields})

    def forward(self, input_ids: torch.Tensor | None = None, attention_mask: torch.Tensor | None = None, inputs_embeds: torch.Tensor | None = None) -> dict[str, torch.Tensor]:
        # No KV cache: an encoder reads each window once (and a layer slice keeps absolute layer indices).
        states = self.backbone(input_ids=input_ids, inputs_embeds=inputs_embeds, attention_mask=attention_mask, use_cache=False).last_hidden_state
        # Heads run in fp32 whatever the backbone's dtype: they are small and their softmax is sensitive.
        states = states.float()
        out: dict[str, torch.Tensor] = {}
        for name in self.field_names:
            logits, evidence, window_score, scores = self.heads[name](states, attention_mask)
            out[f"logits_{name}"] = logits
            out[f"evidence_{name}"] = evidence
            out[f"window_score_{name}"] = window_score
            out[f"attention_scores_{name}"] = scores  # for training only: not an exported output
        return out


def backbone_slice(backbone: LlamaModel, start: int, stop: int, final_norm: bool) -> LlamaModel:
    """A LlamaModel that runs only layers [start, stop) of `backbone`, sharing its modules (and any LoRA
    in them). Fed hidden states as `inputs_embeds`, it computes positions, the causal mask and rotary
    embeddings exactly as the full model does, so the frozen bottom can run once and be cached."""
    view = copy.copy(backbone)
    view._modules = dict(backbone._modules)
    view.layers = nn.ModuleList(list(backbone.layers)[start:stop])
    view.config = copy.copy(backbone.config)
    view.config.num_hidden_layers = stop - start
    if not final_norm:
        view.norm = nn.Identity()
    return view


def combine_windows(logits: torch.Tensor, window_score: torch.Tensor, report_index: torch.Tensor, n_reports: int) -> torch.Tensor:
    """Per-report logits: softmax over each report's windows of window_score, weighted mean of logits."""
    top = torch.full((n_reports,), -torch.inf, dtype=window_score.dtype, device=window_score.device)
    top = top.scatter_reduce(0, report_index, window_score, reduce="amax")
    weight = torch.exp(window_score - top[report_index])
    total = torch.zeros(n_reports, dtype=weight.dtype, device=weight.device).index_add(0, report_index, weight)
    weight = weight / total[report_index]
    out = torch.zeros((n_reports, logits.shape[-1]), dtype=logits.dtype, device=logits.device)
    return out.index_add(0, report_index, logits * weight[:, None])


def evidence_loss(scores: torch.Tensor, window_score: torch.Tensor, evidence: torch.Tensor, report_index: torch.Tensor, n_reports: int) -> torch.Tensor | None:
    """Mean over reports with evidence of -log(the report-level attention mass on its evidence tokens).

    Report-level attention over all windows is softmax(window_score) times each window's softmax, so a
    token's log weight is its score minus the log-sum-exp of every score in the report (= the LSE of
    its windows' window_score): the loss is that LSE minus the LSE of the evidence tokens' scores."""
    losses = []
    for r in range(n_reports):
        mine = report_index == r
        marked = evidence[mine]
        if marked.any():  # boolean selection keeps -inf (and NaN gradients) out of the sums
            losses.append(torch.logsumexp(window_score[mine], dim=0) - torch.logsumexp(scores[mine][marked], dim=0))
    return torch.stack(losses).mean() if losses else None


def llama3_tiny_config(**overrides) -> LlamaConfig:
    """A tiny random config with Llama-3's conventions: vocab 128256, rope_theta 500000, grouped-query
    attention with fewer KV heads than query heads, RMSNorm eps 1e-5. For tests and the e2e package."""
    cfg = dict(
        vocab_size=128256,
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=2048,
        rope_theta=500000.0,
        rms_norm_eps=1e-5,
        bos_token_id=128000,
        eos_token_id=128001,
        tie_word_embeddings=False,
    )
    cfg.update(overrides)
    config = LlamaConfig(**cfg)
    config._attn_implementation = "eager"
    return config
