"""Training for real on forty sentences of six documents (tests/small_annotations.py): the saved
model, the temperature, the document stage stacked on out-of-fold probabilities, the folds of
the evaluations, and ``stance train``."""

from __future__ import annotations

import json
import shlex
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import stance
from stance._cli import main
from stance._labels import LABELS
from stance.annotate._records import read_annotations, shipped_path
from stance.model import _estimator, _training
from stance.model._document_stage import COLUMNS, STAGE_KINDS
from stance.model._estimator import FramingClassifier
from stance.model._runtime import save_model
from stance.model._scoring import softmax
from tests import small_annotations as small

pytestmark = pytest.mark.slow  # every test here trains models


@pytest.fixture(scope="module")
def records() -> list[dict[str, Any]]:
    return small.records()


@pytest.fixture(scope="module")
def arrays(records: list[dict[str, Any]]) -> tuple[list[str], list[str], list[str]]:
    """Texts, labels and document ids, documents whole and in order."""
    return (
        [r["text"] for r in records],
        [r["label"] for r in records],
        [r["doc"] for r in records],
    )


def log_loss(scores: np.ndarray, target: np.ndarray) -> float:
    proba = softmax(scores)
    return float(-np.log(proba[np.arange(len(target)), target]).mean())


# -- the saved model ----------------------------------------------------------------------------


@pytest.mark.parametrize("document_stage", [True, False])
def test_a_saved_model_gives_the_estimators_probabilities(
    records: list[dict[str, Any]], tmp_path: Path, document_stage: bool
) -> None:
    estimator = _training.fit(records, document_stage=document_stage)
    assert estimator.temperature_ != 1.0  # calibrated, and the temperature goes into the weights
    save_model(estimator, tmp_path, training={"command": "a test"})
    model = stance.load(tmp_path)
    assert model.manifest["config"]["document_stage"] == document_stage
    texts = [r["text"] for r in records] + ["Kyiv said so.", "I think not.", ""]
    docs = [r["doc"] for r in records] + ["new"] * 3
    outlets = [None] * len(records) + ["TASS"] * 3
    np.testing.assert_allclose(
        model.predict_proba(texts, doc_ids=docs, outlets=outlets),
        estimator.predict_proba(texts, doc_ids=docs, outlets=outlets),
        rtol=0,
        atol=1e-9,
    )
    assert isinstance(model.estimator, FramingClassifier)  # the pickle, verified and loaded
    assert model.manifest["n_features"] == estimator.n_features_


def test_training_is_deterministic(records: list[dict[str, Any]]) -> None:
    texts = [r["text"] for r in records]
    first = _training.fit(records).predict_proba(texts)
    second = _training.fit(list(records)).predict_proba(texts)
    assert np.array_equal(first, second)


# -- calibration --------------------------------------------------------------------------------


