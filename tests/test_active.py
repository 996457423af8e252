"""What to label next (diversity caps) and the label audit (rare labels not under-flagged)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from stance import InputError
from stance._cli import _common as cli
from stance._cli import main
from stance._labels import LABELS
from stance.annotate._active import audit, diverse_top, read_articles, suggest, uncertainty

RARE, COMMON = LABELS.index("western_intelligence"), LABELS.index("neutral")


def uncertain_everywhere(texts: list[str], doc_ids: list[str]) -> np.ndarray:
    """The live blog's sentences are the most uncertain (0.98); the others less so (0.6)."""
    proba = np.empty((len(texts), len(LABELS)))
    for i, doc in enumerate(doc_ids):
        top, second = (0.3, 0.28) if doc == "liveblog.txt" else (0.6, 0.2)
        proba[i] = (1 - top - second) / 3
        proba[i, i % len(LABELS)] = top
        proba[i, (i + 1) % len(LABELS)] = second
    return proba


def write_articles(folder: Path) -> None:
    folder.mkdir()
    lines = "\n".join(f"Update {i}: shelling reported in district {i}." for i in range(60))
    (folder / "liveblog.txt").write_text(lines, encoding="utf-8")
    for name in ("report-1.txt", "report-2.txt"):
        body = "\n".join(f"{name} sentence number {i} about the front." for i in range(8))
        (folder / name).write_text(body, encoding="utf-8")
    (folder / "catalog.csv").write_text(
        "file,outlet\nliveblog.txt,Live\nreport-1.txt,Wire\nreport-2.txt,Wire\n", encoding="utf-8"
    )


def test_suggest_caps_one_article_and_writes_tasks(tmp_path: Path) -> None:
    write_articles(tmp_path / "articles")
    out = tmp_path / "next.jsonl"
    chosen = suggest(
        read_articles([tmp_path / "articles"]),
        uncertain_everywhere,
        n=16,
        per_article=6,
        fmt="prodigy",
        out=out,
    )
    per_doc = Counter(item["doc"] for item in chosen)
    # The decay interleaves the articles; the cap stops the most uncertain one at 6.
    assert per_doc == {"liveblog.txt": 6, "report-1.txt": 5, "report-2.txt": 5}
    assert chosen[0]["doc"] == "liveblog.txt" and chosen[0]["outlet"] == "Live"
    tasks = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [t["text"] for t in tasks] == [c["text"] for c in chosen]
    assert all("score" in t["meta"] and t["meta"]["uncertainty"] > 0 for t in tasks)


def test_suggest_caps_outlets_and_skips_labelled_and_repeated(tmp_path: Path) -> None:
    write_articles(tmp_path / "articles")
    articles = read_articles([tmp_path / "articles"])
    labelled = [
        {"doc": "liveblog.txt", "idx": 0, "text": "x"},
        {"doc": "other", "idx": 0, "text": "Update 1: shelling reported in district 1."},
    ]
    chosen = suggest(
        articles, uncertain_everywhere, n=30, per_article=None, per_outlet=5, labelled=labelled
    )
    outlets = Counter(item["outlet"] for item in chosen)
    assert outlets == {"Live": 5, "Wire": 5}  # caps leave fewer than n: no padding
    assert not {0, 1} & {item["idx"] for item in chosen if item["doc"] == "liveblog.txt"}


def test_decay_interleaves_articles() -> None:
    order = diverse_top(
        [0.9, 0.89, 0.88, 0.5], ["a", "a", "a", "b"], [None] * 4, 3, per_article=None, decay=0.5
    )
    assert order == [0, 3, 1]


def test_uncertainty_measures() -> None:
    proba = np.array([[1.0, 0, 0, 0, 0], [0.2] * 5, [0.5, 0.5, 0, 0, 0]])
    assert uncertainty(proba, "margin").tolist() == pytest.approx([0.0, 1.0, 1.0])
    assert uncertainty(proba, "entropy").tolist() == pytest.approx(
        [0.0, 1.0, np.log(2) / np.log(5)]
    )
    with pytest.raises(InputError, match="measure must be one of margin, entropy; got 'x'"):
        uncertainty(proba, "x")


