"""stance.batch._spark against a real local[2] Spark session started here, once for the module.

Needs pyspark (``pip install "stance[spark]"``) and Java 17+; skipped with the reason otherwise.
The tests label with the shipped model (``stance.load()``). To try them with another model,
e.g. before the shipped one exists, point ``STANCE_TEST_MODEL`` at a saved model directory::

    STANCE_TEST_MODEL=/tmp/spark_model PYTHONPATH=. .venv/bin/python -m pytest tests/test_spark.py
"""

from __future__ import annotations

import csv
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import stance
from stance.batch._labelling import COLUMNS

pytestmark = [
    pytest.mark.spark,
    pytest.mark.slow,
    # pyspark 4.x warns on each pandas >= 3 use; these tests check the rows bit for bit.
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
]

pyspark = pytest.importorskip(
    "pyspark", reason='pyspark is not installed: pip install "stance[spark]"'
)
if not (shutil.which("java") or os.environ.get("JAVA_HOME")):
    pytest.skip("Spark needs Java 17+: no `java` on PATH and no JAVA_HOME", allow_module_level=True)

from pyspark.sql import DataFrame, SparkSession  # noqa: E402

from stance.batch._spark import label_dataframe, label_paths, output_schema, spark_session  # noqa: E402

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
HUGE = 200_000


@pytest.fixture(scope="module")
def model_path() -> str | None:
    """The model to label with: $STANCE_TEST_MODEL if set, else the shipped one (None)."""
    return os.environ.get("STANCE_TEST_MODEL") or None


