"""Agreement between annotators: Cohen's kappa overall and per label, confusion, disagreements.

Two passes are aligned by ``(doc, idx)``: either two annotation files, or one file whose
records carry an ``annotator`` field (as :func:`stance.annotations.import_annotations` writes
them), compared pair by pair. Sentences labelled in one pass only are listed, not dropped.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from stance._errors import AnnotationError
from stance._io import write_jsonl
from stance._labels import LABELS
from stance.annotate._records import REQUIRED, read_records

__all__ = ["Agreement", "agreement", "cohen_kappa", "compare", "write_disagreements"]

Key = tuple[str, int]


def confusion(a: Sequence[str], b: Sequence[str], labels: Sequence[str] = LABELS) -> np.ndarray:
    """Counts of (label by A, label by B): rows are A's labels, columns B's, in ``labels``."""
    index = {label: i for i, label in enumerate(labels)}
    table = np.zeros((len(labels), len(labels)), dtype=np.int64)
    for label_a, label_b in zip(a, b, strict=True):
        table[index[label_a], index[label_b]] += 1
    return table


def _kappa_of(table: np.ndarray) -> float:
    n = int(table.sum())
    expected = int(table.sum(axis=1) @ table.sum(axis=0))  # n^2 times the chance agreement
    if n == 0 or expected == n * n:
        return float("nan")  # both gave one and the same label throughout: kappa is undefined
    observed = int(np.trace(table))
    return (observed * n - expected) / (n * n - expected)


def cohen_kappa(a: Sequence[Any], b: Sequence[Any], labels: Sequence[Any] = LABELS) -> float:
    """Cohen's kappa, (p_o - p_e) / (1 - p_e); NaN when undefined (p_e = 1 or no items)."""
    return _kappa_of(confusion(a, b, labels))


def per_label_kappa(a: Sequence[str], b: Sequence[str]) -> dict[str, float]:
    """For each label, the kappa of the binary decision "this label or another"."""
    return {
        label: cohen_kappa([x == label for x in a], [y == label for y in b], (False, True))
        for label in LABELS
    }


@dataclass
class Agreement:
    """The agreement of annotator A with annotator B on the sentences both labelled."""

    annotator_a: str
    annotator_b: str
    n: int
    observed: float
    kappa: float
    per_label: dict[str, float]
    confusion: list[list[int]]
    disagreements: list[dict[str, Any]]
    only_a: list[Key] = field(default_factory=list)
    only_b: list[Key] = field(default_factory=list)
    text_differs: list[Key] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        nan_free = {label: _json_float(k) for label, k in self.per_label.items()}
        return {
            "annotator_a": self.annotator_a, "annotator_b": self.annotator_b, "n": self.n,
            "observed": self.observed, "kappa": _json_float(self.kappa), "per_label": nan_free,
            "labels": list(LABELS), "confusion": self.confusion,
            "disagreements": len(self.disagreements),
            "only_a": [list(k) for k in self.only_a], "only_b": [list(k) for k in self.only_b],
            "text_differs": [list(k) for k in self.text_differs],
        }  # fmt: skip

    def table(self) -> str:
        """The figures as a readable table."""
        counts = np.array(self.confusion)
        lines = [
            f"A = {self.annotator_a}",
            f"B = {self.annotator_b}",
            f"{self.n} sentences labelled by both; observed agreement {self.observed:.3f}; "
            f"Cohen's kappa {_fmt(self.kappa)}",
            "",
            f"{'label':<22}{'kappa':>7}{'A':>6}{'B':>6}",
        ]
        for i, label in enumerate(LABELS):
            lines.append(
                f"{label:<22}{_fmt(self.per_label[label]):>7}"
                f"{counts[i].sum():>6}{counts[:, i].sum():>6}"
            )
        initials = ["".join(w[0] for w in label.split("_")).upper() for label in LABELS]
        lines += [
            "",
            "confusion (rows: A, columns: B, in the order above)",
            " " * 22 + "".join(f"{code:>5}" for code in initials),
        ]
        for label, row in zip(LABELS, counts, strict=True):
            lines.append(f"{label:<22}" + "".join(f"{count:>5}" for count in row))
        lines.append("")
        lines.append(f"{len(self.disagreements)} disagreements")
        for name, keys in (
            ("A only", self.only_a),
            ("B only", self.only_b),
            ("text differs", self.text_differs),
        ):
            if keys:
                shown = ", ".join(f"{doc}#{idx}" for doc, idx in keys[:5])
                lines.append(
                    f"{len(keys)} sentences {name}: {shown}" + (" ..." if len(keys) > 5 else "")
                )
        return "\n".join(lines)


