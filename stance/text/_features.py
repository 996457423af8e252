"""Features of a sentence in its article: what the linear model sees.

Every feature is a string name with value 1; a sentence's features are a set of names. The
groups can be switched off one by one (the ablation in docs/model.md):

``ngrams``       lower-cased word unigrams and bigrams
``chars``        character 3-5 grams inside words (off by default: slower, lower scores)
``attribution``  the speaker's group and how it was found (:mod:`stance.attribution`)
``actors``       the groups of every actor mentioned, speaker or not (off by default)
``voice``        cues of the writer's own voice: first person, questions, hedges, evaluation
``shape``        headline, byline, timestamp and boilerplate shapes (off by default: lower scores)
``context``      the previous sentence's speaker, the last speaker, open quotes, and whether
                 the previous sentence was in the writer's voice
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from stance._errors import InputError
from stance.text._actors import Gazetteer, Mention, load_gazetteer
from stance.text._attribution import Attributor

__all__ = ["ALL_GROUPS", "DEFAULT_GROUPS", "featurize_article"]

ALL_GROUPS: tuple[str, ...] = (
    "ngrams",
    "chars",
    "attribution",
    "actors",
    "voice",
    "shape",
    "context",
)
# Chosen by the ablation in docs/model.md: "actors", "shape" and "chars" did not help when
# whole documents are held out (the gazetteer still works through "attribution").
DEFAULT_GROUPS: tuple[str, ...] = ("ngrams", "attribution", "voice", "context")

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
_QUOTED = re.compile(r"[“\"«][^“”\"«»]*[”\"»]")
# The writer's-voice cues are whole words: "I'm" and "we're" count through "i" and "we".
_VOICE_WORDS: tuple[tuple[str, frozenset[str]], ...] = (
    ("first_person", frozenset("i me my mine myself".split())),
    ("we", frozenset("we us our ours".split())),
    ("you", frozenset("you your".split())),
    (
        "hedge",
        frozenset(
            """
        may might perhaps maybe probably possibly seem seems feel feels imagine guess suspect
        hope wonder surely clearly obviously frankly honestly arguably apparently""".split()
        ),
    ),
    (
        "evaluative",
        frozenset(
            """
        good bad great terrible awful wild brave stupid shameful pathetic ridiculous absurd
        tragic heroic incompetent brilliant wonderful horrible evil cowardly criminal insane
        madness genius joke nonsense must should ought important crucial pivotal remarkable
        extraordinary staggering shocking outrageous""".split()
        ),
    ),
)
_OWN_VOICE = frozenset(["first_person", "hedge", "evaluative"])
_RUN = re.compile(r"\w+")
_NEED_TO = re.compile(r"\bneed to\b", re.I)
_TIMESTAMP = re.compile(
    r"^\d{1,2}[.:]\d{2}\s*(?:[ap]\.?m\.?)?(?:\s*(?:bst|gmt|cet|eet|et|utc))?\s*:?(?:\s|$)", re.I
)
_DATE = re.compile(
    r"\b(?:\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*\s+\d{4}|"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*\s+\d{1,2},?\s+\d{4}|"
    r"\d{4}-\d{2}-\d{2})",
    re.I,
)
_CLOCK = re.compile(r"\b\d{1,2}[:.]\d{2}\b")
_BYLINE_GLUE = re.compile(r"[a-z]\d{1,2}\s+\w+\s+\d{4}")
_FURNITURE = re.compile(
    r"\b(?:follow us|subscribe|sign up|newsletter|donat\w+|support|share|click|download|app|"
    r"cookies?|comments?|reply|register\w*|log(?:ged)?\s*in|read more|more in|show more|"
    r"notifications?|email|advert\w*|related|photo|getty|reuters/|ap photo|afp)\b",
    re.I,
)
_LEAD_IN = re.compile(
    r"(?:\bin full|\bfull text|\bfull statement|\bas follows|\bfollowing statement|"
    r"\b(?:said|says|wrote|writes|added|asks|asked|reads|declared|told \w+)):\s*$",
    re.IGNORECASE,
)
_ANY_QUOTE = re.compile('[“”«»"]')
_OPEN_QUOTES = "“«"
_CLOSE_QUOTES = "”»"


def _length_bucket(n_words: int) -> str:
    if n_words <= 3:
        return "1-3"
    if n_words <= 8:
        return "4-8"
    if n_words <= 20:
        return "9-20"
    return "21+"


# Function words as unigrams only told the authored set's prose from its headlines; they stay in
# bigrams ("it is", "we must"), and first and second person stay everywhere (voice cues).
_STOPWORDS = frozenset(
    """
    a an the and or but if of to in on at by for with from as into about over after before
    between through during under above than then so that this these those there here is are
    was were be been being has have had do does did it its which who whom whose what when where
    while not no nor can could will would shall should may might must also very just only more
    most some any each other such own same too up down out off again further once all both few
    """.split()
)


def _ngrams(text: str, out: set[str]) -> None:
    words = _WORD.findall(text.lower())
    out.update(["w:" + w for w in words if w not in _STOPWORDS])
    out.update([f"b:{a} {b}" for a, b in pairwise(words)])


def _chars(text: str, out: set[str]) -> None:
    for word in _WORD.findall(text.lower()):
        padded = f" {word} "
        for n in (3, 4, 5):
            out.update("c:" + padded[i : i + n] for i in range(len(padded) - n + 1))


def _voice(text: str, out: set[str]) -> bool:
    outside = _QUOTED.sub(" ", text) if _ANY_QUOTE.search(text) else text
    words = _lowered_words(outside)
    fired = False
    for name, cues in _VOICE_WORDS:
        if not cues.isdisjoint(words) or (
            name == "evaluative" and _evaluative_phrase(outside, words)
        ):
            out.add("v:" + name)
            fired = fired or name in _OWN_VOICE
    stripped = outside.rstrip(" \"'”’»)")
    if stripped.endswith("?"):
        out.add("v:question")
        fired = True
    if stripped.endswith("!"):
        out.add("v:exclaim")
    return fired


def _lowered_words(text: str) -> set[str]:
    """The distinct lower-cased words (runs of \\w) of ``text``, folded as ``re.IGNORECASE``
    folds them ("İ", "ı" and "ſ" are "i", "i" and "s")."""
    if not text.isascii():
        text = text.translate(_LIKE_ASCII)
    return set(_RUN.findall(text.lower()))


# The non-ASCII letters a case-insensitive regular expression takes for ASCII ones; mapped
# first, so that lowering never changes a word's length or splits it.
_LIKE_ASCII = str.maketrans({"İ": "i", "ı": "i", "ſ": "s", "\u212a": "k"})


def _evaluative_phrase(text: str, words: set[str]) -> bool:
    """ "need to", and "disgrace" with any ending ("disgraceful", "disgraced")."""
    if "need" in words and _NEED_TO.search(text):
        return True
    return "disgrace" in text.lower() and any(word.startswith("disgrace") for word in words)


def _shape(text: str, out: set[str]) -> None:
    words = text.split()
    out.add("s:len:" + _length_bucket(len(words)))
    last = text.rstrip(" \"'”’»)")[-1:]
    if last not in (".", "?", "!", "…", ":"):
        out.add("s:no_stop")
    if _TIMESTAMP.match(text):
        out.add("s:timestamp")
    if _DATE.search(text):
        out.add("s:date")
    if _CLOCK.search(text):
        out.add("s:clock")
    dated = _DATE.search(text) and _CLOCK.search(text)
    if _BYLINE_GLUE.search(text) or (len(words) <= 8 and dated):
        out.add("s:byline")
    if _FURNITURE.search(text):
        out.add("s:furniture")
    capitals = sum(1 for w in words if w[:1].isupper())
    if len(words) >= 4 and capitals / len(words) > 0.6:
        out.add("s:title_case")
    if any(ord(c) > 0x24F and c.isalpha() for c in text):
        out.add("s:non_latin")
    if text[:1] in "\"“‘'«":
        out.add("s:starts_quote")


def _quote_balance(text: str, open_before: bool) -> bool:
    """Whether a quotation is still open after this sentence."""
    state = open_before
    for char in _ANY_QUOTE.findall(text):
        if char in _OPEN_QUOTES:
            state = True
        elif char in _CLOSE_QUOTES:
            state = False
        else:  # a straight quote opens or closes
            state = not state
    return state


@dataclass(slots=True)
class _Reading:
    """What attribution found in one sentence, and the article's state just before it."""

    mentions: list[Mention]
    group: str  # the speaker's group, "unresolved", or "none"
    how: str | None
    last: str  # the group of the last speaker before this sentence
    since_speaker: int
    quote_open: bool  # a quotation opened earlier is still open at this sentence's start
    full_text: str | None  # the speaker of a message the article says it quotes in full


