"""Evaluation reports: macro-F1, per-label precision/recall/F1, confusion, calibration.

Records are evaluated as articles: those sharing a ``doc_id`` (or ``doc``) are labelled
together in ``idx`` order, so context features apply, and predictions are aligned back to the
records as given.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from stance._errors import InputError
from stance._labels import LABELS

__all__ = ["calibration", "evaluate_records", "format_report", "order_by_article", "report"]

ProbaFn = Callable[[list[str], list[str]], np.ndarray]


def order_by_article(records: Sequence[dict[str, Any]]) -> list[int]:
    """Record positions grouped by document (first appearance order), then by ``idx``."""
    first_seen: dict[str, int] = {}
    keys = []
    for position, record in enumerate(records):
        doc = str(record.get("doc_id", record.get("doc", f"#{position}")))
        first_seen.setdefault(doc, len(first_seen))
        keys.append((first_seen[doc], record.get("idx", position), position))
    return [key[2] for key in sorted(keys)]


def doc_of(record: dict[str, Any], position: int) -> str:
    return str(record.get("doc_id", record.get("doc", f"#{position}")))


def predict_records(proba_fn: ProbaFn, records: Sequence[dict[str, Any]]) -> np.ndarray:
    """Probabilities for each record, in the records' own order, articles read in context."""
    order = order_by_article(records)
    texts = [records[i]["text"] for i in order]
    docs = [doc_of(records[i], i) for i in order]
    proba = proba_fn(texts, docs)
    aligned = np.empty_like(proba)
    aligned[order] = proba
    return aligned


def calibration(y_true: np.ndarray, proba: np.ndarray, bins: int = 10) -> dict[str, Any]:
    """Expected calibration error of the top label, and the reliability table behind it."""
    confidence = proba.max(axis=1)
    correct = proba.argmax(axis=1) == y_true
    edges = np.linspace(0.0, 1.0, bins + 1)
    table = []
    ece = 0.0
    for low, high in itertools.pairwise(edges):
        inside = (confidence > low) & (confidence <= high)
        if not inside.any():
            continue
        accuracy = float(correct[inside].mean())
        mean_conf = float(confidence[inside].mean())
        ece += inside.mean() * abs(accuracy - mean_conf)
        table.append(
            {
                "low": float(low),
                "high": float(high),
                "n": int(inside.sum()),
                "accuracy": accuracy,
                "confidence": mean_conf,
            }
        )
    return {"ece": float(ece), "bins": table}


def report(
    y_true: Sequence[str], y_pred: Sequence[str], proba: np.ndarray | None = None
) -> dict[str, Any]:
    """Macro-F1, accuracy, per-label figures, confusion (rows true, columns predicted)."""
    truth = np.array([LABELS.index(label) for label in y_true], dtype=int)
    pred = np.array([LABELS.index(label) for label in y_pred], dtype=int)
    confusion = np.zeros((len(LABELS), len(LABELS)), dtype=int)
    np.add.at(confusion, (truth, pred), 1)
    per_label = {}
    for k, label in enumerate(LABELS):
        tp = confusion[k, k]
        precision = tp / confusion[:, k].sum() if confusion[:, k].sum() else 0.0
        recall = tp / confusion[k].sum() if confusion[k].sum() else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_label[label] = {
            "precision": float(precision),
            "recall": float(recall),
            "f1": float(f1),
            "support": int(confusion[k].sum()),
        }
    # Macro-F1 over the labels that occur in the truth or the predictions (as scikit-learn).
    present = [
        label
        for k, label in enumerate(LABELS)
        if per_label[label]["support"] or confusion[:, k].sum()
    ]
    macro = float(np.mean([per_label[label]["f1"] for label in present])) if present else 0.0
    result: dict[str, Any] = {
        "n": len(truth),
        "accuracy": float((truth == pred).mean()) if len(truth) else 0.0,
        "macro_f1": macro,
        "per_label": per_label,
        "labels": list(LABELS),
        "confusion": confusion.tolist(),
    }
    if proba is not None and len(truth):
        result["calibration"] = calibration(truth, proba)
        result["ece"] = result["calibration"]["ece"]
    return result


def evaluate_records(proba_fn: ProbaFn, records: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The report of a model (given as its probability function) on labelled records."""
    for position, record in enumerate(records):
        if not isinstance(record.get("text"), str):
            raise InputError(f"record {position} has no str 'text'")
        if record.get("label") not in LABELS:
            raise InputError(
                f"record {position} has label {record.get('label')!r}; "
                f"use one of {', '.join(LABELS)}"
            )
    proba = predict_records(proba_fn, records)
    predicted = [LABELS[i] for i in proba.argmax(axis=1)]
    return report([r["label"] for r in records], predicted, proba)


def format_report(result: dict[str, Any], title: str = "") -> str:
    """The report as a readable text table."""
    lines = [title] if title else []
    lines.append(
        f"sentences {result['n']}   accuracy {result['accuracy']:.3f}   "
        f"macro-F1 {result['macro_f1']:.3f}"
        + (f"   ECE {result['ece']:.3f}" if "ece" in result else "")
    )
    lines.append("")
    lines.append(f"{'label':<22}{'precision':>10}{'recall':>10}{'F1':>10}{'support':>10}")
    for label, row in result["per_label"].items():
        lines.append(
            f"{label:<22}{row['precision']:>10.3f}{row['recall']:>10.3f}"
            f"{row['f1']:>10.3f}{row['support']:>10d}"
        )
    lines.append("")
    short = ["ukr", "rus", "west", "opin", "neut"]
    lines.append("confusion (rows: true, columns: predicted)")
    lines.append(f"{'':<22}" + "".join(f"{s:>7}" for s in short))
    for label, row in zip(LABELS, result["confusion"]):
        lines.append(f"{label:<22}" + "".join(f"{v:>7d}" for v in row))
    return "\n".join(lines)
