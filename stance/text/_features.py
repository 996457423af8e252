"""Features of a sentence in its article: what the linear model sees.

Every feature is a string name with value 1; a sentence's features are a set of names. The
groups can be switched off one by one (the ablation in docs/model.md):

``ngrams``       lower-cased word unigrams (function words left out) and bigrams
``chars``        character 3-5 grams inside words (off by default: slower, lower scores)
``attribution``  the speaker's group and how it was found (:mod:`stance.text._attribution`)
``actors``       the groups of every actor mentioned, speaker or not (off by default)
``voice``        cues of the writer's own voice: first person, questions, hedges, evaluation
``shape``        headline, byline, timestamp and boilerplate shapes (off by default)
``context``      the previous sentence's speaker, the last speaker, open quotes, and whether
                 the previous sentence was in the writer's voice
``document``     the whole document's voice (:mod:`stance.text._document`): speaker turns of a
                 transcript, the kind of document, the group whose document it is, and the
                 lines that are its furniture

Each sentence is read once: folded to lower case and cut into words by
:mod:`stance.text._tokens`, searched for actors and attribution, and those readings are shared
by every group.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from stance._errors import InputError
from stance.text._actors import Gazetteer, Mention, load_gazetteer
from stance.text._attribution import Attribution, Attributor
from stance.text._document import DocumentVoice, document_prior, read_document
from stance.text._lexicon import lexicon
from stance.text._tokens import fold, outside_quotes, quote_open_after, title_case, words

__all__ = ["ALL_GROUPS", "DEFAULT_GROUPS", "FEATURE_VERSION", "describe", "featurize_article"]

# The version of what featurize_article computes: a model is only valid with the features it
# was trained on, so its manifest records this and loading refuses another.
FEATURE_VERSION = 7

ALL_GROUPS: tuple[str, ...] = (
    "ngrams",
    "chars",
    "attribution",
    "actors",
    "voice",
    "shape",
    "context",
    "document",
)
# Chosen by the ablation in docs/model.md.
DEFAULT_GROUPS: tuple[str, ...] = ("ngrams", "attribution", "voice", "context", "document")

# The writer's-voice cues are whole words: "I'm" and "we're" count through "i" and "we".
ALL_VOICE_CUES = ("first_person", "we", "you", "hedge", "evaluative")
_VOICE_WORDS: tuple[tuple[str, frozenset[str]], ...] = tuple(
    (name, lexicon(f"voice_{name}")) for name in ALL_VOICE_CUES
)
_OWN_VOICE = frozenset(["first_person", "hedge", "evaluative"])
_STOPWORDS = lexicon("stopwords")
_WHEN = lexicon("time_words")
_REPORTING = lexicon("reporting_verbs")
_NEED_TO = re.compile(r"\bneed to\b")
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
# A line that announces what follows: "... worth posting in full:", "the ministry said:".
_LEAD_IN = re.compile(
    r"(?:\bin full|\bfull text|\bfull statement|\bas follows|\bfollowing statement)\s*:\s*$",
    re.IGNORECASE,
)


def _length_bucket(n_words: int) -> str:
    if n_words <= 3:
        return "1-3"
    if n_words <= 8:
        return "4-8"
    if n_words <= 20:
        return "9-20"
    return "21+"


@dataclass(slots=True)
class _Sentence:
    """One sentence read once: its words, its actors, its speaker, the article's state before it."""

    text: str
    words: list[str]  # folded words, in order
    mentions: list[Mention]
    attribution: Attribution | None
    group: str  # the speaker's group, "unresolved", or "none"
    how: str | None
    last: str  # the group of the last speaker before this sentence
    since_speaker: int
    quote_open: bool  # a quotation opened earlier is still open at this sentence's start
    full_text: str | None  # the speaker of a message the article says it quotes in full


