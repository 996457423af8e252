"""Comparing outlets: shares, article-bootstrap intervals, the test, near-duplicates, output."""

from __future__ import annotations

import argparse
import csv
import json
import struct
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from scipy.stats import chi2_contingency

from stance._cli import main
from stance._cli.compare import rows_from_inputs
from stance._errors import InputError
from stance._labels import LABELS
from stance.batch._labelling import COLUMNS, SentenceLabel
from stance.compare import bootstrap_shares, compare, compare_outlets, read_rows
from stance.compare._rows import UNDATED
from tests.strategies import bootstrap_seeds, examples, labelled_rows, periods

VOCABULARY = np.array(
    [
        f"{a}{b}"
        for a in ("ka", "lo", "mi", "nu", "pe", "ru", "so", "ta", "vi", "zo")
        for b in (
            "bar",
            "dem",
            "fin",
            "gol",
            "hus",
            "kel",
            "mor",
            "nix",
            "pol",
            "rat",
            "sim",
            "tov",
            "urk",
            "vel",
            "wen",
            "yad",
            "zul",
            "bek",
            "cor",
            "dax",
        )
    ]
)
MIXES = {
    "Kyiv Daily": (0.45, 0.05, 0.10, 0.10, 0.30),
    "Moscow Wire": (0.05, 0.55, 0.05, 0.05, 0.30),
    "London Post": (0.20, 0.10, 0.25, 0.20, 0.25),
}


def sentence_text(rng: np.random.Generator) -> str:
    return " ".join(rng.choice(VOCABULARY, size=int(rng.integers(8, 16)))).capitalize() + "."


def article_rows(
    article_id: str,
    outlet: str,
    date: str,
    labels: list[str],
    rng: np.random.Generator,
    texts: list[str] | None = None,
) -> list[dict[str, Any]]:
    """Rows of one labelled article, shaped like ``stance label`` output."""
    texts = texts if texts is not None else [sentence_text(rng) for _ in labels]
    rows = []
    for idx, (label, text) in enumerate(zip(labels, texts, strict=True)):
        proba = rng.dirichlet(np.ones(len(LABELS)))
        proba[LABELS.index(label)] += 2.0
        proba /= proba.sum()
        rows.append({
            "article_id": article_id, "outlet": outlet, "date": date, "idx": idx,
            "start": 0, "end": len(text), "text": text, "label": label,
            **{f"p_{name}": float(p) for name, p in zip(LABELS, proba, strict=True)},
            "cues": "said; according",
        })  # fmt: skip
    return rows


def synthetic_rows(seed: int = 0, articles: int = 12) -> list[dict[str, Any]]:
    """Several outlets with known label mixes and articles of varying length and month."""
    rng = np.random.default_rng(seed)
    rows = []
    for outlet, mix in MIXES.items():
        for number in range(articles):
            length = int(rng.integers(2, 30))
            labels = [LABELS[k] for k in rng.choice(len(LABELS), size=length, p=mix)]
            date = f"2022-{3 + number % 3:02d}-{1 + number:02d}"
            rows += article_rows(f"{outlet[:2]}-{number}", outlet, date, labels, rng)
    return rows


def label_columns(frame: pd.DataFrame, prefix: str) -> np.ndarray:
    return frame[[f"{prefix}{label}" for label in LABELS]].to_numpy()


# -- shares and intervals --------------------------------------------------------------------


def test_shares_sum_to_one_and_counts_match() -> None:
    rows = synthetic_rows()
    shares = compare_outlets(rows, n_boot=200)
    assert list(shares["outlet"]) == sorted(MIXES)
    np.testing.assert_allclose(label_columns(shares, "share_").sum(axis=1), 1.0)
    frame = pd.DataFrame(rows)
    for record in shares.to_dict("records"):
        own = frame[frame["outlet"] == record["outlet"]]
        assert record["sentences"] == len(own)
        assert record["articles"] == own["article_id"].nunique()
        expected = own["label"].value_counts(normalize=True)
        for label in LABELS:
            assert record[f"share_{label}"] == pytest.approx(expected.get(label, 0.0))


def test_intervals_bracket_the_share_and_reflect_the_mix() -> None:
    shares = compare_outlets(synthetic_rows(articles=30), n_boot=500).set_index("outlet")
    low, share, high = (label_columns(shares, p) for p in ("low_", "share_", "high_"))
    assert (low <= share).all() and (share <= high).all()
    assert (high - low).max() < 0.5
    assert (
        shares.loc["Moscow Wire", "low_russian_mod"] > shares.loc["Kyiv Daily", "high_russian_mod"]
    )


