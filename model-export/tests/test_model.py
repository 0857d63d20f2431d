"""The heads, the exact combination of windows, LoRA targeting and PEFT save/reload/merge."""
from __future__ import annotations

import pytest
import torch
from transformers import LlamaModel

from model_export import common
from model_export.config import LoraSettings
from model_export.model import FieldHead, MultiTaskEncoder, combine_windows, evidence_loss, llama3_tiny_config


def test_llama3_conventions_of_the_tiny_config():
    cfg = llama3_tiny_config()
    assert cfg.vocab_size == 128256
    rope = getattr(cfg, "rope_theta", None) or cfg.rope_parameters["rope_theta"]
    assert rope == 500000.0
    assert cfg.num_key_value_heads < cfg.num_attention_heads  # grouped-query attention
    assert cfg.rms_norm_eps == 1e-5


def test_evidence_is_a_distribution_over_real_tokens():
    torch.manual_seed(0)
    head = FieldHead(8, 3)
    states = torch.randn(2, 5, 8)
    mask = torch.tensor([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]])
    logits, evidence, _, _ = head(states, mask)
    assert logits.shape == (2, 3)
    torch.testing.assert_close(evidence.sum(-1), torch.ones(2))
    assert torch.all(evidence[1, 3:] == 0)


def test_window_combination_equals_attention_pooling_over_all_windows():
    """softmax(window_score)-weighted per-window logits == one head pooling over the windows' tokens."""
    torch.manual_seed(1)
    head = FieldHead(16, 4)
    states = torch.randn(3, 6, 16)  # three windows of one report
    mask = torch.tensor([[1] * 6, [1] * 6, [1, 1, 1, 0, 0, 0]])
    logits, _, score, _ = head(states, mask)
    combined = combine_windows(logits, score, torch.zeros(3, dtype=torch.long), 1)
    joint_states = torch.cat([states[0], states[1], states[2, :3]])[None]
    joint_logits, _, _, _ = head(joint_states, torch.ones(1, joint_states.shape[1], dtype=torch.long))
    torch.testing.assert_close(combined, joint_logits, rtol=1e-5, atol=1e-5)


def test_evidence_loss_is_minus_log_report_attention_on_the_evidence():
    """Across windows, the loss is -log of the report-level attention mass on the marked tokens."""
    torch.manual_seed(2)
    head = FieldHead(16, 4)
    states = torch.randn(3, 6, 16)  # windows 0-1: report 0; window 2: report 1 (no evidence)
    mask = torch.tensor([[1] * 6, [1] * 6, [1, 1, 1, 1, 0, 0]])
    marks = torch.zeros(3, 6, dtype=torch.bool)
    marks[0, 2] = marks[1, 4] = marks[1, 5] = True
    _, _, score, scores = head(states, mask)
    loss = evidence_loss(scores, score, marks, torch.tensor([0, 0, 1]), 2)
    _, joint, _, _ = head(torch.cat([states[0], states[1]])[None], torch.ones(1, 12, dtype=torch.long))
    expected = -torch.log(joint[0, [2, 10, 11]].sum())
    torch.testing.assert_close(loss, expected, rtol=1e-5, atol=1e-5)
    loss.backward()  # a report without evidence adds no NaN through the masked sums
    assert torch.isfinite(head.query.grad).all()
    assert evidence_loss(scores, score, torch.zeros_like(marks), torch.tensor([0, 0, 1]), 2) is None


def test_combination_keeps_reports_apart():
    logits = torch.tensor([[1.0, 0.0], [0.0, 1.0], [5.0, 5.0]])
    score = torch.tensor([0.0, 0.0, 3.0])
    out = combine_windows(logits, score, torch.tensor([0, 0, 1]), 2)
    torch.testing.assert_close(out, torch.tensor([[0.5, 0.5], [5.0, 5.0]]))


def test_lora_can_target_only_the_top_layers(schema):
    torch.manual_seed(0)
    model = MultiTaskEncoder(LlamaModel(llama3_tiny_config(num_hidden_layers=4)), schema)
    peft = common.with_lora(model, LoraSettings(r=2, alpha=4, top_layers=1), schema)
    adapted = {n.split(".backbone.layers.")[1].split(".")[0] for n, _ in peft.named_parameters() if "lora_A" in n}
    assert adapted == {"3"}
    trainable = {n for n, p in peft.named_parameters() if p.requires_grad}
    assert any(".heads.pT." in n for n in trainable)
    assert not any("embed_tokens" in n for n in trainable)


