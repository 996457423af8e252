"""The Hypothesis strategies of the property tests, in one place.

Texts (any Unicode, news-like fragments that stress the splitter, the writer's-voice words,
gazetteer aliases in context), the API's inputs (lists of sentences, labels), and what the file
formats carry (JSON records, annotation records, labelled rows). A test picks one, and sets its
number of examples with :func:`examples`.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st

from stance._labels import LABELS

# How many examples: the full run takes what the test asks for; the fast loop
# (pytest -m "not slow", which loads the "stance-fast" profile in tests/conftest.py) a tenth.
FULL_EXAMPLES = 100  # the full run's profile: Hypothesis' default


def examples(n: int, **more: Any) -> settings:
    """Settings for a property test of ``n`` examples (a tenth, at least 10, in the fast loop)."""
    scaled = max(10, n * settings.default.max_examples // FULL_EXAMPLES)
    return settings(max_examples=scaled, **more)


# -- texts ------------------------------------------------------------------------------------


def unicode_text(max_size: int | None = None, *, min_size: int = 0) -> st.SearchStrategy[str]:
    """Any Unicode text (Hypothesis' alphabet: every code point but lone surrogates)."""
    return st.text(min_size=min_size, max_size=max_size)


def nonblank_text(max_size: int | None = None) -> st.SearchStrategy[str]:
    """Text with at least one character that is not white space (a sentence, a label)."""
    return st.text(min_size=1, max_size=max_size).filter(str.strip)


def joined(tokens: Sequence[str], max_size: int = 40) -> st.SearchStrategy[str]:
    """Texts made of ``tokens`` put side by side (the tokens bring their own spacing)."""
    return st.lists(st.sampled_from(list(tokens)), max_size=max_size).map("".join)


# What a news page is made of where sentence splitting is hard: abbreviations and initials,
# numbers with stops and commas, quotes of every kind, ellipses, ?! and odd spacing.
NEWS_TOKENS = (
    "Mr", "Mr.", "Mrs.", "Dr.", "Gen.", "Lt.-Gen.", "St.", "No.", "Feb.", "Oct.", "vs.", "etc.",
    "Inc.", "Co.", "e.g.", "i.e.", "U.S.", "U.K.", "u.s.", "U.S.A.", "EU.", "p.m.", "a.m.", "J.",
    "R.", "x.", "é.", "3.", "2022.", "8.21", "1,000.5", "-3.", "2,", "...", "..", "…", ". . .",
    "--", "“", "”", '"', "’", "‘", "'", "«", "»", "(", ")", "[1]", "[", "]", ".", "?", "!", "?!",
    '?"', '."', ".”", "?”", "?’", ":", ";", ",", "-", "Kyiv", "Видео", "Smith", "The", "Why",
    "A", "I", "said", "he", "asked", "war", "a", "de", "Ukraine's", "3", " ", " ", " ", "  ",
    "\t", "\xa0", "\n",
)  # fmt: skip


def news_fragments(max_size: int = 40) -> st.SearchStrategy[str]:
    """News-like strings that stress the splitter."""
    return joined(NEWS_TOKENS, max_size)


# The writer's-voice words with their near misses: case, apostrophes, quotes, letters whose
# case folding is special (İ, ſ, K, ı, Ǆ, ß).
VOICE_PIECES = tuple(
    (
        "I I'm I’m we We're us our you your may Might perhaps seems feel disgraceful disgrace "
        "undisgraced need to need NEED TO good must myself mine İ İstanbul ſeems K ı Ǆ ß "
        "said Kyiv the war _ 1 ? ! . \" “ ” « » ' ’ )"
    ).split()
)


def voice_texts(max_size: int = 20) -> st.SearchStrategy[str]:
    """Texts of :data:`VOICE_PIECES`, separated by nothing, spaces or a line break."""
    return st.lists(
        st.tuples(st.sampled_from(VOICE_PIECES), st.sampled_from(["", " ", "  ", "\n"])),
        max_size=max_size,
    ).map(lambda parts: "".join(a + b for a, b in parts))


# Letters whose case folding is special (K for Kelvin, long s, dotted capital I) among the
# letters of "said": a cue word must be found in the folded text as a pattern would find it.
FOLDING_LETTERS = "KkSsaid \u212a\u017f\u0130.,"


def folding_texts() -> st.SearchStrategy[str]:
    return st.text(alphabet=FOLDING_LETTERS)


def quote_texts() -> st.SearchStrategy[str]:
    """Texts of straight and curly quotes and guillemets between two letters."""
    return st.text(alphabet='ab "“”«» ')


def keys_in_order(keys: str = "abcd", max_size: int = 40) -> st.SearchStrategy[list[str]]:
    """A stream of keys from a small set: counts grow, and ties happen."""
    return st.lists(st.sampled_from(keys), max_size=max_size)


@cache
def aliases() -> tuple[str, ...]:
    """Every alias of the shipped gazetteer, sorted."""
    from stance.text._actors import load_gazetteer

    return tuple(sorted({alias for actor in load_gazetteer().actors for alias in actor.aliases}))


def any_alias() -> st.SearchStrategy[str]:
    return st.sampled_from(aliases())


def shoutable_aliases() -> st.SearchStrategy[str]:
    """Aliases that are not all capitals, hold no stop, and whose upper case lowers back to them
    (letters like "ı" do not: "ı" -> "I" -> "i")."""

    def shoutable(alias: str) -> bool:
        return not alias.isupper() and "." not in alias and alias.upper().lower() == alias.lower()

    return st.sampled_from([alias for alias in aliases() if shoutable(alias)])


def alias_in_context() -> st.SearchStrategy[tuple[str, str, str]]:
    """(before, alias, after): an alias with what may stand right before and after it."""
    return st.tuples(
        st.sampled_from(["Reports: ", "", "(", "“"]),
        st.sampled_from(aliases()),
        st.sampled_from([" .", "", "’s claim", ")", ","]),
    )


# -- the API -----------------------------------------------------------------------------------

labels = st.sampled_from(LABELS)


def label_pairs(max_size: int = 60) -> st.SearchStrategy[list[tuple[str, str]]]:
    """Pairs of labels (truth and prediction, or two annotators), at least one."""
    return st.lists(st.tuples(labels, labels), min_size=1, max_size=max_size)


def sentence_lists(
    max_sentences: int = 8, max_size: int = 200, *, min_sentences: int = 0
) -> st.SearchStrategy[list[str]]:
    """Lists of arbitrary Unicode sentences, as predict() and the batch readers take them."""
    return st.lists(unicode_text(max_size), min_size=min_sentences, max_size=max_sentences)


def nonblank_sentences(max_sentences: int = 4) -> st.SearchStrategy[list[str]]:
    """One or more sentences, none blank: what an annotation tool's task holds."""
    return st.lists(nonblank_text(), min_size=1, max_size=max_sentences)


# -- the file formats --------------------------------------------------------------------------

json_values = st.text() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)


def json_records(max_records: int = 5) -> st.SearchStrategy[list[dict[str, Any]]]:
    """Lists of JSON objects with any keys and text or number values."""
    return st.lists(st.dictionaries(st.text(), json_values), max_size=max_records)


def labelled_texts(max_records: int = 20) -> st.SearchStrategy[list[dict[str, str]]]:
    """Annotation records of a user's own file: a non-blank text and a label each."""
    record = st.builds(lambda text, label: {"text": text, "label": label}, nonblank_text(), labels)
    return st.lists(record, min_size=1, max_size=max_records)


periods = st.sampled_from([None, "month"])  # compare's --by
bootstrap_seeds = st.integers(0, 3)


def labelled_rows(max_rows: int = 60) -> st.SearchStrategy[list[tuple[str, int, str]]]:
    """(outlet, article number, label) of labelled sentences, as compare reads them."""
    return st.lists(
        st.tuples(st.sampled_from(["A", "B", "C"]), st.integers(0, 5), labels),
        min_size=1,
        max_size=max_rows,
    )