def test_an_outlet_with_one_article_has_zero_width_intervals() -> None:
    rng = np.random.default_rng(3)
    rows = synthetic_rows() + article_rows(
        "solo", "Lone Blog", "2022-05-01", ["neutral", "russian_mod", "neutral"], rng
    )
    lone = compare_outlets(rows, n_boot=300).set_index("outlet").loc["Lone Blog"]
    for label in LABELS:
        assert lone[f"low_{label}"] == lone[f"share_{label}"] == lone[f"high_{label}"]
    assert lone["share_neutral"] == pytest.approx(2 / 3)


def test_intervals_resample_articles_not_sentences() -> None:
    rows = synthetic_rows(articles=20)
    doubled = [row for row in rows for _ in range(2)]
    width = compare_outlets(rows, n_boot=400, seed=5).pipe(
        lambda f: label_columns(f, "high_") - label_columns(f, "low_")
    )
    width_doubled = compare_outlets(doubled, n_boot=400, seed=5).pipe(
        lambda f: label_columns(f, "high_") - label_columns(f, "low_")
    )
    # Doubling every sentence adds no article: the article bootstrap does not move...
    np.testing.assert_allclose(width_doubled, width)
    # ...while a sentence bootstrap (each sentence its own unit) would narrow by about 1/sqrt 2.
    frame = pd.DataFrame(rows)
    own = frame[frame["outlet"] == "London Post"]
    one_hot = np.eye(len(LABELS), dtype=np.int64)[[LABELS.index(x) for x in own["label"]]]
    rng = np.random.default_rng(0)
    _, low, high = bootstrap_shares(one_hot, 2000, rng)
    _, low2, high2 = bootstrap_shares(np.repeat(one_hot, 2, axis=0), 2000, rng)
    assert ((high2 - low2).sum() / (high - low).sum()) < 0.8


def test_article_bootstrap_is_wider_than_sentence_bootstrap_when_articles_differ() -> None:
    # Each article is all one label: sentences within an article are perfectly dependent.
    rng = np.random.default_rng(7)
    rows = []
    for number in range(20):
        label = LABELS[number % 2]
        rows += article_rows(f"a{number}", "Clustered", "2022-01-01", [label] * 10, rng)
    article_width = (
        compare_outlets(rows, n_boot=1000)
        .pipe(lambda f: f["high_official_ukrainian"] - f["low_official_ukrainian"])
        .iloc[0]
    )
    one_hot = np.eye(len(LABELS), dtype=np.int64)[[LABELS.index(r["label"]) for r in rows]]
    _, low, high = bootstrap_shares(one_hot, 1000, np.random.default_rng(0))
    assert article_width > 2 * (high[0] - low[0])


def test_same_seed_same_intervals() -> None:
    rows = synthetic_rows()
    pd.testing.assert_frame_equal(
        compare_outlets(rows, n_boot=100, seed=4), compare_outlets(rows, n_boot=100, seed=4)
    )


# -- the chi-square test ---------------------------------------------------------------------


def test_chi_square_and_cramers_v_match_scipy() -> None:
    rows = synthetic_rows(articles=20)
    result = compare(rows, n_boot=200)
    frame = pd.DataFrame(rows)
    table = pd.crosstab(frame["outlet"], frame["label"]).to_numpy()
    expected = chi2_contingency(table, correction=False)
    assert result.test is not None
    assert result.test.chi2 == pytest.approx(expected.statistic)
    assert result.test.p_value == pytest.approx(expected.pvalue)
    assert result.test.dof == expected.dof
    v = np.sqrt(expected.statistic / (table.sum() * (min(table.shape) - 1)))
    assert result.test.cramers_v == pytest.approx(v)
    assert result.test.p_permutation is not None and result.test.p_permutation < 0.05
    assert result.test.note == ""


def test_small_expected_counts_are_flagged_and_one_outlet_has_no_test() -> None:
    rng = np.random.default_rng(1)
    rows = article_rows("a", "A", "", ["neutral", "russian_mod", "neutral"], rng) + article_rows(
        "b", "B", "", ["neutral", "official_ukrainian"], rng
    )
    small = compare(rows, n_boot=50)
    assert small.test is not None and "below 5" in small.test.note
    single = compare([r for r in rows if r["outlet"] == "A"], n_boot=50)
    assert single.test is None and any("two outlets" in note for note in single.notes)


def test_typical_sentences_come_from_the_over_represented_label() -> None:
    result = compare(synthetic_rows(articles=20), n_boot=100)
    typical = {t.outlet: t for t in result.typical}
    assert typical["Moscow Wire"].label == "russian_mod"
    assert typical["Kyiv Daily"].label == "official_ukrainian"
    probabilities = [s["probability"] for s in typical["Moscow Wire"].sentences]
    assert len(probabilities) == 3 and probabilities == sorted(probabilities, reverse=True)
    assert typical["Moscow Wire"].share > typical["Moscow Wire"].share_elsewhere