def planted_audit() -> tuple[list[dict[str, object]], np.ndarray, int, int]:
    """200 common-class rows the model is sure of, 20 rare ones it is only half sure of, a few
    common-class rows with a plausible but unconfident alternative, and one planted mislabel:
    a rare-class sentence labelled neutral."""
    rng = np.random.default_rng(0)
    records, rows = [], []

    def add(label: int, top: float, second: int | None = None, p_second: float = 0.0) -> None:
        row = np.full(len(LABELS), 0.0)
        row[label] = top
        if second is not None:
            row[second] = p_second
        rest = [k for k in range(len(LABELS)) if row[k] == 0]
        row[rest] = (1 - row.sum()) / len(rest)
        records.append(
            {
                "doc": f"d{len(records) // 10}",
                "idx": len(records) % 10,
                "text": f"s{len(records)}",
                "label": LABELS[label],
            }
        )
        rows.append(row)

    for i in range(200):
        add([0, 1, 4][i % 3], float(rng.uniform(0.85, 0.95)))
    for _ in range(20):
        add(RARE, float(rng.uniform(0.4, 0.5)), COMMON, 0.35)
    for _ in range(15):  # noisy common rows: the raw probability finds them most suspect
        add(COMMON, 0.45, 0, 0.5)
    planted = len(records)
    add(COMMON, 0.5, RARE, 0.42)
    return records, np.array(rows), planted, RARE


def test_audit_ranks_a_planted_rare_mislabel_near_the_top() -> None:
    records, proba, planted, rare = planted_audit()
    rows = audit(records, proba, n=5)
    assert (rows[0].doc, rows[0].idx) == (records[planted]["doc"], records[planted]["idx"])
    assert rows[0].given == "neutral" and rows[0].suggested == LABELS[rare]
    assert rows[0].score > 0
    # Raw probabilities alone would bury it behind the noisy common rows.
    raw_margin = [
        max(p for k, p in enumerate(row) if k != LABELS.index(r["label"]))
        - row[LABELS.index(r["label"])]
        for r, row in zip(records, proba, strict=True)
    ]
    assert sorted(range(len(records)), key=lambda i: -raw_margin[i]).index(planted) > 10


def test_audit_checks_its_inputs() -> None:
    records = [{"doc": "d", "idx": 0, "text": "t", "label": "neutral"}]
    with pytest.raises(InputError, match=r"shape \(1, 5\).*got shape \(2, 5\)"):
        audit(records, np.full((2, 5), 0.2))
    with pytest.raises(InputError, match="label must be one of official_ukrainian"):
        audit([{**records[0], "label": "x"}], np.full((1, 5), 0.2))


def test_audit_command(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from stance.model import _training

    records, proba, planted, _ = planted_audit()
    path = tmp_path / "ann.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    given: list[list[dict[str, object]]] = []

    def planted_proba(recs: list[dict[str, object]], **kwargs: object) -> np.ndarray:
        given.append(recs)
        return proba

    # The command's out-of-fold probabilities are the planted ones (no model is trained).
    monkeypatch.setattr(_training, "cross_val_proba", planted_proba)
    assert main(["audit", str(path), "-n", "3", "--json"]) == 0
    top = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(top) == 3 and top[0]["text"] == records[planted]["text"]
    assert [r["text"] for r in given[0]] == [r["text"] for r in records]


def test_suggest_command(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_articles(tmp_path / "articles")
    monkeypatch.setattr(cli, "model_proba_fn", lambda: uncertain_everywhere)
    out = tmp_path / "tasks.json"
    assert (
        main(
            [
                "suggest",
                str(tmp_path / "articles"),
                "-n",
                "12",
                "--format",
                "label-studio",
                "-o",
                str(out),
                "--per-article",
                "4",
            ]
        )
        == 0
    )
    tasks = json.loads(out.read_text(encoding="utf-8"))
    assert len(tasks) == 12 and all(t["predictions"][0]["score"] > 0 for t in tasks)
    assert "12 sentences from 3 articles" in capsys.readouterr().err
