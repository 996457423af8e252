"""Cohen's kappa against scikit-learn, and the seed passes' agreement through the CLI."""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.metrics import cohen_kappa_score, confusion_matrix

from stance import AnnotationError
from stance._cli import main
from stance._labels import LABELS
from stance.annotate._agreement import agreement, cohen_kappa, compare, per_label_kappa
from tests.strategies import examples, label_pairs

ROOT = Path(__file__).resolve().parents[1]
PASS1, PASS2 = ROOT / "annotations/seeds.pass1.jsonl", ROOT / "annotations/seeds.pass2.jsonl"


def run_cli(argv: list[str]) -> int:
    return main(argv)


def labels_of(path: Path) -> dict[tuple[str, int], str]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return {(r["doc"], r["idx"]): r["label"] for r in rows}


def write_lines(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def sklearn_kappa(a: list[Any], b: list[Any], labels: list[Any]) -> float:
    # sklearn warns where kappa is undefined (one label throughout); we compare NaN with NaN.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        return float(cohen_kappa_score(a, b, labels=labels, replace_undefined_by=np.nan))


@examples(200)
@given(pairs=label_pairs(60))
def test_kappa_matches_sklearn(pairs: list[tuple[str, str]]) -> None:
    a, b = [x for x, _ in pairs], [y for _, y in pairs]
    expected = sklearn_kappa(a, b, list(LABELS))
    assert np.isclose(cohen_kappa(a, b), expected, equal_nan=True)


@examples(100)
@given(pairs=label_pairs(60))
def test_per_label_kappa_is_the_binary_kappa(pairs: list[tuple[str, str]]) -> None:
    a, b = [x for x, _ in pairs], [y for _, y in pairs]
    for label, kappa in per_label_kappa(a, b).items():
        expected = sklearn_kappa([x == label for x in a], [y == label for y in b], [False, True])
        assert np.isclose(kappa, expected, equal_nan=True)


def test_kappa_is_undefined_when_both_use_one_label() -> None:
    assert np.isnan(cohen_kappa(["neutral"] * 3, ["neutral"] * 3))
    assert cohen_kappa(["neutral", "russian_mod"], ["neutral", "russian_mod"]) == 1.0


def test_seed_passes_agree_as_sklearn_says(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    first, second = labels_of(PASS1), labels_of(PASS2)
    keys = sorted(first.keys() & second.keys())
    a, b = [first[k] for k in keys], [second[k] for k in keys]
    out = tmp_path / "disagreements.jsonl"
    assert (
        run_cli(
            ["annotations", "agree", str(PASS1), str(PASS2), "--json", "--disagreements", str(out)]
        )
        == 0
    )
    (result,) = json.loads(capsys.readouterr().out)
    assert result["n"] == len(keys)
    assert result["kappa"] == pytest.approx(cohen_kappa_score(a, b))
    for label in LABELS:
        expected = cohen_kappa_score([x == label for x in a], [y == label for y in b])
        assert result["per_label"][label] == pytest.approx(expected)
    assert result["confusion"] == confusion_matrix(a, b, labels=list(LABELS)).tolist()
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == sum(x != y for x, y in zip(a, b, strict=True))
    assert all(
        r["final"] == "" and r["reason"] == "" and r["label_a"] != r["label_b"] for r in rows
    )


def test_agree_prints_a_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(["annotations", "agree", str(PASS1), str(PASS2)]) == 0
    printed = capsys.readouterr().out
    assert "Cohen's kappa" in printed and "confusion (rows: A, columns: B" in printed


def record(doc: str, idx: int, label: str, annotator: str | None = None) -> dict[str, Any]:
    row: dict[str, Any] = {"doc": doc, "idx": idx, "text": f"sentence {idx}", "label": label}
    if annotator is not None:
        row["annotator"] = annotator
    return row


def test_items_in_one_pass_only_are_reported() -> None:
    result = compare(
        [record("d", 0, "neutral"), record("d", 1, "neutral")],
        [record("d", 1, "russian_mod"), record("d", 2, "neutral")],
    )
    assert result.n == 1 and result.only_a == [("d", 0)] and result.only_b == [("d", 2)]
    assert "1 sentences A only: d#0" in result.table()


def test_one_file_with_several_annotators(tmp_path: Path) -> None:
    rows = [
        record("d", i, label, who)
        for who in ("ann", "bob", "cy")
        for i, label in enumerate(["neutral", "russian_mod", "neutral"])
    ]
    rows[-1]["label"] = "editorial_opinion"
    results = agreement(write_lines(tmp_path / "all.jsonl", rows))
    assert [(r.annotator_a, r.annotator_b) for r in results] == [
        ("ann", "bob"),
        ("ann", "cy"),
        ("bob", "cy"),
    ]
    assert results[0].kappa == 1.0 and len(results[1].disagreements) == 1


def test_agreement_errors_name_file_line_and_choices(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    one = write_lines(tmp_path / "one.jsonl", [record("d", 0, "neutral", "ann")])
    with pytest.raises(AnnotationError, match="needs two annotators, the file names 1 \\(ann\\)"):
        agreement(one)
    bad = write_lines(tmp_path / "bad.jsonl", [record("d", 0, "pro_russia")])
    with pytest.raises(AnnotationError, match=r"bad\.jsonl:1: unknown label 'pro_russia'; use one"):
        agreement(bad, bad)
    assert run_cli(["annotations", "agree", str(bad), str(bad)]) == 2
    assert "stance: error:" in capsys.readouterr().err
