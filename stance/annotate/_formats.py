"""Import from and export to the annotation tools: Label Studio, doccano and Prodigy.

Each tool has one small function pair: a reader that turns the tool's export into
:class:`_Answer` objects (one per annotator per item, with a skip reason where the tool says
the item was cancelled, rejected or ignored), and a task builder that turns one sentence and its
predicted probabilities into the tool's task. Everything else is shared: checking the answers
into the project's annotation records, the import report, the prediction call and the writing.

Import never drops an answer silently: every answer read ends as a record or as a counted,
located reason in :class:`ImportReport` (``answers == records + sum(skipped)``).
"""

from __future__ import annotations

import io
import json
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeGuard

from stance import _io
from stance._errors import AnnotationError, InputError
from stance._labels import LABELS
from stance.annotate._records import seed_text

if TYPE_CHECKING:
    import numpy as np

__all__ = [
    "FORMATS",
    "ImportReport",
    "ProbaFn",
    "export_tasks",
    "import_annotations",
    "label_studio_config",
]

FORMATS: tuple[str, ...] = ("label-studio", "label-studio-min", "doccano", "prodigy")
ProbaFn = Callable[[list[str], list[str]], "np.ndarray"]

# The Label Studio control and object names; the JSON-MIN export keys the choice by CHOICE_NAME.
CHOICE_NAME = "label"
TEXT_NAME = "text"
MODEL_VERSION = "stance"
# Item fields that are not carried through a task as data/meta.
_NOT_CARRIED = frozenset({"text", "label", "annotator"})
_MAX_EXAMPLES = 5

# Skip reasons, as they appear in reports.
NOT_ANNOTATED = "not annotated"
CANCELLED = "cancelled or skipped in the tool"
REJECTED = "rejected"
IGNORED = "ignored"
NO_LABEL = "no label chosen"
SEVERAL_LABELS = "several labels chosen"
UNKNOWN_LABEL = "unknown label"
MISSING_TEXT = "missing text"
REPLACED = "replaced by a later answer of the same annotator"


@dataclass
class ImportReport:
    """What an import read, wrote and set aside, with the reason and place of each skip."""

    source: str
    format: str
    answers: int = 0
    records: int = 0
    annotators: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)
    items_with_several_annotators: int = 0
    texts_recovered: int = 0
    numbered_by_position: int = 0

    def skip(self, reason: str, where: str) -> None:
        self.skipped[reason] += 1
        places = self.examples.setdefault(reason, [])
        if len(places) < _MAX_EXAMPLES:
            places.append(where)

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source, "format": self.format, "answers": self.answers,
            "records": self.records, "annotators": dict(self.annotators),
            "skipped": dict(self.skipped), "examples": self.examples,
            "items_with_several_annotators": self.items_with_several_annotators,
            "texts_recovered": self.texts_recovered,
            "numbered_by_position": self.numbered_by_position,
        }  # fmt: skip

    def summary(self) -> str:
        """A few readable lines: counts first, then each skip reason with where it happened."""
        who = ", ".join(f"{name} ({count})" for name, count in sorted(self.annotators.items()))
        lines = [
            f"{self.source} ({self.format}): {self.answers} answers read, "
            f"{self.records} records written" + (f"; annotators: {who}" if who else "")
        ]
        if self.items_with_several_annotators:
            lines.append(
                f"  {self.items_with_several_annotators} sentences labelled by several "
                "annotators: kept one record per annotator (run `annotations agree`)"
            )
        if self.texts_recovered:
            lines.append(
                f"  {self.texts_recovered} missing texts recovered from the article "
                "by their offsets"
            )
        if self.numbered_by_position:
            lines.append(
                f"  {self.numbered_by_position} answers had no doc/idx: doc is the "
                "file name, idx the item's position"
            )
        for reason, count in self.skipped.most_common():
            lines.append(f"  skipped {count}: {reason} (e.g. {'; '.join(self.examples[reason])})")
        return "\n".join(lines)


