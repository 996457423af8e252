"""Labelling articles: one row per sentence, in order, from one process or many.

This is the labelling path of the API, the CLI and Spark alike: :func:`label_rows` turns a
batch of articles into rows (split, featurise in context, score, pick cues), and everything
else streams batches through it.

Long input is bounded. No sentence is longer than :data:`MAX_SENTENCE_CHARS`: a longer run of
text is cut at word boundaries into pieces, each a row with ``cut`` true. An article longer
than :data:`CHUNK_CHARS` is labelled in chunks of whole sentences of at most that many
characters, each chunk read as its own context (the last speaker, an open quote and the
article's majority speaker restart at a chunk boundary), so that memory does not grow with an
article's length; shorter articles, nearly all news, are read whole, exactly as before.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING, Any, NamedTuple

from stance import _core, _io
from stance._collector import collector_paused
from stance._errors import InputError
from stance._labels import LABELS, UNCERTAIN, check_confidence
from stance.text._document import with_site
from stance.text._splitting import split_bounded

if TYPE_CHECKING:
    from datasets import Dataset

    from stance.model._runtime import Model

__all__ = [
    "CHUNK_CHARS",
    "COLUMNS",
    "MAX_SENTENCE_CHARS",
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
    "cut",
)
N_CUES = 3
LABEL_NAMES = (*LABELS, UNCERTAIN)  # what a row's label can be
# A batch is labelled in one vectorised pass; with several jobs it is also one task, small
# enough that the last tasks of a run keep both cores busy (benchmarks/jobs_overhead.py).
BATCH_ARTICLES = 32
# A sentence longer than this is cut at word boundaries into pieces flagged ``cut``.
MAX_SENTENCE_CHARS = 1_000
# An article longer than this is labelled in chunks of whole sentences of at most this size.
CHUNK_CHARS = 100_000
# A batch of articles sent to one process holds at most this many characters.
BATCH_CHARS = 4 * CHUNK_CHARS


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
    cut: bool = False  # a piece of a longer run of text, cut at MAX_SENTENCE_CHARS

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
        row["cut"] = self.cut
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


class _Unit(NamedTuple):
    """A piece of labelling work: a whole article, or one chunk of a long one.

    For a chunk, ``article.text`` is the chunk's slice of the article's text, which starts at
    ``offset`` in the whole text, and ``spans`` are its sentences (start, end, cut) in the
    slice, found beforehand; for a whole article ``spans`` is None and they are found where the
    unit is labelled (in a worker, with jobs > 1).
    """

    article: Article
    offset: int
    first: int  # the idx of the unit's first sentence
    spans: tuple[tuple[int, int, bool], ...] | None
    last: bool  # the article's last unit

    @property
    def size(self) -> int:
        return len(self.article.text)


def _units(article: Article) -> Iterator[_Unit]:
    """An article as units: itself when short, else chunks of whole sentences."""
    text = article.text
    if len(text) <= CHUNK_CHARS:
        yield _Unit(article, 0, 0, None, True)
        return
    chunk: list[tuple[int, int, bool]] = []
    first = 0

    def unit(last: bool) -> _Unit:
        low = chunk[0][0] if chunk else 0
        high = chunk[-1][1] if chunk else 0
        piece = Article(article.id, text[low:high], article.outlet, article.date, article.url)
        spans = tuple((start - low, end - low, cut) for start, end, cut in chunk)
        return _Unit(piece, low, first, spans, last)

    for span, cut in split_bounded(text, MAX_SENTENCE_CHARS):
        if chunk and span.end - chunk[0][0] > CHUNK_CHARS:
            yield unit(last=False)
            first += len(chunk)
            chunk = []
        chunk.append((span.start, span.end, cut))
    yield unit(last=True)


class _Labels(NamedTuple):
    """A batch's labels in columns: what a worker process sends back. Arrays and shared
    strings pickle in a fraction of the time the rows would take, and the rows' text is
    already in the caller's hands (a sentence is its unit's text between its offsets)."""

    counts: list[int]  # sentences per unit
    bounds: Any  # numpy (n, 2): start, end of each sentence in its unit's text
    proba: Any  # numpy (n, labels)
    best: Any  # numpy (n,): index of the chosen label
    cues: list[tuple[str, ...]]
    cut: Any  # numpy (n,) bool


# What labelling needs of a unit: its text, what is known of its source (its outlet, with
# its address's site) and its spans (None: not found yet). A worker's task is a list of
# these, which pickles in half the time the units would take.
_Piece = tuple[str, "str | None", "tuple[tuple[int, int, bool], ...] | None"]


def _pieces(units: list[_Unit]) -> list[_Piece]:
    return [
        (unit.article.text, with_site(unit.article.outlet, unit.article.url), unit.spans)
        for unit in units
    ]


def _sentences(
    text: str, spans: Sequence[tuple[int, int, bool]] | None
) -> Sequence[tuple[int, int, bool]]:
    if spans is not None:
        return spans
    compiled = _core.compiled() if _core.active() == "compiled" else None
    if compiled is not None:  # the same spans (tests/test_core_equality.py)
        return compiled.split_spans(text, MAX_SENTENCE_CHARS)
    return tuple(
        (span.start, span.end, cut) for span, cut in split_bounded(text, MAX_SENTENCE_CHARS)
    )


def _label_columns(model: Model, pieces: list[_Piece]) -> _Labels:
    """Split, featurise in context, score and pick cues for a batch of units' pieces."""
    import numpy as np

    spans_of = [_sentences(text, spans) for text, _, spans in pieces]
    texts: list[str] = []
    docs: list[int] = []
    outlets: list[str | None] = []
    bounds: list[tuple[int, int]] = []
    cut: list[bool] = []
    for number, ((text, outlet, _), spans) in enumerate(zip(pieces, spans_of)):
        texts.extend([text[start:end] for start, end, _ in spans])
        docs.extend([number] * len(spans))
        outlets.extend([outlet] * len(spans))
        bounds.extend([(start, end) for start, end, _ in spans])
        cut.extend([flag for _, _, flag in spans])
    # The one call site of the model: each unit (an article, or a chunk of a long one) is
    # read as one document, its outlet as evidence of its voice.
    scored = model._score(texts, doc_ids=docs, outlets=outlets, top=N_CUES)
    return _Labels(
        [len(spans) for spans in spans_of],
        np.array(bounds, dtype=np.int64).reshape(len(bounds), 2),
        scored.proba,
        scored.best,
        model._described_cues(scored.cue_rows),
        np.array(cut, dtype=bool),
    )


