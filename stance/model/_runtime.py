"""The shipped model: loaded lazily and once, verified, and fast.

:func:`load` returns a :class:`Model` built from ``framing.weights.npz`` with numpy alone, so
``import stance`` plus a first prediction needs no scikit-learn. The fitted scikit-learn
estimator (``framing.joblib``) is the same model; :attr:`Model.estimator` loads it (verified)
when you want the scikit-learn object itself. Both give the same probabilities (a test proves
it to 1e-9): a linear model's prediction is a sum of weight rows, one per feature present.
"""

from __future__ import annotations

import io
import json
import math
import platform
import threading
from collections.abc import Sequence
from datetime import datetime, timezone
from itertools import chain, repeat
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from stance import _core
from stance._collector import collector_paused
from stance._errors import InputError, ModelFileError
from stance._labels import LABELS, UNCERTAIN, check_confidence
from stance.model import _files as _modelfile
from stance.model._document_stage import document_stage, free_sentences
from stance.model._scoring import (
    article_outlets,
    article_slices,
    check_sentences,
    featurize,
    softmax,
)
from stance.text._features import FEATURE_VERSION, describe

if TYPE_CHECKING:
    from stance.model._estimator import FramingClassifier

__all__ = ["Cue", "Labelled", "Model", "load", "save_model", "weights_bytes"]

# A document-stage push (in logits) above which the cues name the document's voice.
_DOCUMENT_CUE = 0.5


def _fixed_step(coef: np.ndarray) -> float:
    """The step for summing weights as integers (see Model._scores): the largest weight is
    about 2**40 steps, so the sum of millions of features fits in 64 bits, and a weight is
    rounded by at most 2**-41 of the largest (about 1e-12 for the shipped model)."""
    largest = float(np.abs(coef).max()) if coef.size else 0.0
    return 2.0 ** (math.ceil(math.log2(largest)) - 40) if largest > 0 else 1.0


class Cue(NamedTuple):
    """One feature behind a decision and its weight towards the predicted label."""

    feature: str
    weight: float

    @property
    def description(self) -> str:
        """The cue as a person reads it: ``speaker: russian_mod``, ``document voice: ...``."""
        return describe(self.feature)


class _Reading(NamedTuple):
    """A batch as a reading core leaves it: the first stage's scores, each sentence's known
    feature rows (one flat array, and where each sentence's start), its document states."""

    first: np.ndarray  # (n, labels)
    flat: np.ndarray
    starts: np.ndarray
    states: np.ndarray  # (n, 2): names no source, bears a mark of its own voice


class Labelled(NamedTuple):
    """What the model says of a batch of sentences: probabilities, the chosen label, its cues."""

    proba: np.ndarray  # (n, labels), columns in LABELS order
    best: np.ndarray  # (n,) index of the chosen label
    cues: list[list[Cue]]


class _Scored(NamedTuple):
    """A batch's labels with its cues as arrays: what the labelling path keeps of
    :class:`Labelled` without making a :class:`Cue` per cue."""

    proba: np.ndarray  # (n, labels), columns in LABELS order
    best: np.ndarray  # (n,) index of the chosen label
    cue_rows: np.ndarray  # (n, top) the cues' ids, strongest first, padded with -1 (see _cue_names)
    cue_weights: np.ndarray  # (n, top) their weights towards the chosen label