# -- near-duplicates -------------------------------------------------------------------------


def republished(
    rows: list[dict[str, Any]], article_id: str, outlet: str, rng: np.random.Generator
) -> list[dict[str, Any]]:
    """A copy of an article under another outlet, a few words edited and a footer added."""
    original = [r for r in rows if r["article_id"] == article_id]
    texts = [r["text"] for r in original]
    for position in (1, len(texts) // 2):
        words = texts[position].split()
        words[2] = "edited"
        texts[position] = " ".join(words)
    labels = [r["label"] for r in original] + ["neutral"]
    texts.append("Download our blog's app from the store using the link here.")
    return article_rows(f"copy-of-{article_id}", outlet, original[0]["date"], labels, rng, texts)


def rows_with_copy() -> list[dict[str, Any]]:
    rows = synthetic_rows(articles=10)
    long_article = max(
        {r["article_id"] for r in rows if r["outlet"] == "Moscow Wire"},
        key=lambda a: sum(r["article_id"] == a for r in rows),
    )
    return rows + republished(rows, long_article, "Aggregator Blog", np.random.default_rng(2))


def test_republished_article_is_a_near_duplicate_and_distinct_articles_are_not() -> None:
    rows = rows_with_copy()
    result = compare(rows, n_boot=50)
    assert len(result.near_duplicates) == 1
    group = result.near_duplicates[0]
    assert group.outlets == ("Moscow Wire", "Aggregator Blog")
    assert group.articles[1][1].startswith("copy-of-")
    assert 0.5 <= group.jaccard < 1.0
    assert compare(synthetic_rows(articles=10), n_boot=50).near_duplicates == []


def test_dedupe_counts_a_republished_story_once() -> None:
    rows = rows_with_copy()
    plain = compare_outlets(rows, n_boot=50).set_index("outlet")
    deduped = compare(rows, dedupe=True, n_boot=50)
    shares = deduped.to_frame().set_index("outlet")
    assert "Aggregator Blog" in plain.index and "Aggregator Blog" not in shares.index
    assert shares["articles"].sum() == plain["articles"].sum() - 1
    assert shares.loc["Moscow Wire", "articles"] == plain.loc["Moscow Wire", "articles"]
    assert any("dedupe" in note for note in deduped.notes)
    pd.testing.assert_frame_equal(compare_outlets(rows, n_boot=50, dedupe=True), deduped.to_frame())


# -- periods ---------------------------------------------------------------------------------


def test_by_month_week_and_year_periods() -> None:
    rows = synthetic_rows()
    rng = np.random.default_rng(9)
    rows += article_rows("nodate", "Kyiv Daily", "", ["neutral"], rng)
    rows += article_rows("baddate", "Kyiv Daily", "sometime in spring", ["neutral"], rng)
    by_month = compare_outlets(rows, by="month", n_boot=50)
    kyiv = by_month[by_month["outlet"] == "Kyiv Daily"]
    assert list(kyiv["period"]) == ["2022-03", "2022-04", "2022-05", UNDATED]
    assert kyiv.set_index("period").loc[UNDATED, "articles"] == 2
    assert by_month["sentences"].sum() == len(rows)
    np.testing.assert_allclose(label_columns(by_month, "share_").sum(axis=1), 1.0)
    weeks = compare_outlets(rows, by="week", n_boot=20)["period"]
    assert "2022-W09" in set(weeks)  # 2022-03-01 is in ISO week 9
    assert set(compare_outlets(rows, by="year", n_boot=20)["period"]) == {"2022", UNDATED}
    with pytest.raises(InputError):
        compare_outlets(rows, by="day")


# -- inputs and formats ----------------------------------------------------------------------


def write_rows(rows: list[dict[str, Any]], path: Path) -> Path:
    """Write rows as ``stance label`` does: JSON Lines, CSV with a header, or Parquet."""
    if path.suffix == ".jsonl":
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    elif path.suffix == ".csv":
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
    else:
        pd.DataFrame(rows, columns=list(COLUMNS)).to_parquet(path)
    return path


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".parquet"])
def test_round_trip_through_each_format(tmp_path: Path, suffix: str) -> None:
    rows = synthetic_rows()
    rows[0] = {**rows[0], "article_id": "007", "date": ""}  # ids and empty dates stay as written
    read = read_rows([write_rows(rows, tmp_path / f"rows{suffix}")])
    assert list(read["article_id"][:1]) == ["007"]
    pd.testing.assert_frame_equal(
        compare_outlets(read, by="month", n_boot=100), compare_outlets(rows, by="month", n_boot=100)
    )


