"""The annotation files: complete, exact, valid; and the loader's errors name file and line."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given

import stance
from stance.annotate._records import TRAINING, read_annotations, shipped_path
from stance.text._splitting import split_sentences
from tests.strategies import examples, labelled_texts

SEED_NAMES = sorted(p.name for p in (Path(__file__).parent.parent / "seeds").glob("*.txt"))


def test_every_seed_sentence_labelled_once_in_order(seed_texts: dict[str, str]) -> None:
    records = read_annotations(shipped_path("seeds"))
    by_doc: dict[str, list[dict]] = {}
    for record in records:
        by_doc.setdefault(record["doc"], []).append(record)
    assert sorted(by_doc) == SEED_NAMES
    for name, text in seed_texts.items():
        expected = [(s.start, s.end, s.text) for s in split_sentences(text)]
        got = [(r["start"], r["end"], r["text"]) for r in by_doc[name]]
        assert got == expected, name
        assert [r["idx"] for r in by_doc[name]] == list(range(len(expected)))
        assert all(r["label"] in stance.LABELS for r in by_doc[name])


@pytest.mark.parametrize("name", ["seeds.pass1", "seeds.pass2"])
def test_both_passes_cover_the_same_sentences(name: str) -> None:
    final = read_annotations(shipped_path("seeds"))
    other = read_annotations(shipped_path("seeds").with_name(f"{name}.jsonl"))
    assert [(r["doc"], r["idx"], r["text"]) for r in other] == [
        (r["doc"], r["idx"], r["text"]) for r in final
    ]


def test_adjudication_explains_every_disagreement() -> None:
    root = shipped_path("seeds").parent
    one = read_annotations(root / "seeds.pass1.jsonl")
    two = read_annotations(root / "seeds.pass2.jsonl")
    final = {(r["doc"], r["idx"]): r["label"] for r in read_annotations(shipped_path("seeds"))}
    disagreements = {(a["doc"], a["idx"]) for a, b in zip(one, two) if a["label"] != b["label"]}
    lines = (root / "seeds.adjudication.jsonl").read_text(encoding="utf-8").splitlines()
    adjudicated = {(r["doc"], r["idx"]): r for r in map(json.loads, lines)}
    assert set(adjudicated) == disagreements
    for key, record in adjudicated.items():
        assert record["final"] == final[key] and record["reason"]


def test_authored_set_is_apart_marked_and_large_enough() -> None:
    authored = read_annotations(shipped_path("authored"))
    seeds = {r["text"] for r in read_annotations(shipped_path("seeds"))}
    assert len(authored) >= 2000
    assert all(r["origin"] == "authored" for r in authored)
    assert not seeds & {r["text"] for r in authored}
    counts = Counter(r["label"] for r in authored)
    assert min(counts[label] for label in stance.LABELS) >= 250
    sizes = Counter(r["doc"] for r in authored)
    assert all(3 <= n <= 15 for n in sizes.values())


def test_dev_set_is_out_of_domain_and_sourced() -> None:
    dev = read_annotations(shipped_path("dev"))
    training = {
        r["text"]
        for name in TRAINING
        if name != "seeds"
        for r in read_annotations(shipped_path(name))
    }
    assert len(dev) >= 400 and len({r["doc"] for r in dev}) >= 40
    assert len({r["outlet"] for r in dev}) >= 30
    assert all(r["url"] and r["origin"] == "dev-retold" for r in dev)
    # Only page furniture and stock titles ("(As delivered)", "/TASS/.") recur verbatim.
    shared = training & {r["text"] for r in dev}
    assert all(len(text.split()) <= 8 for text in shared), shared
    sources = (shipped_path("dev").parent / "dev_sources.csv").read_text(encoding="utf-8")
    assert all(doc in sources for doc in {r["doc"] for r in dev})


def test_retold_training_documents_are_marked_sourced_and_apart_from_dev() -> None:
    import csv

    retold = read_annotations(shipped_path("retold_documents"))
    dev = read_annotations(shipped_path("dev"))
    assert all(r["origin"] == "retold" and r["url"] and "outlet" in r for r in retold)
    with (shipped_path("dev").parent / "retold_sources.csv").open(encoding="utf-8") as handle:
        sources = {row["doc"]: row for row in csv.DictReader(handle)}
    assert {r["doc"] for r in retold} == set(sources)
    assert all(r["url"] == sources[r["doc"]]["url"] for r in retold)
    # Never a page the dev set was retold from, and each page retold once.
    assert not {r["url"] for r in retold} & {r["url"] for r in dev}
    urls = [row["url"] for row in sources.values()]
    assert len(set(urls)) == len(urls), sorted(u for u in set(urls) if urls.count(u) > 1)
    indices: dict[str, list[int]] = {}
    for r in retold:
        indices.setdefault(r["doc"], []).append(r["idx"])
    for doc, found in indices.items():
        assert found == list(range(len(found))), doc


@pytest.mark.parametrize(
    ("name", "origin", "apart_from"),
    [
        ("retold_eval", "retold-eval", ("retold_documents", "dev")),
        ("retold_test", "retold-test", ("retold_documents", "dev", "retold_eval")),
    ],
)
def test_the_retold_held_out_sets_are_sourced_and_apart_from_the_others(
    name: str, origin: str, apart_from: tuple[str, ...]
) -> None:
    import csv

    held_out = read_annotations(shipped_path(name))
    assert name not in TRAINING
    assert all(r["origin"] == origin and r["url"] and r["outlet"] for r in held_out)
    root = shipped_path("dev").parent
    with (root / f"{name}_sources.csv").open(encoding="utf-8") as handle:
        sources = {row["doc"]: row for row in csv.DictReader(handle)}
    assert {r["doc"] for r in held_out} == set(sources)
    assert all(r["url"] == sources[r["doc"]]["url"] for r in held_out)
    urls = [row["url"] for row in sources.values()]
    assert len(set(urls)) == len(urls)
    # no page of the training documents, the dev set or an earlier held-out set, and no
    # document of theirs
    sources_of = {"retold_documents": "retold", "dev": "dev", "retold_eval": "retold_eval"}
    for other in apart_from:
        file = f"{sources_of[other]}_sources.csv"
        with (root / file).open(encoding="utf-8") as handle:
            assert not set(urls) & {row["url"] for row in csv.DictReader(handle)}, other
        assert not {r["doc"] for r in held_out} & {
            r["doc"] for r in read_annotations(shipped_path(other))
        }
    indices: dict[str, list[int]] = {}
    for r in held_out:
        indices.setdefault(r["doc"], []).append(r["idx"])
    assert all(found == list(range(len(found))) for found in indices.values())


def test_load_annotations_gives_a_dataset_with_classlabel() -> None:
    ds = stance.load_annotations()
    assert ds.features["label"].names == list(stance.LABELS)
    assert "doc" in ds.column_names and len(ds) == len(read_annotations(shipped_path("seeds")))


def write(tmp_path: Path, records: list[object]) -> Path:
    path = tmp_path / "mine.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


GOOD = {"doc": "a", "idx": 0, "text": "Kyiv said so.", "label": "official_ukrainian"}


@pytest.mark.parametrize(
    ("records", "message"),
    [
        (
            [{k: v for k, v in GOOD.items() if k != "label"}],
            r"mine.jsonl:1: missing field\(s\) label",
        ),
        ([GOOD, {**GOOD, "idx": 1, "label": "ukraine"}], r"mine.jsonl:2: unknown label 'ukraine'"),
        ([GOOD, dict(GOOD)], r"mine.jsonl:2: sentence 0 of 'a' is duplicated \(first at line 1\)"),
        (
            [{**GOOD, "doc": SEED_NAMES[0], "start": 0, "end": 5}],
            r"mine.jsonl:1: offsets 0:5 do not reproduce the text",
        ),
        (["not an object"], r"mine.jsonl:1: expected a JSON object"),
        ([], r"holds no records"),
    ],
)
def test_bad_files_name_file_and_line(tmp_path: Path, records: list[object], message: str) -> None:
    with pytest.raises(stance.AnnotationError, match=message):
        stance.load_annotations(write(tmp_path, records))


def test_invalid_json_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.jsonl"
    path.write_text(json.dumps(GOOD) + "\n{oops\n", encoding="utf-8")
    with pytest.raises(stance.AnnotationError, match=r"broken.jsonl:2: not valid JSON"):
        read_annotations(path)


@given(labelled_texts(20))
@examples(50)
def test_users_own_files_round_trip(records: list[dict]) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        rows = [{"doc": "d", "idx": i, **r} for i, r in enumerate(records)]
        ds = stance.load_annotations(write(Path(folder), rows))
        assert ds["text"] == [r["text"] for r in rows]
        assert [ds.features["label"].int2str(v) for v in ds["label"]] == [r["label"] for r in rows]