# SentenceLabel(*fields) without the named tuple's Python-level __new__: rows are made by the
# hundred thousand.
_new_row = tuple.__new__


class LabelledBatch:
    """A batch of units and their labels in columns: its rows, made when asked for.

    ``stance label`` writes JSON Lines straight from the columns (the compiled core's
    ``jsonl_batch``, the same bytes as the rows' :meth:`SentenceLabel.row`); the API and the
    other formats take :meth:`rows`.
    """

    def __init__(
        self, units: list[_Unit], labels: _Labels, min_confidence: float | None = None
    ) -> None:
        self.units = units
        self.labels = labels
        self.min_confidence = min_confidence
        self._rows: list[SentenceLabel] | None = None

    def __len__(self) -> int:
        return len(self.labels.cues)

    def label_ids(self) -> Any:
        """Each sentence's label as an index into :data:`LABEL_NAMES` (the last: uncertain)."""
        if self.min_confidence is None:
            return self.labels.best
        import numpy as np

        # abstain below the user's threshold; keep the probabilities
        sure = self.labels.proba.max(axis=1) >= self.min_confidence
        return np.where(sure, self.labels.best, len(LABELS))

    def _columns(self) -> tuple[Any, ...]:
        """The arguments of the compiled core's ``jsonl_batch`` and ``labelled_rows``."""
        import numpy as np

        labels = self.labels
        return (
            self.units,
            labels.counts,
            np.ascontiguousarray(labels.bounds, dtype=np.int64),
            np.ascontiguousarray(labels.proba, dtype=np.float64),
            np.ascontiguousarray(self.label_ids(), dtype=np.intp),
            LABEL_NAMES,
            LABELS,
            labels.cues,
            np.ascontiguousarray(labels.cut, dtype=bool).view(np.uint8),
        )

    def jsonl(self) -> bytes:
        """The rows as JSON Lines: :func:`stance._io.jsonl_bytes` of their
        :meth:`SentenceLabel.row` dicts, written from the columns by the compiled core when it
        is active (the same bytes; a lone surrogate, written escaped, is left to that
        function)."""
        compiled = _core.compiled() if _core.active() == "compiled" else None
        data = compiled.jsonl_batch(*self._columns()) if compiled is not None else None
        return data if data is not None else _io.jsonl_bytes([r.row() for r in self.rows()])

    def rows(self) -> list[SentenceLabel]:
        """One :class:`SentenceLabel` per sentence, in order (made once, by the compiled core
        when it is active: the same rows)."""
        if self._rows is None:
            compiled = _core.compiled() if _core.active() == "compiled" else None
            # Thousands of rows, none in a cycle: the collector would walk them for nothing
            # (about a quarter of making them, benchmarks/jobs_overhead.py).
            with collector_paused():
                if compiled is None:
                    self._rows = self._make_rows()
                else:
                    self._rows = compiled.labelled_rows(*self._columns(), SentenceLabel)
        return self._rows

    def _make_rows(self) -> list[SentenceLabel]:
        """The reference of the compiled core's ``labelled_rows``."""
        labels = self.labels
        probabilities = labels.proba.tolist()
        chosen = [LABEL_NAMES[k] for k in self.label_ids().tolist()]
        bounds = labels.bounds.tolist()
        cut = labels.cut.tolist()
        cues = labels.cues
        rows: list[SentenceLabel] = []
        append = rows.append
        position = 0
        for unit, count in zip(self.units, labels.counts):
            article, offset, first = unit.article, unit.offset, unit.first
            text, article_id, outlet, date = article.text, article.id, article.outlet, article.date
            for idx in range(count):
                start, end = bounds[position]
                fields = (
                    article_id, outlet, date, first + idx, offset + start, offset + end,
                    text[start:end], chosen[position], dict(zip(LABELS, probabilities[position])),
                    cues[position], cut[position],
                )  # fmt: skip
                append(_new_row(SentenceLabel, fields))
                position += 1
        return rows


