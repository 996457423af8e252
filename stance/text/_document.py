"""The document's own voice: who speaks when the sentences of a document do not say.

A wire report names a source in each sentence. A briefing transcript, a ministry's update, a
think tank's assessment, a state agency's item or a thread of reader comments does not: the
document is the voice. This module reads a whole article (all its sentences, before and after
any one of them) for that evidence:

- **speaker tags** at the start of a line ("KIRBY:", "SENIOR DEFENSE OFFICIAL:", "Q:",
  "Maria Zakharova:"), which open a speaker's turn that runs until the next tag;
- **kinds of document**: a transcript (tags), an assessment (assessment language), an agency
  item (a dateline such as "MOSCOW, Dec 20 /TASS/"), a comment thread (user names, "Reply",
  vote counts), an editorial (an opinion kicker near the top, or an address in the site's
  opinion section), institutional first person;
- **the voice's group**: the outlet when it is itself a source in the gazetteer (an item of
  TASS, a transcript on defense.gov), the agency of a dateline, the named speakers of a
  transcript, or the side its explicit attributions name most.

A sentence's own explicit attribution still wins over all of this; the model weighs the two.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from stance.text._actors import Gazetteer, Mention
from stance.text._attribution import Attribution
from stance.text._lexicon import lexicon
from stance.text._tokens import fold, outside_quotes, words

__all__ = [
    "KINDS",
    "DocumentVoice",
    "SpeakerTag",
    "document_prior",
    "read_document",
    "speaker_tag",
]

KINDS = ("transcript", "assessment", "agency", "comments", "editorial", "institutional", "personal")
SOURCE_GROUPS = ("official_ukrainian", "russian_mod", "western_intelligence")

# "MR. KIRBY:", "SENIOR DEFENSE OFFICIAL 2:", "Maria Zakharova:", "Q:", "Question (RIA Novosti):"
_TAG = re.compile(
    r"^\s*(?P<tag>[A-Z][\w'’.\-]*(?:\s+(?:[A-Z][\w'’.\-]*|of|the|de|von|van|al|\d))*)"
    r"\s*(?:\([^()]{1,60}\))?\s*:\s+(?=\S)"
)
# The White House's form: "Q    Thanks, John." (no colon, a run of spaces).
_WHITE_HOUSE_Q = re.compile(r"^\s*Q\s{2,}(?=\S)|^\s*Q\.\s+(?=\S)")
_MAX_TAG_WORDS = 7
# An agency's credit on a line of its own after the dateline: "/TASS/.", "(Sputnik)".
_CREDIT = re.compile(r"^\s*[/(]\s*[^\W\d_][\w .\-]{1,30}[/)]\.?\s*$")
_DATELINE_SPAN = 3  # datelines open an item
# After "MOSCOW,": a date ("December 20", "1 ноя") or the agency alone ("KYIV, Ukrinform").
_DATE_AFTER = re.compile(r",\s*(?:\d{1,2}\s+\w+|\w+\.?\s+\d{1,2}\b|[A-Z]\w+\s*(?:$|[-—(]))")
# "The Guardian view on ...": an outlet's editorial, whatever its kicker.
_OUTLET_VIEW = re.compile(r"^\s*the\s+[\w' ]{2,30}\s+view\s+on\b", re.IGNORECASE)
_OPENING = 3  # the lines where a document names itself: title, dateline, byline
_TITLE_WORDS = 12
_BIO_SPAN = 5  # author lines stand at the top or the foot of a page
# An author's line: "X is a Research Fellow in the Military Sciences team at RUSI." Its subject
# is a name (two capitalised words or more), not any sentence's "... was the first seat of ...".
_BIO = re.compile(
    r"^\s*[—–-]?\s*(?:(?:[A-Z][\w.'’\-]*|and)\s+){2,7}"
    r"(?:is|was|are)\s+(?:a|an|the)\s+[^.;]{0,90}?\b(?:at|of|with|for)\b"
)
# A host naming the institution they speak for, in the opening lines of an event or a
# briefing: "Welcome to the Center for Strategic and International Studies; I'm Seth Jones",
# "I am joined by Chatham House's own experts", "here at NATO".
_HOST = re.compile(
    r"\b(?:[Ww]elcome\s+(?:[\w'’]+\s+){0,3}?to|I'm|I’m|I am|[Hh]ere at|[Oo]n behalf of)\s"
)
# Every match of _HOST holds one of these words: a substring test first is far cheaper than
# trying the pattern at every position (tests/test_features.py holds the claim).
_HOST_WORDS = ("elcome", "I'm", "I’m", "I am", "ere at", "n behalf of")


def _host_match(sentence: str) -> re.Match[str] | None:
    """``_HOST.search(sentence)``, the pattern tried only where one of its words occurs."""
    if not any(word in sentence for word in _HOST_WORDS):
        return None
    return _HOST.search(sentence)


_PERSONAL_SHARE = 0.3
_FURNITURE_SHARE = 0.1
_USER = re.compile(r"^(?:u/|@)?[\w.\-]*(?:\d|_)[\w.\-]*$|^(?:u/|@)\S+$")
# A line that opens a comment as threads are copied from a page: numbered ("2) So ..."), a
# reply to a handle ("@rhyfeddu Uh, no."), a quotation of the post (">" on Reddit and forums).
_COMMENT_OPENER = re.compile(r"^\s*(?:[0-9]{1,3}\)\s+\S|@[\w.\-]+[,:]?\s+\S|>)")
_EDITORIAL_SPAN = 4  # an opinion kicker counts near the top of the page
_ASSESSMENT_SHARE = 0.2


@dataclass(frozen=True, slots=True)
class SpeakerTag:
    """A speaker tag opening a line of a transcript."""

    text: str
    reporter: bool  # a journalist's question: "Q:", "QUESTION:", "Question (TASS):"
    group: str | None  # the group of a speaker the gazetteer knows
    capitals: bool  # written in capitals, as transcripts write them ("MR. KIRBY")


@dataclass(frozen=True, slots=True)
class DocumentVoice:
    """What the whole document says about its voice."""

    kinds: tuple[str, ...]
    group: str | None  # the group whose document this is, when the evidence names one
    evidence: str  # how the group was found: outlet, dateline, speakers, attribution or none
    turns: tuple[str | None, ...]  # per sentence: the speaker's turn ("reporter", a group...)
    tags: tuple[bool, ...]  # per sentence: whether it opens a turn
    furniture: tuple[bool, ...]  # per sentence: a comment thread's furniture line
    dateline: tuple[bool, ...]  # per sentence: an agency dateline


def speaker_tag(
    sentence: str, mentions: Sequence[Mention], surnames: dict[str, str] | None = None
) -> SpeakerTag | None:
    """The speaker tag that opens ``sentence``, if it has one.

    ``surnames`` (folded surname -> group) resolves tags the gazetteer's aliases do not
    ("MR. PRICE:").
    """
    if _WHITE_HOUSE_Q.match(sentence):
        return SpeakerTag("Q", True, None, True)
    match = _TAG.match(sentence)
    if match is None:
        return None
    tag = match.group("tag")
    tag_words = words(fold(tag))
    if not tag_words or len(tag_words) > _MAX_TAG_WORDS or tag_words[0] in _NOT_TAGS:
        return None
    if tag_words[0].rstrip("0123456789") in _REPORTER_TAGS:  # "Q:", "Q1:", "QUESTION:"
        return SpeakerTag(tag, True, None, tag.isupper() or tag == "Q")
    end = match.end("tag")
    named = [m for m in mentions if m.end <= end and m.certain]
    group = named[-1].group if named else (surnames or {}).get(tag_words[-1])
    return SpeakerTag(tag, False, group, tag.isupper())


_NOT_TAGS = lexicon("not_speaker_tags")
_REPORTER_TAGS = lexicon("reporter_tags")
_ASSESSMENT = lexicon("assessment_words")
_ASSESSING_VERBS = frozenset(["assess", "assesses", "assessed", "judge", "judges", "judged"])
_FURNITURE = lexicon("comment_furniture")
_WE = lexicon("voice_we")
_EDITORIAL = lexicon("editorial_markers")
_OPINION_SECTIONS = lexicon("opinion_sections")
# What with_site adds to an article's source when its address is in a site's opinion section.
OPINION_SECTION = " (opinion section)"
_OWN_VOICE = lexicon("voice_first_person") | lexicon("voice_hedge") | lexicon("voice_evaluative")
_AGENCIES = frozenset(["media", "agency"])
# Who can author a document its opening lines name (not a country or an army: the topic).
_AUTHORS = frozenset(["person", "institution", "office", "agency", "media", "channel"])
_BY_BEFORE = re.compile(r"\b(?:by|from|of)\s+(?:[\w'’]+\s+){0,2}$", re.IGNORECASE)
_HOLDS_AFTER = re.compile(
    r"\s+(?:holds?|hosts?|gives?|delivers?|briefs?|addresses|speaks|remarks|statement|"
    r"press|briefing|update|report|assessment)\b",
    re.IGNORECASE,
)


def _is_dateline(sentence: str) -> bool:
    """An agency's dateline: "MOSCOW, December 20.", "KYIV, Ukrinform", "MOSCOW (Sputnik) -",
    "МОСКВА, 1 ноя", and the credit "/TASS/." on its own line."""
    if _CREDIT.match(sentence):
        return True
    stripped = sentence.lstrip()
    place = re.split(r"[,(—]|\s-\s", stripped, maxsplit=1)[0].strip()
    rest = stripped[len(place) :].lstrip()
    letters = place.replace(" ", "").replace("-", "")
    if not (2 < len(place) <= 30 and letters.isalpha() and place.isupper()):
        return False
    return bool(_DATE_AFTER.match(rest)) if rest[:1] == "," else rest[:1] in "(—-"


def _is_editorial_marker(sentence: str, tokens: list[str]) -> bool:
    """ "Editorial: ...", "DAILY MAIL COMMENT: ...", "Opinion", "The Guardian view on ..."."""
    if _OUTLET_VIEW.match(sentence):
        return True
    if _EDITORIAL.isdisjoint(tokens):
        return False
    return ":" in sentence or len(tokens) <= 5


def _is_own_voice(sentence: str, tokens: list[str]) -> bool:
    """A sentence in someone's own voice: "I", hedges, evaluation, a question or exclamation."""
    tail = sentence.rstrip(" \"'”’»)")
    return not _OWN_VOICE.isdisjoint(tokens) or tail.endswith(("?", "!"))


