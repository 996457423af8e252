"""Documents that speak in one voice: the reading of the whole document, and the shipped model
on short documents it never saw, labelled sentence by sentence as the annotation guide says.

Each document below was written for this test (it is in no annotation file). The precedence is
tested too: a sentence's own explicit attribution wins over the document's voice.
"""

from __future__ import annotations

import pytest

import stance
from stance.text import load_gazetteer
from stance.text._document import (
    in_opinion_section,
    read_document,
    speaker_tag,
    with_site,
    without_opinion_section,
)
from stance.text._features import _read_article

# Predictions depend on the reading core: every test here runs under each (conftest.py).
pytestmark = pytest.mark.usefixtures("each_core")

TRANSCRIPT = [
    ("Department of Defense Press Briefing by Pentagon Press Secretary", "neutral"),
    ("MR. RYDER: Good afternoon, everybody.", "western_intelligence"),
    (
        "We continue to see Russian forces pour troops into the fight around Avdiivka.",
        "western_intelligence",
    ),
    (
        "Their losses there have been staggering, and we expect that to continue.",
        "western_intelligence",
    ),
    ("Q: Thanks, General.", "neutral"),
    ("Do you have any update on the delivery of the Abrams tanks?", "neutral"),
    ("MR. RYDER: I don't have anything new to announce on that today.", "western_intelligence"),
    (
        "The Ukrainians say they have pushed Russian units back from the river.",
        "official_ukrainian",
    ),
]
ASSESSMENT = [
    ("Russian Offensive Campaign Assessment, March 3, 2024", "neutral"),
    ("Key Takeaways:", "neutral"),
    (
        "Russian forces continued limited attacks west of Avdiivka on March 2 and made marginal gains.",
        "western_intelligence",
    ),
    (
        "ISW assesses that the Russian command will likely keep up this tempo through the spring.",
        "western_intelligence",
    ),
    (
        "Geolocated footage published on March 2 indicates that Russian forces advanced near Orlivka.",
        "western_intelligence",
    ),
    (
        "Russian milbloggers claimed that Russian forces seized Tonenke, but ISW has not observed confirmation of this claim.",
        "russian_mod",
    ),
    (
        "Russian forces will likely struggle to exploit these gains without fresh reserves.",
        "western_intelligence",
    ),
]
COMMENTS = [
    ("Comments", "neutral"),
    ("kharkiv_lad", "neutral"),
    ("Honestly this is the best news I've read all week.", "editorial_opinion"),
    ("They should have sent the long-range missiles a year ago.", "editorial_opinion"),
    ("Reply", "neutral"),
    ("mapwatcher77", "neutral"),
    ("Wake me up when something actually changes on the ground.", "editorial_opinion"),
]
AGENCY = [
    ("Russian forces repel six Ukrainian attacks near Kupyansk — MoD", "russian_mod"),
    ("MOSCOW, February 12.", "neutral"),
    ("/TASS/.", "neutral"),
    (
        "Units of the Zapad battlegroup repelled six attacks by Ukrainian assault groups near Kupyansk over the past day, the Russian Defense Ministry reported.",
        "russian_mod",
    ),
    (
        "The enemy lost up to 120 servicemen, two tanks and three armored vehicles, the ministry said.",
        "russian_mod",
    ),
    ("The special military operation began on February 24, 2022.", "neutral"),
]
EDITORIAL = [
    (
        "The Guardian view on Ukraine's air defences: Europe must stop dithering",
        "editorial_opinion",
    ),
    (
        "Russia launched more than 90 missiles and drones at Ukraine's power grid on Sunday night.",
        "neutral",
    ),
    ("Ukraine's air force said it had shot down most of them.", "official_ukrainian"),
    (
        "Europe's hesitation over supplying more Patriot batteries is indefensible.",
        "editorial_opinion",
    ),
    ("Every week of delay is paid for in blackouts and lives.", "editorial_opinion"),
]


def _labels_of(doc: list[tuple[str, str]], outlet: str | None = None) -> list[str]:
    sentences = [text for text, _ in doc]
    outlets = [outlet] * len(sentences)
    return stance.load().predict(sentences, doc_ids=[0] * len(sentences), outlets=outlets)


