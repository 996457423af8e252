"""Feature extraction: the fast word-set forms say exactly what their patterns say."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from stance.text import _features as features

# The writer's-voice cues as whole-word, case-insensitive patterns: the definition the word sets
# in stance.features implement (the sets are faster: one tokenisation, no regex per cue).
ORACLE = {
    "first_person": r"\b(?:i|i'm|i’m|i've|i’ve|i'd|i’d|me|my|mine|myself)\b",
    "we": r"\b(?:we|we're|we’re|us|our|ours)\b",
    "you": r"\b(?:you|your|you're|you’re)\b",
    "hedge": r"\b(?:may|might|perhaps|maybe|probably|possibly|seems?|feels?|imagine|guess|"
    r"suspect|hope|wonder|surely|clearly|obviously|frankly|honestly|arguably|"
    r"apparently)\b",
    "evaluative": r"\b(?:good|bad|great|terrible|awful|wild|brave|stupid|shameful|disgrace\w*|"
    r"pathetic|ridiculous|absurd|tragic|heroic|incompetent|brilliant|wonderful|"
    r"horrible|evil|cowardly|criminal|insane|madness|genius|joke|nonsense|must|"
    r"should|ought|need to|important|crucial|pivotal|remarkable|extraordinary|"
    r"staggering|shocking|outrageous)\b",
}
QUOTED = re.compile(r"[“\"«][^“”\"«»]*[”\"»]")
PIECES = (
    "I I'm I’m we We're us our you your may Might perhaps seems feel disgraceful disgrace "
    "undisgraced need to need NEED TO good must myself mine İ İstanbul ſeems K ı Ǆ ß "
    "said Kyiv the war _ 1 ? ! . \" “ ” « » ' ’ )"
).split()


def oracle(text: str) -> set[str]:
    outside = QUOTED.sub(" ", text)
    return {"v:" + name for name, pattern in ORACLE.items() if re.search(pattern, outside, re.I)}


@given(
    st.lists(
        st.tuples(st.sampled_from(PIECES), st.sampled_from(["", " ", "  ", "\n"])), max_size=20
    ).map(lambda parts: "".join(a + b for a, b in parts))
)
@settings(max_examples=500)
def test_voice_words_match_their_patterns(text: str) -> None:
    found: set[str] = set()
    features._voice(text, found)
    assert {f for f in found if f not in ("v:question", "v:exclaim")} == oracle(text)


@given(st.text(max_size=120))
@settings(max_examples=300)
def test_voice_words_match_their_patterns_on_arbitrary_unicode(text: str) -> None:
    found: set[str] = set()
    features._voice(text, found)
    assert {f for f in found if f not in ("v:question", "v:exclaim")} == oracle(text)


def test_question_and_exclamation_outside_quotes() -> None:
    found: set[str] = set()
    assert features._voice("Who would believe it?", found)
    assert "v:question" in found
    found.clear()
    features._voice("“Enough!” he said.", found)
    assert "v:exclaim" not in found


@given(st.lists(st.sampled_from("abcd"), max_size=40))
def test_running_major_is_max_of_counts(sequence: list[str]) -> None:
    from stance.text._features import _major

    counts: dict[str, int] = {}
    major = None
    for group in sequence:
        counts[group] = counts.get(group, 0) + 1
        major = _major(counts, group, major)
        assert major == max(counts, key=counts.__getitem__)
