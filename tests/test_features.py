"""Feature extraction: the fast word-set forms say exactly what their patterns say."""

from __future__ import annotations

import re

from hypothesis import given

from stance.text import _features as features
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
