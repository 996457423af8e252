"""Annotation files: reading, validating and loading them as a ``datasets.Dataset``.

An annotation file is JSON Lines, one sentence a record, with at least ``doc``, ``idx``,
``text`` and ``label`` (one of :data:`stance.LABELS`); ``start`` and ``end`` are offsets into
the document's text when it is known (the seeds), ``note`` says why for a hard case. The
project ships three: ``seeds.jsonl`` (hand labels of the seed articles), ``authored.jsonl``
(sentences written by the project, for training only) and ``dev.jsonl`` (retold real articles,
for choosing and reporting only).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stance._errors import AnnotationError
from stance._jsonl import json_file_objects
from stance._labels import LABELS
from stance._paths import data_dir

if TYPE_CHECKING:
    from datasets import Dataset

__all__ = [
    "SHIPPED",
    "TRAINING",
    "load_annotations",
    "read_annotations",
    "seed_text",
    "shipped_path",
]

SHIPPED = ("seeds", "authored", "authored_documents", "dev")
# The files the shipped model is trained on, in order; the dev set is never among them.
TRAINING = ("seeds", "authored", "authored_documents")
_REQUIRED = ("doc", "idx", "text", "label")


def shipped_path(name: str = "seeds") -> Path:
    """The path of a shipped annotation file: ``seeds``, ``authored`` or ``dev``."""
    if name not in SHIPPED:
        raise AnnotationError(f"name must be one of {', '.join(SHIPPED)}; got {name!r}")
    return data_dir("annotations") / f"{name}.jsonl"


def seed_text(doc: str) -> str | None:
    """The text of a shipped seed article by file name, or None if there is no such seed."""
    source = data_dir("seeds") / doc
    if not doc.endswith(".txt") or "/" in doc or not source.is_file():
        return None
    return source.read_text(encoding="utf-8")


def _records(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    return json_file_objects(path, "annotation file")


def _check(
    path: Path,
    line_no: int,
    record: dict[str, Any],
    texts: dict[str, str | None],
    texts_dir: Path | None,
) -> None:
    where = f"{path}:{line_no}"
    missing = [field for field in _REQUIRED if field not in record]
    if missing:
        raise AnnotationError(
            f"{where}: missing field(s) {', '.join(missing)}; every record "
            f"needs {', '.join(_REQUIRED)}"
        )
    if record["label"] not in LABELS:
        raise AnnotationError(
            f"{where}: unknown label {record['label']!r}; use one of {', '.join(LABELS)}"
        )
    if not isinstance(record["text"], str) or not record["text"].strip():
        raise AnnotationError(f"{where}: text must be a non-empty string")
    if not isinstance(record["idx"], int) or isinstance(record["idx"], bool) or record["idx"] < 0:
        raise AnnotationError(f"{where}: idx must be a non-negative integer, got {record['idx']!r}")
    if "start" in record or "end" in record:
        _check_offsets(where, record, texts, texts_dir)


def _check_offsets(
    where: str, record: dict[str, Any], texts: dict[str, str | None], texts_dir: Path | None
) -> None:
    start, end = record.get("start"), record.get("end")
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end):
        raise AnnotationError(
            f"{where}: start and end must be integers with 0 <= start < end, "
            f"got {start!r} and {end!r}"
        )
    doc = str(record["doc"])
    if doc not in texts:
        local = texts_dir / doc if texts_dir is not None else None
        texts[doc] = (
            local.read_text(encoding="utf-8")
            if local is not None and local.is_file()
            else seed_text(doc)
        )
    source = texts[doc]
    if source is not None and source[start:end] != record["text"]:
        raise AnnotationError(
            f"{where}: offsets {start}:{end} do not reproduce the text in "
            f"{doc} (found {source[start:end][:60]!r})"
        )


def read_annotations(
    path: str | Path | None = None, *, texts_dir: str | Path | None = None
) -> list[dict[str, Any]]:
    """Read and validate an annotation file; return its records in file order.

    Offsets are checked against ``texts_dir/<doc>`` when given, else against the shipped seed
    of that name when there is one. Raises :class:`stance.AnnotationError` naming the file and
    line of the first problem: invalid JSON, a missing field, an unknown label, offsets that do
    not reproduce the text, or a sentence given twice.
    """
    path = Path(path) if path is not None else shipped_path("seeds")
    folder = Path(texts_dir) if texts_dir is not None else None
    texts: dict[str, str | None] = {}
    seen: dict[tuple[str, int], int] = {}
    records = []
    for line_no, record in _records(path):
        _check(path, line_no, record, texts, folder)
        key = (str(record["doc"]), record["idx"])
        if key in seen:
            raise AnnotationError(
                f"{path}:{line_no}: sentence {key[1]} of {key[0]!r} is "
                f"duplicated (first at line {seen[key]})"
            )
        seen[key] = line_no
        records.append(record)
    if not records:
        raise AnnotationError(f"{path}: the file holds no records")
    return records


def load_annotations(
    path: str | Path | None = None, *, texts_dir: str | Path | None = None
) -> Dataset:
    """An annotation file as a ``datasets.Dataset`` with a ``ClassLabel`` label column.

    With no path, the shipped hand labels of the seed articles. The ``doc`` column lets you
    split by document, as every honest evaluation must::

        ds = stance.load_annotations()
        test = ds.filter(lambda r: r["doc"] == "004_6c6842b2266ea503.txt")
    """
    from datasets import ClassLabel, Dataset, Features, Value

    records = read_annotations(path, texts_dir=texts_dir)
    columns: dict[str, list[Any]] = {
        "doc": [str(r["doc"]) for r in records],
        "idx": [r["idx"] for r in records],
        "start": [r.get("start", -1) for r in records],
        "end": [r.get("end", -1) for r in records],
        "text": [r["text"] for r in records],
        "label": [LABELS.index(r["label"]) for r in records],
        "note": [str(r.get("note") or "") for r in records],
    }
    features = Features({
        "doc": Value("string"), "idx": Value("int32"), "start": Value("int32"),
        "end": Value("int32"), "text": Value("string"), "label": ClassLabel(names=list(LABELS)),
        "note": Value("string"),
    })  # fmt: skip
    return Dataset.from_dict(columns, features=features)
