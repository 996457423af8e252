"""One behaviour, two implementations: the compiled reading core equals the Python reference.

The Python modules of stance.text are the specification; stance/text/_compiled.pyx is the same
reading in C (stance/_core.py chooses the core). These tests hold the compiled core to the
reference on arbitrary unicode, on news-like fragments made of the words and marks the reading
turns on, and on every annotated sentence read as articles: the same sentence spans, gazetteer
mentions, attributions, feature rows (ids into the model), first-stage scores, probabilities
(to 1e-9) and cues. Without a built core they are skipped (failed in CI: conftest.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import stance
from stance import _core
from stance.text._actors import load_gazetteer
from stance.text._features import _read_article, featurize_article
from stance.text._splitting import split_bounded
from tests.conftest import compiled_or_skip
from tests.strategies import (
    alias_in_context,
    examples,
    news_fragments,
    unicode_text,
    voice_texts,
)

ROOT = Path(__file__).resolve().parent.parent

# Words, names and marks the reading turns on: reporting verbs, pronouns, gazetteer names
# (ambiguous ones too), denials, "what it calls", speaker tags, datelines, abbreviations,
# quotation marks, dashes, colons, line breaks, and letters whose case is special.
WORDS = (
    "said says told according to in its his their daily update briefing he she they it we I "
    "you the ministry Russia Russian Ukraine Ukrainian British UK U.S. US NATO Kremlin Moscow "
    "Kyiv Zelensky Zelenskiy Peskov Shoigu Kirby Price Ned MoD officials official spokesman "
    "what calls called need to disgrace disgraceful not didn't didn’t declined refused comment "
    "is was a an at of for TASS Reuters ISW assesses assess Institute Study War Q QUESTION "
    "MR. KIRBY MOSCOW Dec 20 Feb. Mr. J. 3. 2022 St. adding saying warned claims report reports "
    "thanks also has have had would could again Comments Reply Editorial Opinion view on "
    "likely probably must shameful Below full text address Britain's Kyiv's pro-Russian "
    "Russian-backed German EU French Ukrainian-backed defence ministry the country's prime "
    "minister President Russians likes Like Share ago hours More in this report Ukrinform "
    "KYIV /TASS/ RIA Novosti u/kyiv_watcher @osint_42 every any some no each"
).split()
MARKS = [*" .,:;!?\"'“”«»‘’—–-()[]_/…\n\t\u2028\x1c\x1f", "İ", "ı", "ſ", "K", "Σ"]


@st.composite
def fragments(draw: st.DrawFn) -> str:
    """A news-like fragment: words and marks of the reading, joined loosely."""
    parts = draw(st.lists(st.sampled_from(WORDS + MARKS), max_size=24))
    glue = draw(st.sampled_from([" ", "", " ", "  "]))
    return glue.join(parts)


# Whole lines that decide a document's kind: a comment thread's furniture, a "Comments" link, a
# lead-in, comments' openers, datelines with and without an agency, kickers, a first person.
LINES = (
    "Reply", "12 likes", "3 hours ago", "u/kyiv_watcher", "@osint_42", "Comments", "Comments:",
    " COMMENTS : ", "More in this report:", "Share", "Reply:", "Like Reply", "KYIV, Ukrinform",
    "KYIV, March 3 (Reuters) -", "MOSCOW, December 20. /TASS/.", "/TASS/.", "MOSCOW (Sputnik) -",
    "MOSCOW, December 20.", "Editorial: the war", "Opinion", "We believe the war must end.",
    "I think so?", "We will not stop.", "ISW assesses that Russia lost momentum.",
    "1) Agreed.", " 12)  So what?", "3)", "@osint_42 no.", "@kyiv: yes", "> Kyiv says so.", ">",
    "٣) no", "1 ) x", "—Jane Roe is a fellow at RUSI.",
    "Sudzha was the seat of the Government of Ukraine.",
    "Welcome to Chatham House; I'm Jane Roe.", "I am joined by RUSI experts.", "We assess so.",
)  # fmt: skip

sentences = st.one_of(
    st.sampled_from(LINES),
    unicode_text(120),
    fragments(),
    news_fragments(),
    voice_texts(),
    alias_in_context().map("".join),
)
articles = st.lists(sentences, min_size=1, max_size=6)
outlets = st.sampled_from(
    [
        None,
        "",
        "TASS",
        "Reuters",
        "ISW",
        "the Pentagon",
        "Ukrinform",
        "The Guardian (www.theguardian.com) (opinion section)",  # with_site's opinion section
        " (opinion section)",
    ]
)


@pytest.fixture(scope="module")
def compiled() -> object:
    compiled_or_skip()
    return _core.compiled()


@pytest.fixture(scope="module")
def model() -> stance.Model:
    return stance.load()


@pytest.fixture(scope="module")
def reader(compiled: object, model: stance.Model) -> object:
    return compiled.Reader(model._names, model.feature_groups)  # type: ignore[attr-defined]


def reference(sentences: list[str], outlet: str | None, model: stance.Model) -> tuple:
    """The Python reference's reading of one article: mentions, attributions, feature rows."""
    gazetteer = load_gazetteer()
    read = _read_article(sentences, gazetteer, outlet)
    rows = [
        {model._index[name] for name in names if name in model._index}
        for names in featurize_article(sentences, model.feature_groups, outlet=outlet)
    ]
    return [r.mentions for r in read], [r.attribution for r in read], rows


