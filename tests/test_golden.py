"""Behaviour unchanged: the features of every annotated sentence, and the shipped model's
probabilities of it, are those recorded in tests/golden/features.jsonl (see tests/golden.py).

The small annotation files are checked in the fast loop, every file in the full run.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import golden

SMALL = 1_000  # sentences: files with fewer are checked in the fast loop too


def _param(path: Path) -> object:
    size = sum(len(d.sentences) for d in golden.documents(path))
    return pytest.param(path.name, marks=[pytest.mark.slow] if size >= SMALL else [], id=path.name)


@pytest.fixture(scope="module")
def stored() -> tuple[dict, dict]:
    return golden.read()


def test_every_annotation_file_is_recorded(stored: tuple[dict, dict]) -> None:
    _header, entries = stored
    assert {file for file, _doc in entries} == {p.name for p in golden.annotation_files()}, (
        f"an annotation file was added or removed: regenerate with {golden.REGENERATE}"
    )


@pytest.mark.parametrize("name", [_param(path) for path in golden.annotation_files()])
def test_features_and_probabilities_of_every_annotated_sentence(
    name: str, stored: tuple[dict, dict]
) -> None:
    header, entries = stored
    expected = {doc: entry for (file, doc), entry in entries.items() if file == name}
    got = {e["doc"]: e for e in golden.entries([golden.ANNOTATIONS / name])}
    assert list(got) == list(expected), f"{name}: other documents than recorded"
    differ = {
        doc: [key for key in ("sentences", "features", "proba") if got[doc][key] != e[key]]
        for doc, e in expected.items()
    }
    differ = {doc: keys for doc, keys in differ.items() if keys}
    if differ:
        now = golden.header()
        why = (
            " (the shipped model's weights changed since the record was made)"
            if now["model_weights_sha256"] != header["model_weights_sha256"]
            else ""
        )
        shown = "\n".join(f"  {doc}: {', '.join(keys)}" for doc, keys in list(differ.items())[:10])
        pytest.fail(
            f"{name}: {len(differ)} of {len(expected)} documents differ{why}:\n{shown}\n"
            f"See one with: .venv/bin/python -m tests.golden --show {name} DOC (diff it against "
            f"a checkout of main). If the change is intended, regenerate: {golden.REGENERATE}",
            pytrace=False,
        )