@dataclass
class _Answer:
    """One annotator's answer on one item, as a tool's reader sees it."""

    where: str
    data: Mapping[str, Any]
    labels: list[str]
    annotator: str | None = None
    status: str | None = None  # a skip reason the tool itself gives (cancelled, rejected...)
    item_key: str = ""  # identifies the item across annotators when doc/idx are missing


# ---------------------------------------------------------------- files


def _read_jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, record) for each non-blank line; errors name the file and line."""
    return _io.read_jsonl(path, error=AnnotationError)


def _read_json_list(path: Path) -> list[Any]:
    try:
        content = _io.loads(_io.read_text(path, AnnotationError))
    except json.JSONDecodeError as err:
        raise AnnotationError(f"{path}:{err.lineno}: not valid JSON ({err.msg})") from None
    except ValueError as err:
        raise AnnotationError(f"{path}: not valid JSON ({err})") from None
    if not isinstance(content, list):
        raise AnnotationError(
            f"{path}: a Label Studio export is a JSON list of tasks, "
            f"got a JSON {type(content).__name__}"
        )
    return content


def _as_labels(value: Any) -> list[str]:
    """A tool's label value (a string, a list, or {"choices": [...]}) as a list of strings."""
    if value is None:
        return []
    if isinstance(value, Mapping):
        return _as_labels(value.get("choices"))
    if isinstance(value, list):
        return [str(item) for item in value]
    return [str(value)]


# ---------------------------------------------------------------- Label Studio


def _read_label_studio(path: Path) -> Iterator[_Answer]:
    for position, task in enumerate(_read_json_list(path)):
        data = task.get("data", {}) if isinstance(task, Mapping) else {}
        task_id = task.get("id", position) if isinstance(task, Mapping) else position
        where, key = f"{path.name} task {task_id}", f"task {task_id}"
        annotations = task.get("annotations") or task.get("completions") or []
        if not annotations:
            yield _Answer(where, data, [], status=NOT_ANNOTATED, item_key=key)
        for annotation in annotations:
            annotator = _ls_annotator(annotation.get("completed_by"))
            status = CANCELLED if annotation.get("was_cancelled") else None
            choices = [
                label
                for result in annotation.get("result", [])
                if result.get("type", "choices") == "choices"
                for label in _as_labels(result.get("value"))
            ]
            yield _Answer(where, data, choices, annotator, status, key)


def _ls_annotator(completed_by: Any) -> str | None:
    # An int user id in recent exports, a {"id", "email"} object in older ones.
    if isinstance(completed_by, Mapping):
        completed_by = completed_by.get("email") or completed_by.get("id")
    return None if completed_by is None else str(completed_by)


def _task_label_studio(item: Mapping[str, Any], proba: Sequence[float] | None) -> dict[str, Any]:
    task: dict[str, Any] = {"data": {"text": item["text"], **_carried(item)}}
    if proba is not None:
        label, score = _best(proba)
        result = {
            "from_name": CHOICE_NAME,
            "to_name": TEXT_NAME,
            "type": "choices",
            "value": {"choices": [label]},
        }
        task["predictions"] = [{"model_version": MODEL_VERSION, "score": score, "result": [result]}]
    return task


def _read_label_studio_min(path: Path) -> Iterator[_Answer]:
    # JSON-MIN: one flat record per annotation: the task data, the choice under the control's
    # name, and annotator/annotation_id; cancelled annotations are already left out by the tool.
    for position, record in enumerate(_read_json_list(path)):
        record = record if isinstance(record, Mapping) else {}
        task_id = record.get("id", position)
        where = f"{path.name} record {position} (task {task_id})"
        annotator = record.get("annotator")
        yield _Answer(
            where,
            record,
            _as_labels(record.get(CHOICE_NAME)),
            None if annotator is None else str(annotator),
            item_key=f"task {task_id}",
        )


# Label Studio imports the same task file whichever export format is used afterwards.
_task_label_studio_min = _task_label_studio


