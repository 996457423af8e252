"""Round trips through Label Studio, doccano and Prodigy files shaped as the tools write them."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given

from stance import AnnotationError, InputError
from stance._cli import main
from stance._labels import LABELS
from stance.annotate._formats import FORMATS, export_tasks, import_annotations, label_studio_config
from tests.strategies import examples, nonblank_sentences, unicode_text

# Three sentences of one article, with their offsets in it (recovering a text from its offsets
# reads ARTICLE: test_label_studio_recovers_missing_text_from_offsets).
ARTICLE = "Kyiv says it held the line. Moscow disagrees.\nIt feels like a turning point."
ITEMS = [
    {"doc": "a.txt", "idx": 0, "start": 0, "end": 27, "text": "Kyiv says it held the line."},
    {"doc": "a.txt", "idx": 1, "start": 28, "end": 45, "text": "Moscow disagrees."},
    {"doc": "a.txt", "idx": 2, "start": 46, "end": 76, "text": "It feels like a turning point."},
]
SUGGESTED = ["official_ukrainian", "russian_mod", "editorial_opinion"]


def fake_proba(texts: list[str], doc_ids: list[str]) -> np.ndarray:
    """Rows in order: sentence i gets SUGGESTED[i % 3] with 0.6, the rest 0.1 each."""
    proba = np.full((len(texts), len(LABELS)), 0.1)
    for i in range(len(texts)):
        proba[i, LABELS.index(SUGGESTED[i % 3])] = 0.6
    return proba


def write_json(path: Path, content: Any) -> Path:
    path.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
    return path


def write_lines(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return path


def exported(tmp_path: Path, fmt: str, items: list[dict[str, Any]] = ITEMS) -> list[Any]:
    out = tmp_path / ("tasks.json" if fmt.startswith("label-studio") else "tasks.jsonl")
    export_tasks(items, fmt, out, proba_fn=fake_proba)
    if fmt.startswith("label-studio"):
        return json.loads(out.read_text(encoding="utf-8"))
    lines = out.read_text(encoding="utf-8").split("\n")
    assert not any(char in out.read_text(encoding="utf-8") for char in "\x85\u2028\u2029")
    return [json.loads(line) for line in lines if line]


# -- what each tool writes back, given the tasks we exported ---------------------------------


def ls_annotation(choice: str, user: int, cancelled: bool = False) -> dict[str, Any]:
    result = (
        []
        if cancelled
        else [
            {
                "id": "r1",
                "from_name": "label",
                "to_name": "text",
                "type": "choices",
                "value": {"choices": [choice]},
            }
        ]
    )
    return {
        "id": user * 100,
        "completed_by": user,
        "was_cancelled": cancelled,
        "ground_truth": False,
        "lead_time": 3.2,
        "result": result,
    }


def ls_export(tasks: list[dict[str, Any]], answers: list[list[dict[str, Any]]]) -> list[Any]:
    return [
        {
            "id": i + 1,
            "data": task["data"],
            "annotations": given_answers,
            "predictions": task.get("predictions", []),
            "project": 7,
        }
        for i, (task, given_answers) in enumerate(zip(tasks, answers, strict=True))
    ]


def ls_min_record(task: dict[str, Any], task_id: int, choice: str, user: str) -> dict[str, Any]:
    return {
        **task["data"],
        "id": task_id,
        "label": choice,
        "annotator": user,
        "annotation_id": task_id * 10,
        "created_at": "2024-05-01T10:00:00Z",
        "updated_at": "2024-05-01T10:00:00Z",
        "lead_time": 2.5,
    }


def doccano_row(task: dict[str, Any], row_id: int, labels: list[str]) -> dict[str, Any]:
    return {"id": row_id, **task, "label": labels, "Comments": []}


def prodigy_row(task: dict[str, Any], choice: list[str], answer: str, who: str) -> dict[str, Any]:
    return {
        **task,
        "accept": choice,
        "answer": answer,
        "_input_hash": hash(task["text"]),
        "_task_hash": 1,
        "_view_id": "choice",
        "_session_id": f"war-{who}",
        "_annotator_id": f"war-{who}",
        "_timestamp": 1700000000,
    }


# -- export ------------------------------------------------------------------------------


def test_label_studio_export_has_predictions_and_a_config(tmp_path: Path) -> None:
    written = export_tasks(ITEMS, "label-studio", tmp_path / "t.json", proba_fn=fake_proba)
    tasks = json.loads(written[0].read_text(encoding="utf-8"))
    prediction = tasks[0]["predictions"][0]
    assert prediction["score"] == 0.6
    assert prediction["result"][0]["value"]["choices"] == ["official_ukrainian"]
    assert tasks[1]["data"] == {**ITEMS[1]}
    config = written[1].read_text(encoding="utf-8")
    assert written[1].name == "t.label_config.xml" and config == label_studio_config()
    assert all(f'<Choice value="{label}"/>' in config for label in LABELS)


def test_doccano_and_prodigy_exports_prefill_the_suggestion(tmp_path: Path) -> None:
    doccano = exported(tmp_path, "doccano")
    assert doccano[1]["label"] == ["russian_mod"] and doccano[1]["suggestion_score"] == 0.6
    prodigy = exported(tmp_path, "prodigy")
    assert prodigy[2]["label"] == "editorial_opinion" == prodigy[2]["accept"][0]
    assert prodigy[2]["meta"] == {"doc": "a.txt", "idx": 2, "start": 46, "end": 76, "score": 0.6}
    assert [option["id"] for option in prodigy[0]["options"]] == list(LABELS)


def test_export_without_predictions_and_with_given_labels(tmp_path: Path) -> None:
    out = tmp_path / "t.jsonl"
    export_tasks([{**ITEMS[0], "label": "neutral", "annotator": "x"}], "prodigy", out)
    task = json.loads(out.read_text(encoding="utf-8"))
    assert "accept" not in task and task["meta"]["given_label"] == "neutral"
    assert "annotator" not in task["meta"]


def test_export_rejects_a_bad_format_and_a_bad_proba_fn(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="format must be one of label-studio"):
        export_tasks(ITEMS, "brat", tmp_path / "x")
    with pytest.raises(InputError, match=r"shape \(3, 5\).*got shape \(3, 4\)"):
        export_tasks(ITEMS, "doccano", tmp_path / "x", proba_fn=lambda t, d: np.ones((3, 4)))


# -- import: one awkward export per tool -----------------------------------------------------


def test_label_studio_round_trip_with_awkward_cases(tmp_path: Path) -> None:
    tasks = exported(tmp_path, "label-studio")
    extra = {"data": {"doc": "a.txt", "idx": 3}}  # text left out of the export, no offsets
    answers = [
        [ls_annotation("official_ukrainian", 1), ls_annotation("neutral", 2)],
        [ls_annotation("pro_kremlin", 1), ls_annotation("russian_mod", 2, cancelled=True)],
        [],
        [ls_annotation("neutral", 1)],
    ]
    path = write_json(tmp_path / "export.json", ls_export([*tasks, extra], answers))
    records, report = import_annotations(path, "label-studio")
    assert records == [
        {**ITEMS[0], "label": "official_ukrainian", "annotator": "1"},
        {**ITEMS[0], "label": "neutral", "annotator": "2"},
    ]
    assert report.skipped == {
        "unknown label": 1,
        "cancelled or skipped in the tool": 1,
        "not annotated": 1,
        "missing text": 1,
    }
    assert "'pro_kremlin'" in report.examples["unknown label"][0]
    assert report.items_with_several_annotators == 1
    assert report.answers == report.records + sum(report.skipped.values()) == 6


def test_label_studio_recovers_missing_text_from_offsets(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    data = {key: value for key, value in ITEMS[2].items() if key != "text"}
    task = {"id": 9, "data": data, "annotations": [ls_annotation("editorial_opinion", 4)]}
    path = write_json(tmp_path / "export.json", [task])
    records, report = import_annotations(path, "label-studio", texts_dir=tmp_path)
    assert records[0]["text"] == ITEMS[2]["text"] and report.texts_recovered == 1


def test_label_studio_old_completed_by_and_foreign_tasks(tmp_path: Path) -> None:
    annotation = {**ls_annotation("neutral", 1), "completed_by": {"id": 1, "email": "a@b.org"}}
    tasks = [
        {"id": 5, "data": {"text": "No doc here."}, "annotations": [annotation]},
        {"id": 6, "data": {"text": "Nor here."}, "annotations": [annotation]},
    ]
    records, report = import_annotations(write_json(tmp_path / "ls.json", tasks), "label-studio")
    assert [(r["doc"], r["idx"], r["annotator"]) for r in records] == [
        ("ls", 0, "a@b.org"),
        ("ls", 1, "a@b.org"),
    ]
    assert report.numbered_by_position == 2


def test_label_studio_min_round_trip_with_awkward_cases(tmp_path: Path) -> None:
    tasks = exported(tmp_path, "label-studio-min")
    rows = [
        ls_min_record(tasks[0], 1, "official_ukrainian", "ann@x.org"),
        ls_min_record(tasks[0], 1, "official_ukrainian", "bob@x.org"),
        ls_min_record(tasks[1], 2, "Russian MoD", "ann@x.org"),
        {**ls_min_record(tasks[2], 3, "editorial_opinion", "ann@x.org"), "text": None},
        {
            **ls_min_record(tasks[2], 3, "neutral", "bob@x.org"),
            "label": {"choices": ["neutral", "editorial_opinion"]},
        },
    ]
    path = write_json(tmp_path / "min.json", rows)
    records, report = import_annotations(path, "label-studio-min")
    assert [(r["idx"], r["label"], r["annotator"]) for r in records] == [
        (0, "official_ukrainian", "ann@x.org"),
        (0, "official_ukrainian", "bob@x.org"),
    ]
    assert records[0]["start"] == 0 and records[0]["end"] == 27
    assert report.skipped == {"unknown label": 1, "missing text": 1, "several labels chosen": 1}
    assert report.annotators == {"ann@x.org": 1, "bob@x.org": 1}


def test_doccano_per_annotator_zip_round_trip(tmp_path: Path) -> None:
    tasks = exported(tmp_path, "doccano")
    alice = [
        doccano_row(tasks[0], 1, ["official_ukrainian"]),
        doccano_row(tasks[1], 2, ["russian_mod"]),
        doccano_row(tasks[2], 3, []),
    ]
    bob = [
        doccano_row(tasks[0], 1, ["official_ukrainian"]),
        doccano_row(tasks[1], 2, ["neutral", "russian_mod"]),
        doccano_row(tasks[2], 3, ["opinion"]),
    ]
    path = tmp_path / "doccano.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name, rows in (("alice.jsonl", alice), ("bob.jsonl", bob)):
            archive.writestr(name, "".join(json.dumps(r) + "\n" for r in rows))
    records, report = import_annotations(path, "doccano")
    assert [(r["idx"], r["label"], r["annotator"]) for r in records] == [
        (0, "official_ukrainian", "alice"),
        (1, "russian_mod", "alice"),
        (0, "official_ukrainian", "bob"),
    ]
    assert records[1]["start"] == 28
    assert report.skipped == {"no label chosen": 1, "several labels chosen": 1, "unknown label": 1}
    assert report.examples["unknown label"] == ["doccano.zip:bob.jsonl:3 'opinion'"]


def test_doccano_single_file_with_meta_and_missing_text(tmp_path: Path) -> None:
    rows = [
        {
            "id": 1,
            "text": "Kyiv says it held the line.",
            "label": ["official_ukrainian"],
            "meta": {"doc": "a.txt", "idx": 0},
        },
        {"id": 2, "label": ["neutral"], "doc": "a.txt", "idx": 5},
    ]
    records, report = import_annotations(
        write_lines(tmp_path / "all.jsonl", rows), "doccano", annotator="carol"
    )
    assert records == [
        {
            "doc": "a.txt",
            "idx": 0,
            "text": "Kyiv says it held the line.",
            "label": "official_ukrainian",
            "annotator": "carol",
        }
    ]
    assert report.skipped == {"missing text": 1}


def test_prodigy_round_trip_with_awkward_cases(tmp_path: Path) -> None:
    tasks = exported(tmp_path, "prodigy")
    binary = {
        "text": "Stoltenberg said so.",
        "label": "western_intelligence",
        "meta": {"doc": "b.txt", "idx": 0},
    }
    rows = [
        prodigy_row(tasks[0], ["official_ukrainian"], "accept", "ann"),
        prodigy_row(tasks[0], ["neutral"], "accept", "bob"),
        prodigy_row(tasks[1], ["russian_mod"], "reject", "ann"),
        prodigy_row(tasks[2], [], "ignore", "ann"),
        prodigy_row(tasks[2], ["kremlin"], "accept", "bob"),
        {**binary, "answer": "accept", "_annotator_id": "war-ann"},
        {**binary, "answer": "reject", "_annotator_id": "war-bob"},
        {"meta": {"doc": "b.txt", "idx": 1}, "accept": ["neutral"], "answer": "accept"},
    ]
    records, report = import_annotations(write_lines(tmp_path / "db.jsonl", rows), "prodigy")
    assert [(r["doc"], r["idx"], r["label"], r["annotator"]) for r in records] == [
        ("a.txt", 0, "official_ukrainian", "war-ann"),
        ("a.txt", 0, "neutral", "war-bob"),
        ("b.txt", 0, "western_intelligence", "war-ann"),
    ]
    assert records[0]["end"] == 27
    assert report.skipped == {"rejected": 2, "ignored": 1, "unknown label": 1, "missing text": 1}
    assert report.answers == 8 and report.items_with_several_annotators == 1


def test_a_later_answer_of_the_same_annotator_replaces_the_earlier(tmp_path: Path) -> None:
    tasks = exported(tmp_path, "prodigy")
    rows = [
        prodigy_row(tasks[0], ["neutral"], "accept", "ann"),
        prodigy_row(tasks[0], ["official_ukrainian"], "accept", "ann"),
    ]
    records, report = import_annotations(write_lines(tmp_path / "db.jsonl", rows), "prodigy")
    assert [r["label"] for r in records] == ["official_ukrainian"]
    assert report.skipped == {"replaced by a later answer of the same annotator": 1}


def test_import_errors_name_the_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "ok"}\n{oops\n', encoding="utf-8")
    with pytest.raises(AnnotationError, match=r"bad.jsonl:2: not valid JSON"):
        import_annotations(bad, "prodigy")
    with pytest.raises(AnnotationError, match="a Label Studio export is a JSON list"):
        import_annotations(write_json(tmp_path / "x.json", {"a": 1}), "label-studio")
    with pytest.raises(InputError, match="format must be one of"):
        import_annotations(bad, "brat")


def test_import_command_writes_records_and_reports_skips(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    tasks = exported(tmp_path, "prodigy")
    rows = [
        prodigy_row(tasks[0], ["neutral"], "accept", "ann"),
        prodigy_row(tasks[1], ["neutral"], "ignore", "ann"),
    ]
    source, out = write_lines(tmp_path / "db.jsonl", rows), tmp_path / "out.jsonl"
    assert main(["annotations", "import", str(source), "--format", "prodigy", "-o", str(out)]) == 0
    written = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert written == [{**ITEMS[0], "label": "neutral", "annotator": "war-ann"}]
    assert "skipped 1: ignored" in capsys.readouterr().err


# -- property: any text survives a round trip through every format ---------------------------

TOOL_EXPORT = {
    "label-studio": lambda tasks: ls_export(tasks, [[ls_annotation("neutral", 1)]] * len(tasks)),
    "label-studio-min": lambda tasks: [
        ls_min_record(t, i, "neutral", "a") for i, t in enumerate(tasks)
    ],
    "doccano": lambda tasks: [doccano_row(t, i, ["neutral"]) for i, t in enumerate(tasks)],
    "prodigy": lambda tasks: [prodigy_row(t, ["neutral"], "accept", "a") for t in tasks],
}


@pytest.mark.parametrize("fmt", FORMATS)
@examples(40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    texts=nonblank_sentences(4),
    doc=unicode_text(min_size=1),
)
def test_any_text_survives_a_round_trip(
    tmp_path: Path, fmt: str, texts: list[str], doc: str
) -> None:
    items = [{"doc": doc, "idx": i, "text": text} for i, text in enumerate(texts)]
    tool_rows = TOOL_EXPORT[fmt](exported(tmp_path, fmt, items))
    path = tmp_path / "export.json"
    if fmt.startswith("label-studio"):
        write_json(path, tool_rows)
    else:
        write_lines(path, tool_rows)
    records, report = import_annotations(path, fmt)
    assert [(r["doc"], r["idx"], r["text"]) for r in records] == [
        (doc, i, text) for i, text in enumerate(texts)
    ]
    assert report.records == len(texts) and not report.skipped


def test_export_command_reads_articles_and_annotation_files(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from stance._cli import _common as cli

    monkeypatch.setattr(cli, "model_proba_fn", lambda: fake_proba)
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    labelled = write_lines(tmp_path / "labels.jsonl", [{**ITEMS[0], "label": "neutral"}])
    out = tmp_path / "tasks.json"
    assert (
        main(
            [
                "annotations",
                "export",
                str(tmp_path / "a.txt"),
                str(labelled),
                "--format",
                "label-studio",
                "-o",
                str(out),
            ]
        )
        == 0
    )
    data = [task["data"] for task in json.loads(out.read_text(encoding="utf-8"))]
    assert data == [*ITEMS, {**ITEMS[0], "given_label": "neutral"}]
    assert (tmp_path / "tasks.label_config.xml").is_file()
