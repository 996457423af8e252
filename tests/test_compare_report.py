"""What the comparison report says: one headline test, honest intervals, real sentences, strict
JSON, and clean errors for the inputs stance label itself can write."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from stance._cli import main
from stance._labels import LABELS
from stance.compare import compare, compare_outlets

ROOT = Path(__file__).resolve().parent.parent
STANCE = [sys.executable, "-m", "stance"]


def row(article: str, outlet: str, idx: int, label: str, text: str, p: float = 0.6) -> dict:
    rest = (1 - p) / (len(LABELS) - 1)
    proba = {f"p_{name}": (p if name == label else rest) for name in LABELS}
    return {"article_id": article, "outlet": outlet, "date": "2022-03-01", "idx": idx,
            "start": 0, "end": len(text), "text": text, "label": label, **proba}  # fmt: skip


def two_outlets() -> list[dict[str, Any]]:
    rng = np.random.default_rng(0)
    rows = []
    for outlet, mix in (
        ("Kyiv Daily", (0.6, 0.1, 0.1, 0.1, 0.1)),
        ("Wire", (0.1, 0.6, 0.1, 0.1, 0.1)),
    ):
        for article in range(8):
            for idx in range(6):
                label = LABELS[rng.choice(len(LABELS), p=mix)]
                text = f"Officials said the front held near town number {article} {idx} today."
                rows.append(row(f"{outlet}-{article}", outlet, idx, label, text))
    return rows


def test_one_headline_test_over_articles_and_the_chi_square_labelled() -> None:
    table = compare(two_outlets(), n_boot=200).format_table()
    lines = table.splitlines()
    head = next(n for n, line in enumerate(lines) if "Outlet x label" in line)
    assert "tested over articles: p " in lines[head]
    assert "for reference only: chi-square(" in lines[head + 1]
    assert "ignoring that the sentences of one article go together" in lines[head + 1]
    without = compare(two_outlets(), n_boot=0).format_table()
    assert "no test over articles (--bootstrap 0)" in without


def test_one_article_outlets_get_no_interval_and_the_reason() -> None:
    rows = two_outlets() + [
        row("solo", "Lone Blog", i, label, f"Kyiv said the bridge number {i} held firm today.")
        for i, label in enumerate(["neutral", "russian_mod", "neutral"])
    ]
    result = compare(rows, n_boot=100)
    table = result.format_table()
    lone = next(line for line in table.splitlines() if line.startswith("Lone Blog"))
    assert "(" not in lone.split("  3  ", 1)[-1]  # shares without an interval
    assert "no interval for 1 row(s) resting on a single article (Lone Blog)" in table
    payload = json.loads(result.to_json())
    shares = {r["outlet"]: r for r in payload["shares"]}
    assert (
        shares["Lone Blog"]["low_neutral"] is None and shares["Lone Blog"]["high_neutral"] is None
    )
    assert shares["Wire"]["low_neutral"] is not None
    csv_lone = next(line for line in result.to_csv().splitlines() if line.startswith("Lone Blog"))
    assert ",," in csv_lone
    # The frame of compare_outlets keeps its documented zero-width interval.
    frame = compare_outlets(rows, n_boot=100).set_index("outlet")
    assert frame.loc["Lone Blog", "low_neutral"] == frame.loc["Lone Blog", "share_neutral"]


def test_typical_sentences_are_real_sentences() -> None:
    rows = two_outlets()
    furniture = [
        "Rory Sullivan14 September 2022 10:40",
        "Wednesday 14 September 2022 16:11 BST",
        "8.21 p.m:",
        "Sign up to our newsletter for the latest news",
        "The Wire is trusted by readers across the entire political spectrum.",
        "Photo: Getty Images",
    ]
    for n, text in enumerate(furniture):  # the most confident sentences of the label
        rows.append(row("Wire-0", "Wire", 100 + n, "russian_mod", text, p=0.99))
    typical = {t.outlet: t for t in compare(rows, n_boot=50).typical}["Wire"]
    assert typical.label == "russian_mod" and len(typical.sentences) == 3
    assert not {s["text"] for s in typical.sentences} & set(furniture)


@pytest.mark.slow  # starts stance in a process
def test_help_says_95_percent() -> None:
    done = subprocess.run(
        [*STANCE, "compare", "--help"], capture_output=True, text=True, check=True
    )
    assert "95% interval" in " ".join(done.stdout.split()) and "%%" not in done.stdout


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ('"1e999"', "p_neutral '1e999' is a str, not a number"),
        ('"0.4"', "p_neutral '0.4' is a str, not a number"),
        ("1e999", "not valid JSON (the number 1e999 is out of range)"),
        ("NaN", "not valid JSON (NaN is not JSON)"),
        ("1.5", "p_neutral 1.5 is not a probability between 0 and 1"),
        ("true", "p_neutral True is a bool, not a number"),
    ],
)
def test_invalid_probabilities_are_refused_at_their_line(
    tmp_path: Path, value: str, problem: str, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = [json.dumps(r) for r in two_outlets()[:3]]
    lines[2] = lines[2].replace('"p_neutral": 0.1', f'"p_neutral": {value}', 1)
    path = tmp_path / "rows.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["compare", str(path), "--format", "json"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith(f"stance: error: {path}:3: ") and problem in err


def test_invalid_probabilities_in_csv_and_parquet(tmp_path: Path) -> None:
    from stance._errors import InputError
    from stance.compare import read_rows

    frame = pd.DataFrame(two_outlets()[:4])
    frame.loc[2, "p_neutral"] = float("inf")
    frame.to_csv(tmp_path / "rows.csv", index=False)
    frame.to_parquet(tmp_path / "rows.parquet")
    with pytest.raises(InputError, match=r"rows\.csv:4: p_neutral 'inf' is not a probability"):
        read_rows([tmp_path / "rows.csv"])
    with pytest.raises(InputError, match=r"rows\.parquet: row 3: p_neutral inf is not a"):
        read_rows([tmp_path / "rows.parquet"])


def test_json_report_is_strict(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [*two_outlets(), row("solo", "Lone Blog", 0, "neutral", "Kyiv said it held firm.")]
    path = tmp_path / "rows.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert main(["compare", str(path), "--format", "json", "--bootstrap", "50"]) == 0

    def refuse(name: str) -> None:
        raise ValueError(name)

    json.loads(capsys.readouterr().out, parse_constant=refuse)


@pytest.mark.usefixtures("tiny_default_model")
@pytest.mark.parametrize("fmt", ["csv", "parquet", "jsonl"])
def test_compare_on_an_empty_output_of_stance_label(
    tmp_path: Path, fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n", encoding="utf-8")
    out = tmp_path / f"rows.{fmt}"
    assert main(["label", str(empty), "-o", str(out), "-q"]) == 0
    if fmt == "csv":
        assert out.read_text(encoding="utf-8").startswith("article_id,outlet,date,idx")
    capsys.readouterr()
    assert main(["compare", str(out)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "no labelled rows; label some articles first" in err


@pytest.mark.usefixtures("tiny_default_model")
def test_compare_reads_a_stance_label_output(tmp_path: Path) -> None:
    out = tmp_path / "seeds.jsonl"
    assert main(["label", str(ROOT / "seeds"), "-o", str(out), "-q", "-j", "1"]) == 0
    assert main(["compare", str(out), "--bootstrap", "20"]) == 0


def test_rows_given_twice_are_refused_not_counted_twice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Two runs on one output used to write every row twice, and compare doubled every count.
    path = tmp_path / "rows.jsonl"
    rows = two_outlets()
    path.write_text("".join(json.dumps(r) + "\n" for r in rows + rows[:2]), encoding="utf-8")
    assert main(["compare", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:{len(rows) + 1}: sentence 0 of article 'Kyiv Daily-0'" in err
    assert f"is given again (first at {path}:1); 2 row(s) repeat" in err
    single = tmp_path / "single.jsonl"
    single.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert main(["compare", str(single), str(single)]) == 2


def test_a_full_disk_while_writing_the_chart_prints_no_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import errno
    import os

    from stance import _io

    path = tmp_path / "rows.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in two_outlets()), encoding="utf-8")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(_io.os, "fsync", full)
    chart, report = tmp_path / "chart.png", tmp_path / "report.txt"
    argv = ["compare", str(path), "--chart", str(chart), "-o", str(report), "--bootstrap", "20"]
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith(f"stance: error: {chart}: no space left on the device")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rows.jsonl"]  # nothing half-written
