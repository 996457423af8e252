"""Words, case folding and quotations: the one reading of raw text that every step shares.

The gazetteer, the attribution analysis, the features and the comparison's shingles all see a
sentence through these functions, so that "a word", "lower case" and "inside a quotation" mean
the same thing everywhere.

- :func:`fold` lower-cases a text one character for one, so offsets into the folded text are
  offsets into the original (``"İ".lower()`` is two characters; it folds to ``"i"``, as a
  case-insensitive regular expression would match it).
- :data:`WORD` is a word: a run of letters and digits (``"Kyiv's"`` is ``kyiv`` and ``s``).
- :func:`quoted_regions` are the spans inside quotation marks, including a quotation opened in an
  earlier sentence and closed in this one (``there," he said.``).
"""

from __future__ import annotations

import re
from itertools import accumulate

__all__ = [
    "WORD",
    "fold",
    "inside",
    "quote_open_after",
    "quoted_regions",
    "title_case",
    "word_bounds",
    "words",
]

WORD = re.compile(r"[^\W_]+")
_SPLIT = re.compile(r"([^\W_]+)")
# The non-ASCII letters a case-insensitive regular expression takes for ASCII ones; mapped
# first, so that lowering never changes a text's length.
_LIKE_ASCII = str.maketrans({"İ": "i", "ı": "i", "ſ": "s", "\u212a": "k"})
_ANY_QUOTE = re.compile('[“”«»"]')
_OPEN_QUOTES = "“«"
_CLOSE_QUOTES = "”»"


def fold(text: str) -> str:
    """``text`` in lower case, one character for one (offsets stay valid)."""
    if text.isascii():
        return text.lower()
    lowered = text.translate(_LIKE_ASCII).lower()
    if len(lowered) != len(text):
        lowered = "".join(char.lower()[:1] for char in text.translate(_LIKE_ASCII))
    return lowered


def words(folded: str) -> list[str]:
    """The words of a folded text, in order."""
    return WORD.findall(folded)


def word_bounds(folded: str) -> tuple[list[str], list[int]]:
    """The words of a folded text and their bounds: word ``k`` is ``bounds[2k]:bounds[2k+1]``.

    Split, lengths and running sums all run in C: cheaper than a match object per word.
    """
    parts = _SPLIT.split(folded)
    return parts[1::2], list(accumulate(map(len, parts)))


def title_case(surfaces: list[str]) -> bool:
    """Whether most of four or more words start with a capital: a headline in title case."""
    return len(surfaces) >= 4 and sum(w[:1].isupper() for w in surfaces) / len(surfaces) > 0.6


# -- quotations -------------------------------------------------------------------------------


def quoted_regions(text: str) -> list[tuple[int, int]]:
    """Spans of ``text`` inside quotation marks, including a quote opened in an earlier
    sentence and closed in this one (``there," he said.``)."""
    if not _ANY_QUOTE.search(text):
        return []
    regions = _curly_regions(text, "“", "”") + _curly_regions(text, "«", "»")
    inside_from = None
    for pos in _straight_quotes(text):
        if inside_from is not None:
            regions.append((inside_from, pos + 1))
            inside_from = None
        elif (
            pos > 0
            and (text[pos - 1] in ".,?!…" or text[pos - 1].isalnum())
            and (pos + 1 == len(text) or not text[pos + 1].isalnum())
        ):
            regions.append((0, pos + 1))  # closes a quote opened in an earlier sentence
        else:
            inside_from = pos
    if inside_from is not None:
        regions.append((inside_from, len(text)))
    return regions


def inside(pos: int, regions: list[tuple[int, int]]) -> bool:
    """Whether offset ``pos`` lies in one of ``regions``."""
    return any(start <= pos < end for start, end in regions)


def outside_quotes(text: str) -> str:
    """``text`` with every quoted region blanked (same length)."""
    regions = quoted_regions(text)
    if not regions:
        return text
    chars = list(text)
    for start, end in regions:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def quote_open_after(text: str, open_before: bool) -> bool:
    """Whether a quotation is still open at the end of ``text``, given whether one was open at
    its start (straight quotes open and close in turn)."""
    state = open_before
    for char in _ANY_QUOTE.findall(text):
        if char in _OPEN_QUOTES:
            state = True
        elif char in _CLOSE_QUOTES:
            state = False
        else:
            state = not state
    return state


def _straight_quotes(text: str) -> list[int]:
    positions = []
    position = text.find('"')
    while position >= 0:
        positions.append(position)
        position = text.find('"', position + 1)
    return positions


def _curly_regions(text: str, opener: str, closer: str) -> list[tuple[int, int]]:
    regions = []
    first_close = text.find(closer)
    if first_close >= 0 and opener not in text[:first_close]:
        regions.append((0, first_close + 1))
    pos = 0
    while (start := text.find(opener, pos)) >= 0:
        end = text.find(closer, start + 1)
        if end < 0:
            regions.append((start, len(text)))
            break
        regions.append((start, end + 1))
        pos = end + 1
    return regions
