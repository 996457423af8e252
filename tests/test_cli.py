"""Every command of the command line through ``stance._cli.main``, with its exit code.

0 when the command is done; 2 for a problem with what it was given, told in one line
(``stance: error: ...``); 2 too, from argparse, for a command line it cannot parse. The tiny
model (tests/tiny_model.py) stands in for the shipped one, so what the commands print and write
is known in advance. (tests/test_cli_errors.py: missing and unwritable files, internal errors;
tests/test_training.py: stance train in depth.)
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import stance
from stance import _core
from stance._cli import main
from stance._labels import LABELS
from tests import small_annotations as small

pytestmark = pytest.mark.usefixtures("tiny_default_model")

ARTICLES = {
    "kyiv.txt": "Zelenskiy said Ukrainian forces held the line. The river runs through the city.",
    "moscow.txt": "Peskov told reporters the talks had failed. The Kremlin said Kyiv was to blame.",
    "column.txt": "I think this war is a disgrace and must end. It is what it is.",
}
OUTLETS = {"kyiv.txt": "Kyiv Daily", "moscow.txt": "Moscow Wire", "column.txt": "The Column"}
# What the tiny model makes of them, sentence by sentence (the column's second sentence takes
# its document's voice).
EXPECTED = {
    "kyiv.txt": ["official_ukrainian", "neutral"],
    "moscow.txt": ["russian_mod", "russian_mod"],
    "column.txt": ["editorial_opinion", "editorial_opinion"],
}


def write_lines(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.fixture
def work(tmp_path: Path, small_annotations: Path) -> dict[str, Path]:
    """Articles with a catalog, labelled rows of them, annotations good and bad."""
    articles = tmp_path / "articles"
    articles.mkdir()
    for name, text in ARTICLES.items():
        (articles / name).write_text(text, encoding="utf-8")
    (articles / "catalog.csv").write_text(
        "file,outlet\n" + "".join(f"{name},{outlet}\n" for name, outlet in OUTLETS.items()),
        encoding="utf-8",
    )
    rows = [
        row.row()
        for row in stance.label_articles(
            {"id": name, "text": text, "outlet": OUTLETS[name]} for name, text in ARTICLES.items()
        )
    ]
    records = small.records()
    prodigy = [
        {"text": r["text"], "meta": {"doc": r["doc"], "idx": r["idx"]}, "accept": [r["label"]],
         "answer": "accept", "_annotator_id": "ann"}
        for r in records[:5]
    ]  # fmt: skip
    return {
        "out": tmp_path,
        "articles": articles,
        "rows": write_lines(tmp_path / "rows.jsonl", rows),
        "annotations": small_annotations,
        "one label": write_lines(
            tmp_path / "one-label.jsonl", [{**r, "label": "neutral"} for r in records]
        ),
        "one annotator": write_lines(
            tmp_path / "one-annotator.jsonl", [{**r, "annotator": "ann"} for r in records]
        ),
        "unknown label": write_lines(tmp_path / "unknown.jsonl", [{**records[0], "label": "pro"}]),
        "empty": write_lines(tmp_path / "empty.jsonl", []),
        "broken": (tmp_path / "broken.jsonl"),
        "prodigy": write_lines(tmp_path / "prodigy.jsonl", prodigy),
        "label studio dict": write_lines(tmp_path / "ls.json", [{"tasks": []}]),
    }


# Each command once done (exit 0) and once refused (exit 2), with what it says on either stream.
CASES: dict[str, tuple[Callable[[dict[str, Path]], list[str]], int, str]] = {
    "label": (
        lambda w: ["label", str(w["articles"]), "-o", str(w["out"] / "new.jsonl"), "-q", "-j", "1"],
        0, "stance: labelled 3 articles, 6 sentences",
    ),
    "label --min-confidence 2": (
        lambda w: ["label", str(w["articles"]), "--min-confidence", "2"],
        2, "stance: error: min_confidence must be a probability between 0 and 1",
    ),
    "evaluate": (
        lambda w: ["evaluate", "--annotations", str(w["annotations"])], 0, "macro-F1",
    ),
    "evaluate no records": (
        lambda w: ["evaluate", "--annotations", str(w["empty"])],
        2, "empty.jsonl: no usable records",
    ),
    "train": (
        lambda w: ["train", "--annotations", str(w["annotations"]), "-o", str(w["out"] / "m")],
        0, "stance: model written to",
    ),
    "train one label": (
        lambda w: ["train", "--annotations", str(w["one label"]), "-o", str(w["out"] / "m")],
        2, "stance: error: y must hold at least two different labels",
    ),
    "compare": (
        lambda w: ["compare", str(w["rows"]), "--bootstrap", "20"], 0, "Moscow Wire",
    ),
    "compare --bootstrap -1": (
        lambda w: ["compare", str(w["rows"]), "--bootstrap", "-1"],
        2, "stance: error: --bootstrap must be 0 or more, got -1",
    ),
    "annotations import": (
        lambda w: ["annotations", "import", str(w["prodigy"]), "--format", "prodigy"],
        0, "official_ukrainian",
    ),
    "annotations import a dict": (
        lambda w: ["annotations", "import", str(w["label studio dict"]), "--format",
                   "label-studio"],
        2, "a Label Studio export is a JSON list of tasks",
    ),
    "annotations export": (
        lambda w: ["annotations", "export", str(w["articles"]), "--format", "prodigy", "-o",
                   str(w["out"] / "tasks.jsonl")],
        0, "wrote 6 prodigy tasks",
    ),
    "annotations export onto an input": (
        lambda w: ["annotations", "export", str(w["articles"]), "--format", "prodigy", "-o",
                   str(w["articles"] / "kyiv.txt")],
        2, "this output is also an input",
    ),
    "annotations agree": (
        lambda w: ["annotations", "agree", str(w["annotations"]), str(w["annotations"])],
        0, "Cohen's kappa",
    ),
    "annotations agree one annotator": (
        lambda w: ["annotations", "agree", str(w["one annotator"])],
        2, "needs two annotators",
    ),
    "suggest": (
        lambda w: ["suggest", str(w["articles"]), "-n", "3", "--format", "prodigy", "-o",
                   str(w["out"] / "next.jsonl")],
        0, "3 sentences from",
    ),
    "suggest --exclude broken": (
        lambda w: ["suggest", str(w["articles"]), "--exclude", str(w["broken"]), "--format",
                   "prodigy", "-o", str(w["out"] / "next.jsonl")],
        2, "broken.jsonl:1: not valid JSON",
    ),
    "audit": (
        lambda w: ["audit", str(w["annotations"]), "-n", "3"], 0, "suggested",
    ),
    "audit unknown label": (
        lambda w: ["audit", str(w["unknown label"])], 2, "unknown.jsonl:1: unknown label 'pro'",
    ),
}  # fmt: skip
TRAINS = {"train", "audit"}  # these fit models: in the full run only


def case(name: str) -> Any:
    return pytest.param(name, id=name, marks=[pytest.mark.slow] if name in TRAINS else [])


@pytest.mark.parametrize("name", [case(name) for name in CASES])
def test_each_command_is_done_or_refused_with_its_exit_code(
    name: str, work: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    work["broken"].write_text("{oops\n", encoding="utf-8")
    argv, code, said = CASES[name]
    assert main(argv(work)) == code
    out, err = capsys.readouterr()
    assert said in out + err
    if code == 2:
        assert err.strip().splitlines()[-1].startswith("stance: error: ") and out == ""
        assert "Traceback" not in err


def test_every_command_has_both_cases() -> None:
    from stance._cli import _parser

    commands = _parser()._subparsers._group_actions[0].choices  # argparse keeps them here
    names = [n for n in commands if n != "annotations"] + [
        f"annotations {sub}" for sub in ("import", "export", "agree")
    ]
    for command in names:
        done = [c for c in CASES if c == command]
        refused = [c for c in CASES if c.startswith(command + " ")]
        assert done and refused, command


def test_a_command_line_argparse_cannot_parse(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as usage:
        main(["label"])
    assert usage.value.code == 2 and "the following arguments are required" in (
        capsys.readouterr().err
    )
    with pytest.raises(SystemExit) as version:
        main(["--version"])
    # the version, and the reading core in use (stance/_core.py)
    shown = f"stance {stance.__version__} ({_core.describe()})\n"
    assert version.value.code == 0 and capsys.readouterr().out == shown


# -- what the commands write ------------------------------------------------------------------


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_label_writes_the_models_rows_with_the_catalogs_outlets(work: dict[str, Path]) -> None:
    out = work["out"] / "labelled.jsonl"
    assert main(["label", str(work["articles"]), "-o", str(out), "-q", "-j", "1"]) == 0
    rows = read_jsonl(out)
    got: dict[str, list[str]] = {}
    for row in rows:
        got.setdefault(row["article_id"], []).append(row["label"])
        assert row["outlet"] == OUTLETS[row["article_id"]]
    assert got == EXPECTED
    api = {(r["article_id"], r["idx"]): r for r in read_jsonl(work["rows"])}
    assert rows == [api[r["article_id"], r["idx"]] for r in rows]  # the API's rows, the same


def test_evaluate_scores_the_model_on_the_annotations(
    work: dict[str, Path], tiny_default_model: stance.Model, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["evaluate", "--annotations", str(work["annotations"]), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    records = small.records()
    proba = tiny_default_model.predict_proba(
        [r["text"] for r in records], doc_ids=[r["doc"] for r in records]
    )
    right = [LABELS[k] == r["label"] for k, r in zip(proba.argmax(axis=1), records)]
    assert result["n"] == 40 and result["accuracy"] == pytest.approx(np.mean(right))


def test_export_and_suggest_carry_the_models_suggestions(
    work: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    tasks = work["out"] / "tasks.jsonl"
    argv = ["annotations", "export", str(work["articles"]), "--format", "prodigy"]
    assert main([*argv, "-o", str(tasks)]) == 0
    suggested = {(t["meta"]["doc"], t["meta"]["idx"]): t["accept"][0] for t in read_jsonl(tasks)}
    expected = {
        (doc, i): label for doc, labels in EXPECTED.items() for i, label in enumerate(labels)
    }
    assert suggested == expected
    chosen = work["out"] / "next.jsonl"
    argv = ["suggest", str(work["articles"]), "-n", "2", "--format", "prodigy"]
    assert main([*argv, "-o", str(chosen), "--per-article", "1"]) == 0
    picks = read_jsonl(chosen)
    assert len({t["meta"]["doc"] for t in picks}) == 2  # one per article at most
    assert all(t["accept"][0] == expected[t["meta"]["doc"], t["meta"]["idx"]] for t in picks)
    assert "2 sentences from 2 articles" in capsys.readouterr().err


@pytest.mark.slow  # cross-validates: trains five models
def test_audit_ranks_the_annotations_with_out_of_fold_probabilities(
    work: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["audit", str(work["annotations"]), "-n", "5", "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(rows) == 5
    texts = {r["text"]: r["label"] for r in small.records()}
    assert all(texts[row["text"]] == row["given"] for row in rows)
    assert all(row["suggested"] != row["given"] for row in rows if row["score"] > 0)
    assert [row["score"] for row in rows] == sorted((row["score"] for row in rows), reverse=True)