class Model:
    """A trained framing model: labels, probabilities and the cues behind them.

    Two linear stages: the first scores each sentence from its features; the document stage
    (when the model has one) rescores it from the first stage's reading of the sentence, its
    neighbours and its whole document (:mod:`stance.model._document_stage`).
    """

    def __init__(self, directory: Path, manifest: dict[str, Any], arrays: dict[str, Any]) -> None:
        self.directory = directory
        self.manifest = manifest
        self.labels: tuple[str, ...] = tuple(manifest["labels"])
        self.feature_groups: tuple[str, ...] = tuple(manifest["config"]["feature_groups"])
        names, coef = list(arrays["names"]), np.asarray(arrays["coef"], dtype=float)
        self._index_built: dict[str, int] | None = None  # name -> row, see _index
        self._names = names
        # One extra zero row: the row of unknown features, and the sum of an empty sentence.
        self._coef = np.vstack([coef, np.zeros((1, coef.shape[1]))])
        self._step = _fixed_step(coef)
        self._fixed = np.round(self._coef / self._step).astype(np.int64)
        self._intercept = np.asarray(arrays["intercept"], dtype=float)
        stage = arrays.get("stage_coef")
        self._stage_coef = None if stage is None else np.ascontiguousarray(stage, dtype=float)
        self._stage_intercept = (
            None if stage is None else np.ascontiguousarray(arrays["stage_intercept"], dtype=float)
        )
        self._estimator: FramingClassifier | None = None
        self._reader: Any = None  # the compiled core's reader, built on first use
        self._reader_lock = threading.Lock()
        self._lift_table: np.ndarray | None = None
        self._rank_table: np.ndarray | None = None
        self._stage_lift_table: np.ndarray | None = None
        # A cue's id is its feature's row, or, past the zero row, the document stage's label.
        self._cue_names = [*names, "", *(f"doc_voice:{label}" for label in self.labels)]
        self._described: dict[tuple[int, ...], tuple[str, ...]] = {}

    def __repr__(self) -> str:
        return (
            f"<stance.Model {len(self._names)} features, trained "
            f"{self.manifest.get('training', {}).get('date', '?')}>"
        )

    @property
    def _index(self) -> dict[str, int]:
        """Feature name -> row, built on first use: only the Python reading needs all of it
        (hashing the model's hundred thousand names took a tenth of a cold start)."""
        if self._index_built is None:
            self._index_built = dict(zip(self._names, range(len(self._names))))
        return self._index_built

    # -- prediction ------------------------------------------------------------------------

    def _rows(self, feats: list[set[str]]) -> tuple[np.ndarray, np.ndarray]:
        """Each sentence's feature rows (the zero row for unknown features) in one flat array,
        and where each sentence's entries start."""
        n = len(feats)
        lengths = np.fromiter(map(len, feats), dtype=np.intp, count=n)
        total = int(lengths.sum())
        flat = np.fromiter(
            map(self._index.get, chain.from_iterable(feats), repeat(len(self._names))),
            dtype=np.intp,
            count=total,
        )
        starts = np.zeros(n, dtype=np.intp)
        np.cumsum(lengths[:-1], out=starts[1:])
        return flat, starts

    def _first_stage(self, flat: np.ndarray, starts: np.ndarray) -> np.ndarray:
        # Summed as fixed-point integers: exact, so the same in any order (a set's order varies
        # between processes) with no sort, and the rounding is far below the 1e-9 promise.
        padded = np.append(flat, len(self._names))  # a last empty sentence sums the zero row
        sums = np.add.reduceat(self._fixed[padded], starts, axis=0)
        sums[np.diff(starts, append=len(flat)) == 0] = 0  # reduceat gives empty runs a row
        return sums * self._step + self._intercept

    def label(
        self,
        sentences: Sequence[str],
        *,
        doc_ids: Sequence[Any] | None = None,
        outlets: Sequence[Any] | None = None,
        top: int = 3,
    ) -> Labelled:
        """Probabilities, the chosen label and its ``top`` cues for every sentence, in one pass.

        Sentences sharing a ``doc_ids`` value (consecutive) are read as one article;
        ``outlets`` (one entry per sentence, like ``doc_ids``) says what is known of each
        article's source. This is the one path every prediction takes, with either reading
        core (:mod:`stance._core`): both give the same feature rows and sums.
        """
        scored = self._score(sentences, doc_ids=doc_ids, outlets=outlets, top=top)
        names = self._cue_names
        cues = [
            [Cue(names[row], weight) for row, weight in zip(rows, weights) if row >= 0]
            for rows, weights in zip(scored.cue_rows.tolist(), scored.cue_weights.tolist())
        ]
        return Labelled(scored.proba, scored.best, cues)

    def _score(
        self,
        sentences: Sequence[str],
        *,
        doc_ids: Sequence[Any] | None = None,
        outlets: Sequence[Any] | None = None,
        top: int = 3,
    ) -> _Scored:
        """:meth:`label` with the cues as arrays of ids (the labelling path's form)."""
        items = check_sentences(sentences)
        slices = article_slices(len(items), doc_ids)
        sources = article_outlets(len(items), slices, outlets)
        if not items:
            top = max(top, 0)
            return _Scored(
                np.zeros((0, len(self.labels))),
                np.zeros(0, dtype=np.intp),
                np.zeros((0, top), dtype=np.int32),
                np.zeros((0, top)),
            )
        reader = self._compiled_reader()
        if reader is None:
            reading = self._read_python(items, slices, sources)
        else:
            with self._reader_lock:
                sums, flat, starts, states = reader.read(
                    items, [(part.start, part.stop) for part in slices], sources, self._fixed
                )
            reading = _Reading(sums * self._step + self._intercept, flat, starts, states)
        return self._label(reading, slices, top, compiled=reader is not None)

    def _described_cues(self, cue_rows: np.ndarray) -> list[tuple[str, ...]]:
        """Each sentence's cues as a person reads them (:func:`describe`), each reading once:
        the ``cues`` of a labelled row. Memoised by the cues' ids, which repeat a lot."""
        memo = self._described
        if len(memo) > 1 << 16:  # bounded: any stream of articles keeps it small
            memo.clear()
        # the ids of each sentence's cues as a tuple, made in C (zip over the columns)
        keys = list(zip(*cue_rows.T.tolist())) if cue_rows.shape[1] else [()] * len(cue_rows)
        out: list[Any] = list(map(memo.get, keys))
        if None in out:
            names = self._cue_names
            for i, key in enumerate(keys):
                if out[i] is None:
                    described = memo.get(key)
                    if described is None:
                        # Two features can read alike (spk:x and spk:x:named): show each once.
                        readings = [describe(names[row]) for row in key if row >= 0]
                        described = memo[key] = tuple(dict.fromkeys(readings))
                    out[i] = described
        return out

    def _read_python(
        self, items: list[str], slices: list[slice], sources: list[str | None]
    ) -> _Reading:
        """The reference reading: feature names, their rows, the first stage's scores."""
        feats = featurize(items, slices, self.feature_groups, sources)
        flat, starts = self._rows(feats)
        return _Reading(self._first_stage(flat, starts), flat, starts, free_sentences(feats))

    def _compiled_reader(self) -> Any:
        """The compiled core's reader of this model's features, when that core is active
        and computes its feature groups; else None (the Python reference reads)."""
        if _core.active() != "compiled":
            return None
        if self._reader is None:
            compiled = _core.compiled()
            if compiled is None or not set(self.feature_groups) <= compiled.SUPPORTED_GROUPS:
                return None
            with self._reader_lock:
                if self._reader is None:
                    with collector_paused():
                        self._reader = compiled.Reader(self._names, self.feature_groups)
        return self._reader

    def _label(self, reading: _Reading, slices: list[slice], top: int, compiled: bool) -> _Scored:
        pushed = None  # how far the document stage pushed each sentence's label
        if self._stage_coef is None:
            proba = softmax(reading.first)
            best = proba.argmax(axis=1)
        else:
            proba, best, pushed = self._stage(reading, slices, compiled)
        if top <= 0:
            cue_rows, cue_weights = (
                np.zeros((len(best), 0), dtype=np.int32),
                np.zeros((len(best), 0)),
            )
        elif compiled:
            cue_rows, cue_weights = self._compiled_cues(reading.flat, reading.starts, best, top)
        else:
            cue_rows, cue_weights = self._top_cues(reading.flat, reading.starts, best, top)
        if pushed is not None and top > 0:
            if compiled:
                self._compiled_document_cues(pushed, best, cue_rows, cue_weights)
            else:
                self._add_document_cues(pushed, best, cue_rows, cue_weights)
        return _Scored(proba, best, cue_rows, cue_weights)

    def _stage(
        self, reading: _Reading, slices: list[slice], compiled: bool
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The document stage and its pushes: computed by the compiled core in one pass, or
        by the numpy reference (:func:`document_stage`)."""
        assert self._stage_coef is not None and self._stage_intercept is not None
        if not compiled:
            return document_stage(
                reading.first,
                slices,
                reading.states,
                self._stage_coef,
                self._stage_intercept,
                self._stage_lift,
            )
        core = _core.compiled()
        assert core is not None
        starts = np.fromiter((part.start for part in slices), dtype=np.int64, count=len(slices))
        lengths = np.fromiter(
            (part.stop - part.start for part in slices), dtype=np.int64, count=len(slices)
        )
        proba, best, pushed = core.document_stage(
            np.ascontiguousarray(reading.first, dtype=np.float64),
            starts,
            lengths,
            reading.states.view(np.uint8),
            self._stage_coef,
            self._stage_intercept,
            self._stage_lift,
        )
        return proba, best, pushed

    def _compiled_document_cues(
        self, pushed: np.ndarray, best: np.ndarray, cue_rows: np.ndarray, cue_weights: np.ndarray
    ) -> None:
        """:meth:`_add_document_cues`, computed by the compiled core."""
        compiled = _core.compiled()
        assert compiled is not None
        compiled.insert_document_cues(
            cue_rows, cue_weights, pushed, best, _DOCUMENT_CUE, len(self._names) + 1
        )

    def _compiled_cues(
        self, flat: np.ndarray, starts: np.ndarray, best: np.ndarray, top: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`_top_cues`, computed by the compiled core over its rows."""
        compiled = _core.compiled()
        assert compiled is not None
        rows, weights = compiled.top_cues(
            flat, starts, best.astype(np.intp), self._lift, self._name_rank, top
        )
        return rows, weights

    def _add_document_cues(
        self, pushed: np.ndarray, best: np.ndarray, cue_rows: np.ndarray, cue_weights: np.ndarray
    ) -> None:
        """Name the document stage among the cues where the document pushed the label."""
        chosen = np.flatnonzero(pushed > _DOCUMENT_CUE)
        if not chosen.size:
            return
        weight = pushed[chosen][:, None]
        ids, weights = cue_rows[chosen], cue_weights[chosen]
        # The cues are strongest first: the document's goes after those at least as strong,
        # and the weakest drops out when there is no room.
        at = ((ids >= 0) & (weights >= weight)).sum(axis=1)[:, None]
        column = np.arange(ids.shape[1])[None, :]
        doc_id = (len(self._names) + 1 + best[chosen])[:, None]
        before_ids = np.concatenate([ids[:, :1], ids[:, :-1]], axis=1)
        before_weights = np.concatenate([weights[:, :1], weights[:, :-1]], axis=1)
        cue_rows[chosen] = np.where(column < at, ids, np.where(column == at, doc_id, before_ids))
        cue_weights[chosen] = np.where(
            column < at, weights, np.where(column == at, weight, before_weights)
        )

    @property
    def _stage_lift(self) -> np.ndarray:
        """The document stage's weights towards each label relative to their mean."""
        if self._stage_lift_table is None:
            assert self._stage_coef is not None
            lift = self._stage_coef - self._stage_coef.mean(axis=1, keepdims=True)
            self._stage_lift_table = np.ascontiguousarray(lift)
        return self._stage_lift_table

    def _top_cues(
        self, flat: np.ndarray, starts: np.ndarray, labels: np.ndarray, top: int
    ) -> tuple[np.ndarray, np.ndarray]:
        sentence = np.repeat(np.arange(len(starts)), np.diff(starts, append=len(flat)))
        known = flat != len(self._names)  # unknown features carry no weight
        rows, sentence = flat[known], sentence[known]
        weights = self._lift[rows, labels[sentence]]
        # Only positive cues are shown, unless a sentence has none: sort only those needed.
        positive = weights > 0
        has_positive = np.zeros(len(labels), dtype=bool)
        has_positive[sentence[positive]] = True
        needed = positive | ~has_positive[sentence]
        rows, sentence, weights = rows[needed], sentence[needed], weights[needed]
        # Strongest first, ties by feature name, sentence by sentence: one sort for the batch.
        order = np.lexsort((self._name_rank[rows], -weights, sentence))
        rows, sentence, weights = rows[order], sentence[order], weights[order]
        first = np.searchsorted(sentence, sentence, side="left")
        rank = np.arange(len(rows)) - first
        # The top cues with a positive weight, or the single strongest when none is positive.
        chosen = np.flatnonzero((rank < top) & ((weights > 0) | (rank == 0)))
        cue_rows = np.full((len(labels), top), -1, dtype=np.int32)
        cue_weights = np.zeros((len(labels), top))
        cue_rows[sentence[chosen], rank[chosen]] = rows[chosen]
        cue_weights[sentence[chosen], rank[chosen]] = weights[chosen]
        return cue_rows, cue_weights

    @property
    def _lift(self) -> np.ndarray:
        """Each feature's weight towards each label relative to its mean over labels."""
        if self._lift_table is None:
            self._lift_table = self._coef - self._coef.mean(axis=1, keepdims=True)
        return self._lift_table

    @property
    def _name_rank(self) -> np.ndarray:
        """The position of each feature's name in sorted order (ties between cue weights)."""
        if self._rank_table is None:
            ranks = np.empty(len(self._names), dtype=np.int64)
            ranks[sorted(range(len(self._names)), key=self._names.__getitem__)] = np.arange(
                len(self._names)
            )
            self._rank_table = ranks
        return self._rank_table

    def featurize(
        self,
        sentences: Sequence[str],
        doc_ids: Sequence[Any] | None = None,
        outlets: Sequence[Any] | None = None,
    ) -> list[set[str]]:
        """The first stage's feature names of every sentence, articles read whole."""
        items = check_sentences(sentences)
        slices = article_slices(len(items), doc_ids)
        return featurize(
            items, slices, self.feature_groups, article_outlets(len(items), slices, outlets)
        )

    def predict_proba(
        self,
        sentences: Sequence[str],
        *,
        doc_ids: Sequence[Any] | None = None,
        outlets: Sequence[Any] | None = None,
    ) -> np.ndarray:
        """Probabilities, one row per sentence, columns in :attr:`labels` order.

        Sentences sharing a ``doc_ids`` value (consecutive) are read as one article, so a
        quote continuation sees its speaker and every sentence sees the document's voice;
        without ``doc_ids`` each sentence stands alone. ``outlets`` (optional, one entry per
        sentence) names each article's source: an outlet that is itself a source (TASS, the
        Pentagon, the ISW) is evidence of the document's voice.
        """
        return self._score(sentences, doc_ids=doc_ids, outlets=outlets, top=0).proba

    def predict(
        self,
        sentences: Sequence[str],
        *,
        doc_ids: Sequence[Any] | None = None,
        outlets: Sequence[Any] | None = None,
        min_confidence: float | None = None,
    ) -> list[str]:
        """The most probable label of each sentence.

        With ``min_confidence``, a sentence whose most probable label has a lower probability
        gets ``"uncertain"`` instead (``stance evaluate`` reports the accuracy each threshold
        buys); by default the model always answers.
        """
        threshold = check_confidence(min_confidence)
        proba = self.predict_proba(sentences, doc_ids=doc_ids, outlets=outlets)
        return [
            self.labels[i] if threshold is None or p >= threshold else UNCERTAIN
            for i, p in zip(proba.argmax(axis=1).tolist(), proba.max(axis=1).tolist())
        ]

    def explain(
        self,
        sentence: str,
        top: int = 5,
        *,
        context: Sequence[str] | None = None,
        after: Sequence[str] | None = None,
        outlet: str | None = None,
    ) -> list[Cue]:
        """The features that pushed ``sentence`` towards its predicted label, strongest first.

        ``context`` and ``after`` are the article's sentences before and after it: the model
        reads the whole document. A cue ``doc_voice:<label>`` says the document's voice
        decided (the document stage).
        """
        if not isinstance(sentence, str):
            raise InputError(
                f"explain() takes one sentence as a str, got {type(sentence).__name__}"
            )
        if not isinstance(top, int) or isinstance(top, bool) or top < 1:
            raise InputError(f"top must be a positive integer, got {top!r}")
        before = check_sentences(context or [], "context")
        following = check_sentences(after or [], "after")
        article = [*before, sentence, *following]
        labelled = self.label(
            article, doc_ids=[0] * len(article), outlets=[outlet] * len(article), top=top
        )
        return labelled.cues[len(before)]

    # -- the scikit-learn estimator ----------------------------------------------------------

    @property
    def estimator(self) -> FramingClassifier:
        """The fitted scikit-learn estimator behind this model, loaded (verified) on demand."""
        if self._estimator is None:
            self._estimator = _load_estimator(self.directory, self.manifest)
        return self._estimator


def _load_estimator(directory: Path, manifest: dict[str, Any]) -> FramingClassifier:
    data = _modelfile.verified_bytes(directory, _modelfile.ESTIMATOR_FILE, manifest)
    _modelfile.check_sklearn_version(manifest)
    import joblib

    from stance.model._estimator import FramingClassifier

    estimator = joblib.load(io.BytesIO(data))
    if not isinstance(estimator, FramingClassifier):
        raise ModelFileError(
            f"{directory / _modelfile.ESTIMATOR_FILE} holds a "
            f"{type(estimator).__name__}, not a FramingClassifier"
        )
    return estimator


def _load_model(directory: Path) -> Model:
    manifest = _modelfile.read_manifest(directory)
    if tuple(manifest.get("labels", ())) != LABELS:
        raise ModelFileError(
            f"the model in {directory} predicts {manifest.get('labels')}, "
            f"this stance expects {list(LABELS)}; retrain with `stance train`"
        )
    if manifest.get("feature_version") != FEATURE_VERSION:
        raise ModelFileError(
            f"the model in {directory} was trained on features of version "
            f"{manifest.get('feature_version')!r}; this stance computes version "
            f"{FEATURE_VERSION}: retrain it with `stance train`, or install the stance that "
            "made it"
        )
    data = _modelfile.verified_bytes(directory, _modelfile.WEIGHTS_FILE, manifest)
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as stored:
            arrays: dict[str, Any] = {name: stored[name] for name in stored.files}
        arrays["names"] = _names_from_blob(arrays["names"], arrays["coef"])
        for needed in ("coef", "intercept"):
            arrays[needed]
        if manifest["config"].get("document_stage") and "stage_coef" not in arrays:
            raise KeyError("stage_coef")
    except (ValueError, KeyError, OSError) as err:
        raise ModelFileError(
            f"{directory / _modelfile.WEIGHTS_FILE} is not a stance weights file ({err})"
        ) from None
    return Model(directory, manifest, arrays)


def weights_bytes(arrays: dict[str, Any]) -> bytes:
    """A weights file's bytes: ``arrays`` (feature ``names``, ``coef``, ``intercept`` and the
    document stage's) as a compressed ``.npz``, with the names as :func:`_load_model` reads them."""
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **{**arrays, "names": _names_to_blob(arrays["names"])})
    return buffer.getvalue()


