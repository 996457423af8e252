"""The shared reading of raw text: case folding keeps offsets, one notion of a word, quotations."""

from __future__ import annotations

import re

from hypothesis import given

from stance.text._lexicon import lexicon
from stance.text._tokens import (
    fold,
    inside,
    outside_quotes,
    quote_open_after,
    quoted_regions,
    word_bounds,
    words,
)
from tests.strategies import quote_texts, unicode_text


@given(unicode_text())
def test_fold_keeps_every_offset(text: str) -> None:
    folded = fold(text)
    assert len(folded) == len(text)
    assert folded == fold(folded)


@given(unicode_text())
def test_folded_text_matches_what_a_case_insensitive_pattern_matches(text: str) -> None:
    # A word found in the folded text is the same span, case-insensitively, in the original.
    folded = fold(text)
    for match in re.finditer(r"[^\W_]+", folded):
        assert re.fullmatch(re.escape(match.group()), text[match.start() : match.end()], re.I) or (
            not text[match.start() : match.end()].isascii()
        )


@given(unicode_text())
def test_word_bounds_are_the_words_and_their_offsets(text: str) -> None:
    folded = fold(text)
    tokens, bounds = word_bounds(folded)
    assert tokens == words(folded)
    assert [folded[bounds[2 * k] : bounds[2 * k + 1]] for k in range(len(tokens))] == tokens


def test_words_split_at_apostrophes_and_underscores() -> None:
    assert words(fold("Kyiv's top_brass, 3 DAYS")) == ["kyiv", "s", "top", "brass", "3", "days"]
    assert fold("İstanbul KELVIN\u212a") == "istanbul kelvink"


def test_quoted_regions_see_quotes_closed_from_an_earlier_sentence() -> None:
    text = 'there," he said. “Next,” she said.'
    regions = quoted_regions(text)
    assert inside(0, regions) and not inside(text.index("he said"), regions)
    assert inside(text.index("Next"), regions)
    assert outside_quotes(text).strip().startswith("he said.")
    assert len(outside_quotes(text)) == len(text)


@given(quote_texts())
def test_quote_state_alternates_for_straight_quotes(text: str) -> None:
    closed = quote_open_after(text, False)
    if not any(c in text for c in "“”«»"):
        assert closed == (text.count('"') % 2 == 1)


def test_word_lists_are_data() -> None:
    assert {"said", "told", "warned", "reads"} <= lexicon("reporting_verbs")
    assert "mr" in lexicon("abbreviations")