def label_studio_config(labels: Sequence[str] = LABELS) -> str:
    """The labeling config XML for a Label Studio project over these tasks."""
    choices = "\n".join(f'    <Choice value="{label}"/>' for label in labels)
    return (
        "<View>\n"
        '  <Header value="Whose account or voice does this sentence carry? '
        'See the stance annotation guide"/>\n'
        f'  <Text name="{TEXT_NAME}" value="${TEXT_NAME}"/>\n'
        f'  <Choices name="{CHOICE_NAME}" toName="{TEXT_NAME}" choice="single" '
        'showInLine="true">\n'
        f"{choices}\n"
        "  </Choices>\n"
        "</View>\n"
    )


# ---------------------------------------------------------------- doccano


def _read_doccano(path: Path, annotator: str | None = None) -> Iterator[_Answer]:
    # A zip holds one JSONL per annotator (projects that do not share annotations), named after
    # the user; "all.jsonl" is the shared export, whose labels are everyone's together.
    if path.suffix == ".zip":
        with _io.open_binary(path, AnnotationError) as handle, _zip(path, handle) as archive:
            for name in sorted(archive.namelist()):
                if name.endswith(".jsonl"):
                    stem = Path(name).stem
                    entry = f"{path.name}:{name}"
                    lines = _io.read_jsonl(
                        io.BytesIO(archive.read(name)), name=entry, error=AnnotationError
                    )
                    user = annotator if stem == "all" else stem
                    yield from _doccano_answers(lines, entry, user)
        return
    yield from _doccano_answers(_read_jsonl(path), path.name, annotator)


def _zip(path: Path, handle: IO[bytes]) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(handle)
    except zipfile.BadZipFile:
        raise AnnotationError(
            f"{path}: not a zip archive; give doccano's export as it was downloaded"
        ) from None


def _doccano_answers(
    lines: Iterable[tuple[int, dict[str, Any]]], source: str, annotator: str | None
) -> Iterator[_Answer]:
    for line_no, record in lines:
        meta: Mapping[str, Any] = record["meta"] if isinstance(record.get("meta"), Mapping) else {}
        data = {**meta, **record}
        labels = list(dict.fromkeys(_as_labels(record.get("label", record.get("labels")))))
        user = record.get("annotator", record.get("user", annotator))
        yield _Answer(
            f"{source}:{line_no}",
            data,
            labels,
            None if user is None else str(user),
            item_key=f"id {record.get('id', line_no)}",
        )


def _task_doccano(item: Mapping[str, Any], proba: Sequence[float] | None) -> dict[str, Any]:
    # doccano keeps unknown columns as metadata and shows `label` as a pre-annotation.
    task: dict[str, Any] = {"text": item["text"], **_carried(item)}
    if proba is not None:
        label, score = _best(proba)
        task["label"] = [label]
        task["suggestion_score"] = score
    return task


# ---------------------------------------------------------------- Prodigy


def _read_prodigy(path: Path) -> Iterator[_Answer]:
    for line_no, record in _read_jsonl(path):
        meta: Mapping[str, Any] = record["meta"] if isinstance(record.get("meta"), Mapping) else {}
        data = {**meta, **({"text": record["text"]} if "text" in record else {})}
        annotator = record.get("_annotator_id") or record.get("_session_id")
        answer: Any = record.get("answer")
        status = {"accept": None, "reject": REJECTED, "ignore": IGNORED}.get(answer, NOT_ANNOTATED)
        # A choice task answers in `accept`; a binary task accepts its one `label`.
        labels = _as_labels(record["accept"] if "accept" in record else record.get("label"))
        yield _Answer(
            f"{path.name}:{line_no}",
            data,
            labels,
            None if annotator is None else str(annotator),
            status,
            item_key=str(record.get("_input_hash", record.get("text"))),
        )