def _names_to_blob(names: list[str]) -> np.ndarray:
    """The feature names as the weights file stores them: one UTF-8 text, a name a line."""
    if any("\n" in name for name in names):
        raise ValueError("a feature name holds a line break; the weights file cannot store it")
    return np.frombuffer("\n".join(names).encode("utf-8"), dtype=np.uint8)


def _names_from_blob(blob: np.ndarray, coef: np.ndarray) -> list[str]:
    if blob.dtype != np.uint8 or blob.ndim != 1:
        raise ValueError(f"names are stored as {blob.dtype}, not as UTF-8 bytes")
    names = blob.tobytes().decode("utf-8").split("\n") if blob.size else []
    if len(names) != len(coef):
        raise ValueError(f"{len(names)} feature names for {len(coef)} rows of weights")
    return names


_cache: dict[Path, Model] = {}
_lock = threading.Lock()


def load(path: str | Path | None = None) -> Model:
    """The shipped model (loaded once, then cached), or the model saved in directory ``path``.

    Raises :class:`stance.ModelFileError` if a file is missing, truncated, modified after
    training, or was made by an incompatible version.
    """
    directory = (Path(path) if path is not None else _modelfile.default_model_dir()).resolve()
    with _lock:
        if directory not in _cache:
            with collector_paused():
                _cache[directory] = _load_model(directory)
        return _cache[directory]


