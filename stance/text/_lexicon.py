"""The word lists of the text reading, read once from ``lexicons.txt`` beside this module.

Lists are data a person can read and extend: reporting verbs, function words, the writer's-voice
cues, news abbreviations, the markers of a document's voice. Code asks for a list by name.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from stance._errors import InputError

__all__ = ["lexicon"]

_FILE = "lexicons.txt"


@cache
def _sections() -> dict[str, frozenset[str]]:
    text = resources.files("stance.text").joinpath(_FILE).read_text(encoding="utf-8")
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line_no, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], [])
        elif current is None:
            raise InputError(f"stance/text/{_FILE}:{line_no}: words before the first [section]")
        else:
            current.extend(line.split())
    return {name: frozenset(words) for name, words in sections.items()}


def lexicon(name: str) -> frozenset[str]:
    """The word list ``name`` of ``lexicons.txt``."""
    try:
        return _sections()[name]
    except KeyError:
        raise InputError(
            f"no word list {name!r} in stance/text/{_FILE}; it has {', '.join(sorted(_sections()))}"
        ) from None
