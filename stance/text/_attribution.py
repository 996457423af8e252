"""Attribution analysis: who says what in news English.

For a sentence it finds the reporting cue ("said", "told reporters", "according to", "in its
daily intelligence update", headline forms "..., says MoD" and "Kremlin: ..."), the speaker
span the cue belongs to, and the speaker's framing group through the gazetteer. Pronouns and
bare titles ("he added", "the spokesman said") point back to the last speaker of the article,
which :class:`Attributor` carries from sentence to sentence. The speaker decides, not the
mention: in "Russia said Ukraine shelled the plant" the speaker is Russia.

Cues inside quotation marks are ignored: in ``"Moscow says it will win," Zelenskiy said.`` the
sentence is Zelenskiy's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from stance._errors import InputError
from stance.text._actors import Actor, Gazetteer, Mention, load_gazetteer
from stance.text._lexicon import lexicon
from stance.text._splitting import Span
from stance.text._tokens import WORD, fold, inside, quoted_regions, title_case, word_bounds

__all__ = ["Attribution", "Attributor", "attribute"]

_VERBS = lexicon("reporting_verbs")
# Words that are nouns as often as verbs: a cue only when no determiner or possessive precedes.
_NOUNISH = lexicon("nounish_verbs")
_DETERMINERS = lexicon("determiners")
_SUBJECT_PRONOUNS = lexicon("subject_pronouns")
_PARTICIPLES = frozenset(w for w in _VERBS if w.endswith("ing"))
# "said on Tuesday, according to" -- cues after which the speaker follows the cue.
_INVERTIBLE = lexicon("invertible_verbs")
_NEGATIONS = lexicon("negations")
_DECLINED = re.compile(
    r"\b(?:declined|refused|declining|refusing)\s+to\s+(?:comment|confirm|say|discuss|"
    r"respond|elaborate)|\b(?:did|does|do|has|have|had|could|would)\s*(?:not|n[’']t)\s+"
    r"(?:immediately\s+)?(?:respond|comment|reply|return|confirm|say|said|commented|"
    r"acknowledged|acknowledge|mention|mentioned|address)",
    re.IGNORECASE,
)
_AUX = lexicon("auxiliaries")
_POSSESSIVE = lexicon("possessives")
_DOC_NOUNS = lexicon("document_nouns")
# A sentence without one of these words has no cue (the "in" cue needs a possessive after it).
_CUE_WORDS = _VERBS | {"according"} | _POSSESSIVE
_CUE_TRIGGERS = _VERBS | {"according", "in"}
_ENDS_WITH_STOP = re.compile(r"[.!?]['\"’”]?\s*$")
_SUBORDINATE = re.compile(
    r"\s*(?:after|as|while|because|since|when|although|though|before|until|once|if|unless)\b",
    re.IGNORECASE,
)
# Headlines that name the speaker last: "'Peace isn't free' - Germany's Baerbock",
# "Russia using information as 'weapon of war': Blinken".
_HEADLINE_TAIL = re.compile(r"(?:\s[-–—]\s|:\s)(?P<who>[^:\-–—]{2,40}?)\s*$")
_NOT_A_SPEAKER = re.compile(r"\b(?:live|latest|war|news|update|updates|message|briefing)\b", re.I)
_FRAMING = re.compile(
    r"\bwhat\s+(?P<who>it|he|she|they|\w+(?:\s+\w+)?)\s+(?:calls|called|describes|described|"
    r"terms|termed|refers\s+to\s+as)\b",
    re.IGNORECASE,
)
_HEADLINE_COLON = re.compile(r"^\s*(?P<who>[^:\"“”]{2,40}?)\s*:\s+\S")
# Where a speaker phrase starts or stops: clause punctuation, quote marks, "that".
_BOUNDARY = re.compile(r"[,;:()\[\]“”\"‘’—–]|\s-\s|\bthat\b|\bwhile\b|\bbut\b|\band\b", re.I)
_PRONOUN = re.compile(
    r"^(?:he|she|they|it|we|i|the\s+(?:president|minister|spokesman|spokeswoman|spokesperson|"
    r"governor|mayor|official|officials|ministry|agency|general|commander|adviser|advisor|"
    r"department|office|military|army|statement|update|report|bulletin|source|sources|"
    r"leader|chief|head|secretary|prime\s+minister|kremlin|alliance|bloc))$",
    re.IGNORECASE,
)
_PERSONAL = re.compile(r"^(?:he|she|i)$", re.IGNORECASE)
_NAME = re.compile(r"\b[A-Z][\w'’-]+")
_MAX_SPEAKER_CHARS = 120


class Attribution(NamedTuple):
    """The speaker a sentence is attributed to, the cue that attributes it, and the group."""

    speaker: Span
    cue: Span
    actor: Actor | None
    group: str | None
    how: str  # named | pronoun | headline | framing | unresolved


@dataclass
class _Speaker:
    actor: Actor | None
    group: str | None
    personal: bool


def _clause_before(text: str, end: int) -> tuple[int, int]:
    start = 0
    for match in _BOUNDARY.finditer(text, max(0, end - _MAX_SPEAKER_CHARS), end):
        start = match.end()
    return start, end


def _clause_after(text: str, start: int) -> tuple[int, int]:
    match = _BOUNDARY.search(text, start, min(len(text), start + _MAX_SPEAKER_CHARS))
    end = match.start() if match else min(len(text), start + _MAX_SPEAKER_CHARS)
    # "said on Tuesday", "says MoD." -- stop at the sentence's own stop.
    piece = text[start:end].rstrip(" .!?")
    return start, start + len(piece)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    piece = text[start:end]
    left = len(piece) - len(piece.lstrip(" \t.,;:()"))
    right = len(piece.rstrip(" \t.,;:()"))
    return start + left, start + max(left, right)


def _subject_before(word: str) -> bool:
    """Whether ``word`` can be the subject of a verb that is also a noun: a name ("Kyiv
    claims", "ISW reports") or a pronoun, not a modifier ("intelligence report")."""
    lowered = word.lower()
    return (word[0].isupper() and lowered not in _DETERMINERS) or lowered in _SUBJECT_PRONOUNS


def _may_hold(text: str, *pieces: str) -> bool:
    """False only when no piece can match ``text`` case-insensitively: a cheap test before a
    costlier regular expression. Text beyond ASCII always passes (Unicode case rules)."""
    if not text.isascii():
        return True
    lowered = text.lower()
    return any(piece in lowered for piece in pieces)


def _may_decline(text: str) -> bool:
    return _may_hold(text, "not", "n't", "n’t", "declin", "refus")


def _cues(text: str) -> list[tuple[int, int, str]]:
    """Reporting cues in ``text``: (start, end, the cue's verb), left to right.

    Word lookups in sets rather than one large regular expression: this runs on every sentence.
    """
    lowered, bounds = word_bounds(fold(text))
    if _CUE_WORDS.isdisjoint(lowered):
        return []  # no reporting verb, "according" or "in its ...": most narration
    starts, ends = bounds[0::2], bounds[1::2]
    capital: bool | None = None  # whether the sentence is a title-case headline, when needed
    cues = []
    for i in [i for i, word in enumerate(lowered) if word in _CUE_TRIGGERS]:
        word = lowered[i]
        if word in _VERBS:
            if i > 0 and lowered[i - 1] in _DETERMINERS:
                continue  # "any confirmed advances", "the reported deaths": not a verb here
            if i > 0 and text[starts[i]].isupper():
                if capital is None:
                    capital = title_case([text[a:b] for a, b in zip(starts, ends)])
                if not capital:
                    continue  # "the United States"; but "Kyiv Says" in a title-case headline
            before = text[starts[i - 1] : ends[i - 1]] if i > 0 else ""
            if word in _NOUNISH and (i == 0 or not _subject_before(before)):
                continue  # "Russia's claims", "the intelligence report", "a fresh claim"
            first = i
            while first > 0 and lowered[first - 1] in _AUX:
                first -= 1
            if first > 0 and lowered[first - 1] in _NEGATIONS:
                continue  # "has not said": a declined-to-comment line, not a claim
            cues.append((starts[first], ends[i], word))
        elif word == "according":
            if i + 1 < len(lowered) and lowered[i + 1] == "to":
                cues.append((starts[i], ends[i + 1], "according"))
        elif i + 1 < len(lowered) and lowered[i + 1] in _POSSESSIVE:  # "in"
            for j in range(i + 2, min(i + 6, len(lowered))):
                if lowered[j] in _DOC_NOUNS:
                    cues.append((starts[i], ends[j], "in"))
                    break
    return cues


class Attributor:
    """Attribution over the sentences of one article, in order, remembering the last speaker."""

    def __init__(self, gazetteer: Gazetteer | None = None, prior: str | None = None) -> None:
        """``prior``: the group whose document this is, when its outlet or dateline says so
        (an item of TASS): it settles ambiguous names ("MoD") that nothing else settles."""
        self.gazetteer = gazetteer or load_gazetteer()
        self.prior = prior
        self.last: _Speaker | None = None
        self.last_personal: _Speaker | None = None
        self.surnames: dict[str, Mention] = {}

    def step(self, sentence: str, mentions: list[Mention] | None = None) -> Attribution | None:
        """Attribute ``sentence`` (the next one of the article) and remember its speaker."""
        if mentions is None:
            mentions = self.gazetteer.find(sentence)
        found = self._attribute(sentence, mentions)
        for mention in mentions:
            if mention.actor.kind == "person" and " " in mention.text:
                # Later sentences often use the surname alone: "Ned Price said" ... "Price said".
                self.surnames[mention.text.split()[-1]] = mention
        if found is not None and found.group is not None:
            speaker = _Speaker(found.actor, found.group, _is_personal(found))
            self.last = speaker
            if speaker.personal:
                self.last_personal = speaker
        return found

    def _attribute(self, text: str, mentions: list[Mention]) -> Attribution | None:
        quoted = quoted_regions(text)
        headline = _HEADLINE_COLON.match(text)
        if headline and not _NOT_A_SPEAKER.search(headline.group("who")):
            found = self._speaker(text, *headline.span("who"), mentions, headline.span("who"))
            if (
                found is not None
                and found.actor is not None
                and (found.speaker.end - found.speaker.start) <= 40
            ):
                return found._replace(how="headline")
        tail = None if _ENDS_WITH_STOP.search(text) else _HEADLINE_TAIL.search(text)
        if tail:
            who_end = tail.end("who")
            # The name must close the headline: "... - Germany's Baerbock", not "- live: X says".
            if any(m.end == who_end and m.start >= tail.start("who") for m in mentions):
                found = self._speaker(text, *tail.span("who"), mentions, tail.span("who"))
                if found is not None and found.actor is not None:
                    return found._replace(how="headline")
        declined = _DECLINED.search(text) if _may_decline(text) else None
        if declined and not inside(declined.start(), quoted):
            start, end = _clause_before(text, declined.start())
            start, end = _trim(text, start, end)
            return Attribution(
                Span(start, end, text[start:end]),
                Span(*declined.span(), declined.group()),
                None,
                None,
                "declined",
            )
        cues = [cue for cue in _cues(text) if not inside(cue[0], quoted)]
        final = self._final_reporting_clause(text, cues, mentions)
        if final is not None:
            return final
        for cue in cues:
            # The main clause's speaker is the first one found; later cues are reported speech.
            found = self._speaker_for_cue(text, cue, mentions)
            if found is not None:
                return found
        framing = _FRAMING.search(text) if _may_hold(text, "what") else None
        if framing and not inside(framing.start(), quoted):
            return self._framing(text, framing, mentions)
        return None

    def _from_context(self, mention: Mention) -> str:
        """An ambiguous name's group from the article so far: "the ministry said" after
        "Britain's defence ministry said" is the same ministry. (Measured: the last speaker is
        a better guide than the last certain mention of the same kind of actor.)"""
        last = self.last.group if self.last is not None else None
        if last is not None and last in mention.actor.groups:
            return last
        if self.prior is not None and self.prior in mention.actor.groups:
            return self.prior
        return mention.group

    def _final_reporting_clause(
        self, text: str, cues: list[tuple[int, int, str]], mentions: list[Mention]
    ) -> Attribution | None:
        """``"X did Y, the ISW has said."``: a reporting clause closing the sentence is its
        main attribution, whatever cues stand earlier in the reported part."""
        if len(cues) < 2:
            return None
        last = cues[-1]
        if len(WORD.findall(text, last[1])) > 5:
            return None
        comma = max(text.rfind(mark, 0, last[0]) for mark in ',”"')
        if comma < 0 or len(WORD.findall(text, comma, last[0])) > 12:
            return None
        found = self._speaker_for_cue(text, last, mentions)
        return found if found is not None and found.group is not None else None

    def _speaker_for_cue(
        self, text: str, cue: tuple[int, int, str], mentions: list[Mention]
    ) -> Attribution | None:
        cue_span = cue[:2]
        word = cue[2]
        if word == "in":  # "in its daily update": the owner is the article's last speaker
            return self._speaker(text, cue[0], cue[0] + 2, mentions, cue_span, pronoun="it")
        before = text[: cue[0]].rstrip()
        if word == "according" or (word in _INVERTIBLE and (not before or before[-1] in ",”\"’'")):
            start, end = _clause_after(text, cue[1])
            found = self._speaker(text, start, end, mentions, cue_span)
            if found is not None or word == "according":
                return found
        if word in _PARTICIPLES:
            # "..., saying it would": the speaker is the subject of the main clause.
            first_comma = before.find(",")
            end = first_comma if first_comma > 0 else len(before)
            return self._speaker(text, 0, end, mentions, cue_span, head="first")
        start, end = _clause_before(text, cue[0])
        if _SUBORDINATE.match(text, start):
            return None  # "..., after Russian outlets claimed": not the main clause's source
        found = self._speaker(text, start, end, mentions, cue_span)
        if (found is None or found.group is None) and start > 0:
            # "Petro Andriushchenko, an adviser to the mayor, has reported", "The UK's Ministry
            # of Defence (MoD) has put out its latest report": reach past one boundary.
            wider, _ = _clause_before(text, start - 1)
            farther = self._speaker(text, wider, end, mentions, cue_span)
            if farther is not None and (found is None or farther.group is not None):
                found = farther
        return found

    def _speaker(
        self,
        text: str,
        start: int,
        end: int,
        mentions: list[Mention],
        cue: tuple[int, int],
        pronoun: str | None = None,
        head: str = "last",
    ) -> Attribution | None:
        start, end = _trim(text, start, end)
        if start >= end:
            return None
        span = Span(start, end, text[start:end])
        cue_span = Span(cue[0], cue[1], text[cue[0] : cue[1]])
        if pronoun is not None:
            ref = self.last
            return Attribution(
                span,
                cue_span,
                ref.actor if ref else None,
                ref.group if ref else None,
                "pronoun" if ref else "unresolved",
            )
        inside = [m for m in mentions if start <= m.start and m.end <= end]
        if inside:
            # The head of "An update published by the UK ministry of defence" is the ministry:
            # prefer an unambiguous actor, else the last one named.
            clear = [m for m in inside if not m.actor.ambiguous] or inside
            # The speaker of "X said" is nearest the cue; of "X ..., saying" the main subject.
            chosen = clear[-1] if head == "last" else clear[0]
            group = chosen.group
            if not chosen.certain:
                group = self._from_context(chosen)
            return Attribution(span, cue_span, chosen.actor, group, "named")
        known = [self.surnames[w] for w in span.text.split() if w in self.surnames]
        if known:
            return Attribution(span, cue_span, known[-1].actor, known[-1].group, "named")
        phrase = re.sub(
            r"^(?:the\s+)?(?:country's|ukrainian|russian)\s+", "the ", span.text, flags=re.I
        )
        if _PRONOUN.match(span.text) or _PRONOUN.match(phrase):
            ref = self.last_personal if _PERSONAL.match(span.text) else self.last
            ref = ref or self.last
            if ref is not None:
                return Attribution(span, cue_span, ref.actor, ref.group, "pronoun")
            return Attribution(span, cue_span, None, None, "unresolved")
        if _NAME.search(span.text) or len(span.text.split()) <= 6:
            return Attribution(span, cue_span, None, None, "unresolved")
        return None

    def _framing(
        self, text: str, framing: re.Match[str], mentions: list[Mention]
    ) -> Attribution | None:
        start, end = framing.span("who")
        pronoun = framing.group("who").lower() in {"it", "he", "she", "they"}
        if not pronoun:
            found = self._speaker(text, start, end, mentions, framing.span())
            if found is not None and found.group is not None:
                return found._replace(how="framing")
        # "Russia launched what it calls ...": "it" is the subject named before.
        earlier = [m for m in mentions if m.end <= framing.start() and m.group != "neutral"]
        if earlier:
            head = earlier[-1]
            span = Span(start, end, text[start:end])
            cue = Span(*framing.span(), framing.group())
            return Attribution(span, cue, head.actor, head.group, "framing")
        return None


def _is_personal(found: Attribution) -> bool:
    if found.actor is not None:
        return found.actor.kind == "person"
    return bool(_PERSONAL.match(found.speaker.text))


def attribute(sentence: str, context: Iterable[str] | None = None) -> Attribution | None:
    """Who ``sentence`` is attributed to, if anyone.

    ``context`` is the article's earlier sentences, in order; they let pronouns and bare
    titles ("he added", "the ministry said") point back to the last speaker.

    >>> a = attribute("Russia said Ukraine shelled the plant.")
    >>> a.speaker.text, a.cue.text, a.group
    ('Russia', 'said', 'russian_mod')
    """
    if not isinstance(sentence, str):
        raise InputError(f"attribute() takes a str sentence, got {type(sentence).__name__}")
    if isinstance(context, str):
        raise InputError(
            "context must be a list of earlier sentences, not one str; "
            "wrap it: context=[previous_sentence]"
        )
    attributor = Attributor()
    for earlier in context or ():
        if not isinstance(earlier, str):
            raise InputError(f"context holds a {type(earlier).__name__}; it must hold str")
        attributor.step(earlier)
    return attributor.step(sentence)
