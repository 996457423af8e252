"""Feature extraction: the fast word-set forms say exactly what their patterns say."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from stance.text import _features as features
from stance.text._document import _HOST, _HOST_WORDS, _host_match
from stance.text._lexicon import lexicon
from stance.text._tokens import outside_quotes
from tests.strategies import examples, keys_in_order, unicode_text, voice_texts

_NOT_WORD_CUES = {"v:question", "v:exclaim", "v:figure", "v:when"}


# The writer's-voice cues as whole-word, case-insensitive patterns over the text outside
# quotations: the definition the word sets of stance.text._features implement (one
# tokenisation, no regex per cue). Words are runs of letters and digits, as stance.text._tokens
# cuts them.
def _pattern(words: frozenset[str]) -> str:
    return r"(?<![^\W_])(?:" + "|".join(sorted(map(re.escape, words))) + r")(?![^\W_])"


ORACLE = {name: _pattern(lexicon(f"voice_{name}")) for name in features.ALL_VOICE_CUES}
ORACLE["evaluative"] += r"|(?<![^\W_])(?:need to|disgrace\w*)(?![^\W_])"


def oracle(text: str) -> set[str]:
    outside = outside_quotes(text)
    return {"v:" + name for name, pattern in ORACLE.items() if re.search(pattern, outside, re.I)}


@given(voice_texts())
@examples(500)
def test_voice_words_match_their_patterns(text: str) -> None:
    found: set[str] = set()
    features._voice(text, found)
    assert {f for f in found if f not in _NOT_WORD_CUES} == oracle(text)


@given(unicode_text(120))
@examples(300)
def test_voice_words_match_their_patterns_on_arbitrary_unicode(text: str) -> None:
    found: set[str] = set()
    features._voice(text, found)
    assert {f for f in found if f not in _NOT_WORD_CUES} == oracle(text)


def test_question_and_exclamation_outside_quotes() -> None:
    found: set[str] = set()
    assert features._voice("Who would believe it?", found)
    assert "v:question" in found
    found.clear()
    features._voice("“Enough!” he said.", found)
    assert "v:exclaim" not in found


@given(keys_in_order())
def test_running_major_is_max_of_counts(sequence: list[str]) -> None:
    from stance.text._features import _major

    counts: dict[str, int] = {}
    major = None
    for group in sequence:
        counts[group] = counts.get(group, 0) + 1
        major = _major(counts, group, major)
        assert major == max(counts, key=counts.__getitem__)


# Pieces of a host's self-introduction, whole and broken, among arbitrary text.
_HOST_PIECES = st.sampled_from(
    [
        "Welcome to ",
        "welcome back to ",
        "Welcome, everyone, to ",
        "I'm ",
        "I’m ",
        "I am ",
        "I am",
        "Here at ",
        "here at",
        "HERE AT ",
        "On behalf of ",
        "on behalf of",
        "n behalf of ",
        "elcome ",
        "the ",
        "CSIS",
        "\n",
        " ",
        "Seth Jones. ",
        "to ",
    ]
)


@given(st.lists(st.one_of(_HOST_PIECES, st.text(max_size=8)), max_size=12).map("".join))
def test_the_host_pattern_is_tried_only_where_it_can_match(text: str) -> None:
    # The substring test skips no match: every match holds one of the words.
    found = _HOST.search(text)
    if found is not None:
        assert any(word in text for word in _HOST_WORDS)
    matched = _host_match(text)
    assert (matched and matched.span()) == (found and found.span())