def save_model(
    estimator: FramingClassifier,
    directory: str | Path,
    *,
    training: dict[str, Any],
    evaluation: dict[str, Any] | None = None,
) -> Path:
    """Write the estimator, its weights and a manifest to ``directory``; return its path."""
    import joblib
    import sklearn

    from stance import __version__

    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    arrays = estimator.weights()
    # xz: half zlib's size (the package ships it); read only when the estimator is asked for.
    joblib.dump(estimator, folder / _modelfile.ESTIMATOR_FILE, compress=("xz", 6))
    (folder / _modelfile.WEIGHTS_FILE).write_bytes(weights_bytes(arrays))
    manifest = {
        "format": _modelfile.FORMAT,
        "labels": list(LABELS),
        "config": {**estimator.get_params(), "feature_groups": list(estimator.feature_groups)},
        "temperature": estimator.temperature_,
        "n_features": len(arrays["names"]),
        "feature_version": FEATURE_VERSION,
        "files": {
            name: _modelfile.file_entry(folder / name)
            for name in (_modelfile.ESTIMATOR_FILE, _modelfile.WEIGHTS_FILE)
        },
        "versions": {
            "stance": __version__,
            "scikit-learn": sklearn.__version__,
            "numpy": np.__version__,
            "python": platform.python_version(),
        },
        "training": {"date": datetime.now(timezone.utc).strftime("%Y-%m-%d"), **training},
        "evaluation": evaluation or {},
    }
    path = folder / _modelfile.MANIFEST_FILE
    path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    _cache.pop(folder.resolve(), None)
    return path
