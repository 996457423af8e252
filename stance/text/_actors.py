"""The actor gazetteer: who is who in war reporting, and where they are mentioned in a text.

The gazetteer is ``actors.tsv`` beside this module, one actor a row, meant to be read and
extended by people: an id, a name, the framing group it speaks for, a kind, its aliases and
spelling variants, its role with dates, whether the name is ambiguous, and why it belongs to
its group. Ambiguous names ("the defence ministry", "MoD", "officials") list every group they
can stand for; :func:`find_actors` resolves them from the words around the mention.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources
from itertools import compress
from pathlib import Path
from typing import NamedTuple

from stance._errors import InputError
from stance._labels import GROUPS
from stance.text._tokens import fold, word_bounds, words

__all__ = ["Actor", "Gazetteer", "Mention", "find_actors", "load_gazetteer"]

# "Canadian government", "Czech officials": a country's alias that gives its adjective.
_GOVERNMENT_NOUNS = frozenset(["government", "officials", "authorities"])
_COLUMNS = ("id", "name", "group", "kind", "aliases", "role", "from", "to", "ambiguous", "reason")
_HEADER = "\t".join(_COLUMNS)
_KINDS = frozenset(
    {"person", "office", "institution", "military_unit", "media", "agency", "channel",
     "group_term", "country"}
)  # fmt: skip
# Acronyms such as "MoD", "ISW", "RT" only match in their own case: "rt" or "mod" are words.
_ACRONYM = re.compile(r"^(?=.*[A-Z].*[A-Z])[A-Za-z.\-]{2,6}$")
# A country word just before an ambiguous name tells whose it is: "the British defence ministry".
_SIDE_WORDS = {
    "official_ukrainian": r"ukrain\w*|kyiv'?s?|kiev'?s?|zelensk\w*",
    "russian_mod": r"russia\w*|moscow'?s?|kremlin\w*|putin'?s?|pro-russian|pro-kremlin|"
    r"russian-(?:installed|backed|appointed)",
    "western_intelligence": r"british|britain'?s?|uk|u\.k\.|english|us|u\.s\.|american|"
    r"united states|nato'?s?|western|german\w*|french|france'?s?|polish|eu|european",
}
_SIDE_BEFORE = re.compile(
    r"(?:^|\W)(" + "|".join(f"(?P<{g}>{p})" for g, p in _SIDE_WORDS.items()) + r")[’'s]*\W+"
    r"(?:\w+\W+){0,2}$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Actor:
    """One row of the gazetteer."""

    id: str
    name: str
    groups: tuple[str, ...]
    kind: str
    aliases: tuple[str, ...]
    role: str
    valid_from: str
    valid_to: str
    ambiguous: bool
    reason: str

    @property
    def group(self) -> str:
        """The group the actor speaks for (for an ambiguous name, its most frequent reading)."""
        return self.groups[0]


class Mention(NamedTuple):
    """An actor named in a text: offsets into that text, the actor, and its resolved group."""

    start: int
    end: int
    text: str
    actor: Actor
    group: str
    certain: bool = True  # False: an ambiguous name that nothing around it resolved


class Gazetteer:
    """A set of actors with an index of all their aliases by first word."""

    def __init__(self, actors: Iterable[Actor]) -> None:
        self.actors: tuple[Actor, ...] = tuple(actors)
        self.by_id = {actor.id: actor for actor in self.actors}
        folded: dict[str, Actor] = {}
        exact: dict[str, Actor] = {}
        for actor in self.actors:
            for alias in actor.aliases:
                table = exact if _ACRONYM.match(alias) else folded
                key = alias if table is exact else alias.casefold()
                # A non-ambiguous actor wins an alias over an ambiguous one.
                if key not in table or (table[key].ambiguous and not actor.ambiguous):
                    table[key] = actor
        self._folded = folded
        self._exact = exact
        self._by_first = _index_by_first_word(
            {fold(alias) for actor in self.actors for alias in actor.aliases}
        )

    def __len__(self) -> int:
        return len(self.actors)

    @cached_property
    def surnames(self) -> dict[str, str]:
        """Folded surname -> group, for the people whose surname names one group only.

        Transcripts tag a speaker by surname alone ("MR. PRICE:", "GENERAL RYDER:"), a safer
        place for a bare surname than running text, where "Price" is mostly a word.
        """
        groups: dict[str, set[str]] = {}
        for actor in self.actors:
            parts = actor.name.split()
            if actor.kind == "person" and not actor.ambiguous and len(parts) > 1:
                groups.setdefault(fold(parts[-1]), set()).add(actor.group)
        return {name: next(iter(found)) for name, found in groups.items() if len(found) == 1}

    @cached_property
    def demonyms(self) -> dict[str, str]:
        """Folded adjective -> group, for the countries that have one: "Canadian", from the
        alias "Canadian government". An outlet "Australian Minister for Foreign Affairs"
        names its country by it (``stance.text._document``)."""
        found: dict[str, str] = {}
        for actor in self.actors:
            if actor.kind != "country":
                continue
            for alias in actor.aliases:
                adjective, _, noun = alias.rpartition(" ")
                if adjective and " " not in adjective and noun in _GOVERNMENT_NOUNS:
                    found[fold(adjective)] = actor.group
        return found

    def find(self, text: str) -> list[Mention]:
        """Every actor mention in ``text``, left to right, longest alias first."""
        lowered = fold(text)
        tokens, bounds = word_bounds(lowered)
        by_first = self._by_first
        hits = list(compress(range(len(tokens)), map(by_first.__contains__, tokens)))
        if not hits:
            return []
        mentions = []
        resume = 0
        for k in hits:
            start = bounds[2 * k]
            if start < resume or (start and text[start - 1] == "-"):
                continue  # inside the last alias, or joined: "pro-Kremlin" is not the Kremlin
            aliases = by_first[tokens[k]]
            # Aliases of several words, those whose second word follows; or the one-word alias.
            longer = aliases.get(tokens[k + 1]) if k + 1 < len(tokens) else None
            if longer is None and "" not in aliases:
                continue  # "the" before a word no alias has second: most hits
            end = _longest_alias_end(text, lowered, start, longer) or (
                bounds[2 * k + 1] if "" in aliases else None
            )
            if end is None:
                continue
            resume = end
            surface = text[start:end]
            actor = self._exact.get(surface) or self._folded.get(surface.casefold())
            if actor is None:  # an acronym in the wrong case ("mod", "rt")
                continue
            group = _resolve(actor, text, start)
            mentions.append(
                Mention(start, end, surface, actor, group or actor.group, group is not None)
            )
        return mentions


def _index_by_first_word(aliases: Iterable[str]) -> dict[str, _Aliases]:
    """Lower-cased aliases keyed by their first word, then by their second ("" for one word).

    Dictionaries rather than one large regular expression: they are built in milliseconds (the
    expression took a third of a second to compile in every new process), and the second word
    keeps the candidates few ("the" begins hundreds of aliases).
    """
    index: dict[str, dict[str, list[str]]] = {}
    for alias in aliases:
        runs = words(alias)
        if runs:
            second = runs[1] if len(runs) > 1 else ""
            index.setdefault(runs[0], {}).setdefault(second, []).append(alias)
    return {
        first: {
            second: tuple(sorted(group, key=lambda a: (-len(a), a)))
            for second, group in by_second.items()
        }
        for first, by_second in index.items()
    }


_Aliases = dict[str, tuple[str, ...]]


def _is_word_char(char: str) -> bool:
    return char.isalnum()  # what a word of stance.text._tokens is made of


def _longest_alias_end(
    text: str, lowered: str, start: int, longer: tuple[str, ...] | None
) -> int | None:
    """Where the longest of the aliases ``longer`` (all of several words, longest first)
    starting at ``start`` ends, if one does."""
    for alias in longer or ():
        end = start + len(alias)
        if lowered.startswith(alias, start) and (end == len(text) or not _is_word_char(text[end])):
            return end
    return None


def _resolve(actor: Actor, text: str, start: int) -> str | None:
    if not actor.ambiguous:
        return actor.group
    match = _SIDE_BEFORE.search(text[max(0, start - 40) : start])
    if match:
        for group in _SIDE_WORDS:
            if match.group(group) and group in actor.groups:
                return group
    return None


def _split(field: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in field.split("|") if part.strip())


def _read_rows(path: Path | str, text: str) -> list[Actor]:
    reader = csv.reader(text.splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE)
    header = next(reader, None)
    if tuple(header or ()) != _COLUMNS:
        raise InputError(f"{path}: the header must be the tab-separated columns {_HEADER}")
    actors = []
    for line_no, row in enumerate(reader, start=2):
        if not row:
            continue
        if len(row) != len(_COLUMNS):
            raise InputError(
                f"{path}:{line_no}: expected {len(_COLUMNS)} tab-separated fields, got {len(row)}"
            )
        values = dict(zip(_COLUMNS, row))
        groups = _split(values["group"])
        bad = [g for g in groups if g not in GROUPS]
        if not groups or bad:
            raise InputError(
                f"{path}:{line_no}: group must be one of {', '.join(GROUPS)} "
                f"(or several joined by |), got {values['group']!r}"
            )
        if values["kind"] not in _KINDS:
            raise InputError(
                f"{path}:{line_no}: kind must be one of {', '.join(sorted(_KINDS))}, "
                f"got {values['kind']!r}"
            )
        aliases = _split(values["aliases"]) or (values["name"],)
        actors.append(Actor(
            id=values["id"], name=values["name"], groups=groups, kind=values["kind"],
            aliases=aliases, role=values["role"], valid_from=values["from"],
            valid_to=values["to"], ambiguous=values["ambiguous"].strip().lower() == "yes",
            reason=values["reason"],
        ))  # fmt: skip
    return actors


@lru_cache(maxsize=8)
def load_gazetteer(path: str | None = None) -> Gazetteer:
    """The shipped gazetteer, or one read from ``path`` (same TSV columns), loaded once."""
    if path is None:
        source = resources.files("stance.text").joinpath("actors.tsv")
        return Gazetteer(_read_rows("stance/text/actors.tsv", source.read_text(encoding="utf-8")))
    return Gazetteer(_read_rows(path, Path(path).read_text(encoding="utf-8")))


def find_actors(text: str) -> list[Mention]:
    """Every actor of the shipped gazetteer mentioned in ``text``, with spans into it.

    >>> [(m.text, m.group) for m in find_actors("Peskov told reporters in Kiev")]
    [('Peskov', 'russian_mod'), ('Kiev', 'official_ukrainian')]
    """
    if not isinstance(text, str):
        raise InputError(f"find_actors() takes a str, got {type(text).__name__}")
    return load_gazetteer().find(text)