def _read_article(sentences: Sequence[str], gazetteer: Gazetteer) -> list[_Reading]:
    attributor = Attributor(gazetteer)
    quote_open = False
    since_speaker = 99
    full_text: str | None = None
    readings = []
    for text in sentences:
        mentions = gazetteer.find(text)
        last = attributor.last.group if attributor.last is not None else "none"
        found = attributor.step(text, mentions)
        group = (
            found.group
            if found is not None and found.group
            else ("unresolved" if found is not None else "none")
        )
        if found is not None and found.group and full_text not in (None, found.group):
            full_text = None
        readings.append(
            _Reading(
                mentions,
                group,
                found.how if found else None,
                last or "none",
                since_speaker,
                quote_open,
                full_text,
            )
        )
        if text.rstrip().endswith(":") and _LEAD_IN.search(text):
            # "... worth posting in full:", "Below is the full text of the address:"
            speaker = found.group if found is not None and found.group else attributor.last
            full_text = (
                speaker
                if isinstance(speaker, str)
                else (speaker.group if speaker is not None else None)
            )
        quote_open = _quote_balance(text, quote_open)
        since_speaker = 0 if found is not None and found.group else since_speaker + 1
    return readings


def _context(
    text: str,
    i: int,
    readings: list[_Reading],
    voice: bool,
    prev_voice: bool,
    doc_major: str | None,
    out: set[str],
) -> None:
    here = readings[i]
    prev_group = readings[i - 1].group if i > 0 else "start"
    next_group = readings[i + 1].group if i + 1 < len(readings) else "end"
    distance = "near" if here.since_speaker <= 2 else "far"
    out.add("prev_spk:" + prev_group)
    out.add(f"last_spk:{here.last}:{distance}")
    unattributed = here.group == "none"
    starts_in_quote = here.quote_open or text[:1] in '"“«'
    if starts_in_quote and unattributed:
        out.add("qcont:" + here.last)
    if unattributed:
        # Unattributed sentences continue the last speaker's account, or do not:
        # conjunctions let a linear model weigh that by distance and by voice.
        out.add(f"cont:{here.last}:{distance}")
        if voice:
            out.add(f"cont_voice:{here.last}:{distance}")
        if "v:first_person" in out or "v:we" in out:
            # A speech or briefing transcript: "we" and "I" are the last speaker's, however far.
            out.add(f"cont_person:{here.last}")
        # An opened quote whose attribution follows: "Izyum is the hottest spot. [...]," he said.
        if i + 1 < len(readings) and readings[i + 1].quote_open:
            out.add("qnext:" + next_group)
    if doc_major is not None:
        out.add("doc_major:" + doc_major)
    if here.full_text is not None and unattributed:
        out.add("full_text:" + here.full_text)
    if here.quote_open:
        out.add("ctx:quote_open")
    if prev_voice:
        out.add("ctx:prev_voice")