def _is_furniture(sentence: str, tokens: list[str]) -> bool:
    """A comment thread's furniture line: "Reply", "12 likes", "3 hours ago", a user name."""
    if not tokens or len(tokens) > 6 or sentence.rstrip().endswith(":"):
        return False  # a lead-in ("More in this report:") announces text, it is no furniture
    stripped = sentence.strip()
    if " " not in stripped and _USER.match(stripped):
        return True
    return not _FURNITURE.isdisjoint(tokens)


def _outlet_group(outlet: str | None, gazetteer: Gazetteer) -> str | None:
    """The group of an outlet that is itself a source: TASS, the Pentagon, the ISW.

    Only an actor that can author a document, or a name that is the outlet's whole name ("the
    Kremlin"), makes the outlet a source: "The Moscow Times", "USA Today" and "The Times (UK)"
    name a place, and are newspapers."""
    outlet = without_opinion_section(outlet)
    if not outlet:
        return None
    name = _OUTLET_NAME.sub("", outlet)  # "Kremlin (kremlin.ru)": the name without its site
    names = _names_in(outlet, gazetteer)
    found = [
        m
        for m in names
        if m.group in SOURCE_GROUPS
        and m.certain
        and (m.actor.kind in _AUTHORS or fold(m.text) == fold(name))
    ]
    if found:
        return found[0].group
    return _government_group(outlet, names, gazetteer) or _site_group(outlet)


