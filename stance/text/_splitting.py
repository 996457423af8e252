"""A sentence splitter for news pages, built from the project's own rules and no data files.

News pages are not clean prose: headlines and captions carry no final stop, live blogs put
timestamps ("8.21 p.m:") in front of sentences, bylines are glued to dates, quotes close after
the stop. The splitter therefore works in two layers:

1. every line break ends a sentence (a headline is a sentence even without a stop);
2. inside a line, a sentence may end at ``.``, ``?`` or ``!`` followed by white space and a
   word (closing quotes and brackets after the stop stay with the sentence). A stop ends no
   sentence after a news abbreviation (``Feb.``, ``U.S.``) or in an ellipsis; after an initial
   (``J.``) or a number (``3.``) it ends none when the next word is lower case or punctuation,
   nor, after an initial, when the next word is capitalised (``J. Smith``). A break is also
   undone when the next piece starts in lower case (``"Why?" he asked.``).

Spans are built from break positions, so every non-space character of the input lies in
exactly one span, and ``text[span.start:span.end] == span.text`` always holds.
"""

from __future__ import annotations

import itertools
import re
from typing import NamedTuple

from stance._errors import InputError
from stance.text._lexicon import lexicon

__all__ = ["ABBREVIATIONS", "Span", "split_sentences"]


class Span(NamedTuple):
    """One sentence: character offsets into the original text, and the text itself."""

    start: int
    end: int
    text: str


# Lower-cased, without the final stop (lexicons.txt); "u.s" matches as a whole token.
ABBREVIATIONS: frozenset[str] = lexicon("abbreviations")

# Every character str.splitlines() treats as a line boundary.
_LINE = re.compile(r"[^\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]+")
_QUOTED_QUESTION = re.compile(r"[?!][\"'”’»]+\s*$")
_ENDS_SENTENCE = re.compile(r"[.?!…\"'”’»)]\s*$")

# The in-line rules below were checked against NLTK's Punkt (untrained, given ABBREVIATIONS),
# which this module used before; tests/test_splitting.py keeps them in agreement with it.

# White space as Punkt's regex engine saw it: Python's, except the separators \x1c-\x1f.
_SPACE = r"[^\S\x1c-\x1f]"
_NON_SPACE = r"[\S\x1c-\x1f]"
# Quotes, brackets and ?! end a word wherever they stand. "." does not, so "U.S." stays whole.
_WORD_BREAKERS = "()[]{}\"'‘’“”«»;:*@?!"
# Characters that make a token of their own when a token would start with them.
_SOLO_STARTS = '()[]{}"`;:&#*@,-'
_BREAKER = f"[{re.escape(_WORD_BREAKERS)}]"
# Runs that are one token: dashes, dots, and a spaced ellipsis ". . .".
_RUN = rf"-{{2,}}|\.{{2,}}|(?:\.{_SPACE}){{2,}}\."
# A word stops before white space, the end, a breaker, a run, or a comma that ends the word.
_WORD_END = rf"{_SPACE}|$|{_BREAKER}|{_RUN}|,(?=$|{_SPACE}|{_BREAKER}|{_RUN})"
_WORD = rf"(?!{_SPACE})[^{re.escape(_SOLO_STARTS)}](?:(?!{_WORD_END}){_NON_SPACE})*"
_TOKEN = re.compile(rf"{_RUN}|{_WORD}|{_NON_SPACE}")

# A possible end: . ? or ! followed by a breaker, or by white space and the next word.
_CANDIDATE = re.compile(rf"[.?!](?=(?P<after>{_BREAKER}|{_SPACE}+(?P<next>{_NON_SPACE}+)))")
# Quotes and brackets that close the sentence before them, with the space after them.
_CLOSING = re.compile(rf"[\"')\]}}‘’“”«»]+?(?:{_SPACE}+|(?=--)|$)")

# "J.", "3.", "2022.", "-1,000.5." (whole tokens). Letters and digits are Python's; Punkt's
# regex engine also took a lone combining mark for a letter, which no news text has.
_INITIAL = re.compile(r"[^\W\d]\.")
_NUMBER = re.compile(r"-?[.,]?\d[\d,.-]*\.?")
# Tokens no sentence starts with, so an initial or number before them keeps its stop.
_INNER_PUNCTUATION = frozenset(";:,.!?")


def _is_abbreviation(token: str) -> bool:
    """'Feb.', 'U.S.', 'Lt.-Gen.': the word without its stop, or its last hyphen part, is listed."""
    word = token[:-1].lower()
    return word in ABBREVIATIONS or word.rsplit("-", 1)[-1] in ABBREVIATIONS


def _token_ends_sentence(token: str, following: str) -> bool:
    """Does ``token`` close a sentence when ``following`` is the token after it?"""
    if token in ("?", "!"):
        return True
    # No stop, or an ellipsis: never an end.
    if not token.endswith(".") or token.endswith(".."):
        return False
    if _is_abbreviation(token):
        return False
    continues = following in _INNER_PUNCTUATION or following[0].islower()
    if _INITIAL.fullmatch(token):
        # "J. Smith": a capital after an initial continues the name.
        return not (continues or following[0].isupper())
    if _NUMBER.fullmatch(token):
        return not continues
    return True


def _context_ends_sentence(context: str) -> bool:
    """Judge a candidate by its context: the word before it, the mark, and the next word.

    True when any token but the last closes a sentence, so "?J. Smith" still ends at "J.".
    """
    tokens = _TOKEN.findall(context)
    return any(
        _token_ends_sentence(token, following) for token, following in itertools.pairwise(tokens)
    )