def test_heads_survive_save_and_reload_and_merge_is_exact(tmp_path, schema):
    torch.manual_seed(0)
    backbone_dir = tmp_path / "backbone"
    LlamaModel(llama3_tiny_config()).save_pretrained(str(backbone_dir))
    model = common.with_lora(MultiTaskEncoder(common.load_backbone(backbone_dir), schema), LoraSettings(r=4, alpha=8), schema)
    # Move every trainable weight away from its initial value, as training would.
    with torch.no_grad():
        for p in model.parameters():
            if p.requires_grad:
                p.add_(torch.randn_like(p) * 0.05)
    model.eval()
    ids = torch.randint(0, 128000, (2, 9))
    mask = torch.ones_like(ids)
    before = model(input_ids=ids, attention_mask=mask)
    model.save_pretrained(str(tmp_path / "run" / "adapter"))

    reloaded = common.load_trained(tmp_path / "run", schema, backbone_dir)
    after = reloaded(input_ids=ids, attention_mask=mask)
    for k in before:
        torch.testing.assert_close(after[k], before[k])  # heads restored, not re-initialised
    merged = reloaded.merge_and_unload().eval()
    assert isinstance(merged, MultiTaskEncoder)
    assert not any("lora" in n for n, _ in merged.named_parameters())
    out = merged(input_ids=ids, attention_mask=mask)
    for name in schema.names:
        torch.testing.assert_close(out[f"logits_{name}"], before[f"logits_{name}"], atol=1e-5, rtol=1e-5)


def test_cached_frozen_layers_give_the_same_outputs_as_the_full_model(schema, llama3_tokenizer):
    from model_export.data import Encoder, Report
    from model_export.train import CachedRunner, TokenRunner

    torch.manual_seed(0)
    model = common.with_lora(MultiTaskEncoder(LlamaModel(llama3_tiny_config(num_hidden_layers=4)), schema), LoraSettings(r=4, alpha=8, top_layers=2), schema)
    with torch.no_grad():
        for p in model.parameters():
            if p.requires_grad:
                p.add_(torch.randn_like(p) * 0.05)
    model.eval()
    encoder = Encoder(llama3_tokenizer, max_length=16, stride=12)
    reports = [Report("a", "Invasive ductal carcinoma, grade 3, pT2 pN1a. " * 3, []), Report("b", "ER positive.", [])]
    device = torch.device("cpu")
    full, full_batch = TokenRunner(model, encoder, device)(reports)
    cached_runner = CachedRunner(model, encoder, schema, 2, device)
    cached, cached_batch = cached_runner(reports)
    assert torch.equal(full_batch.report_index, cached_batch.report_index)
    for k in full:
        torch.testing.assert_close(cached[k], full[k], atol=1e-6, rtol=1e-6)
    assert len(cached_runner.cache) == 2
    # Gradients reach the adapters of the top layers through the cached path.
    model.train()
    out, _ = cached_runner(reports)
    out["logits_pT"].sum().backward()
    grads = [p.grad for n, p in model.named_parameters() if "lora_B" in n and p.requires_grad]
    assert grads and all(g is not None for g in grads)


def test_truncated_backbone_is_the_first_layers_of_the_full_one():
    from model_export.backbones import truncated

    torch.manual_seed(3)
    full = LlamaModel(llama3_tiny_config(num_hidden_layers=4)).eval()
    short = truncated(full, 2).eval()
    assert short.config.num_hidden_layers == 2 and len(short.layers) == 2
    ids = torch.tensor([[128000, 9906, 1917, 13]])
    with torch.no_grad():
        hidden = full(input_ids=ids, output_hidden_states=True).hidden_states[2]  # after layer 2, before the norm
        torch.testing.assert_close(short(input_ids=ids).last_hidden_state, full.norm(hidden))
    with pytest.raises(SystemExit):
        truncated(full, 5)
