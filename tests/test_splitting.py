"""The sentence splitter: offsets always index the input, and news pages split sensibly."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import stance
from stance.splitting import Span, split_sentences

# How many sentences each seed splits into; annotations/seeds.jsonl is built on these cuts.
SEED_COUNTS = {
    "000_1ab3de9fd86620da.txt": 43,
    "001_bf2ae15e720db73a.txt": 52,
    "002_1ad667e72783d221.txt": 22,
    "003_b6f63342012e3165.txt": 110,
    "004_6c6842b2266ea503.txt": 16,
}


def check_invariants(text: str, spans: list[Span]) -> None:
    position = 0
    for span in spans:
        assert text[span.start : span.end] == span.text
        assert span.text and span.text == span.text.strip()
        assert span.start >= position
        # Only white space may lie between two sentences.
        assert text[position : span.start].strip() == ""
        position = span.end
    assert text[position:].strip() == ""


@given(st.text())
@settings(max_examples=400)
def test_invariants_on_arbitrary_unicode(text: str) -> None:
    check_invariants(text, split_sentences(text))


@given(st.lists(st.sampled_from(["Mr", "U.S.", "p.m.", "8.21", "“", "”", '"', ".", "?", "!",
                                 "\n", " ", "Kyiv", "said", "Feb.", "1,000.5", "Видео", "’"]),
                max_size=40).map("".join))
@settings(max_examples=400)
def test_invariants_on_news_like_fragments(text: str) -> None:
    check_invariants(text, split_sentences(text))


@pytest.mark.parametrize("name", sorted(SEED_COUNTS))
def test_seed_sentence_counts(seed_texts: dict[str, str], name: str) -> None:
    spans = split_sentences(seed_texts[name])
    check_invariants(seed_texts[name], spans)
    assert len(spans) == SEED_COUNTS[name]


def texts(text: str) -> list[str]:
    return [s.text for s in split_sentences(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # 000: a headline with no stop, then a live-blog timestamp line
        ("Ukraine negotiates evacuation of 60 soldiers from Azovstal\n\n14 May, 11:09 AM\n"
         "8.21 p.m: The occupiers have finally allowed a column to pass. Now the evacuees are "
         "heading to Zaporizhzhiya.",
         ["Ukraine negotiates evacuation of 60 soldiers from Azovstal", "14 May, 11:09 AM",
          "8.21 p.m: The occupiers have finally allowed a column to pass.",
          "Now the evacuees are heading to Zaporizhzhiya."]),
        # 000: a straight quote closing after the stop, with odd spacing
        ('"Izyum is the hottest spot. Our Armed Forces counterattack there. The enemy is '
         'retreating, "Synehubov said.',
         ['"Izyum is the hottest spot.', "Our Armed Forces counterattack there.",
          'The enemy is retreating, "Synehubov said.']),
        # 001: a quoted question in a headline, and "?" followed by lower case
        ("‘Do you still think you can scare us?’ Zelenskiy tells Russia",
         ["‘Do you still think you can scare us?’ Zelenskiy tells Russia"]),
        ("Without gas or without you? without you", ["Without gas or without you? without you"]),
        # 003: bylines glued to dates stay one sentence
        ("Rory Sullivan14 September 2022 09:00\nKremlin hails meeting",
         ["Rory Sullivan14 September 2022 09:00", "Kremlin hails meeting"]),
        # 003: Mr and curly quotes with the stop inside
        ("“The meeting has a special significance.” Mr Ushakov told reporters.",
         ["“The meeting has a special significance.”", "Mr Ushakov told reporters."]),
        # 004: U.N., Feb. and numbers with stops and commas
        ("The U.N. human rights office recorded 7,199 deaths since Russia’s Feb. 24 invasion. "
         "However, it believed the figure was higher.",
         ["The U.N. human rights office recorded 7,199 deaths since Russia’s Feb. 24 invasion.",
          "However, it believed the figure was higher."]),
        ("Видео дня", ["Видео дня"]),
        ("", []),
        ("  \n\t \n", []),
    ],
)
def test_news_examples(text: str, expected: list[str]) -> None:
    assert texts(text) == expected


def test_exported_from_the_package() -> None:
    assert stance.split_sentences("Hi. There") == [Span(0, 3, "Hi."), Span(4, 9, "There")]


@pytest.mark.parametrize("bad", [None, b"bytes", 3, ["a list"]])
def test_non_strings_are_refused_with_advice(bad: object) -> None:
    with pytest.raises(stance.InputError, match="takes a str"):
        split_sentences(bad)  # type: ignore[arg-type]