def _last_separator(line: str, start: int, end: int) -> int:
    """Index of the last space or tab in line[start:end], or -1.

    Only these separate words when looking back for the word before a candidate ("\xa0" and
    the other Unicode spaces do not; line breaks never occur inside a line).
    """
    return max(line.rfind(" ", start, end), line.rfind("\t", start, end))


def _judged_candidates(line: str) -> list[tuple[re.Match[str], int]]:
    """Candidate ends to judge, each with the start of the word before it.

    Of candidates with no separator between them ("acting!!!", "U.S.?") only the last is
    judged, and its word reaches back over the others.
    """
    judged: list[tuple[re.Match[str], int]] = []
    previous: re.Match[str] | None = None
    word_start = 0
    for match in _CANDIDATE.finditer(line):
        region_start = previous.start() if previous else 0
        separator = _last_separator(line, region_start, match.start())
        # A separator at the very start of the region counts as none (as in Punkt).
        start = separator + 1 if separator > region_start else word_start
        if previous is not None and previous.start() <= start:
            judged.append((previous, word_start))
        previous, word_start = match, start
    if previous is not None:
        judged.append((previous, word_start))
    return judged


def _next_start(line: str, candidate: re.Match[str], end: int) -> int:
    """Where the sentence after ``candidate`` starts: past closing quotes (``."`` ``?”``)."""
    start = candidate.start("next") if candidate.group("next") is not None else candidate.end()
    closing = _CLOSING.match(line, start, end)
    return closing.end() if closing else start


def _stop_breaks(line: str) -> list[int]:
    """Offsets where a sentence ended by . ? or ! is followed by the next one."""
    end = len(line.rstrip())
    breaks: list[int] = []
    for candidate, word_start in _judged_candidates(line):
        if _context_ends_sentence(line[word_start : candidate.end("after")]):
            start = _next_start(line, candidate, end)
            # Closing quotes at the very end leave no next sentence.
            if start < end:
                breaks.append(start)
    return breaks


def _line_breaks(line: str) -> list[int]:
    """Offsets inside one line where a new sentence starts (excluding 0)."""
    return _news_breaks(line, _stop_breaks(line))


def _news_breaks(line: str, starts: list[int]) -> list[int]:
    """The breaks a stop rule proposes, less those news prose does not make."""
    breaks: list[int] = []
    for i, start in enumerate(starts):
        following = line[start:].lstrip()
        # "Why?" he asked. -- a stop rule breaks after ?/! whatever follows; news prose does not.
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


# Imported here, beside the only function that needs it.
from collections.abc import Iterator  # noqa: E402

# A line longer than this (no real paragraph is) is split a window at a time, cut at a space.
LINE_WINDOW = 100_000


def _cut_point(text: str, start: int, limit: int) -> int:
    """The last space or tab in text[start + 1:limit + 1], or ``limit`` when there is none."""
    space = max(text.rfind(" ", start + 1, limit + 1), text.rfind("\t", start + 1, limit + 1))
    return space if space > start else limit


def split_bounded(text: str, max_chars: int) -> Iterator[tuple[Span, bool]]:
    """The sentences of :func:`split_sentences`, lazily, none longer than ``max_chars``.

    Yields ``(span, cut)``. A sentence up to ``max_chars`` long comes as it is, with
    ``cut=False``; a longer one (a text without stops, a table flattened into one line) is cut
    into pieces at the last space or tab before the limit (at the limit itself when one word is
    longer), each piece trimmed and flagged ``cut=True``. Every non-space character still lies
    in exactly one span. Sentences are found line by line, and a line longer than
    :data:`LINE_WINDOW` characters a window at a time (the window cut at a space, the sentences
    on either side of it flagged ``cut``), so memory does not grow with the input.

    >>> [(s.text, cut) for s, cut in split_bounded("Kyiv held. aaa bbb ccc", 7)]
    [('Kyiv', True), ('held.', True), ('aaa bbb', True), ('ccc', True)]
    """
    if not isinstance(text, str):
        raise InputError(f"split_bounded() takes a str, got {type(text).__name__}")
    if not isinstance(max_chars, int) or isinstance(max_chars, bool) or max_chars < 1:
        raise InputError(f"max_chars must be a positive integer, got {max_chars!r}")
    for line_match in _LINE.finditer(text):
        line_start, line_end = line_match.span()
        start = line_start
        while start < line_end:
            stop = line_end
            if stop - start > LINE_WINDOW:
                stop = _cut_point(text, start, start + LINE_WINDOW)
            yield from _bounded_in(
                text, start, stop, max_chars, start > line_start, stop < line_end
            )
            start = stop


def _bounded_in(
    text: str, start: int, stop: int, max_chars: int, cut_before: bool, cut_after: bool
) -> Iterator[tuple[Span, bool]]:
    """The bounded sentences of the line (or window of a line) text[start:stop]."""
    line = text[start:stop]
    if line.isspace():
        return
    bounds = [0, *_line_breaks(line), len(line)]
    last = len(bounds) - 2
    for number, (left, right) in enumerate(itertools.pairwise(bounds)):
        span = _trimmed(text, start + left, start + right)
        if span is None:
            continue
        edge = (number == 0 and cut_before) or (number == last and cut_after)
        if span.end - span.start <= max_chars:
            yield span, edge
            continue
        piece_start = span.start
        while piece_start < span.end:
            while text[piece_start].isspace():  # the span ends in a non-space: this stops
                piece_start += 1
            piece_stop = min(piece_start + max_chars, span.end)
            if piece_stop < span.end:
                piece_stop = _cut_point(text, piece_start, piece_stop)
            piece = _trimmed(text, piece_start, piece_stop)
            if piece is not None:
                yield piece, True
            piece_start = piece_stop
