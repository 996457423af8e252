"""The sentence splitter: offsets always index the input, and news pages split sensibly."""

from __future__ import annotations

import itertools
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given

import stance
from stance.text._splitting import ABBREVIATIONS, Span, _news_breaks, split_sentences
from tests.strategies import examples, news_fragments, unicode_text

ANNOTATIONS = Path(__file__).resolve().parent.parent / "annotations"

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


@given(unicode_text())
@examples(400)
def test_invariants_on_arbitrary_unicode(text: str) -> None:
    check_invariants(text, split_sentences(text))


@given(news_fragments())
@examples(400)
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
        (
            "Ukraine negotiates evacuation of 60 soldiers from Azovstal\n\n14 May, 11:09 AM\n"
            "8.21 p.m: The occupiers have finally allowed a column to pass. Now the evacuees are "
            "heading to Zaporizhzhiya.",
            [
                "Ukraine negotiates evacuation of 60 soldiers from Azovstal",
                "14 May, 11:09 AM",
                "8.21 p.m: The occupiers have finally allowed a column to pass.",
                "Now the evacuees are heading to Zaporizhzhiya.",
            ],
        ),
        # 000: a straight quote closing after the stop, with odd spacing
        (
            '"Izyum is the hottest spot. Our Armed Forces counterattack there. The enemy is '
            'retreating, "Synehubov said.',
            [
                '"Izyum is the hottest spot.',
                "Our Armed Forces counterattack there.",
                'The enemy is retreating, "Synehubov said.',
            ],
        ),
        # 001: a quoted question in a headline, and "?" followed by lower case
        (
            "‘Do you still think you can scare us?’ Zelenskiy tells Russia",
            ["‘Do you still think you can scare us?’ Zelenskiy tells Russia"],
        ),
        ("Without gas or without you? without you", ["Without gas or without you? without you"]),
        # 003: bylines glued to dates stay one sentence
        (
            "Rory Sullivan14 September 2022 09:00\nKremlin hails meeting",
            ["Rory Sullivan14 September 2022 09:00", "Kremlin hails meeting"],
        ),
        # 003: Mr and curly quotes with the stop inside
        (
            "“The meeting has a special significance.” Mr Ushakov told reporters.",
            ["“The meeting has a special significance.”", "Mr Ushakov told reporters."],
        ),
        # 004: U.N., Feb. and numbers with stops and commas
        (
            "The U.N. human rights office recorded 7,199 deaths since Russia’s Feb. 24 invasion. "
            "However, it believed the figure was higher.",
            [
                "The U.N. human rights office recorded 7,199 deaths since Russia’s Feb. 24 "
                "invasion.",
                "However, it believed the figure was higher.",
            ],
        ),
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


@pytest.mark.slow  # starts Python in a process
def test_splitting_does_not_import_nltk() -> None:
    code = "import sys, stance; stance.split_sentences('A. B.'); print('nltk' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "False"


# Agreement with the splitter this module replaced: NLTK's Punkt, untrained, given the
# abbreviation list, run on each line, followed by the project's two rules on its breaks.

LINE = re.compile(r"[^\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]+")


@pytest.fixture(scope="module")
def punkt() -> Any:
    punkt_module = pytest.importorskip("nltk.tokenize.punkt")
    params = punkt_module.PunktParameters()
    params.abbrev_types = set(ABBREVIATIONS)
    return punkt_module.PunktSentenceTokenizer(params)


def punkt_line_breaks(punkt: Any, line: str) -> list[int]:
    # Punkt's breaks through the same news rules (lower-case continuations, quoted headlines).
    return _news_breaks(line, [start for start, _end in punkt.span_tokenize(line) if start > 0])


def punkt_split(punkt: Any, text: str) -> list[Span]:
    """The old split_sentences: every line break ends a sentence, Punkt splits each line."""
    spans = []
    for line_match in LINE.finditer(text):
        line, offset = line_match.group(), line_match.start()
        bounds = [0, *punkt_line_breaks(punkt, line), len(line)]
        for left, right in itertools.pairwise(bounds):
            piece = text[offset + left : offset + right]
            if piece.strip():
                start = offset + left + len(piece) - len(piece.lstrip())
                spans.append(Span(start, start + len(piece.strip()), piece.strip()))
    return spans


def joined_passages() -> list[str]:
    texts = []
    for name in ("authored.jsonl", "dev.jsonl"):
        docs: dict[str, list[tuple[int, str]]] = {}
        for row in map(json.loads, (ANNOTATIONS / name).read_text(encoding="utf-8").splitlines()):
            docs.setdefault(row["doc"], []).append((row["idx"], row["text"]))
        for passages in docs.values():
            ordered = [text for _idx, text in sorted(passages)]
            texts += [" ".join(ordered), "\n".join(ordered)]
    return texts


def test_agrees_with_punkt_on_seeds(punkt: Any, seed_texts: dict[str, str]) -> None:
    for text in seed_texts.values():
        assert split_sentences(text) == punkt_split(punkt, text)


def test_agrees_with_punkt_on_annotated_passages(punkt: Any) -> None:
    texts = joined_passages()
    assert len(texts) > 300
    disagreements = [t[:80] for t in texts if split_sentences(t) != punkt_split(punkt, t)]
    assert disagreements == []


@given(news_fragments())
@examples(300)
def test_agrees_with_punkt_on_news_like_fragments(punkt: Any, text: str) -> None:
    assert split_sentences(text) == punkt_split(punkt, text)
