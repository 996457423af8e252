"""The one annotation-record validator, strict (annotations, agreement) or lenient (evaluate)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from stance import AnnotationError
from stance._cli import main
from stance.annotate._agreement import agreement
from stance.annotate._records import read_annotations, read_records

STANCE = [sys.executable, "-m", "stance"]
GOOD = {"doc": "d", "idx": 0, "text": "Kyiv said so.", "label": "official_ukrainian"}


def write(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("bad", "problem"),
    [
        ({"idx": "1"}, "idx must be a non-negative integer, got '1'"),
        ({"label": "pro_kyiv"}, "unknown label 'pro_kyiv'"),
        ({"text": 3}, "text must be a non-empty string"),
        ({"start": 5, "end": 2}, "start and end must be integers with 0 <= start < end"),
    ],
)
def test_every_reader_finds_the_same_problem(tmp_path: Path, bad: dict, problem: str) -> None:
    path = write(tmp_path / "a.jsonl", [GOOD, {**GOOD, "idx": 1, **bad}])
    where = f"{path}:2: {problem}"
    with pytest.raises(AnnotationError) as strict:
        read_annotations(path)
    with pytest.raises(AnnotationError) as pairs:
        agreement(path, path)
    reported: list[str] = []
    kept = read_records(
        path,
        required=("text", "label"),
        strict=False,
        on_bad=lambda w, p: reported.append(f"{w}: {p}"),
    )
    assert str(strict.value).startswith(where) and str(pairs.value).startswith(where)
    assert reported[0].startswith(where) and kept == [GOOD]


@pytest.mark.usefixtures("tiny_default_model")
def test_evaluate_reports_bad_records_and_keeps_the_rest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # idx mixing strings and numbers used to end in a TypeError traceback from sorting.
    records = [
        {"doc_id": "d", "idx": 0, "text": "Kyiv said so.", "label": "official_ukrainian"},
        {"doc_id": "d", "idx": "1", "text": "Moscow denied it.", "label": "russian_mod"},
        {"doc_id": "d", "idx": 2, "text": "I think so.", "label": "editorial_opinion"},
    ]
    path = write(tmp_path / "mine.jsonl", records)
    assert main(["evaluate", "--annotations", str(path), "--json"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["n"] == 2
    assert f"{path}:2: idx must be a non-negative integer, got '1'" in err


@pytest.mark.slow  # starts stance in a process
@pytest.mark.parametrize("case", ["missing", "latin1", "directory", "no records"])
def test_evaluate_faults_are_clean_errors(tmp_path: Path, case: str) -> None:
    path = tmp_path / "mine.jsonl"
    if case == "latin1":
        path.write_bytes('{"text": "Caf\xe9 said so.", "label": "neutral"}\n'.encode("latin-1"))
    elif case == "directory":
        path.mkdir()
    elif case == "no records":
        path.write_text("\n", encoding="utf-8")
    done = subprocess.run(
        [*STANCE, "evaluate", "--annotations", str(path)], capture_output=True, text=True
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.splitlines()[-1].startswith(f"stance: error: {path}")
    assert "; " in done.stderr.splitlines()[-1]  # what is wrong; what to do