def assert_same_reading(
    reader: object, model: stance.Model, sentences: list[str], outlet: str | None
) -> None:
    mentions, attributions, rows = reference(sentences, outlet, model)
    c_mentions, c_attributions, c_rows = reader.inspect(sentences, outlet)  # type: ignore[attr-defined]
    for i, sentence in enumerate(sentences):
        assert c_mentions[i] == mentions[i], (sentence, "mentions")
        assert c_attributions[i] == attributions[i], (sentence, "attribution")
        assert c_rows[i] == rows[i], (
            sentence,
            sorted(model._names[r] for r in rows[i] ^ c_rows[i]),
        )


def assert_same_labels(model: stance.Model, sentences: list[str], **kwargs: object) -> None:
    with _core.using("python"):
        expected = model.label(sentences, top=3, **kwargs)
    with _core.using("compiled"):
        found = model.label(sentences, top=3, **kwargs)
    np.testing.assert_allclose(found.proba, expected.proba, rtol=0, atol=1e-9)
    assert found.best.tolist() == expected.best.tolist()
    # The same cues in the same order; their weights to 1e-9 (the document stage's push is
    # summed in another order by the compiled core).
    assert [[c.feature for c in row] for row in found.cues] == [
        [c.feature for c in row] for row in expected.cues
    ]
    np.testing.assert_allclose(
        [c.weight for row in found.cues for c in row],
        [c.weight for row in expected.cues for c in row],
        rtol=0,
        atol=1e-9,
    )


def assert_same_spans(compiled: object, text: str, max_chars: int) -> None:
    expected = [(span.start, span.end, cut) for span, cut in split_bounded(text, max_chars)]
    assert compiled.split_spans(text, max_chars) == expected, text  # type: ignore[attr-defined]


# -- arbitrary text ----------------------------------------------------------------------------


@given(articles, outlets)
@examples(400)
def test_the_same_reading_of_arbitrary_articles(
    reader: object, model: stance.Model, sentences: list[str], outlet: str | None
) -> None:
    assert_same_reading(reader, model, sentences, outlet)


@given(st.lists(articles, min_size=1, max_size=4), outlets)
@examples(150)
def test_the_same_probabilities_and_cues(
    compiled: object, model: stance.Model, docs: list[list[str]], outlet: str | None
) -> None:
    texts = [s for doc in docs for s in doc]
    ids = [n for n, doc in enumerate(docs) for _ in doc]
    assert_same_labels(model, texts, doc_ids=ids, outlets=[outlet] * len(texts))
    assert_same_labels(model, texts)  # each sentence alone


@pytest.mark.parametrize(
    "sentence", ["Σ:ı", "ΣΑ: ı said", "I met ΟΔΥΣΣΕΑΣ in İstanbul", "ſo ΣΟΣ", "Σ \u212aiev"]
)
def test_a_capital_sigma_beside_a_letter_fold_maps_first(
    reader: object, model: stance.Model, sentence: str
) -> None:
    # Found by the test above: the compiled fold left "ı" unmapped after a capital sigma.
    assert_same_reading(reader, model, [sentence], None)
    assert_same_labels(model, [sentence])


