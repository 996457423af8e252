"""The shipped model: safe loading, the fast path equal to scikit-learn, a well-behaved API."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given

import stance
from stance.annotate._records import read_annotations, shipped_path
from stance.model._files import ESTIMATOR_FILE, MANIFEST_FILE, WEIGHTS_FILE, default_model_dir
from tests.strategies import examples, sentence_lists

# Predictions depend on the reading core: every test here runs under each (conftest.py).
pytestmark = pytest.mark.usefixtures("each_core")


@pytest.fixture(scope="module")
def model() -> stance.Model:
    return stance.load()


@pytest.fixture
def model_copy(tmp_path: Path) -> Path:
    target = tmp_path / "model"
    shutil.copytree(
        default_model_dir(), target, ignore=shutil.ignore_patterns("__init__.py", "__pycache__")
    )
    return target


def test_readme_example(model: stance.Model) -> None:
    assert model.predict(["British intelligence said Russia had lost momentum."]) == [
        "western_intelligence"
    ]


def test_load_is_cached(model: stance.Model) -> None:
    assert stance.load() is model


@pytest.mark.parametrize("name", [WEIGHTS_FILE, ESTIMATOR_FILE])
def test_a_flipped_byte_is_refused(model_copy: Path, name: str) -> None:
    path = model_copy / name
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(stance.ModelFileError, match="SHA-256"):
        loaded = stance.load(model_copy)
        loaded.estimator  # noqa: B018 -- the pickle is checked when first used


def test_truncated_file_is_refused(model_copy: Path) -> None:
    path = model_copy / WEIGHTS_FILE
    path.write_bytes(path.read_bytes()[:100])
    with pytest.raises(stance.ModelFileError, match="truncated"):
        stance.load(model_copy)


def test_missing_file_is_refused(model_copy: Path) -> None:
    (model_copy / WEIGHTS_FILE).unlink()
    with pytest.raises(stance.ModelFileError, match="missing"):
        stance.load(model_copy)


def test_tampered_pickle_is_never_unpickled(
    model_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import joblib

    (model_copy / ESTIMATOR_FILE).write_bytes(b"not the pickle that was trained")
    monkeypatch.setattr(joblib, "load", lambda *a, **k: pytest.fail("unpickled a bad file"))
    with pytest.raises(stance.ModelFileError):
        stance.load(model_copy).estimator  # noqa: B018


def edit_manifest(folder: Path, change: dict) -> None:
    manifest = json.loads((folder / MANIFEST_FILE).read_text())
    for key, value in change.items():
        if isinstance(value, dict):
            manifest[key].update(value)
        else:
            manifest[key] = value
    (folder / MANIFEST_FILE).write_text(json.dumps(manifest))


def test_incompatible_sklearn_is_refused(model_copy: Path) -> None:
    edit_manifest(model_copy, {"versions": {"scikit-learn": "0.24.2"}})
    with pytest.raises(stance.ModelFileError, match=r"scikit-learn 0\.24\.2"):
        stance.load(model_copy).estimator  # noqa: B018


def test_unknown_format_is_refused(model_copy: Path) -> None:
    edit_manifest(model_copy, {"format": 99})
    with pytest.raises(stance.ModelFileError, match="format 99"):
        stance.load(model_copy)


def seed_articles() -> tuple[list[str], list[str]]:
    records = read_annotations(shipped_path("seeds"))
    return [r["text"] for r in records], [r["doc"] for r in records]


def test_fast_path_equals_sklearn_on_the_seeds(model: stance.Model) -> None:
    texts, docs = seed_articles()
    fast = model.predict_proba(texts, doc_ids=docs)
    reference = model.estimator.predict_proba(texts, doc_ids=docs)
    np.testing.assert_allclose(fast, reference, rtol=0, atol=1e-9)


@given(sentence_lists(8, 200))
@examples(60, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_fast_path_equals_sklearn_on_random_unicode(texts: list[str]) -> None:
    model = stance.load()
    fast = model.predict_proba(texts, doc_ids=["d"] * len(texts))
    reference = model.estimator.predict_proba(texts, doc_ids=["d"] * len(texts))
    np.testing.assert_allclose(fast, reference, rtol=0, atol=1e-9)


@given(sentence_lists(10, 300))
@examples(100, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_probabilities_are_finite_and_sum_to_one(texts: list[str]) -> None:
    model = stance.load()
    proba = model.predict_proba(texts)
    assert proba.shape == (len(texts), len(stance.LABELS))
    assert np.isfinite(proba).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-9)
    assert all(label in stance.LABELS for label in model.predict(texts))


def test_empty_input_is_well_defined(tiny_model: stance.Model) -> None:
    assert tiny_model.predict([]) == []
    assert tiny_model.predict_proba([]).shape == (0, len(stance.LABELS))


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("a bare string", "not a single str"),
        (None, "got None"),
        ([1, "x"], r"sentences\[0\] is a int"),
        (42, "got int"),
    ],
)
def test_bad_input_gets_a_clear_error(tiny_model: stance.Model, bad: object, message: str) -> None:
    with pytest.raises(stance.InputError, match=message):
        tiny_model.predict(bad)  # type: ignore[arg-type]


def test_doc_ids_must_match(tiny_model: stance.Model) -> None:
    with pytest.raises(stance.InputError, match="one entry per sentence"):
        tiny_model.predict(["a", "b"], doc_ids=["x"])


def test_explain_gives_the_cues_of_the_decision(model: stance.Model) -> None:
    cues = model.explain("The Kremlin said the talks had failed.", top=3)
    assert 1 <= len(cues) <= 3
    assert any("russian_mod" in cue.feature or "kremlin" in cue.feature for cue in cues)
    assert cues == sorted(cues, key=lambda c: c.weight, reverse=True)


def test_context_carries_a_quote_continuation(model: stance.Model) -> None:
    article = [
        '"Izyum is the hottest spot," governor Oleh Synehubov said.',
        '"Our Armed Forces counterattack there.',
    ]
    labels = model.predict(article, doc_ids=["a", "a"])
    assert labels[1] == "official_ukrainian"


def test_speaker_decides_not_the_mention(model: stance.Model) -> None:
    labels = model.predict(
        [
            "Russia's defence ministry said Ukraine shelled the plant.",
            "Ukraine's General Staff said Russia shelled the plant.",
        ]
    )
    assert labels == ["russian_mod", "official_ukrainian"]


def test_manifest_records_how_the_model_was_made(model: stance.Model) -> None:
    manifest = model.manifest
    assert manifest["labels"] == list(stance.LABELS)
    assert manifest["training"]["command"].startswith("stance train")
    assert len(manifest["training"]["data_sha256"]) == 64
    assert 0 < manifest["evaluation"]["dev"]["macro_f1"] <= 1


def test_estimator_follows_the_sklearn_contract() -> None:
    from sklearn.base import clone

    from stance.model._estimator import FramingClassifier

    estimator = FramingClassifier(C=2.0, calibrate=False)
    assert clone(estimator).get_params() == estimator.get_params()
    with pytest.raises(TypeError):
        FramingClassifier(2.0)  # type: ignore[misc] -- keyword-only
    with pytest.raises(stance.InputError, match="C must be a positive number, got -1"):
        FramingClassifier(C=-1).fit(["a", "b"], ["neutral", "russian_mod"])
    with pytest.raises(stance.InputError, match="unknown labels"):
        FramingClassifier().fit(["a", "b"], ["neutral", "pro_russia"])
    assert not hasattr(estimator, "classes_")


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"C": 0}, "C must be a positive number, got 0"),
        ({"feature_groups": ("words",)}, r"feature_groups must be a non-empty tuple of ngrams"),
        ({"feature_groups": ()}, r"feature_groups must be a non-empty tuple of ngrams"),
        ({"class_weight": "auto"}, "class_weight must be 'balanced' or None, got 'auto'"),
        ({"stage_C": -2.0}, "stage_C must be a positive number, got -2.0"),
        ({"stage_kinds": "yes"}, "stage_kinds must be True or False, got 'yes'"),
        ({"min_count": 0}, "min_count must be an integer >= 1, got 0"),
    ],
)
def test_the_estimator_refuses_bad_parameters_when_fitted(
    params: dict[str, object], message: str
) -> None:
    from stance.model._estimator import FramingClassifier

    with pytest.raises(stance.InputError, match=message):
        FramingClassifier(**params).fit(["a", "b"], ["neutral", "russian_mod"])


def test_the_estimator_refuses_bad_data_and_use_before_fit() -> None:
    from sklearn.exceptions import NotFittedError

    from stance.model._estimator import FramingClassifier

    with pytest.raises(stance.InputError, match="X and y must have the same length, got 1 and 2"):
        FramingClassifier().fit(["a"], ["neutral", "russian_mod"])
    with pytest.raises(stance.InputError, match="at least two different labels"):
        FramingClassifier().fit(["a", "b"], ["neutral", "neutral"])
    with pytest.raises(NotFittedError, match=r"call fit\(X, y\) or use stance.load\(\)"):
        FramingClassifier().predict(["a"])


def test_the_document_stage_reads_no_sentences_as_no_rows() -> None:
    from stance.model._document_stage import COLUMNS, N_STATES, document_rows

    rows = document_rows(np.zeros((0, len(stance.LABELS))), [], np.zeros((0, N_STATES), bool))
    assert rows.shape == (0, len(COLUMNS))


def test_weights_whose_names_do_not_match_their_rows_are_refused(model_copy: Path) -> None:
    # A consistent file (its hash recorded) that is still not a model: one name too few.
    from stance.model._files import file_entry
    from stance.model._runtime import weights_bytes

    model = stance.load()  # the same weights as the copy's (loading the copy would cache it)
    arrays = {"names": model._names[:-1], "coef": model._coef[:-1], "intercept": model._intercept}
    (model_copy / WEIGHTS_FILE).write_bytes(weights_bytes(arrays))
    edit_manifest(model_copy, {"files": {WEIGHTS_FILE: file_entry(model_copy / WEIGHTS_FILE)}})
    with pytest.raises(stance.ModelFileError, match="feature names for"):
        stance.load(model_copy)


def test_a_feature_name_with_a_line_break_cannot_be_saved() -> None:
    from stance.model._runtime import weights_bytes

    arrays = {"names": ["w:fine", "w:two\nlines"], "coef": np.zeros((2, 5))}
    with pytest.raises(ValueError, match="line break"):
        weights_bytes(arrays)
