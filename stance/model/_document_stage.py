"""The document stage: a second linear model that reads the first stage's reading of a document.

Stacked sequential learning. The first stage labels each sentence from its own features (words,
attribution, its neighbours' speakers, the document's evidence). The second stage sees, for
each sentence, the first stage's probabilities for it, for the sentences before and after it,
and for the document as a whole (all its sentences, and those that name no source), so that a
sentence that names no one can take the voice the rest of its document carries: a think tank's
narration, a briefing's answers, the sentences of a comment thread. The document's columns
come again for each kind of document the reading names (a transcript, an assessment, an agency
item, a comment thread, an editorial), so that the stage learns how far each kind's voice
reaches: into every line of a thread, not into an editorial's plain background.

Everything here is numpy on small dense arrays: one row of :data:`COLUMNS` per sentence.
The same function builds the rows in training (from out-of-fold first-stage probabilities) and
in prediction on the Python core, so the two cannot drift. The compiled core computes the same
stage in one fused pass without making the rows (``document_stage`` in
``stance/text/_compiled.pyx``); this module is its reference, and tests hold the two equal.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from stance._labels import LABELS
from stance.model._scoring import softmax

__all__ = [
    "COLUMNS",
    "GROUP_OF_COLUMN",
    "N_STATES",
    "STAGE_KINDS",
    "document_rows",
    "document_stage",
    "free_sentences",
]

_K = len(LABELS)
# The kinds of document the reading names that say how a document speaks (the two others,
# "institutional" and "personal", say only that it speaks for itself). The stage weighs a
# document's voice by its kind: the guide gives every line of a comment thread the thread's
# voice and an editorial's plain background none. The order is the reading's
# (``stance.text._document.KINDS``), which the compiled core's flags follow.
STAGE_KINDS = ("transcript", "assessment", "agency", "comments", "editorial")
# The columns of a document-stage row, in order, and the evidence each belongs to.
_BLOCKS: tuple[tuple[str, str], ...] = (
    ("own", "sentence"),  # the sentence's own first-stage probabilities
    ("own_log", "sentence"),  # their logarithms
    ("prev", "neighbours"),  # the sentence before
    ("next", "neighbours"),  # the sentence after
    ("free_doc", "document"),  # for a sentence naming no source, in its own voice: the mean
    # over the document's sentences that name none
    ("plain_doc", "document"),  # the same for such a sentence without a mark of its own voice
    ("free_doc_all", "document"),  # for such a sentence: the mean over the whole document
    ("named_doc_all", "document"),  # for a sentence naming its source: the document's mean
    *(
        block
        for kind in STAGE_KINDS
        for block in (
            (f"{kind}:own", "sentence"),  # the sentence's own, in a document of that kind
            (f"{kind}:free_doc", "document"),  # free_doc and plain_doc, in such a document
            (f"{kind}:plain_doc", "document"),
        )
    ),
)
_TAIL: tuple[tuple[str, str], ...] = (
    ("free", "sentence"),  # the sentence names no source of its own
    ("first", "neighbours"),  # it opens its document
    ("last", "neighbours"),  # it closes its document
    ("no_free_in_doc", "document"),  # every sentence of its document names a source
    *(
        flag
        for kind in STAGE_KINDS
        for flag in ((f"{kind}:free", "document"), (f"{kind}:plain", "document"))
    ),  # a sentence naming no source in a document of that kind, in its own voice or plainly
)
COLUMNS: tuple[str, ...] = (
    *(f"{block}:{label}" for block, _ in _BLOCKS for label in LABELS),
    *(name for name, _ in _TAIL),
)
GROUP_OF_COLUMN: tuple[str, ...] = (
    *(group for _, group in _BLOCKS for _ in LABELS),
    *(group for _, group in _TAIL),
)
# The states of a sentence (the columns of :func:`free_sentences`).
N_STATES = 2 + len(STAGE_KINDS)
_FLOOR = 1e-6
# The columns that read the rest of the document (not the sentence's own): the push they give
# a sentence's label is what the cues name as the document's voice.
_DOCUMENT_COLUMNS = np.array([group == "document" for group in GROUP_OF_COLUMN])


_OWN_VOICE = ("v:first_person", "v:hedge", "v:evaluative", "v:question", "v:exclaim", "v:you")


_KIND_COLUMN = {kind: 2 + k for k, kind in enumerate(STAGE_KINDS)}  # its column in the states


def free_sentences(feats: Sequence[set[str]]) -> np.ndarray:
    """For each sentence: whether it names no source of its own (the attribution found no
    speaker), whether it bears a mark of its own voice, and whether its document is of each
    of :data:`STAGE_KINDS` (as the document features name it): n x :data:`N_STATES` booleans."""
    states = np.zeros((len(feats), N_STATES), dtype=bool)
    for i, names in enumerate(feats):
        states[i, 0] = "spk:none" in names or "spk:unresolved" in names
        states[i, 1] = any(cue in names for cue in _OWN_VOICE)
        for name in names:
            if name.startswith("dk:"):  # dk:{kind}:{state}, on every sentence of the document
                column = _KIND_COLUMN.get(name.split(":", 2)[1])
                if column is not None:
                    states[i, column] = True
    return states


def document_rows(proba: np.ndarray, slices: Sequence[slice], states: np.ndarray) -> np.ndarray:
    """The document-stage rows (n x len(COLUMNS)) of sentences grouped into ``slices``;
    ``states`` is :func:`free_sentences` of their features."""
    free, own_voice = states[:, 0], states[:, 1].astype(float)[:, None]
    kinds = states[:, 2:].astype(float)
    n = len(proba)
    rows = np.zeros((n, len(COLUMNS)))
    if n == 0:
        return rows
    starts = np.array([part.start for part in slices], dtype=np.intp)
    lengths = np.array([part.stop - part.start for part in slices], dtype=np.intp)
    doc_of = np.repeat(np.arange(len(slices)), lengths)
    first = np.zeros(n, dtype=bool)
    first[starts] = True
    last = np.zeros(n, dtype=bool)
    last[starts + lengths - 1] = True

    prev = np.zeros_like(proba)
    prev[1:] = proba[:-1]
    prev[first] = 0.0
    following = np.zeros_like(proba)
    following[:-1] = proba[1:]
    following[last] = 0.0

    doc_mean = np.add.reduceat(proba, starts, axis=0) / lengths[:, None]
    free_counts = np.add.reduceat(free.astype(float), starts)
    free_sums = np.add.reduceat(proba * free[:, None], starts, axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        free_mean = np.where(free_counts[:, None] > 0, free_sums / free_counts[:, None], 0.0)
    doc = doc_mean[doc_of]
    doc_free = free_mean[doc_of]
    is_free = free.astype(float)[:, None]

    # A sentence's own attribution comes first: the document's voice enters apart for
    # sentences that name a source, so the model can give it little weight there.
    blocks = (
        proba,
        np.log(np.maximum(proba, _FLOOR)),
        prev,
        following,
        doc_free * is_free * own_voice,
        doc_free * is_free * (1.0 - own_voice),
        doc * is_free,
        doc * (1.0 - is_free),
        *(
            block
            for k in range(len(STAGE_KINDS))
            for block in (
                proba * kinds[:, k : k + 1],
                doc_free * is_free * own_voice * kinds[:, k : k + 1],
                doc_free * is_free * (1.0 - own_voice) * kinds[:, k : k + 1],
            )
        ),
    )
    for b, block in enumerate(blocks):
        rows[:, b * _K : (b + 1) * _K] = block
    tail = len(blocks) * _K
    rows[:, tail] = free
    rows[:, tail + 1] = first
    rows[:, tail + 2] = last
    rows[:, tail + 3] = (free_counts == 0)[doc_of]
    for k in range(len(STAGE_KINDS)):
        rows[:, tail + 4 + 2 * k] = free * own_voice[:, 0] * kinds[:, k]
        rows[:, tail + 5 + 2 * k] = free * (1.0 - own_voice[:, 0]) * kinds[:, k]
    return rows


def document_stage(
    first: np.ndarray,
    slices: Sequence[slice],
    states: np.ndarray,
    coef: np.ndarray,
    intercept: np.ndarray,
    lift: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The stage over the first stage's scores ``first``: ``(proba, best, pushed)``, the
    probabilities, the chosen label and how far the document's columns pushed it (their values
    times ``lift``, the stage's weights ``coef`` relative to their mean, at the chosen label).

    The reference of the compiled core's ``document_stage``, which computes the same in one pass.
    """
    rows = document_rows(softmax(first), slices, states)
    proba = softmax(rows @ coef + intercept)
    best = proba.argmax(axis=1)
    document_lift = lift[_DOCUMENT_COLUMNS]
    pushed = np.einsum("ij,ji->i", rows[:, _DOCUMENT_COLUMNS], document_lift[:, best])
    return proba, best, pushed
