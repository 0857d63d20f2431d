"""Reports, labels and evidence from JSONL, and the windowing of long reports shared with the browser app.

A report's token ids (no special tokens) are cut into windows of `max_length - 1` tokens whose starts
are `stride` apart, each prefixed with BOS. The app (src/domain) cuts exactly the same windows.

A report may carry evidence quotes per field (`"evidence": {"pT": "pT2 N0", ...}`, as in the
text-grounded dev labels). Each quote is located in the text and becomes a token mask per field, which
training can use to teach the field's attention where the answer is written.
"""
from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

import torch

from .schema import Schema

IGNORE = -100  # a field absent from a report's labels is masked out of the loss


@dataclass
class Report:
    id: str
    text: str
    labels: list[int]  # one class index per schema field, IGNORE where unlabelled
    evidence: dict[int, list[tuple[int, int]]] = field(default_factory=dict)  # field index → character spans


def locate(text: str, quote: str) -> tuple[int, int] | None:
    """Where an evidence quote sits in the text: exactly, else ignoring case and runs of whitespace."""
    start = text.find(quote)
    if start >= 0:
        return start, start + len(quote)
    words = quote.split()
    found = re.search(r"\s+".join(map(re.escape, words)), text, flags=re.IGNORECASE) if words else None
    return (found.start(), found.end()) if found else None


def evidence_spans(text: str, given: dict, schema: Schema) -> dict[int, list[tuple[int, int]]]:
    """Character spans of each field's quotes (a string or a list of them); quotes not found are dropped."""
    spans: dict[int, list[tuple[int, int]]] = {}
    for i, fld in enumerate(schema.fields):
        quotes = given.get(fld.name) or []
        for quote in [quotes] if isinstance(quotes, str) else quotes:
            span = locate(text, quote)
            if span:
                spans.setdefault(i, []).append(span)
    return spans


def read_reports(paths: list[str] | list[Path], schema: Schema) -> list[Report]:
    """Reads {"id", "text", "labels": {field: value}} lines; keys outside the schema are ignored."""
    reports: list[Report] = []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, start=1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as e:
                    raise ValueError(f"{path}:{n}: invalid JSON ({e.msg})") from None
                text = row.get("text")
                if not isinstance(text, str) or not text.strip():
                    raise ValueError(f"{path}:{n}: missing or empty \"text\"")
                given = row.get("labels") or {}
                labels = []
                for fld in schema.fields:
                    value = given.get(fld.name)
                    if value is None:
                        labels.append(IGNORE)
                        continue
                    try:
                        labels.append(fld.index(str(value)))
                    except ValueError as e:
                        raise ValueError(f"{path}:{n}: {e}") from None
                evidence = evidence_spans(text, row.get("evidence") or {}, schema)
                reports.append(Report(id=str(row.get("id", f"{Path(path).stem}-{n}")), text=text, labels=labels, evidence=evidence))
    return reports


def split_reports(reports: list[Report], fraction: float, seed: int) -> tuple[list[Report], list[Report]]:
    """A seeded split: (train, held out). fraction 0 holds nothing out."""
    if fraction <= 0:
        return reports, []
    order = list(range(len(reports)))
    random.Random(seed).shuffle(order)
    cut = max(1, round(len(reports) * fraction))
    held = {i for i in order[:cut]}
    return [r for i, r in enumerate(reports) if i not in held], [r for i, r in enumerate(reports) if i in held]


def window_starts(n_tokens: int, max_length: int, stride: int) -> list[int]:
    """Start offsets of the windows over n_tokens body tokens (BOS excluded); at least one window."""
    if max_length < 2:
        raise ValueError("max_length must leave room for BOS and one token")
    if not 0 < stride <= max_length - 1:
        raise ValueError(f"stride must be in 1..{max_length - 1} so that windows leave no gap")
    body = max_length - 1
    starts = [0]
    while starts[-1] + body < n_tokens:
        starts.append(starts[-1] + stride)
    return starts


def make_windows(ids: list[int], bos_id: int, max_length: int, stride: int) -> list[list[int]]:
    body = max_length - 1
    return [[bos_id, *ids[s : s + body]] for s in window_starts(len(ids), max_length, stride)]


@dataclass
class Batch:
    input_ids: torch.Tensor  # [windows, seq] int64
    attention_mask: torch.Tensor  # [windows, seq] int64
    report_index: torch.Tensor  # [windows] which report each window belongs to
    labels: torch.Tensor  # [reports, fields] class index or IGNORE
    n_reports: int
    evidence: torch.Tensor  # [windows, fields, seq] bool: the token overlaps one of the field's evidence spans


class Encoder:
    """Tokenizes reports into windows; caches token ids because epochs revisit the same texts."""

    def __init__(self, tokenizer, max_length: int, stride: int, n_fields: int = 0):
        self.tokenizer = tokenizer
        self.n_fields = n_fields
        self.max_length = max_length
        self.stride = stride
        self.bos_id = tokenizer.bos_token_id if tokenizer.bos_token_id is not None else tokenizer.convert_tokens_to_ids("<|begin_of_text|>")
        pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
        self.pad_id = pad if pad is not None else 0
        self._cache: dict[str, tuple[list[list[int]], list[tuple[int, int]]]] = {}

    def _tokens(self, text: str) -> tuple[list[list[int]], list[tuple[int, int]]]:
        """The windows' token ids and the character span of every body token of the report."""
        if text not in self._cache:
            enc = self.tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
            self._cache[text] = make_windows(enc["input_ids"], self.bos_id, self.max_length, self.stride), list(enc["offset_mapping"])
        return self._cache[text]

    def windows(self, text: str) -> list[list[int]]:
        return self._tokens(text)[0]

    def _mark_evidence(self, out: torch.Tensor, report: Report) -> None:
        """Sets out[w, field, position] for the tokens of each window that overlap the field's spans."""
        windows, offsets = self._tokens(report.text)
        starts = window_starts(len(offsets), self.max_length, self.stride)
        for f, spans in report.evidence.items():
            for w, s in enumerate(starts):
                for k, (a, b) in enumerate(offsets[s : s + self.max_length - 1]):
                    if any(a < end and start < b for start, end in spans):
                        out[w, f, k + 1] = True  # position 0 is BOS

    def batch(self, reports: list[Report]) -> Batch:
        rows: list[list[int]] = []
        owner: list[int] = []
        for i, r in enumerate(reports):
            for w in self.windows(r.text):
                rows.append(w)
                owner.append(i)
        width = max(len(w) for w in rows)
        # Right padding: with causal attention, real tokens never attend to the padding after them.
        input_ids = torch.full((len(rows), width), self.pad_id, dtype=torch.long)
        mask = torch.zeros((len(rows), width), dtype=torch.long)
        for j, w in enumerate(rows):
            input_ids[j, : len(w)] = torch.tensor(w)
            mask[j, : len(w)] = 1
        evidence = torch.zeros((len(rows), self.n_fields, width), dtype=torch.bool)
        first = 0
        for r in reports:
            n = len(self.windows(r.text))
            if r.evidence and self.n_fields:  # an inference encoder (no fields) has nothing to mark
                self._mark_evidence(evidence[first : first + n], r)
            first += n
        return Batch(
            input_ids=input_ids,
            attention_mask=mask,
            report_index=torch.tensor(owner),
            labels=torch.tensor([r.labels for r in reports], dtype=torch.long),
            n_reports=len(reports),
            evidence=evidence,
        )
