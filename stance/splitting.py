"""A sentence splitter for news pages, built on NLTK's Punkt with no downloaded data.

News pages are not clean prose: headlines and captions carry no final stop, live blogs put
timestamps ("8.21 p.m:") in front of sentences, bylines are glued to dates, quotes close after
the stop. The splitter therefore works in two layers:

1. every line break ends a sentence (a headline is a sentence even without a stop);
2. inside a line, Punkt decides where sentences end, with a news abbreviation list instead of
   trained parameters, and a break is undone when the next piece starts in lower case
   (``"Why?" he asked.``).

Spans are built from break positions, so every non-space character of the input lies in
exactly one span, and ``text[span.start:span.end] == span.text`` always holds.
"""

from __future__ import annotations

import itertools
import re
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

from stance._errors import InputError

if TYPE_CHECKING:
    from nltk.tokenize.punkt import PunktSentenceTokenizer

__all__ = ["ABBREVIATIONS", "Span", "split_sentences"]


class Span(NamedTuple):
    """One sentence: character offsets into the original text, and the text itself."""

    start: int
    end: int
    text: str


# Lower-cased, without the final stop, as Punkt stores them. Multi-dot forms ("u.s") are
# matched by Punkt as a whole token.
ABBREVIATIONS: frozenset[str] = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "gen",
        "lt",
        "col",
        "maj",
        "capt",
        "cpt",
        "sgt",
        "cmdr",
        "adm",
        "brig",
        "rev",
        "st",
        "sen",
        "rep",
        "gov",
        "pres",
        "jr",
        "sr",
        "inc",
        "ltd",
        "co",
        "corp",
        "dept",
        "est",
        "approx",
        "vs",
        "etc",
        "e.g",
        "i.e",
        "a.m",
        "p.m",
        "u.s",
        "u.k",
        "u.n",
        "u.s.a",
        "e.u",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "mon",
        "tue",
        "wed",
        "thu",
        "fri",
        "sat",
        "sun",
        "no",
        "nos",
        "vol",
        "fig",
        "ft",
        "km",
        "mln",
        "bln",
        "bn",
        "mt",
        "mts",
        "st.",
        "op",
        "cit",
        "al",
        "gr",
    ]
)

# Every character str.splitlines() treats as a line boundary.
_LINE = re.compile(r"[^\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]+")
_SENTENCE_END = re.compile(r"[.?!…]")
_QUOTED_QUESTION = re.compile(r"[?!][\"'”’»]+\s*$")
_ENDS_SENTENCE = re.compile(r"[.?!…\"'”’»)]\s*$")


@lru_cache(maxsize=1)
def _punkt() -> PunktSentenceTokenizer:
    # Imported here: NLTK is slow to import and only splitting needs it.
    from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

    params = PunktParameters()
    params.abbrev_types = set(ABBREVIATIONS)
    return PunktSentenceTokenizer(params)


def _line_breaks(line: str) -> list[int]:
    """Offsets inside one line where a new sentence starts (excluding 0)."""
    if not _SENTENCE_END.search(line):
        return []
    starts = [start for start, _end in _punkt().span_tokenize(line) if start > 0]
    breaks = []
    for i, start in enumerate(starts):
        following = line[start:].lstrip()
        # "Why?" he asked. -- Punkt breaks after ?/! whatever follows; news prose does not.
        if following[:1].islower():
            continue
        # Headline form: 'Do you still think you can scare us?' Zelenskiy tells Russia
        is_last = i == len(starts) - 1
        if is_last and _QUOTED_QUESTION.search(line[:start]) and not _ENDS_SENTENCE.search(line):
            continue
        breaks.append(start)
    return breaks


def _trimmed(text: str, start: int, end: int) -> Span | None:
    piece = text[start:end]
    stripped = piece.lstrip()
    start += len(piece) - len(stripped)
    stripped = stripped.rstrip()
    if not stripped:
        return None
    return Span(start, start + len(stripped), stripped)


def split_sentences(text: str) -> list[Span]:
    """Split a news text into sentences.

    >>> [s.text for s in split_sentences("Kyiv says it held. Moscow disagrees.\\nHeadline")]
    ['Kyiv says it held.', 'Moscow disagrees.', 'Headline']

    Blank or whitespace-only input gives an empty list. Raises :class:`stance.InputError` for
    anything that is not a string.
    """
    if not isinstance(text, str):
        raise InputError(
            f"split_sentences() takes a str, got {type(text).__name__}; "
            "decode bytes first, e.g. data.decode('utf-8')"
        )
    spans: list[Span] = []
    for line_match in _LINE.finditer(text):
        line = line_match.group()
        if line.isspace():
            continue
        offset = line_match.start()
        bounds = [0, *_line_breaks(line), len(line)]
        for left, right in itertools.pairwise(bounds):
            span = _trimmed(text, offset + left, offset + right)
            if span is not None:
                spans.append(span)
    return spans