def test_the_temperature_lowers_the_out_of_fold_log_loss(
    arrays: tuple[list[str], list[str], list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    texts, labels, docs = arrays
    seen: list[tuple[np.ndarray, np.ndarray, float]] = []
    fit_temperature = _estimator._fit_temperature

    def spy(scores: np.ndarray, target: np.ndarray) -> float:
        seen.append((scores, target, fit_temperature(scores, target)))
        return seen[-1][2]

    monkeypatch.setattr(_estimator, "_fit_temperature", spy)
    estimator = FramingClassifier().fit(texts, labels, doc_ids=docs)
    ((scores, target, temperature),) = seen
    assert estimator.temperature_ == temperature
    assert target.tolist() == [LABELS.index(label) for label in labels]
    assert scores.shape == (len(texts), len(LABELS))
    assert log_loss(scores / temperature, target) < log_loss(scores, target)
    # The scores are out of fold: the model fitted on every document, uncalibrated (its
    # calibrated log-probabilities times the temperature), reads its own data better.
    in_sample = np.log(estimator.predict_proba(texts, doc_ids=docs)) * temperature
    assert log_loss(in_sample, target) < log_loss(scores, target)


def test_a_temperature_cools_overconfident_scores_and_warms_timid_ones() -> None:
    rng = np.random.default_rng(0)
    target = rng.integers(0, len(LABELS), 400)
    signal = np.eye(len(LABELS))[target] + rng.normal(0, 0.6, (400, len(LABELS)))
    for scale, hotter in ((8.0, True), (0.3, False)):
        scores = signal * scale
        temperature = _estimator._fit_temperature(scores, target)
        assert (temperature > 1) == hotter, (scale, temperature)
        assert log_loss(scores / temperature, target) < log_loss(scores, target)


def test_calibration_only_rescales_the_scores(
    arrays: tuple[list[str], list[str], list[str]],
) -> None:
    texts, labels, docs = arrays
    calibrated = FramingClassifier().fit(texts, labels, doc_ids=docs)
    raw = FramingClassifier(calibrate=False).fit(texts, labels, doc_ids=docs)
    assert raw.temperature_ == 1.0
    np.testing.assert_allclose(
        calibrated.decision_function(texts, doc_ids=docs) * calibrated.temperature_,
        raw.decision_function(texts, doc_ids=docs),
        rtol=1e-9,
        atol=1e-9,
    )


# -- the document stage -------------------------------------------------------------------------


def test_the_stage_weighs_the_document_by_its_kind_unless_told_not_to() -> None:
    # Forty authored documents of the one-voice kinds (the small set has none of them).
    records = read_annotations(shipped_path("authored_documents"))
    kept = sorted({r["doc"] for r in records})[:40]
    records = [r for r in records if r["doc"] in kept]
    texts, labels, docs = ([r[k] for r in records] for k in ("text", "label", "doc"))
    kind_columns = [i for i, name in enumerate(COLUMNS) if name.split(":")[0] in STAGE_KINDS]
    assert len(kind_columns) == len(STAGE_KINDS) * (3 * len(LABELS) + 2)
    with_kinds = FramingClassifier(calibrate=False).fit(texts, labels, doc_ids=docs)
    without = FramingClassifier(calibrate=False, stage_kinds=False).fit(texts, labels, doc_ids=docs)
    assert np.abs(with_kinds.stage_.coef_[:, kind_columns]).max() > 0.01
    assert not without.stage_.coef_[:, kind_columns].any()  # their columns were all zero


def test_the_document_stage_learns_from_out_of_fold_probabilities(
    arrays: tuple[list[str], list[str], list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    texts, labels, docs = arrays
    stage_rows: list[np.ndarray] = []
    fit_stage = FramingClassifier._fit_stage

    def spy(self: FramingClassifier, rows: np.ndarray, target: np.ndarray) -> Any:
        stage_rows.append(rows)
        return fit_stage(self, rows, target)

    monkeypatch.setattr(FramingClassifier, "_fit_stage", spy)
    estimator = FramingClassifier(calibrate=False).fit(texts, labels, doc_ids=docs)
    assert estimator.stage_.coef_.shape == (len(LABELS), len(COLUMNS))
    rows = stage_rows[0]  # the stage fitted on every sentence, before its own folds
    assert rows.shape == (len(texts), len(COLUMNS))
    own = rows[:, [COLUMNS.index(f"own:{label}") for label in LABELS]]
    # A sentence's first-stage probabilities come from a model that never saw its document.
    groups = np.repeat(np.arange(len(set(docs))), [docs.count(d) for d in dict.fromkeys(docs)])
    train, test = _estimator._document_folds(groups)[0]
    first = FramingClassifier(document_stage=False, calibrate=False).fit(
        [texts[i] for i in train], [labels[i] for i in train], doc_ids=[docs[i] for i in train]
    )
    held_out = first.predict_proba([texts[i] for i in test], doc_ids=[docs[i] for i in test])
    np.testing.assert_allclose(own[test], held_out, rtol=0, atol=1e-9)
    seen = first.predict_proba([texts[i] for i in train], doc_ids=[docs[i] for i in train])
    assert not np.allclose(own[train], seen, atol=1e-3)


def test_without_the_stage_the_weights_are_one_linear_model(
    arrays: tuple[list[str], list[str], list[str]],
) -> None:
    texts, labels, docs = arrays
    estimator = FramingClassifier(document_stage=False).fit(texts, labels, doc_ids=docs)
    weights = estimator.weights()
    assert estimator.stage_ is None and "stage_coef" not in weights
    assert weights["coef"].shape == (estimator.n_features_, len(LABELS))


def test_a_label_missing_from_the_training_data_is_never_predicted(
    arrays: tuple[list[str], list[str], list[str]],
) -> None:
    texts, labels, docs = arrays
    kept = [i for i, label in enumerate(labels) if label != "western_intelligence"]
    # Uncalibrated: a temperature divides every score, the missing label's floor too.
    estimator = FramingClassifier(calibrate=False).fit(
        [texts[i] for i in kept], [labels[i] for i in kept], doc_ids=[docs[i] for i in kept]
    )
    proba = estimator.predict_proba(texts, doc_ids=docs)
    assert proba.shape == (len(texts), len(LABELS))
    assert proba[:, LABELS.index("western_intelligence")].max() < 1e-6
    assert "western_intelligence" not in set(estimator.predict(texts, doc_ids=docs))


def test_min_count_keeps_the_features_of_at_least_that_many_sentences(
    arrays: tuple[list[str], list[str], list[str]],
) -> None:
    from collections import Counter

    from stance.model._scoring import article_slices, featurize
    from stance.text._features import DEFAULT_GROUPS

    texts, labels, docs = arrays
    counts = Counter(
        name
        for names in featurize(texts, article_slices(len(texts), docs), DEFAULT_GROUPS)
        for name in names
    )
    every = FramingClassifier(document_stage=False).fit(texts, labels, doc_ids=docs)
    pruned = FramingClassifier(document_stage=False, min_count=3).fit(texts, labels, doc_ids=docs)
    assert set(every.weights()["names"]) == set(counts)
    assert set(pruned.weights()["names"]) == {name for name, n in counts.items() if n >= 3}


def test_one_document_gives_no_folds_no_stage_and_no_temperature(
    arrays: tuple[list[str], list[str], list[str]],
) -> None:
    texts, labels, docs = arrays
    alone = [i for i, doc in enumerate(docs) if doc == docs[0]]
    estimator = FramingClassifier().fit(
        [texts[i] for i in alone], [labels[i] for i in alone], doc_ids=[docs[0]] * len(alone)
    )
    assert estimator.stage_ is None and estimator.temperature_ == 1.0
    assert estimator.predict_proba(texts).shape == (len(texts), len(LABELS))


# -- the evaluations' folds ---------------------------------------------------------------------


def test_cross_validation_predicts_each_document_with_a_model_that_never_saw_it(
    records: list[dict[str, Any]],
) -> None:
    trained_on: list[set[str]] = []

    def factory(train: list[dict[str, Any]]) -> FramingClassifier:
        trained_on.append({r["doc"] for r in train})
        return _training.fit(train, calibrate=False)

    proba = _training.cross_val_proba(records, n_splits=3, factory=factory)
    assert len(trained_on) == 3 and proba.shape == (len(records), len(LABELS))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    all_docs = {r["doc"] for r in records}
    held_out = [all_docs - docs for docs in trained_on]
    assert sorted(d for fold in held_out for d in fold) == sorted(all_docs)  # each once
    trained_on.clear()
    _training.cross_val_proba(records, n_splits=8, factory=factory)  # more folds than documents
    assert len(trained_on) == len(all_docs)  # the empty folds train nothing


def test_leave_one_seed_out_and_the_dev_report(records: list[dict[str, Any]]) -> None:
    seeds = [r for r in records if r["doc"].startswith("wire")]
    extra = [r for r in records if not r["doc"].startswith("wire")]
    trained_on: list[set[str]] = []

    def factory(train: list[dict[str, Any]]) -> FramingClassifier:
        trained_on.append({r["doc"] for r in train})
        return _training.fit(train, calibrate=False, document_stage=False)

    result = _training.leave_one_seed_out(seeds, extra, factory=factory)
    assert result["n"] == len(seeds) and 0 <= result["macro_f1"] <= 1
    wires = {r["doc"] for r in seeds}
    assert [wires - docs for docs in trained_on] == [{doc} for doc in sorted(wires)]
    dev = _training.dev_report(factory(extra), seeds)
    assert dev["n"] == len(seeds) and sum(map(sum, dev["confusion"])) == len(seeds)


def test_the_data_hash_follows_the_data(records: list[dict[str, Any]]) -> None:
    digest = _training.data_hash(records)
    assert len(digest) == 64 and digest == _training.data_hash([dict(r) for r in records])
    assert _training.data_hash(records[::-1]) != digest
    relabelled = [{**records[0], "label": "neutral"}, *records[1:]]
    assert _training.data_hash(relabelled) != digest


# -- stance train ----------------------------------------------------------------------------


def test_stance_train_records_exactly_the_command_it_ran(
    small_annotations: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "model"
    argv = ["train", "--annotations", str(small_annotations), "-o", str(out), "--C", "0.5"]
    assert main(argv) == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    training = manifest["training"]
    assert training["command"] == shlex.join(["stance", *argv])
    assert training["params"] == {**_training.DEFAULT_PARAMS, "C": 0.5}
    assert manifest["config"]["C"] == 0.5
    assert training["files"] == ["small.jsonl"] and training["n_sentences"] == 40
    assert training["data_sha256"] == _training.data_hash(small.records())
    assert manifest["evaluation"] == {}  # no dev set asked for, none of the user's own
    assert stance.load(out).predict(["Zelenskiy said so."])[0] in LABELS
    card = (out / "README.md").read_text(encoding="utf-8")
    assert shlex.join(["stance", *argv]) in card and "40 sentences" in card
    assert f"model written to {out}" in capsys.readouterr().err


def test_stance_train_reports_on_a_dev_set(
    small_annotations: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "model"
    dev = small_annotations
    argv = ["train", "--annotations", str(small_annotations), "--dev", str(dev), "-o", str(out)]
    assert main(argv) == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    figures = manifest["evaluation"]["dev"]
    assert figures["file"] == "small.jsonl" and figures["n"] == 40
    assert 0 <= figures["macro_f1"] <= 1 and 0 <= figures["ece"] <= 1
    assert f"dev set: {dev}" in capsys.readouterr().err
    assert "| dev set (40 sentences, never trained on) | macro-F1 " in (
        (out / "README.md").read_text(encoding="utf-8")
    )


def test_stance_train_without_annotations_uses_the_shipped_data_and_dev_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The shipped data takes minutes to train on: the forty sentences stand in for it, and
    # the rest (file names, the shipped dev set) is the command's own.
    asked: list[object] = []

    def shipped_data(paths: object = None) -> list[dict[str, Any]]:
        asked.append(paths)
        return small.records()

    monkeypatch.setattr(_training, "training_records", shipped_data)
    out = tmp_path / "model"
    assert main(["train", "-o", str(out)]) == 0
    assert asked == [None]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["training"]["files"] == [
        "seeds.jsonl",
        "authored.jsonl",
        "authored_documents.jsonl",
        "retold_documents.jsonl",
    ]
    assert manifest["evaluation"]["dev"]["file"] == "dev.jsonl"
    assert manifest["training"]["command"] == shlex.join(["stance", "train", "-o", str(out)])


def test_stance_train_refuses_data_it_cannot_learn_from(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    one_label = small.write(
        tmp_path / "one.jsonl", [{**r, "label": "neutral"} for r in small.records()]
    )
    out = tmp_path / "model"
    assert main(["train", "--annotations", str(one_label), "-o", str(out)]) == 2
    assert "y must hold at least two different labels" in capsys.readouterr().err
    assert not out.exists()
    assert main(["train", "--annotations", str(one_label), "-o", str(out), "--C", "-1"]) == 2
    assert "C must be a positive number" in capsys.readouterr().err