def _is_lead_in(text: str, tokens: list[str]) -> bool:
    """ "Below is the full text of the address:", "the ministry said:"."""
    if not text.rstrip().endswith(":"):
        return False
    return (
        bool(_LEAD_IN.search(text))
        or (len(tokens) > 0 and tokens[-1] in _REPORTING)
        or (len(tokens) > 1 and tokens[-2] == "told")
    )


def _read_article(
    sentences: Sequence[str], gazetteer: Gazetteer, outlet: str | None = None
) -> list[_Sentence]:
    found_mentions = [gazetteer.find(text) for text in sentences]
    attributor = Attributor(
        gazetteer, prior=document_prior(sentences, found_mentions, gazetteer, outlet)
    )
    quote_open = False
    since_speaker = 99
    full_text: str | None = None
    read = []
    for text, mentions in zip(sentences, found_mentions):
        tokens = words(fold(text))
        last = attributor.last.group if attributor.last is not None else "none"
        found = attributor.step(text, mentions)
        group = (
            found.group
            if found is not None and found.group
            else ("unresolved" if found is not None else "none")
        )
        if found is not None and found.group and full_text not in (None, found.group):
            full_text = None
        read.append(
            _Sentence(text, tokens, mentions, found, group, found.how if found else None,
                      last or "none", since_speaker, quote_open, full_text)
        )  # fmt: skip
        if _is_lead_in(text, tokens):
            speaker = found.group if found is not None and found.group else attributor.last
            full_text = (
                speaker if isinstance(speaker, str) else (speaker.group if speaker else None)
            )
        quote_open = quote_open_after(text, quote_open)
        since_speaker = 0 if found is not None and found.group else since_speaker + 1
    return read


# -- the groups --------------------------------------------------------------------------------


def _ngrams(tokens: list[str], out: set[str], domain: str | None = None) -> None:
    unigrams = ["w:" + w for w in tokens if w not in _STOPWORDS]
    bigrams = [f"b:{a} {b}" for a, b in pairwise(tokens)]
    out.update(unigrams)
    out.update(bigrams)
    if domain is not None:
        # The same words in a document of another kind, as features of their own ("frustratingly
        # easy" domain adaptation): what the words mean inside a briefing or a thread stays
        # there, and the shared copy keeps what they mean in news copy.
        out.update([f"{domain}|{name}" for name in unigrams])
        out.update([f"{domain}|{name}" for name in bigrams])


def _chars(tokens: list[str], out: set[str]) -> None:
    for word in tokens:
        padded = f" {word} "
        for n in (3, 4, 5):
            out.update("c:" + padded[i : i + n] for i in range(len(padded) - n + 1))


def _voice(text: str, out: set[str]) -> bool:
    outside = outside_quotes(text)
    folded = fold(outside)
    found = set(words(folded))
    fired = False
    for name, cues in _VOICE_WORDS:
        if not cues.isdisjoint(found) or (name == "evaluative" and _evaluative(folded, found)):
            out.add("v:" + name)
            fired = fired or name in _OWN_VOICE
    # Narration's marks, the opposite of a judgement: figures and the time of an event.
    if any(word[:1].isdigit() for word in found):
        out.add("v:figure")
    if not _WHEN.isdisjoint(found):
        out.add("v:when")
    stripped = outside.rstrip(" \"'”’»)")
    if stripped.endswith("?"):
        out.add("v:question")
        fired = True
    if stripped.endswith("!"):
        out.add("v:exclaim")
    return fired


def _evaluative(folded: str, found: set[str]) -> bool:
    """ "need to", and "disgrace" with any ending ("disgraceful", "disgraced")."""
    if "need" in found and _NEED_TO.search(folded):
        return True
    return "disgrace" in folded and any(word.startswith("disgrace") for word in found)


