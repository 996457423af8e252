"""The tiny model of the mechanics tests says what it is built to say (tests/tiny_model.py), and
stance reads it from its arrays as from its files."""

from __future__ import annotations

import numpy as np
import pytest

import stance
from tests import tiny_model as tiny

SENTENCES = {
    "Peskov told reporters the talks had failed.": "russian_mod",
    "Zelenskiy said Ukrainian forces held the line.": "official_ukrainian",
    "British intelligence said Russia had lost momentum.": "western_intelligence",
    "I think this war is a disgrace and must end.": "editorial_opinion",
    "The river runs through the city centre.": "neutral",
}


def test_each_cue_gives_its_label(tiny_model: stance.Model) -> None:
    assert tiny_model.predict(list(SENTENCES)) == list(SENTENCES.values())


def test_a_quote_continues_and_a_document_lends_its_voice(tiny_model: stance.Model) -> None:
    quote = ['"Our forces counterattack there," governor Oleh Synehubov said.', '"We hold."']
    assert tiny_model.predict(quote, doc_ids=[0, 0]) == ["official_ukrainian"] * 2
    editorial = ["I think this war is a disgrace and must end.", "It is what it is."]
    assert tiny_model.predict(editorial[1:]) == ["neutral"]
    assert tiny_model.predict(editorial, doc_ids=[0, 0])[1] == "editorial_opinion"
    cues = tiny_model.explain(editorial[1], context=editorial[:1])
    assert [cue.feature for cue in cues] == ["doc_voice:editorial_opinion"]


def test_built_in_memory_or_loaded_from_its_files_it_is_the_same(
    tiny_model: stance.Model,
) -> None:
    texts = [*SENTENCES, "It is what it is.", ""]
    np.testing.assert_array_equal(
        tiny.build().predict_proba(texts, doc_ids=[0] * len(texts)),
        tiny_model.predict_proba(texts, doc_ids=[0] * len(texts)),
    )
    with pytest.raises(stance.ModelFileError, match=r"does not list framing\.joblib"):
        tiny_model.estimator  # noqa: B018 -- no pickled estimator: the arrays are the model


def test_it_stands_in_for_the_shipped_model(tiny_default_model: stance.Model) -> None:
    assert stance.load() is tiny_default_model
    assert stance.label_article("It is what it is.")[0].probabilities == pytest.approx(
        dict(zip(stance.LABELS, tiny.build().predict_proba(["It is what it is."])[0]))
    )