def _unit_batches(
    articles: Iterable[Article], batch_size: int
) -> Iterator[tuple[list[_Unit], list[Article]]]:
    """Units in batches, with the articles each batch finishes.

    Up to ``batch_size`` short articles (and :data:`BATCH_CHARS` characters) go together; each
    chunk of a long article is a batch of its own, so a batch either finishes all its articles
    or is one chunk of one article.
    """
    units: list[_Unit] = []
    size = 0
    for article in articles:
        for unit in _units(article):
            if unit.spans is None and len(units) < batch_size and size + unit.size <= BATCH_CHARS:
                units.append(unit)
                size += unit.size
                continue
            if units:
                yield units, [u.article for u in units]
            if unit.spans is None:
                units, size = [unit], unit.size
            else:
                units, size = [], 0
                yield [unit], [article] if unit.last else []
    if units:
        yield units, [u.article for u in units]


def label_rows(
    model: Model, articles: list[Article], *, min_confidence: float | None = None
) -> list[SentenceLabel]:
    """Label a batch of articles in one vectorised pass: the single labelling path.

    With ``min_confidence``, a sentence whose most probable label is less probable than that
    gets the label ``"uncertain"`` (its probabilities stay in the row).
    """
    threshold = check_confidence(min_confidence)
    rows: list[SentenceLabel] = []
    for units, _ in _unit_batches(articles, max(1, len(articles))):
        rows += LabelledBatch(units, _label_columns(model, _pieces(units)), threshold).rows()
    return rows


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
    min_confidence: float | None = None,
) -> list[SentenceLabel]:
    """Split one article into sentences and label each, reading the whole article.

    ``outlet``, when it is itself a source (TASS, the Pentagon, the ISW), is evidence of the
    article's voice; ``min_confidence`` makes the model abstain below that probability.

    >>> rows = label_article("Peskov told reporters the talks had failed. He added nothing.")
    >>> [r.label for r in rows]
    ['russian_mod', 'russian_mod']
    >>> rows[1].text, rows[1].start
    ('He added nothing.', 44)
    """
    if not isinstance(text, str):
        raise InputError(
            f"label_article() takes the article text as a str, got {type(text).__name__}"
        )
    return label_rows(
        _model(model), [Article(article_id, text, outlet, date)], min_confidence=min_confidence
    )