def _shape(text: str, out: set[str]) -> None:
    surfaces = text.split()
    out.add("s:len:" + _length_bucket(len(surfaces)))
    last = text.rstrip(" \"'”’»)")[-1:]
    if last not in (".", "?", "!", "…", ":"):
        out.add("s:no_stop")
    if _TIMESTAMP.match(text):
        out.add("s:timestamp")
    dated = _DATE.search(text)
    if dated:
        out.add("s:date")
    clock = _CLOCK.search(text)
    if clock:
        out.add("s:clock")
    if _BYLINE_GLUE.search(text) or (len(surfaces) <= 8 and dated and clock):
        out.add("s:byline")
    if _FURNITURE.search(text):
        out.add("s:furniture")
    if title_case(surfaces):
        out.add("s:title_case")
    if any(ord(c) > 0x24F and c.isalpha() for c in text):
        out.add("s:non_latin")
    if text[:1] in "\"“‘'«":
        out.add("s:starts_quote")


def _context(
    text: str,
    i: int,
    read: list[_Sentence],
    voice: bool,
    prev_voice: bool,
    doc_major: str | None,
    out: set[str],
) -> None:
    here = read[i]
    prev_group = read[i - 1].group if i > 0 else "start"
    next_group = read[i + 1].group if i + 1 < len(read) else "end"
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
        if i + 1 < len(read) and read[i + 1].quote_open:
            out.add("qnext:" + next_group)
    if doc_major is not None:
        out.add("doc_major:" + doc_major)
    if here.full_text is not None and unattributed:
        out.add("full_text:" + here.full_text)
    if here.quote_open:
        out.add("ctx:quote_open")
    if prev_voice:
        out.add("ctx:prev_voice")


def _document(i: int, here: _Sentence, doc: DocumentVoice, voice: bool, out: set[str]) -> None:
    """The document's voice, as it bears on sentence ``i``."""
    unattributed = here.group in ("none", "unresolved")
    state = (
        "furniture"
        if doc.furniture[i] or doc.dateline[i]
        else ("free" if unattributed else "attributed")
    )
    # An editorial's judgement and its plain background differ by the sentence's own voice.
    voiced_state = f"{state}:{'voice' if voice else 'plain'}" if state == "free" else state
    for kind in doc.kinds:
        # "We" and a personal voice say a document speaks for itself, not for whom: alone they
        # are no evidence of a side (an editorial's "we", a president's); with the voice's
        # group they are (below).
        if kind not in _WHOSE_UNKNOWN:
            out.add(f"dk:{kind}:{voiced_state}")
    if doc.group is not None:
        out.add(f"dv:{doc.group}:{state}")
        out.add(f"dve:{doc.evidence}:{doc.group}:{state}")
        for kind in doc.kinds:
            out.add(f"dvk:{kind}:{doc.group}:{state}")
        if voice and unattributed:
            out.add(f"dv_voice:{doc.group}")
    turn = doc.turns[i]
    if turn is not None:
        out.add(f"turn:{turn}:{'tag' if doc.tags[i] else state}")
    if doc.furniture[i]:
        out.add("ln:furniture")
    if doc.dateline[i]:
        out.add("ln:dateline")


_WHOSE_UNKNOWN = frozenset(["institutional", "personal"])
_KIND_NAMES = {
    "transcript": "a transcript",
    "assessment": "an assessment",
    "agency": "an agency item",
    "comments": "a comment thread",
    "editorial": "an editorial",
    "institutional": "an institution speaking (we)",
    "personal": "a personal voice",
}
_EVIDENCE = {
    "outlet": "its outlet",
    "dateline": "its dateline",
    "speakers": "its speakers",
    "title": "its title",
    "author": "its author's line",
    "assessor": "who assesses in it",
    "attribution": "its attributions",
}
_SIMPLE = {
    "w:": "", "b:": "", "c:": "chars:", "men:": "mentions:", "men_kind:": "mentions a ",
    "v:": "voice:", "s:": "shape:", "prev_spk:": "previous speaker:", "qcont:": "quote continues:",
    "qnext:": "quote attributed next:", "ctx:": "context:", "full_text:": "quoted in full:",
    "doc_major:": "article's main source:", "cont_person:": "first person continues:",
}  # fmt: skip