# A government body in an outlet's name: "Government of Norway", "U.S. Mission to the OSCE",
# "Australian Minister for Foreign Affairs". Its country is named in the outlet, or by its
# adjective just before the body.
_GOVERNMENT_BODY = re.compile(
    r"\b(?:government|ministry|minister|prime\s+minister|president|presidency|chancellery|"
    r"embassy|consulate|mission|delegation|permanent\s+representation|department|"
    r"foreign\s+office)\b",
    re.IGNORECASE,
)
_BEFORE_BODY = re.compile(r"([\w'’]+)\s+(?:federal\s+|foreign\s+)?$", re.IGNORECASE)


def _names_in(outlet: str, gazetteer: Gazetteer) -> list[Mention]:
    """The gazetteer's mentions in an outlet's name, none inside a site's address:
    "interfax.com.ua" names no Interfax, "trump.news-pravda.com" no Trump; a site that is
    itself a name ("Lenta.ru") is one."""
    sites = [match.span() for match in _SITE.finditer(outlet)]
    return [
        m
        for m in gazetteer.find(outlet)
        if not any(a <= m.start and m.end <= b and (m.start, m.end) != (a, b) for a, b in sites)
    ]


def _government_group(outlet: str, names: list[Mention], gazetteer: Gazetteer) -> str | None:
    """The group of the country whose government body an outlet names, if a source group;
    ``names`` are the gazetteer's mentions in the outlet (:func:`_names_in`).

    A country, not a newspaper's place name, counts only beside such a body: "The Moscow
    Times" stays a newspaper. With several countries the first named decides ("Embassy of
    Russia in the United States" is Russia's)."""
    bodies = list(_GOVERNMENT_BODY.finditer(outlet))
    if not bodies:
        return None
    countries = [m for m in names if m.actor.kind == "country" and m.certain]
    group: str | None
    if countries:
        group = countries[0].group
    else:
        adjectives = (_BEFORE_BODY.search(outlet, 0, body.start()) for body in bodies)
        named = [gazetteer.demonyms.get(fold(a.group(1))) for a in adjectives if a]
        group = next((g for g in named if g is not None), None)
    return group if group in SOURCE_GROUPS else None