@pytest.fixture(scope="module")
def spark() -> Iterator[SparkSession]:
    session = spark_session("local[2]", app_name="stance-tests")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def articles() -> list[dict[str, Any]]:
    """The seed articles with their catalog outlet and date, and one 200k-character article."""
    with (SEEDS / "catalog.csv").open(encoding="utf-8") as handle:
        catalog = {row["file"]: row for row in csv.DictReader(handle)}
    items = [
        {
            "id": path.stem,
            "text": path.read_text(encoding="utf-8"),
            "outlet": catalog[path.name]["outlet"],
            "date": catalog[path.name]["published"],
        }
        for path in sorted(SEEDS.glob("*.txt"))
    ]
    longest = max(items, key=lambda item: len(item["text"]))["text"]
    huge = (longest * (HUGE // len(longest) + 1))[:HUGE]
    return [*items, {"id": "huge", "text": huge, "outlet": "", "date": ""}]


@pytest.fixture(scope="module")
def expected(articles: list[dict[str, Any]], model_path: str | None) -> list[dict[str, Any]]:
    """The single-machine rows: ``stance.label_articles`` on the same articles."""
    rows = [r.row() for r in stance.label_articles(articles, model=stance.load(model_path))]
    return sorted(rows, key=lambda r: (r["article_id"], r["idx"]))


def collected(df: DataFrame) -> list[dict[str, Any]]:
    return sorted((r.asDict() for r in df.collect()), key=lambda r: (r["article_id"], r["idx"]))


def assert_same_rows(got: list[dict[str, Any]], want: list[dict[str, Any]]) -> None:
    assert len(got) == len(want)
    for a, b in zip(got, want, strict=True):
        if a != b:
            differing = {k: (a[k], b[k]) for k in b if a[k] != b[k]}
            hint = ""
            if all(k.startswith("p_") and abs(x - y) < 1e-12 for k, (x, y) in differing.items()):
                # Same label, last bits apart: the scores were summed in another order in the
                # executor, i.e. an order that depends on the process (str hash seed), not Spark.
                hint = (
                    " (last bits only: the model sums a sentence's weights in an order "
                    "that varies between processes; jobs=1 and jobs=2 differ alike)"
                )
            raise AssertionError(f"row {b['article_id']}/{b['idx']} differs: {differing}{hint}")


def test_rows_equal_label_articles_and_bad_rows_are_skipped(
    spark: SparkSession,
    articles: list[dict[str, Any]],
    expected: list[dict[str, Any]],
    model_path: str | None,
) -> None:
    # A null text is skipped (no rows); the huge text is labelled like any other.
    inputs = [{**a, "n": i} for i, a in enumerate(articles)]
    inputs.append({"id": "null-text", "text": None, "outlet": "x", "date": "2024-01-01", "n": -1})
    df = spark.createDataFrame(
        inputs, "id string, text string, outlet string, date string, n long"
    ).repartition(2)
    out = label_dataframe(df, model_path=model_path)
    assert out.columns == [*COLUMNS, "n"]
    assert out.schema == output_schema(df.schema, {"id", "text", "outlet", "date"})
    got = collected(out)
    number = {a["id"]: i for i, a in enumerate(articles)}
    assert all(row.pop("n") == number[row["article_id"]] for row in got)  # carried through
    assert_same_rows(got, expected)
    assert sum(r["article_id"] == "huge" for r in got) > 1000
    assert sum(r["end"] - r["start"] for r in got if r["article_id"] == "huge") > HUGE // 2


def test_an_articles_url_is_read_as_evidence_and_carried_through(
    spark: SparkSession, model_path: str | None
) -> None:
    text = "Norway will provide 2 billion kroner in military support to Ukraine this year."
    inputs = [
        {"id": "plain", "text": text, "outlet": "Press release", "url": None},
        {
            "id": "sited",
            "text": text,
            "outlet": "Press release",
            "url": "https://www.regjeringen.no/a",
        },
    ]
    df = spark.createDataFrame(inputs, "id string, text string, outlet string, url string")
    out = label_dataframe(df, model_path=model_path)
    assert out.columns == [*COLUMNS, "url"]
    got = {row["article_id"]: row for row in collected(out)}
    expected = {
        row.article_id: row.label
        for row in stance.label_articles(
            [{k: v for k, v in a.items() if v is not None} for a in inputs],
            model=stance.load(model_path),
        )
    }
    assert {k: r["label"] for k, r in got.items()} == expected
    assert expected == {"plain": "neutral", "sited": "western_intelligence"}
    assert got["sited"]["url"] == "https://www.regjeringen.no/a" and got["plain"]["url"] is None


def test_non_string_text_is_skipped_and_empty_input_works(
    spark: SparkSession, model_path: str | None
) -> None:
    structs = spark.createDataFrame(
        [("a", ("Peskov said the talks failed.",), 3), ("b", None, 4)],
        "id string, text struct<body:string>, words int",
    )
    assert label_dataframe(structs, model_path=model_path).count() == 0
    numbers = label_dataframe(structs.drop("text"), text_col="words", model_path=model_path)
    assert numbers.count() == 0
    empty = spark.createDataFrame([], "id string, text string, outlet string, date string")
    labelled = label_dataframe(empty, model_path=model_path)
    assert labelled.schema == output_schema(empty.schema, {"id", "text", "outlet", "date"})
    assert labelled.collect() == []


def test_label_paths_parquet_round_trip(
    spark: SparkSession,
    tmp_path: Path,
    articles: list[dict[str, Any]],
    expected: list[dict[str, Any]],
    model_path: str | None,
) -> None:
    import pandas as pd

    source = tmp_path / "articles"
    source.mkdir()
    rows = [*articles, {"id": "null-text", "text": None, "outlet": "", "date": ""}]
    pd.DataFrame(rows[:3]).to_parquet(source / "part-0.parquet")
    pd.DataFrame(rows[3:]).to_parquet(source / "part-1.parquet")
    counts = label_paths(source, tmp_path / "labelled", master="local[2]", model_path=model_path)
    assert counts["articles"] == len(rows)
    assert counts["skipped"] == 1
    assert counts["sentences"] == len(expected)
    assert (counts["input_format"], counts["output_format"]) == ("parquet", "parquet")
    written = pd.read_parquet(tmp_path / "labelled")
    assert list(written.columns) == list(COLUMNS)
    got = sorted(written.to_dict("records"), key=lambda r: (r["article_id"], r["idx"]))
    assert_same_rows(
        [{k: v.item() if hasattr(v, "item") else v for k, v in r.items()} for r in got], expected
    )
    assert not spark.sparkContext._jsc.sc().isStopped()  # the shared session was left running


def test_label_paths_json_lines_skips_a_number_text(
    spark: SparkSession,
    tmp_path: Path,
    articles: list[dict[str, Any]],
    expected: list[dict[str, Any]],
    model_path: str | None,
) -> None:
    # Spark's JSON reader would read 42 as the text "42"; stance label skips it, so must we.
    lines = [articles[0], {"id": "number", "text": 42}, {"id": "object", "text": {"a": "b"}}]
    source = tmp_path / "articles.jsonl"
    source.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    counts = label_paths(source, tmp_path / "labelled.jsonl", model_path=model_path)
    assert (counts["input_format"], counts["output_format"]) == ("json", "json")
    assert (counts["articles"], counts["skipped"]) == (3, 2)
    assert counts["sentences"] == sum(r["article_id"] == articles[0]["id"] for r in expected)
