"""The one labelling path shared by the estimator, the shipped model, the CLI and Spark.

Input checks, grouping sentences into articles, featurising, and the softmax live here once.
This module needs numpy only: scikit-learn is imported by :mod:`stance.model._estimator` alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from stance._errors import InputError
from stance.text._features import featurize_article

__all__ = ["article_outlets", "article_slices", "check_sentences", "featurize", "softmax"]


def check_sentences(sentences: object, name: str = "sentences") -> list[str]:
    """A list of str, or a clear error saying what was given instead and how to fix it."""
    if isinstance(sentences, str):
        raise InputError(
            f"{name} must be a list of sentences, not a single str; "
            f"wrap it in a list: [{sentences[:30]!r}...]"
        )
    if sentences is None:
        raise InputError(f"{name} must be a list of sentences, got None")
    try:
        items = list(sentences)  # type: ignore[call-overload]
    except TypeError:
        raise InputError(
            f"{name} must be a list of sentences, got {type(sentences).__name__}"
        ) from None
    for position, item in enumerate(items):
        if not isinstance(item, str):
            raise InputError(
                f"{name}[{position}] is a {type(item).__name__}, not a str; "
                "every sentence must be a str"
            )
    return items


def article_slices(n: int, doc_ids: Sequence[Any] | None) -> list[slice]:
    """Runs of consecutive sentences sharing a doc id; each sentence alone without doc ids."""
    if doc_ids is None:
        return [slice(i, i + 1) for i in range(n)]
    ids = list(doc_ids)
    if len(ids) != n:
        raise InputError(
            f"doc_ids must have one entry per sentence: {n} sentences, {len(ids)} doc_ids"
        )
    slices = []
    start = 0
    for i in range(1, n + 1):
        if i == n or ids[i] != ids[start]:
            slices.append(slice(start, i))
            start = i
    return slices


def article_outlets(n: int, slices: list[slice], outlets: Sequence[Any] | None) -> list[str | None]:
    """The outlet of each article: its first sentence's entry in ``outlets`` (one per sentence)."""
    if outlets is None:
        return [None] * len(slices)
    given = list(outlets)
    if len(given) != n:
        raise InputError(
            f"outlets must have one entry per sentence: {n} sentences, {len(given)} outlets"
        )
    return [str(given[part.start]) if given[part.start] else None for part in slices]


def featurize(
    sentences: list[str],
    slices: list[slice],
    groups: Sequence[str],
    outlets: Sequence[str | None] | None = None,
) -> list[set[str]]:
    """Feature names of every sentence, each article featurised in its own context.

    ``outlets`` holds one entry per article (slice): what is known of its source.
    """
    out: list[set[str]] = []
    for number, part in enumerate(slices):
        outlet = outlets[number] if outlets is not None else None
        out.extend(featurize_article(sentences[part], groups, outlet=outlet))
    return out


def softmax(scores: np.ndarray) -> np.ndarray:
    shifted = scores - scores.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)