# Sites of governments, by the end of their host name: "www.state.gov", "mfa.gov.ua",
# "www.regjeringen.no". A third country's (gov.cn, admin.ch) is no group's.
_GOVERNMENT_SITES = {
    **dict.fromkeys(
        "gov mil gov.uk mod.uk gc.ca canada.ca gov.au govt.nz gouv.fr bund.de bundesregierung.de "
        "auswaertiges-amt.de regjeringen.no government.se um.dk gov.pl gov.cz mzv.cz gov.lv "
        "gov.lt gov.ee valitsus.ee gov.ie government.nl rijksoverheid.nl governo.it esteri.it "
        "gob.es gov.ro europa.eu nato.int".split(),
        "western_intelligence",
    ),
    "gov.ua": "official_ukrainian",
    **dict.fromkeys("kremlin.ru mid.ru mil.ru gov.ru government.ru".split(), "russian_mod"),
}
_SITE = re.compile(r"(?<![\w.@-])((?:[a-z0-9-]+\.)+[a-z]{2,})(?![\w-])", re.IGNORECASE)


def _site_group(outlet: str) -> str | None:
    """The group of a government's site an outlet names: "Kremlin (kremlin.ru)", or a page's
    address given with its outlet (:func:`with_site`)."""
    for host in _SITE.findall(outlet):
        labels = host.lower().split(".")
        for cut in range(len(labels)):
            group = _GOVERNMENT_SITES.get(".".join(labels[cut:]))
            if group is not None:
                return group
    return None


def with_site(outlet: str | None, url: str | None) -> str | None:
    """What is known of an article's source for reading it: its outlet, the host of its
    address when the outlet does not already name it ("Government of Norway
    (www.regjeringen.no)"), and whether the address is in the site's opinion section
    ("/opinion/", "/commentisfree/": :data:`OPINION_SECTION` added)."""
    try:
        parts = urlsplit(url) if url else None
        host = parts.hostname if parts else None
    except ValueError:  # not an address ("http://[::1"): nothing to add
        parts = host = None
    source = outlet or None
    if host and not (outlet and host.removeprefix("www.") in outlet.lower()):
        source = f"{outlet} ({host})" if outlet else host
    if parts and not _OPINION_SECTIONS.isdisjoint(parts.path.lower().split("/")):
        source = f"{source or ''}{OPINION_SECTION}"
    return source


def in_opinion_section(source: str | None) -> bool:
    """Whether an article's source (:func:`with_site`) says its address is in an opinion
    section: evidence that the document is the outlet's opinion, as a kicker is."""
    return source is not None and source.endswith(OPINION_SECTION)


def without_opinion_section(source: str | None) -> str | None:
    """An article's source without what :func:`with_site` adds for an opinion section."""
    if source and source.endswith(OPINION_SECTION):
        return source[: -len(OPINION_SECTION)] or None
    return source


# What is left off an outlet's name to compare it with an alias: "The", a parenthesis.
_OUTLET_NAME = re.compile(r"^\s*the\s+|\s*\([^()]*\)\s*$", re.IGNORECASE)


