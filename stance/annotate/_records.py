"""Annotation files: reading, validating and loading them as a ``datasets.Dataset``.

An annotation file is JSON Lines, one sentence a record, with at least ``doc``, ``idx``,
``text`` and ``label`` (one of :data:`stance.LABELS`); ``start`` and ``end`` are offsets into
the document's text when it is known (the seeds), ``note`` says why for a hard case. The
project ships five: ``seeds.jsonl`` (hand labels of the seed articles), ``authored.jsonl`` and
``authored_documents.jsonl`` (passages and whole documents written by the project, for training
only), ``retold_documents.jsonl`` (real one-voice documents retold in the project's words, for
training only) and ``dev.jsonl`` (retold real articles, for choosing and reporting only).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stance import _io
from stance._errors import AnnotationError
from stance._labels import LABELS
from stance._paths import data_dir

if TYPE_CHECKING:
    from datasets import Dataset

__all__ = [
    "REQUIRED",
    "SHIPPED",
    "TRAINING",
    "load_annotations",
    "read_annotations",
    "read_records",
    "record_problem",
    "seed_text",
    "shipped_path",
]

SHIPPED = (
    "seeds",
    "authored",
    "authored_documents",
    "retold_documents",
    "dev",
    "retold_eval",
    "retold_test",
)
# The files the shipped model is trained on, in order; the dev set is never among them.
TRAINING = ("seeds", "authored", "authored_documents", "retold_documents")
REQUIRED = ("doc", "idx", "text", "label")


def shipped_path(name: str = "seeds") -> Path:
    """The path of a shipped annotation file, by name: one of :data:`SHIPPED`."""
    if name not in SHIPPED:
        raise AnnotationError(f"name must be one of {', '.join(SHIPPED)}; got {name!r}")
    return data_dir("annotations") / f"{name}.jsonl"


def seed_text(doc: str) -> str | None:
    """The text of a shipped seed article by file name, or None if there is no such seed."""
    source = data_dir("seeds") / doc
    if not doc.endswith(".txt") or "/" in doc or not source.is_file():
        return None
    return _io.read_text(source, AnnotationError)


def _is_index(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def record_problem(record: dict[str, Any], required: Sequence[str] = REQUIRED) -> str | None:
    """What is wrong with one annotation record, or None: the checks every reader shares.

    ``required`` fields must be present; ``label`` must be one of :data:`stance.LABELS`;
    ``text`` a non-empty string; ``idx``, when present, a non-negative integer; ``start`` and
    ``end``, when present, integers with ``0 <= start < end``.
    """
    missing = [name for name in required if name not in record]
    if missing:
        return f"missing field(s) {', '.join(missing)}; every record needs {', '.join(required)}"
    if "label" in record and record["label"] not in LABELS:
        return f"unknown label {record['label']!r}; use one of {', '.join(LABELS)}"
    if "text" in record and (not isinstance(record["text"], str) or not record["text"].strip()):
        return "text must be a non-empty string"
    if "idx" in record and not _is_index(record["idx"]):
        return f"idx must be a non-negative integer, got {record['idx']!r}"
    if "start" in record or "end" in record:
        start, end = record.get("start"), record.get("end")
        if not (_is_index(start) and _is_index(end) and start < end):  # type: ignore[operator]
            return (
                f"start and end must be integers with 0 <= start < end, got {start!r} and {end!r}"
            )
    return None


def _offsets_problem(
    record: dict[str, Any], texts: dict[str, str | None], texts_dir: Path | None
) -> str | None:
    doc = str(record["doc"])
    if doc not in texts:
        local = texts_dir / doc if texts_dir is not None else None
        texts[doc] = (
            _io.read_text(local, AnnotationError)
            if local is not None and local.is_file()
            else seed_text(doc)
        )
    source = texts[doc]
    start, end = record["start"], record["end"]
    if source is not None and source[start:end] != record["text"]:
        return (
            f"offsets {start}:{end} do not reproduce the text in {doc} "
            f"(found {source[start:end][:60]!r})"
        )
    return None


def read_records(
    path: str | Path,
    *,
    required: Sequence[str] = REQUIRED,
    strict: bool = True,
    on_bad: Callable[[str, str], None] | None = None,
    unique_by: Sequence[str] | None = ("doc", "idx"),
    texts_dir: str | Path | None = None,
    check_offsets: bool = False,
) -> list[dict[str, Any]]:
    """The valid records of an annotation file, in file order: the one validator.

    Each record is checked by :func:`record_problem`; with ``unique_by`` no two records may
    share those fields; with ``check_offsets``, ``start:end`` must reproduce ``text`` in
    ``texts_dir/<doc>`` (or the shipped seed of that name) when that text is known.

    ``strict`` raises :class:`stance.AnnotationError` at the first problem, naming the file and
    line; otherwise each problem (bad JSON too) is passed to ``on_bad(where, problem)`` and the
    record is skipped. A file with no valid record is an error either way.
    """
    path = Path(path)
    folder = Path(texts_dir) if texts_dir is not None else None
    texts: dict[str, str | None] = {}
    seen: dict[tuple[str, ...], int] = {}
    records = []

    def bad(where: str, problem: str) -> None:
        if strict or on_bad is None:
            raise AnnotationError(f"{where}: {problem}")
        on_bad(where, problem)

    lines = _io.read_jsonl(path, error=AnnotationError, on_bad=None if strict else bad)
    for line_no, record in lines:
        where = f"{path}:{line_no}"
        problem = record_problem(record, required)
        if problem is None and check_offsets and "start" in record:
            problem = _offsets_problem(record, texts, folder)
        if problem is None and unique_by is not None:
            key = tuple(str(record.get(name)) for name in unique_by)
            if key in seen:
                doc, idx, *who = key
                by = f" by {who[0]!r}" if who else ""
                problem = f"sentence {idx} of {doc!r}{by} is duplicated (first at line {seen[key]})"
            else:
                seen[key] = line_no
        if problem is not None:
            bad(where, problem)
            continue
        records.append(record)
    if not records:
        if strict:
            raise AnnotationError(f"{path}: the file holds no records")
        needs = ", ".join(required)
        raise AnnotationError(f"{path}: no usable records (each needs {needs}); see above")
    return records


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
    return read_records(path, texts_dir=texts_dir, check_offsets=True)


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
