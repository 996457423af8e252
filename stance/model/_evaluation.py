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
from stance._labels import ABBREVIATIONS, LABELS
from stance.text._document import with_site

__all__ = [
    "calibration",
    "evaluate_records",
    "format_report",
    "group_reports",
    "order_by_article",
    "report",
    "risk_coverage",
]

# A model as a function: (sentences, doc ids, outlets), one entry each per sentence -> (n, 5).
ProbaFn = Callable[[list[str], list[str], list[str | None]], np.ndarray]


def order_by_article(records: Sequence[dict[str, Any]]) -> list[int]:
    """Record positions grouped by document (first appearance order), then by ``idx``."""
    first_seen: dict[str, int] = {}
    keys = []
    for position, record in enumerate(records):
        doc = str(record.get("doc_id", record.get("doc", f"#{position}")))
        first_seen.setdefault(doc, len(first_seen))
        keys.append((first_seen[doc], _position_key(record.get("idx", position)), position))
    return [key[2] for key in sorted(keys)]


def _position_key(idx: Any) -> tuple[int, float, str]:
    """A sort key for ``idx`` whatever it holds: numbers in order, then anything else as text."""
    if isinstance(idx, (int, float)) and not isinstance(idx, bool) and idx == idx:
        return (0, float(idx), "")
    return (1, 0.0, str(idx))


def doc_of(record: dict[str, Any], position: int) -> str:
    return str(record.get("doc_id", record.get("doc", f"#{position}")))


def source_of(record: dict[str, Any]) -> str | None:
    """What a record says of its article's source: its outlet, with its address's site."""
    return with_site(record.get("outlet") or None, record.get("url") or None)


def predict_records(
    proba_fn: ProbaFn, records: Sequence[dict[str, Any]], *, outlets: bool = True
) -> np.ndarray:
    """Probabilities for each record, in the records' own order, articles read in context.

    The records' ``outlet`` fields (with the site of their ``url``) are passed to the model
    unless ``outlets`` is false.
    """
    order = order_by_article(records)
    texts = [records[i]["text"] for i in order]
    docs = [doc_of(records[i], i) for i in order]
    sources = [source_of(records[i]) if outlets else None for i in order]
    proba = proba_fn(texts, docs, sources)
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
    """Macro-F1, accuracy, per-label figures, confusion (rows true, columns predicted).

    Macro-F1 averages all five labels, present or not (a label never seen and never predicted
    scores 0): one convention everywhere, in the CLI, the model card and the benchmarks.
    """
    from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

    labels = list(LABELS)
    truth = np.array([LABELS.index(label) for label in y_true], dtype=int)
    pred = np.array([LABELS.index(label) for label in y_pred], dtype=int)
    if len(truth):
        precision, recall, f1, support = precision_recall_fscore_support(
            y_true, y_pred, labels=labels, zero_division=0
        )
        confusion = confusion_matrix(y_true, y_pred, labels=labels)
    else:
        precision = recall = f1 = np.zeros(len(labels))
        support = np.zeros(len(labels), dtype=int)
        confusion = np.zeros((len(labels), len(labels)), dtype=int)
    per_label = {
        label: {
            "precision": float(precision[k]),
            "recall": float(recall[k]),
            "f1": float(f1[k]),
            "support": int(support[k]),
        }
        for k, label in enumerate(labels)
    }
    result: dict[str, Any] = {
        "n": len(truth),
        "accuracy": float((truth == pred).mean()) if len(truth) else 0.0,
        "macro_f1": float(np.mean(f1)),
        "per_label": per_label,
        "labels": labels,
        "confusion": confusion.tolist(),
    }
    if proba is not None and len(truth):
        result["calibration"] = calibration(truth, proba)
        result["ece"] = result["calibration"]["ece"]
        result["coverage"] = risk_coverage(truth, proba)
    return result


COVERAGES = (1.0, 0.95, 0.9, 0.8, 0.7, 0.6, 0.5)
TARGET_ACCURACY = 0.9