def test_rows_of_several_files_and_objects(tmp_path: Path) -> None:
    rows = synthetic_rows()
    half = len(rows) // 2
    paths = [
        str(write_rows(rows[:half], tmp_path / "a.jsonl")),
        str(write_rows(rows[half:], tmp_path / "b.csv")),
    ]
    read = rows_from_inputs(paths, argparse.Namespace())
    assert len(read) == len(rows)
    objects = [
        SentenceLabel(
            r["article_id"],
            r["outlet"],
            r["date"],
            r["idx"],
            r["start"],
            r["end"],
            r["text"],
            r["label"],
            {label: r[f"p_{label}"] for label in LABELS},
            ("said",),
        )
        for r in rows
    ]
    pd.testing.assert_frame_equal(
        compare_outlets(iter(objects), n_boot=50), compare_outlets(rows, n_boot=50)
    )


def test_bad_rows_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="unknown label"):
        compare_outlets([{"article_id": "1", "outlet": "A", "label": "pro_kremlin"}])
    with pytest.raises(InputError, match="article_id"):
        compare_outlets(pd.DataFrame({"label": ["neutral"]}))
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"article_id": "1", "label": "neutral"}\n{not json\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"broken\.jsonl:2"):
        read_rows([broken])


def test_reports_serialise() -> None:
    result = compare(rows_with_copy(), by="month", n_boot=50)
    payload = json.loads(result.to_json())
    assert payload["by"] == "month" and len(payload["shares"]) == len(result.shares)
    assert payload["near_duplicates"][0]["outlets"] == ["Moscow Wire", "Aggregator Blog"]
    assert payload["test"]["dof"] == (4 - 1) * (len(LABELS) - 1)  # four outlets
    table = result.format_table()
    assert "Kyiv Daily" in table and "Cramer's V" in table and "Near-duplicate" in table
    header = result.to_csv().splitlines()[0].split(",")
    assert header[:4] == ["outlet", "period", "sentences", "articles"]


# -- the command -----------------------------------------------------------------------------


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def run_cli(argv: list[str]) -> int:
    return main(argv)


def test_command_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = rows_with_copy()
    labelled = write_rows(rows, tmp_path / "labelled.jsonl")
    chart = tmp_path / "shares.png"
    assert run_cli(["compare", str(labelled), "--chart", str(chart), "--bootstrap", "20"]) == 0
    shown = capsys.readouterr().out
    assert "Moscow Wire" in shown and "Aggregator Blog" in shown and "chi-square" in shown
    width, height = png_size(chart)
    assert 800 <= width <= 3000 and 300 <= height <= 2500
    assert chart.stat().st_size > 20_000

    report = tmp_path / "report.json"
    argv = ["compare", str(labelled), "--by", "month", "--dedupe", "--format", "json"]
    assert run_cli([*argv, "-o", str(report), "--bootstrap", "10"]) == 0
    payload = json.loads(report.read_text(encoding="utf-8"))
    assert payload["dedupe"] and {r["outlet"] for r in payload["shares"]} == set(MIXES)

    assert run_cli(["compare", str(labelled), "--format", "csv", "--bootstrap", "50"]) == 0
    assert capsys.readouterr().out.startswith("outlet,sentences,articles,share_")


@pytest.mark.slow  # draws a panel a month (a second of matplotlib)
def test_a_chart_by_month_has_room_for_every_month(tmp_path: Path) -> None:
    labelled = write_rows(rows_with_copy(), tmp_path / "labelled.jsonl")
    monthly = tmp_path / "monthly.png"
    argv = ["compare", str(labelled), "--by", "month", "--chart", str(monthly)]
    assert run_cli([*argv, "--bootstrap", "10"]) == 0
    assert png_size(monthly)[0] >= 1000


# -- properties ------------------------------------------------------------------------------


@examples(60)
@given(labelled_rows(60), periods, bootstrap_seeds)
def test_shares_are_proportions_inside_ordered_intervals(
    drawn: list[tuple[str, int, str]], by: str | None, seed: int
) -> None:
    rows = [
        {
            "article_id": str(article),
            "outlet": outlet,
            "label": label,
            "date": f"2022-0{1 + article % 2}-15",
            "text": f"sentence {n}",
        }
        for n, (outlet, article, label) in enumerate(drawn)
    ]
    shares = compare_outlets(rows, by=by, n_boot=40, seed=seed)
    low, share, high = (label_columns(shares, p) for p in ("low_", "share_", "high_"))
    assert ((share >= 0) & (share <= 1)).all()
    np.testing.assert_allclose(share.sum(axis=1), 1.0)
    assert (low <= share).all() and (share <= high).all()
    assert (low >= 0).all() and (high <= 1 + 1e-12).all()
    assert shares["sentences"].sum() == len(rows)