def read_document(
    sentences: Sequence[str],
    mentions: Sequence[Sequence[Mention]],
    attributions: Sequence[Attribution | None],
    gazetteer: Gazetteer,
    outlet: str | None = None,
) -> DocumentVoice:
    """Read a whole article for its voice.

    ``mentions`` are each sentence's gazetteer mentions, ``attributions`` what the attribution
    analysis found in each (None where nothing).
    """
    n = len(sentences)
    speakers = [
        a.group if a is not None and a.group else ("unresolved" if a is not None else "none")
        for a in attributions
    ]
    tags = [speaker_tag(s, m, gazetteer.surnames) for s, m in zip(sentences, mentions)]
    tokens = [words(fold(outside_quotes(s))) for s in sentences]
    furniture = [_is_furniture(s, t) for s, t in zip(sentences, tokens)]
    datelines = [i < _DATELINE_SPAN and _is_dateline(s) for i, s in enumerate(sentences)]
    kinds = []
    tagged = [t for t in tags if t is not None]
    if len(tagged) >= 2 or any(t.reporter for t in tagged):
        kinds.append("transcript")
    unattributed = [i for i in range(n) if speakers[i] in ("none", "unresolved")]
    assessing = sum(1 for t in tokens if not _ASSESSMENT.isdisjoint(t))
    if assessing >= 2 and assessing >= _ASSESSMENT_SHARE * n:
        kinds.append("assessment")
    if _dateline_group(datelines, mentions) is not None:
        kinds.append("agency")  # a state agency's item; a wire's dateline names no side
    # A thread's furniture (user names, "Reply", likes) and its comments' openers are a good
    # part of its lines; a page's "Comments" link and share buttons are not.
    headers = [fold(s).strip(" :") == "comments" for s in sentences]
    thread = sum(f and not h for f, h in zip(furniture, headers))
    thread += sum(1 for s in sentences if _COMMENT_OPENER.match(s))
    if thread >= 2 and (any(headers) or thread >= _FURNITURE_SHARE * n):
        kinds.append("comments")
    if in_opinion_section(outlet) or any(
        _is_editorial_marker(s, t) for s, t in zip(sentences[:_EDITORIAL_SPAN], tokens)
    ):
        kinds.append("editorial")
    if sum(1 for i in unattributed if not _WE.isdisjoint(tokens[i])) >= 2:
        kinds.append("institutional")
    own = sum(1 for i in unattributed if _is_own_voice(sentences[i], tokens[i]))
    if own >= 2 and own >= _PERSONAL_SHARE * n:
        kinds.append("personal")

    # A source's own document, not a person's: only there do the opening lines or the
    # document's attributions say whose voice the unattributed sentences carry.
    voiced = not {"transcript", "assessment", "agency", "institutional"}.isdisjoint(kinds) and (
        "comments" not in kinds and "editorial" not in kinds
    )
    group, evidence = _voice_group(
        sentences,
        mentions,
        speakers,
        tags if "transcript" in kinds else (),
        datelines,
        gazetteer,
        outlet,
        voiced=voiced,
        assessors=[a.group if a is not None and _assesses(a) else None for a in attributions],
    )
    turns = _turns(tags, group) if "transcript" in kinds else [None] * n
    return DocumentVoice(
        tuple(kinds),
        group,
        evidence,
        tuple(turns),
        tuple(t is not None for t in tags),
        tuple(furniture),
        tuple(datelines),
    )


def _is_title(sentence: str) -> bool:
    """A title or credit line: no closing stop, or a dozen words at most."""
    return not sentence.rstrip().endswith((".", "?", "!")) or len(sentence.split()) <= _TITLE_WORDS


def _assesses(found: Attribution) -> bool:
    """Whether an attribution's cue is an assessment ("ISW assesses", "we judge")."""
    return not _ASSESSING_VERBS.isdisjoint(words(fold(found.cue.text)))


def _authors(sentence: str, mention: Mention) -> bool:
    """Whether a title line names ``mention`` as the document's author, not its topic:
    "Press conference by NATO Secretary General ...", "... comes from a CSIS event",
    "Senior Defense Official Holds a Background Briefing"."""
    return bool(
        _BY_BEFORE.search(sentence, 0, mention.start) or _HOLDS_AFTER.match(sentence, mention.end)
    )


def document_prior(
    sentences: Sequence[str],
    mentions: Sequence[Sequence[Mention]],
    gazetteer: Gazetteer,
    outlet: str | None,
) -> str | None:
    """The group the document's outlet or dateline names, read before anything else (it
    settles ambiguous names such as "MoD" in the attribution)."""
    found = _outlet_group(outlet, gazetteer)
    if found is not None:
        return found
    datelines = [i < _DATELINE_SPAN and _is_dateline(s) for i, s in enumerate(sentences)]
    return _dateline_group(datelines, mentions)