def _major(counts: dict[str, int], counted: str, major: str | None) -> str:
    """``max(counts, key=counts.get)`` kept up to date as ``counted`` grows by one: the most
    frequent key, the first inserted on a tie."""
    if major is None or counts[counted] > counts[major]:
        return counted
    if counts[counted] == counts[major] and counted != major:
        order = list(counts)
        return counted if order.index(counted) < order.index(major) else major
    return major


def featurize_article(
    sentences: Sequence[str],
    groups: Sequence[str] = DEFAULT_GROUPS,
    gazetteer: Gazetteer | None = None,
) -> list[set[str]]:
    """The feature names of each sentence of one article, in order."""
    unknown = [g for g in groups if g not in ALL_GROUPS]
    if unknown:
        raise InputError(f"feature groups must be among {', '.join(ALL_GROUPS)}; got {unknown}")
    wanted = frozenset(groups)
    readings = _read_article(sentences, gazetteer or load_gazetteer())
    prev_voice = False
    doc_groups: dict[str, int] = {}  # speakers' groups so far, in order of first appearance
    doc_major: str | None = None  # the most frequent of them, the first one on a tie
    result = []
    for i, text in enumerate(sentences):
        here = readings[i]
        feats: set[str] = {"bias"}
        if "ngrams" in wanted:
            _ngrams(text, feats)
        if "chars" in wanted:
            _chars(text, feats)
        if "attribution" in wanted:
            feats.add("spk:" + here.group)
            if here.how is not None:
                feats.add(f"spk:{here.group}:{here.how}")
        if "actors" in wanted:
            feats.update("men:" + m.group for m in here.mentions)
            feats.update("men_kind:" + m.actor.kind for m in here.mentions)
        voice = _voice(text, feats) if "voice" in wanted else False
        if "shape" in wanted:
            _shape(text, feats)
        if "context" in wanted:
            _context(text, i, readings, voice, prev_voice, doc_major, feats)
        prev_voice = voice
        if here.group not in ("none", "unresolved"):
            doc_groups[here.group] = doc_groups.get(here.group, 0) + 1
            doc_major = _major(doc_groups, here.group, doc_major)
        result.append(feats)
    return result