# The editorial's line between judgement and plain background: the shipped model reads its
# background sentence ("Russia launched more than 90 missiles ...") as the West's, a near tie,
# and one judgement ("Europe's hesitation ... is indefensible") as plain, known errors of the
# shipped model (docs/model.md). Strict, so that the test fails, and must be updated, the day
# the model gets it right.
_EDITORIAL_GAP = pytest.mark.xfail(
    strict=True, reason="an editorial's background and judgement are confused"
)


@pytest.mark.parametrize(
    "doc",
    [
        TRANSCRIPT,
        ASSESSMENT,
        COMMENTS,
        AGENCY,
        pytest.param(EDITORIAL, marks=_EDITORIAL_GAP),
    ],
    ids=["transcript", "think-tank assessment", "comment thread", "state-agency item", "editorial"],
)
def test_each_sentence_of_a_one_voice_document(doc: list[tuple[str, str]]) -> None:
    expected = [label for _, label in doc]
    assert _labels_of(doc) == expected


def test_explicit_attribution_wins_over_the_documents_voice() -> None:
    # The last line of the transcript is inside a Pentagon turn but attributed to Ukraine;
    # the milbloggers' claim sits inside an ISW assessment.
    assert _labels_of(TRANSCRIPT)[-1] == "official_ukrainian"
    assert _labels_of(ASSESSMENT)[5] == "russian_mod"


def test_an_outlet_that_is_a_source_is_evidence_of_the_voice() -> None:
    # Two sentences that name no one: read alone they are narration; published by the
    # Institute for the Study of War they are its assessment.
    doc = [
        ("Russian forces continued offensive operations near Kreminna on June 4.", "x"),
        ("Russian forces did not make any confirmed advances in the area.", "x"),
    ]
    with_outlet = _labels_of(doc, "Institute for the Study of War")
    assert with_outlet == ["western_intelligence", "western_intelligence"]


# -- the reading of the document itself -----------------------------------------------------


def _read(doc: list[tuple[str, str]], outlet: str | None = None):  # type: ignore[no-untyped-def]
    sentences = [text for text, _ in doc]
    gazetteer = load_gazetteer()
    read = _read_article(sentences, gazetteer)
    return read_document(
        sentences, [r.mentions for r in read], [r.attribution for r in read], gazetteer, outlet
    )


def test_a_transcript_has_turns_and_its_speakers_voice() -> None:
    doc = _read(TRANSCRIPT)
    assert "transcript" in doc.kinds
    assert doc.group == "western_intelligence" and doc.evidence == "speakers"
    assert doc.turns == (
        None,
        *["western_intelligence"] * 3,
        "reporter",
        "reporter",
        *["western_intelligence"] * 2,
    )


def test_speaker_tags() -> None:
    gazetteer = load_gazetteer()

    def tag(line: str):  # type: ignore[no-untyped-def]
        return speaker_tag(line, gazetteer.find(line), gazetteer.surnames)

    assert tag("Q    Thanks, John.").reporter
    assert tag("Question (RIA Novosti): How would you comment?").reporter
    assert tag("MR. PRICE: Good afternoon.").group == "western_intelligence"
    assert tag("Maria Zakharova: We have seen the reports.").group == "russian_mod"
    assert tag("SENIOR DEFENSE OFFICIAL: Thanks.").group == "western_intelligence"
    assert tag("Key Takeaways: Russian forces advanced.") is None
    assert tag("Photo: Reuters") is None


def test_kinds_and_evidence_of_each_document() -> None:
    assert "assessment" in _read(ASSESSMENT).kinds
    assert _read(ASSESSMENT).group == "western_intelligence"
    comments = _read(COMMENTS)
    assert "comments" in comments.kinds and comments.group is None
    assert comments.furniture == (True, True, False, False, True, True, False)
    agency = _read(AGENCY)
    assert "agency" in agency.kinds and agency.evidence == "dateline"
    assert agency.group == "russian_mod" and agency.dateline[:3] == (False, True, True)
    assert "editorial" in _read(EDITORIAL).kinds and _read(EDITORIAL).group is None
    assert _read(EDITORIAL, outlet="TASS").group == "russian_mod"


