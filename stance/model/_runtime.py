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

from stance._errors import InputError, ModelFileError
from stance._labels import LABELS
from stance.model import _files as _modelfile
from stance.model._scoring import article_slices, check_sentences, featurize, softmax

if TYPE_CHECKING:
    from stance.model._estimator import FramingClassifier

__all__ = ["Cue", "Model", "load", "save_model"]


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


class Model:
    """A trained framing model: labels, probabilities and the cues behind them."""

    def __init__(
        self,
        directory: Path,
        manifest: dict[str, Any],
        names: Sequence[str],
        coef: np.ndarray,
        intercept: np.ndarray,
    ) -> None:
        self.directory = directory
        self.manifest = manifest
        self.labels: tuple[str, ...] = tuple(manifest["labels"])
        self.feature_groups: tuple[str, ...] = tuple(manifest["config"]["feature_groups"])
        self._index = {name: i for i, name in enumerate(names)}
        self._names = list(names)
        # One extra zero row: the row of unknown features, and the sum of an empty sentence.
        self._coef = np.vstack([coef, np.zeros((1, coef.shape[1]))])
        self._step = _fixed_step(coef)
        self._fixed = np.round(self._coef / self._step).astype(np.int64)
        self._intercept = intercept
        self._estimator: FramingClassifier | None = None
        self._lift_table: np.ndarray | None = None
        self._rank_table: np.ndarray | None = None

    def __repr__(self) -> str:
        return (
            f"<stance.Model {len(self._names)} features, trained "
            f"{self.manifest.get('training', {}).get('date', '?')}>"
        )

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

    def scores(self, feats: list[set[str]]) -> np.ndarray:
        """Calibrated scores from feature sets (the hot path of every labelling route)."""
        if not feats:
            return np.zeros((0, len(self.labels)))
        return self._scores(*self._rows(feats))

    def _scores(self, flat: np.ndarray, starts: np.ndarray) -> np.ndarray:
        # Summed as fixed-point integers: exact, so the same in any order (a set's order varies
        # between processes) with no sort, and the rounding is far below the 1e-9 promise.
        padded = np.append(flat, len(self._names))  # a last empty sentence sums the zero row
        sums = np.add.reduceat(self._fixed[padded], starts, axis=0)
        sums[np.diff(starts, append=len(flat)) == 0] = 0  # reduceat gives empty runs a row
        return sums * self._step + self._intercept

    def scores_and_cues(
        self, feats: list[set[str]], top: int
    ) -> tuple[np.ndarray, np.ndarray, list[list[Cue]]]:
        """Probabilities, the best label and its ``top`` cues for every sentence, in one pass.

        The same figures as :meth:`scores` + :func:`softmax` + :meth:`cues` sentence by
        sentence, with the features looked up once for all three.
        """
        if not feats:
            return np.zeros((0, len(self.labels))), np.zeros(0, dtype=np.intp), []
        flat, starts = self._rows(feats)
        proba = softmax(self._scores(flat, starts))
        best = proba.argmax(axis=1)
        return proba, best, self._top_cues(flat, starts, best, top)

    def _top_cues(
        self, flat: np.ndarray, starts: np.ndarray, labels: np.ndarray, top: int
    ) -> list[list[Cue]]:
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
        out: list[list[Cue]] = [[] for _ in range(len(labels))]
        names = self._names
        for s, r, w in zip(
            sentence[chosen].tolist(), rows[chosen].tolist(), weights[chosen].tolist()
        ):
            out[s].append(Cue(names[r], w))
        return out

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
        self, sentences: Sequence[str], doc_ids: Sequence[Any] | None = None
    ) -> list[set[str]]:
        items = check_sentences(sentences)
        return featurize(items, article_slices(len(items), doc_ids), self.feature_groups)

    def predict_proba(
        self, sentences: Sequence[str], *, doc_ids: Sequence[Any] | None = None
    ) -> np.ndarray:
        """Probabilities, one row per sentence, columns in :attr:`labels` order.

        Sentences sharing a ``doc_ids`` value (consecutive) are read as one article, so a
        quote continuation sees its speaker; without ``doc_ids`` each sentence stands alone.
        """
        return softmax(self.scores(self.featurize(sentences, doc_ids)))

    def predict(
        self, sentences: Sequence[str], *, doc_ids: Sequence[Any] | None = None
    ) -> list[str]:
        """The most probable label of each sentence."""
        proba = self.predict_proba(sentences, doc_ids=doc_ids)
        return [self.labels[i] for i in proba.argmax(axis=1)]

    def explain(
        self, sentence: str, top: int = 5, *, context: Sequence[str] | None = None
    ) -> list[Cue]:
        """The features that pushed ``sentence`` towards its predicted label, strongest first.

        ``context`` is the article's earlier sentences, for context features.
        """
        if not isinstance(sentence, str):
            raise InputError(
                f"explain() takes one sentence as a str, got {type(sentence).__name__}"
            )
        if not isinstance(top, int) or top < 1:
            raise InputError(f"top must be a positive integer, got {top!r}")
        before = check_sentences(context or [], "context")
        feats = self.featurize([*before, sentence], ["doc"] * (len(before) + 1))[-1:]
        label = int(softmax(self.scores(feats))[0].argmax())
        return self.cues(feats[0], label, top)

    def cues(self, names: set[str], label: int, top: int) -> list[Cue]:
        """The ``top`` features of ``names`` pushing towards ``label`` over the others.

        Ranked by weight towards the label relative to the mean over labels (what sets it
        apart), ties by name; only positive ones, or the strongest one when none is positive.
        """
        flat, starts = self._rows([names])
        return self._top_cues(flat, starts, np.array([label], dtype=np.intp), top)[0]

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
    data = _modelfile.verified_bytes(directory, _modelfile.WEIGHTS_FILE, manifest)
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
            names = arrays["names"].tolist()
            coef = arrays["coef"]
            intercept = arrays["intercept"]
    except (ValueError, KeyError, OSError) as err:
        raise ModelFileError(
            f"{directory / _modelfile.WEIGHTS_FILE} is not a stance weights file ({err})"
        ) from None
    return Model(directory, manifest, names, coef, intercept)


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
    names, coef, intercept = estimator.weights()
    joblib.dump(estimator, folder / _modelfile.ESTIMATOR_FILE, compress=3)
    buffer = io.BytesIO()
    np.savez_compressed(buffer, names=np.array(names, dtype=str), coef=coef, intercept=intercept)
    (folder / _modelfile.WEIGHTS_FILE).write_bytes(buffer.getvalue())
    manifest = {
        "format": _modelfile.FORMAT,
        "labels": list(LABELS),
        "config": {**estimator.get_params(), "feature_groups": list(estimator.feature_groups)},
        "temperature": estimator.temperature_,
        "n_features": len(names),
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
