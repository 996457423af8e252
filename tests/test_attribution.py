"""The gazetteer and the attribution analysis: who speaks, not who is mentioned."""

from __future__ import annotations

import pytest
from hypothesis import given

import stance
from stance.text._actors import load_gazetteer
from tests.strategies import (
    alias_in_context,
    aliases,
    any_alias,
    examples,
    folding_texts,
    sentence_lists,
    shoutable_aliases,
    unicode_text,
)


def test_gazetteer_is_large_and_complete() -> None:
    gazetteer = load_gazetteer()
    assert len(gazetteer) >= 400
    groups = {g for actor in gazetteer.actors for g in actor.groups}
    assert groups == {"official_ukrainian", "russian_mod", "western_intelligence", "neutral"}
    assert all(actor.reason for actor in gazetteer.actors)
    assert any(actor.ambiguous for actor in gazetteer.actors)


@pytest.mark.parametrize(
    ("text", "surface", "group"),
    [
        ("Zelenskiy spoke", "Zelenskiy", "official_ukrainian"),
        ("Zelensky spoke", "Zelensky", "official_ukrainian"),
        ("Zelenskyy spoke", "Zelenskyy", "official_ukrainian"),
        ("in Kiev today", "Kiev", "official_ukrainian"),
        ("Shoygu said", "Shoygu", "russian_mod"),
        ("Shoigu's order", "Shoigu", "russian_mod"),  # possessive
        ("the PESKOV remark", "PESKOV", "russian_mod"),  # case
        ("a pro-Kremlin channel", None, None),  # hyphenation: no "Kremlin" inside
        ("The ISW said", None, "western_intelligence"),
        ("the Russian ministry of defence said", None, "russian_mod"),
        ("the British defence ministry said", None, "western_intelligence"),
        ("The IAEA said", "IAEA", "neutral"),
    ],
)
def test_aliases_possessives_case(text: str, surface: str | None, group: str | None) -> None:
    mentions = stance.find_actors(text)
    for mention in mentions:
        assert text[mention.start : mention.end] == mention.text
    if surface is None and group is None:
        assert all(m.text.lower() != "kremlin" for m in mentions)
        return
    if surface is not None:
        assert any(m.text == surface and m.group == group for m in mentions), mentions
    else:
        assert any(m.group == group for m in mentions), mentions


def test_acronyms_only_in_their_own_case() -> None:
    assert not [m for m in stance.find_actors("the mod of the game") if m.text == "mod"]


@pytest.mark.parametrize(
    ("sentence", "speaker", "group"),
    [
        ("Russia said Ukraine shelled the plant.", "Russia", "russian_mod"),
        ("Ukraine said Russia shelled the plant.", "Ukraine", "official_ukrainian"),
        (
            "Russia ‘almost certainly’ buying weapons from Iran, says MoD",
            "MoD",
            "western_intelligence",
        ),
        ("Kremlin: talks with Kyiv are frozen", "Kremlin", "russian_mod"),
        (
            "Russia launched 32 air strikes, according to a statement from the General Staff "
            "of the Ukrainian Armed forces.",
            None,
            "official_ukrainian",
        ),
        (
            "An intelligence update published by the UK ministry of defence said Russian forces "
            "were isolated.",
            None,
            "western_intelligence",
        ),
        ('"Moscow says it will win," Zelenskiy said.', "Zelenskiy", "official_ukrainian"),
        (
            "Kremlin spokesman Dmitry Peskov would not rule out escalation, telling CNN it would "
            "respond.",
            None,
            "russian_mod",
        ),
        ("Russia launched what it calls its “special military operation”.", None, "russian_mod"),
        ("Analysts say Kupiansk is a logistics hub.", None, "neutral"),
        ("The IAEA said the plant had lost power.", None, "neutral"),
    ],
)
def test_the_speaker_decides(sentence: str, speaker: str | None, group: str) -> None:
    found = stance.attribute(sentence)
    assert found is not None
    assert found.group == group, found
    assert sentence[found.speaker.start : found.speaker.end] == found.speaker.text
    assert sentence[found.cue.start : found.cue.end] == found.cue.text
    if speaker is not None:
        assert found.speaker.text == speaker