def risk_coverage(truth: np.ndarray, proba: np.ndarray) -> dict[str, Any]:
    """Accuracy against coverage: the model answers only above a confidence threshold.

    ``table`` gives, for each share of sentences answered (most confident first), the
    confidence that answers that share and the accuracy on them; ``for_target`` is the lowest
    confidence at which the answered sentences reach :data:`TARGET_ACCURACY` (None if none).
    """
    confidence = proba.max(axis=1)
    correct = proba.argmax(axis=1) == truth
    order = np.argsort(-confidence, kind="stable")
    running = np.cumsum(correct[order]) / np.arange(1, len(order) + 1)
    table = []
    for share in COVERAGES:
        k = max(1, round(share * len(order)))
        table.append(
            {
                "coverage": float(k / len(order)),
                "min_confidence": float(confidence[order[k - 1]]),
                "accuracy": float(running[k - 1]),
                "n": k,
            }
        )
    reaching = np.flatnonzero(running >= TARGET_ACCURACY)
    target = None
    if len(reaching):
        k = int(reaching.max()) + 1
        target = {
            "accuracy": TARGET_ACCURACY,
            "min_confidence": float(confidence[order[k - 1]]),
            "coverage": float(k / len(order)),
        }
    return {"table": table, "for_target": target}


def group_reports(
    records: Sequence[dict[str, Any]], proba: np.ndarray, field: str
) -> dict[str, dict[str, Any]]:
    """The report of each group of records sharing a value of ``field`` (``style``, ``outlet``)."""
    groups: dict[str, list[int]] = {}
    for position, record in enumerate(records):
        groups.setdefault(str(record.get(field, "(none)")), []).append(position)
    out = {}
    for value in sorted(groups):
        rows = groups[value]
        part = proba[rows]
        out[value] = report(
            [records[i]["label"] for i in rows], [LABELS[k] for k in part.argmax(axis=1)], part
        )
    return out


def evaluate_records(
    proba_fn: ProbaFn, records: Sequence[dict[str, Any]], *, by: str | None = None
) -> dict[str, Any]:
    """The report of a model (given as its probability function) on labelled records.

    With ``by``, the same figures for each value of that record field, under ``"by"``.
    """
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
    result = report([r["label"] for r in records], predicted, proba)
    if by is not None:
        result["by_field"] = by
        result["by"] = group_reports(records, proba, by)
    return result


def format_report(result: dict[str, Any], title: str = "") -> str:
    """The report as a readable text table."""
    lines = [title] if title else []
    lines.append(
        f"sentences {result['n']}   accuracy {result['accuracy']:.3f}   "
        f"macro-F1 {result['macro_f1']:.3f} (all five labels)"
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
    lines.append("confusion (rows: true, columns: predicted)")
    lines.append(f"{'':<22}" + "".join(f"{ABBREVIATIONS[label]:>7}" for label in LABELS))
    for label, row in zip(LABELS, result["confusion"]):
        lines.append(f"{label:<22}" + "".join(f"{v:>7d}" for v in row))
    if "coverage" in result:
        lines += ["", _format_coverage(result["coverage"])]
    if "by" in result:
        lines += ["", _format_by(result["by_field"], result["by"])]
    return "\n".join(lines)


def _format_coverage(coverage: dict[str, Any]) -> str:
    lines = [
        "accuracy against coverage (answering only the most confident sentences)",
        f"{'coverage':>10}{'confidence >=':>15}{'accuracy':>10}{'sentences':>11}",
    ]
    for row in coverage["table"]:
        lines.append(
            f"{row['coverage']:>10.2f}{row['min_confidence']:>15.3f}"
            f"{row['accuracy']:>10.3f}{row['n']:>11d}"
        )
    target = coverage["for_target"]
    if target is None:
        lines.append(f"no confidence threshold reaches {TARGET_ACCURACY:.0%} accuracy")
    else:
        lines.append(
            f"{target['accuracy']:.0%} accuracy at confidence >= "
            f"{target['min_confidence']:.3f} (answers {target['coverage']:.0%} of the "
            "sentences): stance label --min-confidence takes such a threshold"
        )
    return "\n".join(lines)


def _format_by(field: str, groups: dict[str, dict[str, Any]]) -> str:
    width = max([len(field), *(len(value) for value in groups)]) + 2
    lines = [f"by {field}", f"{field:<{width}}{'sentences':>10}{'accuracy':>10}{'macro-F1':>10}"]
    for value, part in sorted(groups.items(), key=lambda kv: (kv[1]["accuracy"], kv[0])):
        lines.append(
            f"{value:<{width}}{part['n']:>10d}{part['accuracy']:>10.3f}{part['macro_f1']:>10.3f}"
        )
    return "\n".join(lines)