def _dateline_group(datelines: Sequence[bool], mentions: Sequence[Sequence[Mention]]) -> str | None:
    """The group of the agency a dateline names ("/TASS/", "KYIV, Ukrinform"); not of its
    place ("KYIV, March 3 (Reuters)" is a wire's dateline, in no one's voice)."""
    for i, is_dateline in enumerate(datelines):
        if is_dateline:
            near = [*mentions[i], *(mentions[i + 1] if i + 1 < len(mentions) else ())]
            named = [
                m.group
                for m in near
                if m.group in SOURCE_GROUPS and m.certain and m.actor.kind in _AGENCIES
            ]
            if named:
                return named[0]
    return None


def _voice_group(
    sentences: Sequence[str],
    mentions: Sequence[Sequence[Mention]],
    speakers: Sequence[str],
    tags: Sequence[SpeakerTag | None],
    datelines: Sequence[bool],
    gazetteer: Gazetteer,
    outlet: str | None,
    voiced: bool,
    assessors: Sequence[str | None],
) -> tuple[str | None, str]:
    """The group whose document this is, strongest evidence first.

    ``voiced``: the document reads as a source's own (a transcript, an assessment, an agency
    item, institutional first person), so a source its opening lines name without quoting it
    ("Press conference by NATO Secretary General ...") is taken for its author, and failing
    that the side its attributions name most.
    """
    from_outlet = _outlet_group(outlet, gazetteer)
    if from_outlet is not None:
        return from_outlet, "outlet"
    from_dateline = _dateline_group(datelines, mentions)
    if from_dateline is not None:
        return from_dateline, "dateline"
    spoken = Counter(t.group for t in tags if t is not None and t.group in SOURCE_GROUPS)
    if spoken:
        return spoken.most_common(1)[0][0], "speakers"
    for i, sentence in enumerate(sentences):
        # "Owen Kettering is a Research Fellow in the Military Sciences team at RUSI."
        if i >= len(sentences) - _BIO_SPAN or i < _BIO_SPAN:
            bio = _BIO.match(sentence)
            named = _institution_after(mentions[i], bio.end()) if bio is not None else None
            if named is not None:
                return named, "author"
    if not voiced:
        return None, "none"
    host = _host_group(sentences[:_BIO_SPAN], mentions, speakers)
    if host is not None:
        return host, "author"
    for i in range(min(_OPENING, len(mentions))):
        if speakers[i] in ("none", "unresolved") and _is_title(sentences[i]):
            titled = [
                m.group
                for m in mentions[i]
                if m.group in SOURCE_GROUPS
                and m.certain
                and m.actor.kind in _AUTHORS
                and _authors(sentences[i], m)
            ]
            if titled:
                return titled[0], "title"
    assessed = Counter(g for g in assessors if g in SOURCE_GROUPS)
    if assessed:  # "ISW assesses that ...": the assessing source of an assessment
        return assessed.most_common(1)[0][0], "assessor"
    return None, "none"


def _host_group(
    opening: Sequence[str], mentions: Sequence[Sequence[Mention]], speakers: Sequence[str]
) -> str | None:
    """The group of the institution a host says they speak for, in the opening lines."""
    for i, sentence in enumerate(opening):
        host = _host_match(sentence) if speakers[i] in ("none", "unresolved") else None
        named = _institution_after(mentions[i], host.end()) if host is not None else None
        if named is not None:
            return named
    return None


def _institution_after(mentions: Sequence[Mention], start: int) -> str | None:
    """The group of the first institution of a side named at or after ``start`` ("... at
    RUSI", "Welcome to Chatham House")."""
    for m in mentions:
        if (
            m.start >= start
            and m.certain
            and m.group in SOURCE_GROUPS
            and m.actor.kind == "institution"
        ):
            return m.group
    return None


def _turns(tags: Sequence[SpeakerTag | None], group: str | None) -> list[str | None]:
    """Each sentence's turn: the group of the last speaker tag at or before it."""
    turns: list[str | None] = []
    current: str | None = None
    for tag in tags:
        if tag is not None:
            current = "reporter" if tag.reporter else (tag.group or group or "unresolved")
        turns.append(current)
    return turns