def test_no_cue_no_attribution() -> None:
    assert stance.attribute("The cities lie southeast of Kharkiv city.") is None


@pytest.mark.parametrize(
    "sentence",
    [
        "There are 60 heavily wounded soldiers in AzovStal now, she added.",
        "The spokesman added that the shelling continued.",
        "It also claimed that the troops had regrouped.",
    ],
)
def test_pronouns_and_bare_titles_point_back(sentence: str) -> None:
    context = [
        "Ukrainian reintegration minister Iryna Vereshchuk told Suspilne the talks continue."
    ]
    found = stance.attribute(sentence, context=context)
    # "the spokesman" is an ambiguous gazetteer name; both routes resolve it from context.
    assert found is not None and found.how in ("pronoun", "named")
    assert found.group == "official_ukrainian"


def test_declined_to_comment_is_not_a_claim() -> None:
    found = stance.attribute("The Kremlin declined to comment on the report.")
    assert found is not None and found.group is None and found.how == "declined"


def test_context_must_be_a_list() -> None:
    with pytest.raises(stance.InputError, match="list of earlier sentences"):
        stance.attribute("He said so.", context="Peskov spoke.")


@given(unicode_text(300), sentence_lists(3, 100))
@examples(200)
def test_spans_index_the_input_on_arbitrary_unicode(sentence: str, context: list[str]) -> None:
    found = stance.attribute(sentence, context=context)
    if found is not None:
        assert sentence[found.speaker.start : found.speaker.end] == found.speaker.text
        assert sentence[found.cue.start : found.cue.end] == found.cue.text
    for mention in stance.find_actors(sentence):
        assert sentence[mention.start : mention.end] == mention.text


@given(alias_in_context())
@examples(300)
def test_every_alias_is_found_where_it_stands(context: tuple[str, str, str]) -> None:
    before, alias, after = context
    text = before + alias + after
    mentions = stance.find_actors(text)
    assert any(m.start == len(before) and m.end >= len(before) + len(alias) for m in mentions), (
        text,
        mentions,
    )


@given(any_alias())
@examples(200)
def test_a_hyphen_before_joins_the_alias_to_another_word(alias: str) -> None:
    text = f"a pro-{alias} channel"
    assert all(m.start != len("a pro-") for m in stance.find_actors(text))


# Letters whose upper case does not lower back ("ı" -> "I" -> "i") cannot be matched shouted.
@given(shoutable_aliases())
@examples(200)
def test_names_are_found_in_any_case_acronyms_only_in_theirs(alias: str) -> None:
    from stance.text._actors import _ACRONYM

    shouted = f"NEWS: {alias.upper()} SPEAKS"
    found = any(m.start == len("NEWS: ") for m in stance.find_actors(shouted))
    assert found != bool(_ACRONYM.match(alias)) or alias.upper() in aliases()


def test_names_with_letters_beyond_ascii_are_found() -> None:
    for text in ("talks with İbrahim Kalın today", "Recep Tayyip Erdoğan said"):
        assert [m.actor.id for m in stance.find_actors(text)], text


@given(unicode_text(200))
@examples(300)
def test_mentions_index_the_input_on_arbitrary_unicode(text: str) -> None:
    position = 0
    for mention in stance.find_actors(text):
        assert text[mention.start : mention.end] == mention.text
        assert mention.start >= position  # left to right, never overlapping
        position = mention.end


@given(folding_texts())
def test_cue_words_are_words_of_the_folded_text(text: str) -> None:
    # One folding for every reader: "\u212a" is "k" and "\u017f" is "s" for the cues as for
    # the gazetteer, as a case-insensitive regular expression would match them.
    from stance.text._attribution import _cues
    from stance.text._tokens import fold, words

    assert all(cue[2] in words(fold(text)) for cue in _cues(text))