def _task_prodigy(item: Mapping[str, Any], proba: Sequence[float] | None) -> dict[str, Any]:
    task: dict[str, Any] = {
        "text": item["text"],
        "options": [{"id": label, "text": label} for label in LABELS],
        "meta": _carried(item),
    }
    if proba is not None:
        label, score = _best(proba)
        task["label"] = label
        task["accept"] = [label]  # pre-selects the suggested option in the choice interface
        task["meta"]["score"] = score
    return task


# ---------------------------------------------------------------- shared


_READERS: dict[str, Callable[..., Iterator[_Answer]]] = {
    "label-studio": _read_label_studio,
    "label-studio-min": _read_label_studio_min,
    "doccano": _read_doccano,
    "prodigy": _read_prodigy,
}
_TASKS: dict[str, Callable[[Mapping[str, Any], Sequence[float] | None], dict[str, Any]]] = {
    "label-studio": _task_label_studio,
    "label-studio-min": _task_label_studio_min,
    "doccano": _task_doccano,
    "prodigy": _task_prodigy,
}


def _check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise InputError(f"format must be one of {', '.join(FORMATS)}; got {fmt!r}")
    return fmt


def _carried(item: Mapping[str, Any]) -> dict[str, Any]:
    """The item's fields kept in task data/meta so that they come back on import."""
    carried = {key: value for key, value in item.items() if key not in _NOT_CARRIED}
    if "label" in item:
        carried["given_label"] = item["label"]
    return carried


def _best(proba: Sequence[float]) -> tuple[str, float]:
    best = max(range(len(LABELS)), key=lambda i: proba[i])
    return LABELS[best], round(float(proba[best]), 4)


def import_annotations(
    path: str | Path,
    fmt: str,
    *,
    annotator: str | None = None,
    texts_dir: str | Path | None = None,
) -> tuple[list[dict[str, Any]], ImportReport]:
    """Read a tool's export as the project's annotation records, and report what was left out.

    Records carry ``doc``, ``idx``, ``text``, ``label``, ``start``/``end`` when the task kept
    them, and ``annotator`` when the tool says who answered (``annotator`` names the person
    for doccano files that do not). Several annotators on one sentence give one record each.
    A missing text is recovered from ``texts_dir/<doc>`` (or a shipped seed) by its offsets.
    """
    path = Path(path)
    reader = _READERS[_check_format(fmt)]
    answers = reader(path, annotator) if fmt == "doccano" else reader(path)
    report = ImportReport(source=str(path), format=fmt)
    texts = _TextSource(Path(texts_dir) if texts_dir is not None else None)
    records = _collect(answers, report, texts, path.stem)
    return records, report


