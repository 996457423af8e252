"""What to label next (:func:`suggest`) and which labels to check again (:func:`audit`).

``suggest`` ranks unlabelled sentences by the model's uncertainty, then picks greedily with a
decay and a cap per article and per outlet, so that one long live blog cannot fill the list.

``audit`` ranks labelled sentences by how likely their label is wrong, from cross-validated
probabilities, confident-learning style: each class's probability is divided by that class's
mean self-confidence (the mean probability the model gives the class on sentences labelled
with it). A rare class the model is never very sure of is thus measured against its own
standard, not against the confident common classes, and its mislabels are not under-flagged.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from stance._errors import InputError
from stance._labels import LABELS
from stance.annotate._formats import ProbaFn, predict, write_tasks
from stance.batch._labelling import Article
from stance.batch._sources import Skips, check_inputs, iter_articles
from stance.text._splitting import split_sentences

__all__ = [
    "AuditRow",
    "article_sentences",
    "audit",
    "read_articles",
    "suggest",
    "uncertainty",
]

MEASURES = ("margin", "entropy")


def read_articles(paths: Iterable[str | Path], *, skips: Skips | None = None) -> list[Article]:
    """Articles from text files, JSON Lines of articles, or folders of either: the one article
    source of every command (:func:`stance.batch._sources.iter_located`), by its rules (ids,
    catalogs, repeated ids). A path that does not exist is an error."""
    names = [str(path) for path in paths]
    check_inputs(names)
    return list(iter_articles(names, skips=skips))


def article_sentences(articles: Iterable[Article]) -> list[dict[str, Any]]:
    """Every sentence of the articles as a task item: doc, idx, start, end, text (, outlet)."""
    items = []
    for article in articles:
        for idx, span in enumerate(split_sentences(article.text)):
            item: dict[str, Any] = {
                "doc": article.id,
                "idx": idx,
                "start": span.start,
                "end": span.end,
                "text": span.text,
            }
            if article.outlet:
                item["outlet"] = article.outlet
            items.append(item)
    return items


def uncertainty(proba: np.ndarray, measure: str = "margin") -> np.ndarray:
    """Per row, in [0, 1]: 1 - (top1 - top2) for ``margin``; normalised entropy for ``entropy``."""
    proba = np.asarray(proba, dtype=float)
    if measure == "margin":
        top = np.sort(proba, axis=1)
        return 1.0 - (top[:, -1] - top[:, -2])
    if measure == "entropy":
        safe = np.clip(proba, 1e-12, 1.0)
        return -(proba * np.log(safe)).sum(axis=1) / math.log(proba.shape[1])
    raise InputError(f"measure must be one of {', '.join(MEASURES)}; got {measure!r}")


def _normalised(text: str) -> str:
    return " ".join(text.casefold().split())


def diverse_top(
    scores: Sequence[float],
    docs: Sequence[str],
    outlets: Sequence[str | None],
    n: int,
    *,
    per_article: int | None = 10,
    per_outlet: int | None = None,
    decay: float = 0.7,
    outlet_decay: float = 0.9,
) -> list[int]:
    """Indices of up to ``n`` items, best first, by score times ``decay`` per item already
    taken from the same article and ``outlet_decay`` per item from the same outlet, within the
    caps. Scores only fall as items are taken, so a lazy greedy pick is exact."""
    taken_doc: Counter[str] = Counter()
    taken_outlet: Counter[str | None] = Counter()

    def current(i: int) -> float:
        outlet_taken = taken_outlet[outlets[i]] if outlets[i] is not None else 0
        return scores[i] * decay ** taken_doc[docs[i]] * outlet_decay**outlet_taken

    def capped(i: int) -> bool:
        over_article = per_article is not None and taken_doc[docs[i]] >= per_article
        over_outlet = (
            per_outlet is not None
            and outlets[i] is not None
            and taken_outlet[outlets[i]] >= per_outlet
        )
        return over_article or over_outlet

    heap = [(-float(score), i) for i, score in enumerate(scores)]
    heapq.heapify(heap)
    chosen: list[int] = []
    while heap and len(chosen) < n:
        negative, i = heapq.heappop(heap)
        if capped(i):
            continue
        now = current(i)
        if now < -negative - 1e-12:
            heapq.heappush(heap, (-now, i))  # stale: re-rank with today's penalty
            continue
        chosen.append(i)
        taken_doc[docs[i]] += 1
        taken_outlet[outlets[i]] += 1
    return chosen


def suggest(
    articles: Sequence[Article],
    proba_fn: ProbaFn,
    n: int = 200,
    *,
    measure: str = "margin",
    per_article: int | None = 10,
    per_outlet: int | None = None,
    decay: float = 0.7,
    outlet_decay: float = 0.9,
    labelled: Iterable[Mapping[str, Any]] = (),
    fmt: str | None = None,
    out: str | Path | None = None,
) -> list[dict[str, Any]]:
    """The ``n`` unlabelled sentences most worth labelling next, best first.

    Sentences already in ``labelled`` (by doc and idx, or by the same text) and repeated texts
    (captions, boilerplate) are left out. Each item gets ``uncertainty`` and ``suggested``;
    with ``fmt`` and ``out`` they are also written as a task file for that tool, pre-filled.
    """
    if n < 1:
        raise InputError(f"n must be a positive number of sentences; got {n}")
    seen_keys = {(str(r["doc"]), r["idx"]) for r in labelled if "doc" in r and "idx" in r}
    seen_texts = {_normalised(str(r["text"])) for r in labelled if "text" in r}
    candidates = []
    for item in article_sentences(articles):
        text = _normalised(item["text"])
        if (item["doc"], item["idx"]) in seen_keys or text in seen_texts:
            continue
        seen_texts.add(text)
        candidates.append(item)
    if not candidates:
        return []
    proba = predict(candidates, proba_fn)
    scores = uncertainty(proba, measure)
    order = diverse_top(
        scores.tolist(),
        [c["doc"] for c in candidates],
        [c.get("outlet") for c in candidates],
        n,
        per_article=per_article,
        per_outlet=per_outlet,
        decay=decay,
        outlet_decay=outlet_decay,
    )
    chosen = [
        {
            **candidates[i],
            "uncertainty": round(float(scores[i]), 4),
            "suggested": LABELS[int(np.argmax(proba[i]))],
        }
        for i in order
    ]
    if fmt is not None and out is not None:
        write_tasks(chosen, fmt, Path(out), proba[order])
    return chosen


@dataclass(frozen=True)
class AuditRow:
    doc: str
    idx: int
    text: str
    given: str
    suggested: str
    score: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def class_thresholds(given: np.ndarray, proba: np.ndarray) -> np.ndarray:
    """Each class's mean self-confidence: its mean probability on the rows labelled with it.

    A class nobody labelled gets an infinite threshold: with no standard to measure it by, it
    is never suggested (its tiny mean probability would otherwise inflate every ratio).
    """
    thresholds = np.full(proba.shape[1], np.inf)
    for k in range(proba.shape[1]):
        rows = proba[given == k, k]
        if rows.size:
            thresholds[k] = max(float(rows.mean()), 1e-6)
    return thresholds


def audit(
    records: Sequence[Mapping[str, Any]], proba: np.ndarray, n: int | None = None
) -> list[AuditRow]:
    """Labelled sentences ranked by how likely their label is wrong, most suspect first.

    ``proba`` holds out-of-fold probabilities (n, 5) in LABELS order, one row per record.
    The score is the best other class's normalised probability minus the given class's
    (probability / class threshold, see :func:`class_thresholds`); above 0 the model, by each
    class's own standard, prefers ``suggested`` to the given label.
    """
    proba = np.asarray(proba, dtype=float)
    if proba.shape != (len(records), len(LABELS)) or not np.isfinite(proba).all():
        raise InputError(
            f"proba must be a finite array of shape ({len(records)}, "
            f"{len(LABELS)}), one row per record; got shape {proba.shape}"
        )
    for position, record in enumerate(records):
        if record.get("label") not in LABELS:
            raise InputError(
                f"record {position}: label must be one of {', '.join(LABELS)}; "
                f"got {record.get('label')!r}"
            )
    given = np.array([LABELS.index(r["label"]) for r in records])
    normalised = proba / class_thresholds(given, proba)
    own = normalised[np.arange(len(records)), given]
    others = normalised.copy()
    others[np.arange(len(records)), given] = -np.inf
    scores = others.max(axis=1) - own
    best = normalised.argmax(axis=1)
    order = sorted(range(len(records)), key=lambda i: (-scores[i], i))
    rows = [
        AuditRow(
            str(records[i]["doc"]),
            int(records[i]["idx"]),
            str(records[i]["text"]),
            LABELS[given[i]],
            LABELS[best[i]],
            round(float(scores[i]), 4),
        )
        for i in order
    ]
    return rows if n is None else rows[:n]