@pytest.mark.parametrize(
    "lines",
    [
        # numbered as a list of comments is copied, with no user names or "Reply"
        [
            "1) We should have armed them properly in 2022.",
            "Now it is too late for half-measures.",
            "2) Agreed, and the next winter will be worse.",
            "3) Nobody here has been to the front.",
        ],
        # replies to handles, and a quotation of the post
        [
            "> Kyiv says it has retaken two villages near Kupiansk.",
            "About time.",
            "@steppe_fox Retaken, or just entered for a photo?",
            "@gray_owl Both, probably.",
        ],
    ],
)
def test_a_thread_copied_without_furniture_is_a_thread(lines: list[str]) -> None:
    doc = _read([(line, "x") for line in lines])
    assert "comments" in doc.kinds and doc.group is None
    assert not any(doc.furniture)  # its openers are comments, not page furniture


def test_a_numbered_line_alone_makes_no_thread() -> None:
    doc = _read(
        [
            ("Russia launched 40 drones overnight, the air force said.", "x"),
            ("1) Kharkiv and Odesa were hit.", "x"),
            ("Air defences shot down most of them, it said.", "x"),
        ]
    )
    assert "comments" not in doc.kinds


def test_an_authors_line_names_the_author_and_a_sentence_of_history_does_not() -> None:
    body = [("Russian forces made marginal gains near Pokrovsk.", "x")] * 3
    bio = [("Jane Roe is a Research Fellow in the Military Sciences team at RUSI.", "x")]
    assert _read(body + bio).group == "western_intelligence"
    assert _read(body + bio).evidence == "author"
    for line in (
        "Sudzha was the first seat of the Provisional Government of Ukraine.",
        "Wikipedia notes that Sudzha was the first seat of the Government of Ukraine.",
    ):
        assert _read([(line, "x"), *body]).evidence == "none"


def test_a_host_names_the_institution_of_an_event() -> None:
    event = [
        ("Welcome to the Center for Strategic and International Studies; I'm Seth Jones.", "x"),
        ("We are here to talk about the second year of the war.", "x"),
        ("We will take your questions at the end.", "x"),
        ("The front has barely moved since the spring.", "x"),
    ]
    assert (_read(event).group, _read(event).evidence) == ("western_intelligence", "author")
    # The same words in a thread are a commenter's, and name no author.
    thread = [("@kyiv_watch I'm with the Pentagon on this one.", "x"), ("@a1 Agreed.", "x")]
    assert _read(thread).group is None


def test_a_document_is_not_voiced_by_whom_it_quotes() -> None:
    # A news report quoting the Kremlin twice is still the reporter's, not the Kremlin's.
    doc = _read(
        [
            ("Kremlin rejects talks offer", "x"),
            ("The Kremlin said on Monday it saw no basis for talks.", "x"),
            ("Peskov told reporters the offer was not serious.", "x"),
            ("The war is now in its third year.", "x"),
        ]
    )
    assert doc.group is None


@pytest.mark.parametrize(
    ("outlet", "group"),
    [
        ("TASS", "russian_mod"),
        ("Kremlin (kremlin.ru)", "russian_mod"),
        ("Ministry of Foreign Affairs of the Russian Federation", "russian_mod"),
        ("U.S. Department of Defense", "western_intelligence"),
        ("The White House", "western_intelligence"),
        ("Ukrinform", "official_ukrainian"),
        # Newspapers named after a place or a country speak for no side.
        ("The Moscow Times", None),
        ("USA Today", None),
        ("The Times (UK)", None),
        ("Kyiv Independent", None),
        ("Japan Today", None),
        # A government body names its country: in the outlet, or by its adjective.
        ("Government of Norway (regjeringen.no)", "western_intelligence"),
        ("U.S. Mission to the OSCE", "western_intelligence"),
        ("Australian Minister for Foreign Affairs", "western_intelligence"),
        ("Global Affairs Canada", "western_intelligence"),
        ("Embassy of Russia in the United States", "russian_mod"),  # the first named
        ("Embassy of Switzerland in Russia", None),  # a third country
        ("Swiss Federal Department of Foreign Affairs", None),
        ("Foreign Affairs", None),  # a magazine: no country
        ("Czech Radio", None),  # a country's adjective beside no government body
        # Think tanks the annotation guide names.
        ("Council on Foreign Relations", "western_intelligence"),
        ("Stockholm International Peace Research Institute", "western_intelligence"),
        ("Valdai Discussion Club", "russian_mod"),
        # A government's site, in the outlet or from the page's address.
        ("Foreign Ministry (www.mfa.gov.lv)", "western_intelligence"),
        ("osce.usmission.gov", "western_intelligence"),
        ("Daily bulletin (mil.gov.ua)", "official_ukrainian"),
        ("A blog (mil.ru)", "russian_mod"),
        ("State Council (www.gov.cn)", None),  # a third country's
        ("Wired-Gov (www.wired-gov.net)", None),  # "gov" inside a name is no site
        ("Milan World (www.milanworld.net)", None),
    ],
)
def test_an_outlet_is_a_source_only_when_it_names_one_that_authors(
    outlet: str, group: str | None
) -> None:
    doc = _read([("Shelling continued overnight near the river.", "x")], outlet)
    assert (doc.group, doc.evidence) == ((group, "outlet") if group else (None, "none"))