class _TextSource:
    """Article texts by doc name, to recover a sentence's text from its offsets."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.cache: dict[str, str | None] = {}

    def sentence(self, data: Mapping[str, Any]) -> str | None:
        doc, start, end = data.get("doc"), data.get("start"), data.get("end")
        if not (isinstance(doc, str) and _is_int(start) and _is_int(end) and start < end):
            return None
        if doc not in self.cache:
            local = self.folder / doc if self.folder is not None else None
            self.cache[doc] = (
                _io.read_text(local, AnnotationError)
                if local is not None and local.is_file()
                else seed_text(doc)
            )
        text = self.cache[doc]
        return text[start:end] if text is not None and end <= len(text) else None


def _is_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _collect(
    answers: Iterable[_Answer], report: ImportReport, texts: _TextSource, default_doc: str
) -> list[dict[str, Any]]:
    kept: dict[tuple[str, int, str | None], dict[str, Any]] = {}
    positions: dict[str, int] = {}
    for answer in answers:
        report.answers += 1
        record = _record(answer, report, texts, default_doc, positions)
        if record is None:
            continue
        key = (record["doc"], record["idx"], answer.annotator)
        if key in kept:
            report.skip(REPLACED, answer.where)
        kept[key] = record
    records = list(kept.values())
    report.records = len(records)
    report.annotators.update(r["annotator"] for r in records if "annotator" in r)
    per_item = Counter((r["doc"], r["idx"]) for r in records)
    report.items_with_several_annotators = sum(1 for count in per_item.values() if count > 1)
    return records


def _record(
    answer: _Answer,
    report: ImportReport,
    texts: _TextSource,
    default_doc: str,
    positions: dict[str, int],
) -> dict[str, Any] | None:
    """The annotation record of one answer, or None after reporting why it is skipped."""
    reason = answer.status or _label_problem(answer.labels)
    if reason is not None:
        detail = f" {answer.labels[0]!r}" if reason == UNKNOWN_LABEL else ""
        report.skip(reason, answer.where + detail)
        return None
    data = answer.data
    text = data.get("text")
    if not isinstance(text, str) or not text.strip():
        text = texts.sentence(data)
        if text is None or not text.strip():
            report.skip(MISSING_TEXT, answer.where)
            return None
        report.texts_recovered += 1
    doc, idx = data.get("doc"), data.get("idx")
    if not isinstance(doc, str) or not _is_int(idx):
        # Tasks made outside stance: number the items in the order the export lists them.
        doc, idx = default_doc, positions.setdefault(answer.item_key, len(positions))
        report.numbered_by_position += 1
    record: dict[str, Any] = {"doc": doc, "idx": idx, "text": text, "label": answer.labels[0]}
    if _is_int(data.get("start")) and _is_int(data.get("end")):
        record["start"], record["end"] = data["start"], data["end"]
    if answer.annotator is not None:
        record["annotator"] = answer.annotator
    return record


def _label_problem(labels: list[str]) -> str | None:
    if not labels:
        return NO_LABEL
    if len(set(labels)) > 1:
        return SEVERAL_LABELS
    return None if labels[0] in LABELS else UNKNOWN_LABEL


def predict(items: Sequence[Mapping[str, Any]], proba_fn: ProbaFn) -> np.ndarray:
    """Call ``proba_fn`` once on the items' texts and doc ids, checking the shape it returns."""
    import numpy as np

    proba = np.asarray(
        proba_fn([str(i["text"]) for i in items], [str(i.get("doc", "")) for i in items]),
        dtype=float,
    )
    if proba.shape != (len(items), len(LABELS)):
        raise InputError(
            f"proba_fn must return an array of shape ({len(items)}, "
            f"{len(LABELS)}) in LABELS order; got shape {proba.shape}"
        )
    return proba


def export_tasks(
    items: Sequence[Mapping[str, Any]],
    fmt: str,
    out: str | Path,
    *,
    proba_fn: ProbaFn | None = None,
) -> list[Path]:
    """Write ``items`` (dicts with ``text`` and, usually, ``doc``, ``idx``, ``start``, ``end``)
    as a task file the tool opens, pre-filled with the model's suggestion when ``proba_fn`` is
    given. Returns the paths written: for Label Studio also ``<out>.label_config.xml``.
    """
    _check_format(fmt)
    proba = predict(items, proba_fn) if proba_fn is not None and items else None
    return write_tasks(items, fmt, Path(out), proba)


def write_tasks(
    items: Sequence[Mapping[str, Any]], fmt: str, out: Path, proba: np.ndarray | None
) -> list[Path]:
    """Write tasks from precomputed probabilities (None: no suggestions)."""
    for position, item in enumerate(items):
        if not isinstance(item.get("text"), str) or not item["text"].strip():
            raise InputError(
                f"item {position} has no text: every task needs a non-empty "
                f"string `text`; got {item.get('text')!r}"
            )
    build = _TASKS[_check_format(fmt)]
    tasks = [build(item, None if proba is None else proba[i]) for i, item in enumerate(items)]
    if fmt.startswith("label-studio"):
        _io.write_text(out, _io.dumps(tasks, indent=1) + "\n")
        config = out.with_name(out.stem + ".label_config.xml")
        _io.write_text(config, label_studio_config())
        return [out, config]
    _io.write_jsonl(tasks, out)
    return [out]
