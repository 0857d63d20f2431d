"""Per-field macro-F1 with the app's definition (src/domain/metrics.ts): averaged over the classes
present among the gold labels; undefined precision or recall counts as 0."""
from __future__ import annotations


def field_metrics(labels: list[str], gold: list[int], pred: list[int]) -> dict:
    n = len(gold)
    if n == 0:
        return {"n": 0, "accuracy": None, "macro_f1": None, "per_class": {}}
    per_class = {}
    f1s = []
    for c, name in enumerate(labels):
        tp = sum(1 for g, p in zip(gold, pred) if g == c and p == c)
        n_pred = sum(1 for p in pred if p == c)
        support = sum(1 for g in gold if g == c)
        precision = tp / n_pred if n_pred else 0.0
        recall = tp / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_class[name] = {"precision": precision, "recall": recall, "f1": f1, "support": support}
        if support:
            f1s.append(f1)
    return {
        "n": n,
        "accuracy": sum(1 for g, p in zip(gold, pred) if g == p) / n,
        "macro_f1": sum(f1s) / len(f1s),
        "per_class": per_class,
    }