@given(st.lists(sentences, max_size=8), st.integers(min_value=1, max_value=60))
@examples(300)
def test_the_same_spans(compiled: object, lines: list[str], max_chars: int) -> None:
    for glue in ("\n", " ", "  "):
        text = glue.join(lines)
        assert_same_spans(compiled, text, max_chars)
        assert_same_spans(compiled, text, 1_000)


def test_the_same_spans_of_a_line_longer_than_the_window(
    compiled: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from stance.text import _splitting

    # The windows of a line over 100,000 characters, on a short line: the same cuts.
    monkeypatch.setattr(_splitting, "LINE_WINDOW", 97)
    text = ("Kyiv held. " * 30 + "x" * 50 + " ") * 3
    expected = [(s.start, s.end, cut) for s, cut in split_bounded(text, 40)]
    assert any(cut for _, _, cut in expected)
    assert compiled.split_spans(text, 40, 97) == expected  # type: ignore[attr-defined]


def test_character_classes_are_python_s(compiled: object) -> None:
    assert compiled.char_class_mismatches() == []  # type: ignore[attr-defined]


def test_lower_case_is_python_s(compiled: object) -> None:
    # The compiled fold writes each character's simple lower case; str.lower's full mapping
    # must give the same one character for every code point it does not leave to Python.
    assert compiled.lower_mismatches() == []  # type: ignore[attr-defined]


# -- every annotated sentence, read as articles ------------------------------------------------


def annotated_articles() -> Iterator[tuple[str, list[str], str | None]]:
    """Each annotation file's documents: sentences grouped by doc, in idx order."""
    for path in sorted((ROOT / "annotations").glob("*.jsonl")):
        docs: dict[str, list[dict]] = {}
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                docs.setdefault(str(record["doc"]), []).append(record)
        for doc, records in docs.items():
            records.sort(key=lambda r: r.get("idx", 0))
            outlet = records[0].get("outlet") or None
            yield f"{path.name}:{doc}", [r["text"] for r in records], outlet


ANNOTATED = list(annotated_articles())


def test_there_are_annotated_articles() -> None:
    assert len(ANNOTATED) > 300
    assert sum(len(sentences) for _, sentences, _ in ANNOTATED) > 8_000


@pytest.mark.slow  # reads every annotated article with both cores (a minute or more)
@pytest.mark.parametrize("outlet", [None, "own", "TASS"])
def test_the_same_reading_of_every_annotated_article(
    reader: object, model: stance.Model, outlet: str | None
) -> None:
    for _name, sentences, own in ANNOTATED:
        assert_same_reading(reader, model, sentences, own if outlet == "own" else outlet)


@pytest.mark.slow  # labels every annotated article with both cores
@pytest.mark.parametrize("with_outlets", [False, True])
def test_the_same_probabilities_on_every_annotated_article(
    compiled: object, model: stance.Model, with_outlets: bool
) -> None:
    texts = [s for _, sentences, _ in ANNOTATED for s in sentences]
    ids = [name for name, sentences, _ in ANNOTATED for _ in sentences]
    sources = [own or "TASS" for _, sentences, own in ANNOTATED for _ in sentences]
    assert_same_labels(model, texts, doc_ids=ids, outlets=sources if with_outlets else None)


@pytest.mark.slow  # reads every annotated article with both cores
def test_the_same_stage_states_of_every_annotated_article(
    reader: object, model: stance.Model
) -> None:
    """The compiled reading's document-stage states (no source named, a voice of its own, the
    kinds of the document) are :func:`free_sentences` of the reference's features."""
    from stance.model._document_stage import free_sentences

    kinds_seen = 0
    for name, sentences, own in ANNOTATED:
        bounds = [(0, len(sentences))]
        states = reader.read(sentences, bounds, [own], model._fixed)[3]  # type: ignore[attr-defined]
        expected = free_sentences(featurize_article(sentences, model.feature_groups, outlet=own))
        assert states.tolist() == expected.tolist(), name
        kinds_seen += bool(expected[:, 2:].any())
    assert kinds_seen > 100  # the kinds' flags are exercised, not only the first two


def test_the_same_spans_of_every_annotated_passage_and_seed(compiled: object) -> None:
    for _name, sentences, _ in ANNOTATED:
        for glue in ("\n", " "):
            assert_same_spans(compiled, glue.join(sentences), 1_000)
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        assert_same_spans(compiled, path.read_text(encoding="utf-8"), 1_000)


@pytest.mark.slow  # starts worker processes (jobs=2)
def test_the_same_rows_from_label_articles(compiled: object, seed_texts: dict[str, str]) -> None:
    articles = [{"id": name, "text": text, "outlet": "TASS"} for name, text in seed_texts.items()]
    model = stance.load()
    with _core.using("python"):
        expected = [row.row() for row in stance.label_articles(articles, model=model)]
    with _core.using("compiled"):
        found = [row.row() for row in stance.label_articles(articles, model=model)]
        in_two = [row.row() for row in stance.label_articles(articles, model=model, jobs=2)]
    assert len(found) == len(expected) > 200
    for got, want in zip(found, expected):
        assert {k: v for k, v in got.items() if not k.startswith("p_")} == {
            k: v for k, v in want.items() if not k.startswith("p_")
        }
        assert all(abs(got[k] - want[k]) <= 1e-9 for k in got if k.startswith("p_"))
    assert in_two == found


# -- the document stage ---------------------------------------------------------------------


def test_the_stage_columns_are_the_reference_s(compiled: object) -> None:
    from stance._labels import LABELS
    from stance.model._document_stage import COLUMNS

    blocks = compiled.STAGE_BLOCKS  # type: ignore[attr-defined]
    tail = compiled.STAGE_TAIL  # type: ignore[attr-defined]
    assert (*(f"{b}:{label}" for b in blocks for label in LABELS), *tail) == COLUMNS


@st.composite
def stage_inputs(draw: st.DrawFn) -> tuple:
    """First-stage scores of documents of 1-6 sentences, their states and stage weights."""
    from stance.model._document_stage import COLUMNS, N_STATES

    lengths = draw(st.lists(st.integers(min_value=1, max_value=6), min_size=0, max_size=5))
    n, k = sum(lengths), 5
    seed = draw(st.integers(min_value=0, max_value=2**32 - 1))
    rng = np.random.default_rng(seed)
    scale = draw(st.sampled_from([0.1, 3.0, 40.0]))  # probabilities near uniform to near 0/1
    first = rng.normal(scale=scale, size=(n, k))
    states = rng.integers(0, 2, size=(n, N_STATES)).astype(bool)
    if draw(st.booleans()):
        states[:, 0] = False  # documents where every sentence names a source
    coef = rng.normal(size=(len(COLUMNS), k))
    intercept = rng.normal(size=k)
    return first, lengths, states, coef, intercept


@given(stage_inputs())
@examples(300)
def test_the_same_document_stage(compiled: object, inputs: tuple) -> None:
    """The fused compiled stage equals document_rows, the second stage and its softmax, and
    the document columns' push at the chosen label."""
    from stance.model._document_stage import document_stage

    first, lengths, states, coef, intercept = inputs
    starts = np.cumsum([0, *lengths[:-1]]).astype(np.int64) if lengths else np.zeros(0, np.int64)
    slices = [slice(int(a), int(a) + b) for a, b in zip(starts, lengths)]
    lift = coef - coef.mean(axis=1, keepdims=True)
    proba, best, pushed = document_stage(first, slices, states, coef, intercept, lift)
    c_proba, c_best, c_pushed = compiled.document_stage(  # type: ignore[attr-defined]
        first,
        starts,
        np.array(lengths, dtype=np.int64),
        states.view(np.uint8),
        coef,
        intercept,
        lift,
    )
    np.testing.assert_allclose(c_proba, proba, rtol=0, atol=1e-9)
    assert c_best.tolist() == best.tolist()
    np.testing.assert_allclose(c_pushed, pushed, rtol=0, atol=1e-9)


def test_the_document_stage_refuses_articles_that_do_not_cover_the_sentences(
    compiled: object,
) -> None:
    from stance.model._document_stage import COLUMNS, N_STATES

    first, states = np.zeros((4, 5)), np.zeros((4, N_STATES), dtype=np.uint8)
    coef, intercept = np.zeros((len(COLUMNS), 5)), np.zeros(5)
    for starts, lengths in (([0], [3]), ([0, 2], [3, 1]), ([1], [3]), ([0, 2], [2, 0])):
        with pytest.raises(ValueError, match="cover the sentences"):
            compiled.document_stage(  # type: ignore[attr-defined]
                first,
                np.array(starts, dtype=np.int64),
                np.array(lengths, dtype=np.int64),
                states,
                coef,
                intercept,
                coef,
            )
    with pytest.raises(ValueError, match="expected"):
        compiled.document_stage(  # type: ignore[attr-defined]
            first,
            np.array([0], np.int64),
            np.array([4], np.int64),
            states,
            coef[1:],
            intercept,
            coef,
        )


@given(
    st.integers(min_value=0, max_value=2**32 - 1),
    st.integers(min_value=0, max_value=5),
    st.integers(min_value=1, max_value=12),
)
@examples(200)
def test_the_same_document_cues(compiled: object, seed: int, top: int, n: int) -> None:
    """insert_document_cues equals Model._add_document_cues on cues as the cue makers leave
    them: strongest first, padded with -1."""
    rng = np.random.default_rng(seed)
    weights = -np.sort(-rng.choice([0.2, 0.5, 0.7, 1.0, 2.0, -0.3], size=(n, top)), axis=1)
    rows = rng.integers(0, 50, size=(n, top)).astype(np.int32)
    padded = rng.integers(0, top + 1, size=n)
    for i, keep in enumerate(padded):
        rows[i, keep:], weights[i, keep:] = -1, 0.0
    pushed = rng.choice([0.1, 0.5, 0.6, 0.7, 1.0, 3.0], size=n)
    best = rng.integers(0, 5, size=n).astype(np.intp)
    model = stance.load()
    expected_rows, expected_weights = rows.copy(), weights.copy()
    model._add_document_cues(pushed, best, expected_rows, expected_weights)
    compiled.insert_document_cues(  # type: ignore[attr-defined]
        rows, weights, pushed, best, 0.5, len(model._names) + 1
    )
    assert rows.tolist() == expected_rows.tolist()
    assert weights.tolist() == expected_weights.tolist()


# Any code point, lone surrogates included (JSON can carry them; UTF-8 cannot).
any_text = st.text(st.characters(exclude_categories=()), max_size=60)


@given(
    st.lists(
        st.tuples(
            st.one_of(st.text(max_size=12), any_text),
            st.text(max_size=12),
            st.text(max_size=6),
            st.one_of(st.text(max_size=60), any_text),
            st.integers(min_value=0, max_value=10**9),
            st.lists(
                st.tuples(
                    st.integers(min_value=0, max_value=70),
                    st.integers(min_value=0, max_value=70),
                    st.lists(st.floats(min_value=0, max_value=1), min_size=5, max_size=5),
                    st.lists(st.text(max_size=12), max_size=3).map(tuple),
                    st.booleans(),
                ),
                max_size=4,
            ),
        ),
        max_size=4,
    ),
    st.one_of(st.none(), st.floats(min_value=0, max_value=1)),
)
@examples(300)
def test_the_same_rows_and_json_lines(
    compiled: object, units: list[tuple], min_confidence: float | None
) -> None:
    """The compiled core makes a batch's rows as the reference does, and writes its JSON
    Lines from its columns byte for byte as the rows' dicts are written by _io.jsonl_bytes
    (which escapes a batch with a lone surrogate)."""
    from stance._io import jsonl_bytes
    from stance.batch._labelling import Article, LabelledBatch, _Labels, _Unit

    batch_units, counts, bounds, proba, cues, cut = [], [], [], [], [], []
    for ident, outlet, date, text, offset, sentences in units:
        batch_units.append(
            _Unit(Article(ident, text, outlet, date), offset, offset % 7, None, True)
        )
        counts.append(len(sentences))
        for start, end, p, sentence_cues, flag in sentences:
            bounds.append((start, end))
            proba.append(p)
            cues.append(sentence_cues)
            cut.append(flag)
    proba_array = np.array(proba, dtype=float).reshape(len(proba), 5)
    labels = _Labels(
        counts,
        np.array(bounds, dtype=np.int64).reshape(len(bounds), 2),
        proba_array,
        proba_array.argmax(axis=1) if len(proba) else np.zeros(0, dtype=np.intp),
        cues,
        np.array(cut, dtype=bool),
    )
    rows = LabelledBatch(batch_units, labels, min_confidence)._make_rows()  # the reference
    expected = jsonl_bytes([row.row() for row in rows])
    for core in ("compiled", "python"):
        with _core.using(core):
            batch = LabelledBatch(batch_units, labels, min_confidence)
            assert batch.jsonl() == expected
            assert batch.rows() == rows
            assert [type(v) for row in batch.rows() for v in row] == [
                type(v) for row in rows for v in row
            ]


@given(st.lists(st.floats(allow_nan=False, allow_infinity=False), max_size=50))
@examples(300)
def test_floats_written_as_repr_writes_them(compiled: object, values: list[float]) -> None:
    reprs = compiled.float_reprs(np.array(values, dtype=np.float64))  # type: ignore[attr-defined]
    assert reprs == [repr(value) for value in values]


def test_probabilities_written_as_repr_writes_them(compiled: object) -> None:
    """The JSON writer's own shortest digits for 1e-7 <= p < 1, against float.__repr__: uniform
    and log-uniform values, softmax rows, raw bit patterns, and short decimals (to 17 digits)
    and their neighbours, where the shortest length is decided."""
    rng = np.random.default_rng(19)
    n = 200_000
    scores = rng.normal(0, 5, (n // 5, 5))
    exp = np.exp(scores - scores.max(axis=1, keepdims=True))
    digits = rng.integers(1, 18, n)
    short = rng.integers(10 ** (digits - 1), 10**digits) / 10.0 ** (digits + rng.integers(0, 8, n))
    low, high = np.float64(1e-7).view(np.int64), np.float64(1.0).view(np.int64)
    samples = [
        rng.random(n),
        10 ** rng.uniform(-8, 0, n),
        (exp / exp.sum(axis=1, keepdims=True)).ravel(),
        rng.integers(low, high, n, dtype=np.int64).view(np.float64),
        short,
        np.nextafter(short, 1.0),
        np.nextafter(short, 0.0),
    ]
    for values in samples:
        values = np.ascontiguousarray(values)
        reprs = compiled.float_reprs(values)  # type: ignore[attr-defined]
        wrong = [(v, r) for v, r in zip(values.tolist(), reprs) if r != repr(v)]
        assert not wrong, wrong[:5]


# -- choosing the core -------------------------------------------------------------------------


@pytest.mark.slow  # starts Python processes
def test_the_environment_variable_forces_the_reference(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    code = "from stance import _core; print(_core.active())"
    env = {**os.environ, "STANCE_CORE": "python"}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "python"
    version = subprocess.run(
        [sys.executable, "-m", "stance", "--version"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "python core" in version.stdout


def test_version_names_the_core_in_use(capsys: pytest.CaptureFixture[str]) -> None:
    from stance._cli import main

    with pytest.raises(SystemExit):
        main(["--version"])
    shown = capsys.readouterr().out
    assert shown.startswith(f"stance {stance.__version__} (")
    assert ("compiled core" in shown) == (_core.active() == "compiled")


def test_a_stale_build_is_not_used(compiled: object, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(compiled, "SOURCE_SHA256", "0" * 64)
    assert "another version" in (_core._stale(compiled) or "")  # type: ignore[arg-type]


def test_a_build_of_another_feature_version_is_not_used(
    compiled: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from stance.text._features import FEATURE_VERSION

    assert compiled.FEATURE_VERSION == FEATURE_VERSION  # type: ignore[attr-defined]
    monkeypatch.setattr(compiled, "FEATURE_VERSION", FEATURE_VERSION - 1)
    assert f"feature version {FEATURE_VERSION - 1}" in (_core._stale(compiled) or "")  # type: ignore[arg-type]


def test_article_bounds_outside_the_texts_are_refused(reader: object, model: stance.Model) -> None:
    # The reading indexes the texts unchecked, so the bounds are checked before it starts.
    texts = ["One sentence.", "Another one."]
    with pytest.raises(ValueError, match=r"bounds \(0, 3\) outside the 2 texts"):
        reader.read(texts, [(0, 3)], [None], model._fixed)  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="1 outlets for 2 articles"):
        reader.read(texts, [(0, 1), (1, 2)], [None], model._fixed)  # type: ignore[attr-defined]