def _fmt(value: float) -> str:
    return "n/a" if np.isnan(value) else f"{value:.3f}"


def _json_float(value: float) -> float | None:
    return None if np.isnan(value) else round(value, 6)


def compare(
    records_a: Sequence[dict[str, Any]],
    records_b: Sequence[dict[str, Any]],
    annotator_a: str = "A",
    annotator_b: str = "B",
) -> Agreement:
    """Align two passes by (doc, idx) and measure their agreement."""
    by_a = {(str(r["doc"]), r["idx"]): r for r in records_a}
    by_b = {(str(r["doc"]), r["idx"]): r for r in records_b}
    shared = [key for key in by_a if key in by_b]
    a = [by_a[key]["label"] for key in shared]
    b = [by_b[key]["label"] for key in shared]
    table = confusion(a, b)
    n = len(shared)
    disagreements = [
        {"doc": key[0], "idx": key[1], "text": by_a[key]["text"], "label_a": x, "label_b": y,
         "annotator_a": annotator_a, "annotator_b": annotator_b, "final": "", "reason": ""}
        for key, x, y in zip(shared, a, b, strict=True) if x != y
    ]  # fmt: skip
    return Agreement(
        annotator_a=annotator_a, annotator_b=annotator_b, n=n,
        observed=float(np.trace(table) / n) if n else float("nan"),
        kappa=_kappa_of(table), per_label=per_label_kappa(a, b),
        confusion=table.tolist(), disagreements=disagreements,
        only_a=[key for key in by_a if key not in by_b],
        only_b=[key for key in by_b if key not in by_a],
        text_differs=[key for key in shared if by_a[key]["text"] != by_b[key]["text"]],
    )  # fmt: skip


def read_labelled(path: str | Path, *, by_annotator: bool = False) -> list[dict[str, Any]]:
    """Records of an annotation file, checked for the fields agreement needs.

    A sentence may appear once per annotator when ``by_annotator`` is true, else once.
    """
    if by_annotator:
        return read_records(
            path, required=(*REQUIRED, "annotator"), unique_by=("doc", "idx", "annotator")
        )
    return read_records(path)


def agreement(path_a: str | Path, path_b: str | Path | None = None) -> list[Agreement]:
    """Agreement of two annotation files, or of each pair of annotators within one file."""
    if path_b is not None:
        return [
            compare(
                read_labelled(path_a), read_labelled(path_b), Path(path_a).name, Path(path_b).name
            )
        ]
    records = read_labelled(path_a, by_annotator=True)
    passes: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        passes.setdefault(str(record["annotator"]), []).append(record)
    if len(passes) < 2:
        raise AnnotationError(
            f"{path_a}: agreement needs two annotators, the file names "
            f"{len(passes)} ({', '.join(passes)}); give a second file"
        )
    return [compare(passes[x], passes[y], x, y) for x, y in itertools.combinations(passes, 2)]


def write_disagreements(agreements: Sequence[Agreement], path: str | Path) -> int:
    """Write every disagreement as JSONL to adjudicate (fill ``final`` and ``reason``)."""
    rows = [row for result in agreements for row in result.disagreements]
    return write_jsonl(rows, path)
