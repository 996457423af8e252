"""Evaluation: one macro-F1 convention (scikit-learn's, all five labels), figures per group
(``--by``), accuracy against coverage, and abstention below a confidence the user sets."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from sklearn.metrics import f1_score

import stance
from stance._cli import main
from stance._labels import LABELS, UNCERTAIN
from stance.model._evaluation import report, risk_coverage
from tests.strategies import examples, label_pairs


@given(label_pairs(60))
@examples(200)
def test_macro_f1_averages_all_five_labels_as_scikit_learn(pairs: list[tuple[str, str]]) -> None:
    truth, pred = zip(*pairs)
    expected = f1_score(truth, pred, labels=list(LABELS), average="macro", zero_division=0)
    assert report(list(truth), list(pred))["macro_f1"] == pytest.approx(expected)


def test_risk_coverage_answers_the_most_confident_first() -> None:
    truth = np.array([0, 1, 2, 3, 4, 0])
    proba = np.full((6, 5), 0.05)
    # Confident and right on the first three, unsure and wrong on the last three.
    for i, (label, p) in enumerate([(0, 0.9), (1, 0.8), (2, 0.7), (4, 0.4), (0, 0.35), (1, 0.3)]):
        proba[i, label] = p
    table = risk_coverage(truth, proba)
    full = table["table"][0]
    assert full["coverage"] == 1.0 and full["accuracy"] == pytest.approx(0.5)
    half = next(row for row in table["table"] if row["n"] == 3)
    assert half["accuracy"] == 1.0 and half["min_confidence"] == pytest.approx(0.7)
    assert table["for_target"]["coverage"] == 0.5
    assert table["for_target"]["min_confidence"] == pytest.approx(0.7)


def _write_records(path: Path) -> Path:
    records = [
        {"doc": "a", "idx": 0, "text": "Peskov told reporters the talks had failed.",
         "label": "russian_mod", "style": "wire", "outlet": "Wire"},
        {"doc": "a", "idx": 1, "text": "Kyiv said the bridge held.",
         "label": "official_ukrainian", "style": "wire", "outlet": "Wire"},
        {"doc": "b", "idx": 0, "text": "I think this is a disgrace.",
         "label": "editorial_opinion", "style": "opinion", "outlet": "Daily"},
        {"doc": "b", "idx": 1, "text": "The cities lie southeast of Kharkiv.",
         "label": "neutral", "style": "opinion", "outlet": "Daily"},
    ]  # fmt: skip
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.mark.usefixtures("tiny_default_model")
def test_evaluate_by_any_field(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write_records(tmp_path / "labelled.jsonl")
    assert main(["evaluate", "--annotations", str(path), "--by", "style", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert set(result["by"]) == {"wire", "opinion"}
    assert result["by"]["wire"]["n"] == 2 and result["by_field"] == "style"
    assert "for_target" in result["coverage"]
    assert main(["evaluate", "--annotations", str(path), "--by", "outlet"]) == 0
    text = capsys.readouterr().out
    assert "by outlet" in text and "accuracy against coverage" in text


@pytest.mark.usefixtures("tiny_default_model")
def test_abstention_below_a_confidence() -> None:
    model = stance.load()
    sentences = ["British intelligence said Russia had lost momentum.", "It is what it is."]
    proba = model.predict_proba(sentences)
    threshold = float(proba.max(axis=1).min()) + 1e-6
    labels = model.predict(sentences, min_confidence=threshold)
    assert labels[0] == "western_intelligence" and labels[1] == UNCERTAIN
    assert model.predict(sentences) == [LABELS[i] for i in proba.argmax(axis=1)]
    rows = stance.label_article(" ".join(sentences), min_confidence=1.0)
    assert all(r.label == UNCERTAIN for r in rows)
    assert all(abs(sum(r.probabilities.values()) - 1) < 1e-9 for r in rows)
    with pytest.raises(stance.InputError, match="min_confidence must be a probability"):
        model.predict(sentences, min_confidence=1.5)


@pytest.mark.usefixtures("tiny_default_model")
def test_label_min_confidence_writes_uncertain_and_compare_leaves_it_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    article = tmp_path / "a.txt"
    article.write_text("Peskov told reporters the talks had failed. It rained.\n", "utf-8")
    out = tmp_path / "rows.jsonl"
    args = ["label", str(article), "-o", str(out), "-q", "-j", "1", "--min-confidence", "1.0"]
    assert main(args) == 0
    rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert {r["label"] for r in rows} == {UNCERTAIN}
    assert all(r[f"p_{label}"] >= 0 for r in rows for label in LABELS)
    assert main(["compare", str(out), "--bootstrap", "10"]) == 2  # nothing left to compare
    assert main(["label", str(article), "-o", str(tmp_path / "x.jsonl"), "--min-confidence", "2"])
    assert not (tmp_path / "x.jsonl").exists()