def _worker_batch(pieces: list[_Piece], model_dir: str | None, core: str = "compiled") -> _Labels:
    from stance.model._runtime import load

    if _core.active() != core and (core == "python" or _core.compiled() is not None):
        _core.select(core)  # a worker reads with the caller's core (both give the same rows)
    return _label_columns(load(model_dir), pieces)


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
    batch_size: int | None = None,
    min_confidence: float | None = None,
) -> Iterator[tuple[list[Article], LabelledBatch]]:
    """(articles finished, labelled batch) per batch, in input order, labelled by ``jobs``
    processes.

    A batch holds whole articles, up to ``batch_size`` of them (default :data:`BATCH_ARTICLES`)
    and :data:`BATCH_CHARS` characters, or one chunk of a long article; the articles it
    finishes have all their rows in this batch or earlier ones (none for a chunk before the
    last).
    """
    n_jobs = resolve_jobs(jobs)
    threshold = check_confidence(min_confidence)
    numbered = (as_article(item, i) for i, item in enumerate(articles))
    if batch_size is None:
        batch_size = BATCH_ARTICLES
    batches = _unit_batches(numbered, batch_size)
    chosen = _model(model)
    if n_jobs == 1:
        for units, finished in batches:
            yield finished, LabelledBatch(units, _label_columns(chosen, _pieces(units)), threshold)
        return
    from stance.batch._workers import ordered_map

    model_dir = str(model.directory) if model is not None else None
    core = _core.active()
    tasks = (((_pieces(units), model_dir, core), (units, finished)) for units, finished in batches)

    def here(pieces: list[_Piece], _model_dir: str | None, _core_name: str) -> _Labels:
        return _label_columns(chosen, pieces)  # the caller is one of the jobs

    for (units, finished), labels in ordered_map(_worker_batch, tasks, n_jobs, local=here):
        yield finished, LabelledBatch(units, labels, threshold)


def label_articles(
    articles: Iterable[object],
    *,
    jobs: int | None = 1,
    model: Model | None = None,
    min_confidence: float | None = None,
) -> Iterator[SentenceLabel]:
    """Label many articles lazily, in order, with ``jobs`` processes (``None``: every core).

    Each item is an article text, a dict with ``text`` (and ``id``, ``outlet``, ``date``), or
    an :class:`Article`. Memory stays flat: articles are read and labelled in small batches.
    ``min_confidence`` makes the model answer ``"uncertain"`` below that probability.
    """
    batches = label_batches(articles, jobs=jobs, model=model, min_confidence=min_confidence)
    for _finished, batch in batches:
        yield from batch.rows()


def label_dataset(
    ds: Dataset, column: str = "text", *, num_proc: int | None = None, batch_size: int = 64
) -> Dataset:
    """A ``datasets.Dataset`` of articles to a Dataset of labelled sentences (one row each).

    Uses ``Dataset.map(batched=True, num_proc=...)``; other columns of ``ds`` are dropped,
    ``article_id`` is the ``id`` column if there is one, else the row number; ``outlet``,
    ``date`` and ``url`` columns, when there are, are read as in :func:`label_articles`.
    """
    if column not in ds.column_names:
        raise InputError(
            f"column {column!r} is not in the dataset; it has {', '.join(ds.column_names)}"
        )

    def label_batch(batch: dict[str, list[Any]], indices: list[int]) -> dict[str, list[Any]]:
        ids = batch.get("id", indices)

        def field(name: str, n: int) -> str:
            return str((batch.get(name) or [""] * len(indices))[n] or "")

        items = [
            Article(
                str(i),
                t if isinstance(t, str) else "",
                field("outlet", n),
                field("date", n),
                field("url", n),
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
