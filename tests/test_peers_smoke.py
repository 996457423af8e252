"""Smoke test of benchmarks/peers.py: the quick peers on a tiny subset give a table in [0, 1]."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "peers.py"


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("peers_benchmark", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


peers = _load_script()


def _first_docs(records: list[dict], n: int) -> list[dict]:
    keep = set(peers.documents(records)[:n])
    return [r for r in records if r["doc"] in keep]


@pytest.fixture(scope="module")
def tiny() -> peers.Data:
    data = peers.load_data()
    return peers.Data(
        seeds=_first_docs(data.seeds, 2),
        authored=_first_docs(data.authored, 12),
        dev=_first_docs(data.dev, 3),
        test=_first_docs(data.test, 3),
    )


@pytest.fixture(scope="module")
def rows(tiny: peers.Data) -> list:
    return peers.run(tiny, quick=True)


@pytest.mark.slow  # runs the benchmark (trains its peers)
def test_quick_rows_score_in_unit_interval(rows: list) -> None:
    scored = [row for row in rows if row.scores]
    assert {row.name.split()[0] for row in scored} == {"TF-IDF", "the", "majority", "attribution"}
    for row in scored:
        assert set(row.scores) == set(peers.REGIMES)
        for scores in row.scores.values():
            assert all(0.0 <= scores[key] <= 1.0 for key in ("loso", "dev", "test"))
            assert len(scores["loso_folds"]) == 2


@pytest.mark.slow  # runs the benchmark (trains its peers)
def test_quick_skips_fasttext_and_minilm_with_a_note(rows: list) -> None:
    skipped = {row.name.split()[0]: row.note for row in rows if not row.scores}
    assert set(skipped) == {"fastText", "MiniLM"}
    assert all("--quick" in note for note in skipped.values())


@pytest.mark.slow  # runs the benchmark (trains its peers)
def test_markdown_table_has_a_row_per_peer_with_figures(rows: list, tiny: peers.Data) -> None:
    table = peers.markdown(rows, tiny)
    lines = [line for line in table.splitlines() if line.startswith("| ")]
    assert len(lines) == 1 + len(rows)
    for line in lines[1:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")[1:]]
        assert len(cells) == 6
        for cell in cells:
            assert cell == "—" or 0.0 <= float(cell) <= 1.0
    assert "zero_division=0" in table


@pytest.mark.slow  # runs the benchmark (trains its peers)
def test_report_is_json_with_the_metric(rows: list, tiny: peers.Data) -> None:
    record = json.loads(json.dumps(peers.report(rows, tiny, ["peers.py", "--quick"], 1.0)))
    assert record["labels"] == list(peers.LABELS)
    assert len(record["rows"]) == len(rows)


def test_rule_uses_earlier_sentences_of_the_same_document_only() -> None:
    doc = [
        {"doc": "a", "idx": 0, "text": "Russia's defence ministry said on Monday:"},
        {"doc": "a", "idx": 1, "text": "The strikes hit the plant, the ministry added."},
        {"doc": "b", "idx": 0, "text": "The strikes hit the plant, the ministry added."},
    ]
    predicted = peers.attribution_rule([], doc)
    assert all(label in peers.LABELS for label in predicted)
    assert predicted[0] == "russian_mod"


def test_majority_and_metric() -> None:
    train = [{"label": "neutral"}, {"label": "neutral"}, {"label": "russian_mod"}]
    assert peers.majority(train, [{}, {}]) == ["neutral", "neutral"]
    assert peers.macro_f1(["neutral"], ["neutral"]) == pytest.approx(0.2)