@pytest.mark.parametrize(
    ("outlet", "url", "source"),
    [
        (
            "Government of Norway",
            "https://www.regjeringen.no/en/x",
            "Government of Norway (www.regjeringen.no)",
        ),
        (
            "Kremlin (kremlin.ru)",
            "http://kremlin.ru/events/1",
            "Kremlin (kremlin.ru)",
        ),  # named already
        (None, "https://www.state.gov/briefings/", "www.state.gov"),
        ("TASS", None, "TASS"),
        ("TASS", "not an address", "TASS"),
        ("TASS", "http://[::1", "TASS"),
        ("", "", None),
        (
            "The Guardian",
            "https://www.theguardian.com/commentisfree/2024/feb/24/ukraine",
            "The Guardian (www.theguardian.com) (opinion section)",
        ),
        (None, "https://example.com/opinion/a", "example.com (opinion section)"),
        (
            "CNN",
            "https://edition.cnn.com/2024/02/24/opinions/x",
            "CNN (edition.cnn.com) (opinion section)",
        ),
        # a section's name inside a longer path segment, or in the host, is no section
        (
            "Reuters",
            "https://www.reuters.com/world/opinion-polls-ukraine/",
            "Reuters (www.reuters.com)",
        ),
        ("X", "https://opinion.example.com/world/a", "X (opinion.example.com)"),
    ],
)
def test_the_source_read_is_the_outlet_with_the_site_of_its_address(
    outlet: str | None, url: str | None, source: str | None
) -> None:
    assert with_site(outlet, url) == source


def test_an_address_in_an_opinion_section_makes_the_document_an_editorial() -> None:
    doc = [
        ("Europe is running out of excuses on Ukraine", "x"),
        ("Russia fired more than 90 missiles at the power grid on Sunday.", "x"),
    ]
    opinion = with_site("The Guardian", "https://www.theguardian.com/commentisfree/2024/a")
    news = with_site("The Guardian", "https://www.theguardian.com/world/2024/a")
    assert "editorial" in _read(doc, opinion).kinds
    assert "editorial" not in _read(doc, news).kinds and "editorial" not in _read(doc).kinds
    # What the address adds says nothing of whose voice: a site's group is read as before.
    kremlin = with_site("Kremlin", "http://kremlin.ru/opinion/1")
    assert (
        in_opinion_section(kremlin) and without_opinion_section(kremlin) == "Kremlin (kremlin.ru)"
    )
    assert _read(doc, kremlin).group == _read(doc, "Kremlin (kremlin.ru)").group == "russian_mod"


def test_a_page_address_on_a_government_site_gives_the_document_its_voice() -> None:
    text = "Norway will provide 2 billion kroner in military support to Ukraine this year. " + (
        "The package includes air defence."
    )
    article = {"text": text, "outlet": "Press release"}
    plain = list(stance.label_articles([article]))
    sited = list(stance.label_articles([{**article, "url": "https://www.regjeringen.no/en/a"}]))
    assert [r.label for r in plain] == ["neutral"] * 2
    assert [r.label for r in sited] == ["western_intelligence"] * 2
    assert [r.outlet for r in sited] == ["Press release"] * 2  # the row keeps the outlet given


def test_label_dataset_reads_outlet_and_url_as_label_articles_does() -> None:
    from datasets import Dataset

    text = "Norway will provide 2 billion kroner in military support to Ukraine this year."
    records = [
        {"id": "plain", "text": text, "outlet": "Press release", "url": ""},
        {
            "id": "sited",
            "text": text,
            "outlet": "Press release",
            "url": "https://www.regjeringen.no/a",
        },
    ]
    out = stance.label_dataset(Dataset.from_list(records))
    assert out["label"] == [row.label for row in stance.label_articles(records)]
    assert out["label"] == ["neutral", "western_intelligence"]