@lru_cache(maxsize=1 << 16)
def describe(feature: str) -> str:
    """A feature (or the document stage's cue) as a person reads it.

    >>> describe("spk:russian_mod:named")
    'speaker: russian_mod'
    >>> describe("dvk:transcript:western_intelligence:free")
    'document: a transcript of western_intelligence'
    """
    head, _, rest = feature.partition(":")
    parts = rest.split(":")
    if head == "spk":
        return f"speaker: {parts[0]}"
    if head in ("last_spk", "cont", "cont_voice"):
        return f"last speaker: {parts[0]}"
    if head == "dk":
        return f"document: {_KIND_NAMES.get(parts[0], parts[0])}"
    if head == "dvk":
        return f"document: {_KIND_NAMES.get(parts[0], parts[0])} of {parts[1]}"
    if head in ("dv", "dv_voice"):
        return f"document voice: {parts[0]}"
    if head == "dve":
        return f"document voice: {parts[1]} (from {_EVIDENCE.get(parts[0], parts[0])})"
    if head == "doc_voice":
        return f"document voice: {parts[0]} (the rest of the document)"
    if head == "turn":
        return f"speaker's turn: {parts[0]}"
    if head == "ln":
        return f"line: {parts[0]}"
    if "|" in head:  # a word's own copy for a kind of document: "vo|w:assess"
        return describe(feature.split("|", 1)[1])
    for prefix, shown in _SIMPLE.items():
        if feature.startswith(prefix):
            return shown + feature[len(prefix) :]
    return feature


def _domain(doc: DocumentVoice | None) -> str | None:
    """The kind of document for the words' own copies: a source's own voice ("vo"), a
    writer's or commenters' opinion ("op"), or news copy (None: the shared copy alone)."""
    if doc is None:
        return None
    if not _OPINION_KINDS.isdisjoint(doc.kinds):
        return "op"
    if doc.group is not None or not _VOICE_KINDS.isdisjoint(doc.kinds):
        return "vo"
    return None


_OPINION_KINDS = frozenset(["comments", "editorial", "personal"])
_VOICE_KINDS = frozenset(["transcript", "assessment", "agency"])


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
    outlet: str | None = None,
) -> list[set[str]]:
    """The feature names of each sentence of one article, in order.

    ``outlet`` is what the user knows of the article's source; when the outlet is itself a
    source in the gazetteer (an agency, a ministry, a think tank) it is evidence of the
    document's voice.
    """
    unknown = [g for g in groups if g not in ALL_GROUPS]
    if unknown:
        raise InputError(f"feature groups must be among {', '.join(ALL_GROUPS)}; got {unknown}")
    wanted = frozenset(groups)
    gazetteer = gazetteer or load_gazetteer()
    read = _read_article(sentences, gazetteer, outlet)
    doc = (
        read_document(sentences, [r.mentions for r in read], [r.attribution for r in read],
                      gazetteer, outlet)
        if "document" in wanted
        else None
    )  # fmt: skip
    domain = _domain(doc)
    prev_voice = False
    doc_groups: dict[str, int] = {}  # speakers' groups so far, in order of first appearance
    doc_major: str | None = None  # the most frequent of them, the first one on a tie
    result = []
    for i, here in enumerate(read):
        text = here.text
        feats: set[str] = {"bias"}
        if "ngrams" in wanted:
            _ngrams(here.words, feats, domain)
        if "chars" in wanted:
            _chars(here.words, feats)
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
            _context(text, i, read, voice, prev_voice, doc_major, feats)
        if doc is not None:
            _document(i, here, doc, voice, feats)
        prev_voice = voice
        if here.group not in ("none", "unresolved"):
            doc_groups[here.group] = doc_groups.get(here.group, 0) + 1
            doc_major = _major(doc_groups, here.group, doc_major)
        result.append(feats)
    return result
