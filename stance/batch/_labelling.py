"""Labelling articles: one row per sentence, in order, from one process or many.

This is the labelling path of the API, the CLI and Spark alike: :func:`label_rows` turns a
batch of articles into rows (split, featurise in context, score, pick cues), and everything
else streams batches through it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING, Any, NamedTuple

from stance._errors import InputError
from stance._labels import LABELS
from stance.text._features import describe
from stance.text._splitting import split_sentences

if TYPE_CHECKING:
    from datasets import Dataset

    from stance.model._runtime import Model

__all__ = [
    "COLUMNS",
    "Article",
    "SentenceLabel",
    "label_article",
    "label_articles",
    "label_dataset",
    "label_rows",
]

PROBA_COLUMNS = tuple(f"p_{label}" for label in LABELS)
COLUMNS = (
    "article_id",
    "outlet",
    "date",
    "idx",
    "start",
    "end",
    "text",
    "label",
    *PROBA_COLUMNS,
    "cues",
)
N_CUES = 3
BATCH_ARTICLES = 32


@dataclass(frozen=True)
class Article:
    """An article to label: its text and what is known of it."""

    id: str
    text: str
    outlet: str = ""
    date: str = ""
    url: str = ""


class SentenceLabel(NamedTuple):
    """One labelled sentence: where it is, its label, every label's probability, its cues.

    A named tuple, like :class:`stance.Span` and :class:`stance.Cue`: immutable, and made
    once per sentence, so it is cheap to build.
    """

    article_id: str
    outlet: str
    date: str
    idx: int
    start: int
    end: int
    text: str
    label: str
    probabilities: dict[str, float]
    cues: tuple[str, ...]

    @property
    def score(self) -> float:
        """The probability of the chosen label."""
        return self.probabilities[self.label]

    def row(self) -> dict[str, Any]:
        """The flat row written by ``stance label`` (see :data:`COLUMNS`)."""
        row: dict[str, Any] = {
            "article_id": self.article_id, "outlet": self.outlet, "date": self.date,
            "idx": self.idx, "start": self.start, "end": self.end, "text": self.text,
            "label": self.label,
        }  # fmt: skip
        row.update({f"p_{k}": v for k, v in self.probabilities.items()})
        row["cues"] = "; ".join(self.cues)
        return row


def as_article(item: object, position: int) -> Article:
    """An :class:`Article` from a str, a mapping with ``text`` (and ``id``...), or an Article."""
    if isinstance(item, Article):
        return item
    if isinstance(item, str):
        return Article(id=str(position), text=item)
    if isinstance(item, Mapping):
        text = item.get("text")
        if not isinstance(text, str):
            raise InputError(f"article {position}: 'text' must be a str, got {type(text).__name__}")
        return Article(
            id=str(item.get("id", position)),
            text=text,
            outlet=str(item.get("outlet") or ""),
            date=str(item.get("date") or ""),
            url=str(item.get("url") or ""),
        )
    raise InputError(
        f"article {position} is a {type(item).__name__}; give a str, a dict with "
        "'text' (and optionally 'id', 'outlet', 'date'), or a stance.batch.Article"
    )


class _Labels(NamedTuple):
    """A batch's labels in columns: what a worker process sends back. Arrays and shared
    strings pickle in a fraction of the time the rows would take, and the rows' text is
    already in the caller's hands (a sentence is its article's text between its offsets)."""

    counts: list[int]  # sentences per article
    bounds: Any  # numpy (n, 2): start, end of each sentence in its article's text
    proba: Any  # numpy (n, labels)
    best: Any  # numpy (n,): index of the chosen label
    cues: list[tuple[str, ...]]


def _label_columns(model: Model, articles: list[Article]) -> _Labels:
    """Split, featurise in context, score and pick cues for a batch of articles."""
    import numpy as np

    spans_of = [split_sentences(a.text) for a in articles]
    texts: list[str] = []
    docs: list[int] = []
    outlets: list[str] = []
    bounds: list[tuple[int, int]] = []
    for number, (article, spans) in enumerate(zip(articles, spans_of)):
        texts.extend([s.text for s in spans])
        docs.extend([number] * len(spans))
        outlets.extend([article.outlet] * len(spans))
        bounds.extend([(s.start, s.end) for s in spans])
    proba, best, cues = model.label(texts, doc_ids=docs, outlets=outlets, top=N_CUES)
    return _Labels(
        [len(spans) for spans in spans_of],
        np.array(bounds, dtype=np.int64).reshape(len(bounds), 2),
        proba,
        best,
        [tuple(dict.fromkeys(describe(c.feature) for c in sentence)) for sentence in cues],
    )


def _rows_of(articles: list[Article], labels: _Labels) -> list[SentenceLabel]:
    probabilities = labels.proba.tolist()
    chosen = [LABELS[k] for k in labels.best.tolist()]
    bounds = labels.bounds.tolist()
    rows = []
    position = 0
    for article, count in zip(articles, labels.counts):
        text = article.text
        for idx in range(count):
            start, end = bounds[position]
            rows.append(SentenceLabel(
                article.id, article.outlet, article.date, idx, start, end, text[start:end],
                chosen[position], dict(zip(LABELS, probabilities[position])),
                labels.cues[position],
            ))  # fmt: skip
            position += 1
    return rows


def label_rows(model: Model, articles: list[Article]) -> list[SentenceLabel]:
    """Label a batch of articles in one vectorised pass: the single labelling path."""
    return _rows_of(articles, _label_columns(model, articles))


def _model(model: Model | None) -> Model:
    if model is not None:
        return model
    from stance.model._runtime import load

    return load()


def label_article(
    text: str,
    *,
    model: Model | None = None,
    article_id: str = "0",
    outlet: str = "",
    date: str = "",
) -> list[SentenceLabel]:
    """Split one article into sentences and label each, reading them in context.

    >>> rows = label_article("Peskov told reporters the talks had failed. He added nothing.")
    >>> [(r.text, r.label) for r in rows]  # doctest: +SKIP
    """
    if not isinstance(text, str):
        raise InputError(
            f"label_article() takes the article text as a str, got {type(text).__name__}"
        )
    return label_rows(_model(model), [Article(article_id, text, outlet, date)])


def _worker_batch(articles: list[Article], model_dir: str | None) -> _Labels:
    from stance.model._runtime import load

    return _label_columns(load(model_dir), articles)


def _batches(articles: Iterable[object], size: int) -> Iterator[list[Article]]:
    numbered = (as_article(item, i) for i, item in enumerate(articles))
    while batch := list(islice(numbered, size)):
        yield batch


def resolve_jobs(jobs: int | None) -> int:
    import os

    if jobs is None or jobs == 0:
        return os.cpu_count() or 1
    if not isinstance(jobs, int) or isinstance(jobs, bool):
        raise InputError(f"jobs must be an integer (a count, -1 for every core), got {jobs!r}")
    if jobs < 0:
        return max(1, (os.cpu_count() or 1) + 1 + jobs)
    return jobs


def label_batches(
    articles: Iterable[object],
    *,
    jobs: int | None = 1,
    model: Model | None = None,
    batch_size: int = BATCH_ARTICLES,
) -> Iterator[tuple[list[Article], list[SentenceLabel]]]:
    """(articles, rows) per batch, in input order, labelled by ``jobs`` processes."""
    n_jobs = resolve_jobs(jobs)
    if n_jobs == 1:
        chosen = _model(model)
        for batch in _batches(articles, batch_size):
            yield batch, label_rows(chosen, batch)
        return
    from joblib import Parallel, delayed

    model_dir = str(model.directory) if model is not None else None
    batches = _batches(articles, batch_size)
    # Keep the batches in flight alongside their results: the generator stays lazy and ordered.
    pending: list[list[Article]] = []

    def tasks() -> Iterator[Any]:
        for batch in batches:
            pending.append(batch)
            yield delayed(_worker_batch)(batch, model_dir)

    with Parallel(n_jobs=n_jobs, return_as="generator", pre_dispatch="2*n_jobs") as parallel:
        for labels in parallel(tasks()):
            batch = pending.pop(0)
            yield batch, _rows_of(batch, labels)


def label_articles(
    articles: Iterable[object], *, jobs: int | None = 1, model: Model | None = None
) -> Iterator[SentenceLabel]:
    """Label many articles lazily, in order, with ``jobs`` processes (``None``: every core).

    Each item is an article text, a dict with ``text`` (and ``id``, ``outlet``, ``date``), or
    an :class:`Article`. Memory stays flat: articles are read and labelled in small batches.
    """
    for _batch, rows in label_batches(articles, jobs=jobs, model=model):
        yield from rows


def label_dataset(
    ds: Dataset, column: str = "text", *, num_proc: int | None = None, batch_size: int = 64
) -> Dataset:
    """A ``datasets.Dataset`` of articles to a Dataset of labelled sentences (one row each).

    Uses ``Dataset.map(batched=True, num_proc=...)``; other columns of ``ds`` are dropped,
    ``article_id`` is the ``id`` column if there is one, else the row number.
    """
    if column not in ds.column_names:
        raise InputError(
            f"column {column!r} is not in the dataset; it has {', '.join(ds.column_names)}"
        )

    def label_batch(batch: dict[str, list[Any]], indices: list[int]) -> dict[str, list[Any]]:
        ids = batch.get("id", indices)
        items = [
            Article(
                str(i),
                t if isinstance(t, str) else "",
                str((batch.get("outlet") or [""] * len(indices))[n] or ""),
                str((batch.get("date") or [""] * len(indices))[n] or ""),
            )
            for n, (i, t) in enumerate(zip(ids, batch[column]))
        ]
        rows = [r.row() for r in label_rows(_model(None), items)]
        return {name: [r[name] for r in rows] for name in COLUMNS}

    labelled = ds.map(
        label_batch,
        batched=True,
        batch_size=batch_size,
        with_indices=True,
        num_proc=num_proc,
        remove_columns=ds.column_names,
    )
    return labelled.select_columns(list(COLUMNS))
