"""The framing classifier: a scikit-learn estimator, linear in the features of stance.text.

``FramingClassifier`` follows the scikit-learn contract: keyword-only constructor arguments
stored unchanged, validation in :meth:`fit`, fitted attributes ending in ``_``. Its samples
are sentences; ``doc_ids`` (like ``groups`` elsewhere in scikit-learn) says which consecutive
sentences form one article, so that context features (quote continuations, the last speaker)
can see the sentences before. Without ``doc_ids`` every sentence stands alone.

Probabilities are a softmax of the logistic-regression scores divided by a temperature that is
fitted on out-of-fold scores (grouped by document): calibration that keeps the model linear.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from scipy.optimize import minimize_scalar
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from stance._errors import InputError
from stance._labels import LABELS
from stance.model._document_stage import document_rows, free_sentences
from stance.model._scoring import (
    article_outlets,
    article_slices,
    check_sentences,
    featurize,
    softmax,
)
from stance.text._features import ALL_GROUPS, DEFAULT_GROUPS

__all__ = ["FramingClassifier"]


class FramingClassifier(ClassifierMixin, BaseEstimator):
    """Sentence framing labels from a linear model over attribution, actor and text features.

    Parameters
    ----------
    C : float
        Inverse regularisation strength of the logistic regression.
    feature_groups : tuple of str
        Feature groups to use, among :data:`stance.text.ALL_GROUPS`.
    class_weight : "balanced" or None
        Passed to the logistic regression.
    calibrate : bool
        Fit a temperature on out-of-fold scores grouped by document.
    min_count : int
        Drop features seen in fewer training sentences (keeps the model small).
    max_iter : int
        Iterations of the solver.
    document_stage : bool
        Add the document stage (:mod:`stance.model._document_stage`): a second logistic
        regression over the first stage's out-of-fold probabilities of the sentence, its
        neighbours and its whole document.
    stage_C : float
        Inverse regularisation strength of the document stage.
    stage_kinds : bool
        Let the document stage weigh the document's voice by the kind of document (a
        transcript, an assessment, an agency item, a comment thread, an editorial).
    """

    def __init__(
        self,
        *,
        C: float = 3.0,
        feature_groups: tuple[str, ...] = DEFAULT_GROUPS,
        class_weight: str | None = None,
        calibrate: bool = True,
        min_count: int = 1,
        max_iter: int = 3000,
        document_stage: bool = True,
        stage_C: float = 1.0,
        stage_kinds: bool = True,
    ) -> None:
        self.C = C
        self.feature_groups = feature_groups
        self.class_weight = class_weight
        self.calibrate = calibrate
        self.min_count = min_count
        self.max_iter = max_iter
        self.document_stage = document_stage
        self.stage_C = stage_C
        self.stage_kinds = stage_kinds

    # -- fitting ---------------------------------------------------------------------------

    def _check_params(self) -> None:
        if not (isinstance(self.C, (int, float)) and self.C > 0):
            raise InputError(f"C must be a positive number, got {self.C!r}")
        bad = [g for g in self.feature_groups if g not in ALL_GROUPS]
        if bad or not self.feature_groups:
            raise InputError(
                f"feature_groups must be a non-empty tuple of {', '.join(ALL_GROUPS)}"
                f"; got {self.feature_groups!r}"
            )
        if self.class_weight not in ("balanced", None):
            raise InputError(f"class_weight must be 'balanced' or None, got {self.class_weight!r}")
        if not (isinstance(self.stage_C, (int, float)) and self.stage_C > 0):
            raise InputError(f"stage_C must be a positive number, got {self.stage_C!r}")
        if not isinstance(self.stage_kinds, bool):
            raise InputError(f"stage_kinds must be True or False, got {self.stage_kinds!r}")
        if not (isinstance(self.min_count, int) and self.min_count >= 1):
            raise InputError(f"min_count must be an integer >= 1, got {self.min_count!r}")

    def fit(
        self,
        X: Sequence[str],
        y: Sequence[str],
        *,
        doc_ids: Sequence[Any] | None = None,
        outlets: Sequence[Any] | None = None,
    ) -> FramingClassifier:
        """Fit on sentences ``X`` with labels ``y`` (label ids of :data:`stance.LABELS`).

        ``doc_ids`` groups consecutive sentences into articles; ``outlets`` (one entry per
        sentence, optional) names each article's source.
        """
        self._check_params()
        sentences = check_sentences(X, "X")
        labels = list(y)
        if len(labels) != len(sentences):
            raise InputError(
                f"X and y must have the same length, got {len(sentences)} and {len(labels)}"
            )
        unknown = sorted({str(label) for label in labels if label not in LABELS})
        if unknown:
            raise InputError(f"y holds unknown labels {unknown}; use {', '.join(LABELS)}")
        if len(set(labels)) < 2:
            raise InputError("y must hold at least two different labels")
        slices = article_slices(len(sentences), doc_ids)
        sources = article_outlets(len(sentences), slices, outlets)
        feats = featurize(sentences, slices, self.feature_groups, sources)
        states = self._states(feats)  # before pruning: prediction reads them from every feature
        feats = self._prune(feats)
        target = np.array([LABELS.index(label) for label in labels])
        groups = np.repeat(np.arange(len(slices)), [part.stop - part.start for part in slices])
        self.vectorizer_, self.classifier_ = self._fit_linear(feats, target)
        self.classes_ = np.array(LABELS)
        self.n_features_ = len(self.vectorizer_.vocabulary_)
        folds = _document_folds(groups)
        final: np.ndarray | None  # out-of-fold scores of the last stage, for the temperature
        if self.document_stage and folds:
            # The second stage learns from what the first stage says of documents it never saw.
            first = self._out_of_fold(
                folds,
                lambda tr: self._fit_linear([feats[i] for i in tr], target[tr]),
                lambda m, te: _linear_scores(m, [feats[i] for i in te]),
                len(feats),
            )
            rows = document_rows(softmax(first), slices, states)
            self.stage_ = self._fit_stage(rows, target)
            final = self._out_of_fold(
                folds,
                lambda tr: self._fit_stage(rows[tr], target[tr]),
                lambda m, te: m.decision_function(rows[te]),
                len(feats),
            )
        else:
            self.stage_ = None
            final = (
                self._out_of_fold(
                    folds,
                    lambda tr: self._fit_linear([feats[i] for i in tr], target[tr]),
                    lambda m, te: _linear_scores(m, [feats[i] for i in te]),
                    len(feats),
                )
                if folds
                else None
            )
        self.temperature_ = (
            _fit_temperature(final, target) if self.calibrate and final is not None else 1.0
        )
        return self

    def _states(self, feats: list[set[str]]) -> np.ndarray:
        """The document stage's states of each sentence, the kinds of document left out
        when ``stage_kinds`` is off (their columns then stay zero, and so their weights)."""
        states = free_sentences(feats)
        if not self.stage_kinds:
            states[:, 2:] = False
        return states

    def _prune(self, feats: list[set[str]]) -> list[set[str]]:
        if self.min_count <= 1:
            return feats
        counts: dict[str, int] = {}
        for names in feats:
            for name in names:
                counts[name] = counts.get(name, 0) + 1
        return [{n for n in names if counts[n] >= self.min_count} for names in feats]

    def _fit_linear(
        self, feats: list[set[str]], target: np.ndarray
    ) -> tuple[DictVectorizer, LogisticRegression]:
        vectorizer = DictVectorizer(dtype=np.float64)
        matrix = vectorizer.fit_transform([dict.fromkeys(names, 1.0) for names in feats])
        # Every label gets a column even if a training fold lacks it, so shapes stay fixed.
        classifier = LogisticRegression(
            C=self.C, class_weight=self.class_weight, max_iter=self.max_iter
        )
        present = np.unique(target)
        classifier.fit(matrix, target)
        if len(present) < len(LABELS):
            classifier = _pad_classes(classifier, present)
        return vectorizer, classifier

    def _fit_stage(self, rows: np.ndarray, target: np.ndarray) -> LogisticRegression:
        stage = LogisticRegression(C=self.stage_C, max_iter=self.max_iter)
        present = np.unique(target)
        stage.fit(rows, target)
        return _pad_classes(stage, present) if len(present) < len(LABELS) else stage

    @staticmethod
    def _out_of_fold(
        folds: list[tuple[np.ndarray, np.ndarray]],
        fit: Callable[[np.ndarray], Any],
        score: Callable[[Any, np.ndarray], np.ndarray],
        n: int,
    ) -> np.ndarray:
        """Scores of every sentence from a model fitted without its document."""
        scores = np.zeros((n, len(LABELS)))
        for train, test in folds:
            scores[test] = score(fit(train), test)
        return scores

    # -- predicting ------------------------------------------------------------------------

    def decision_function(
        self,
        X: Sequence[str],
        *,
        doc_ids: Sequence[Any] | None = None,
        outlets: Sequence[Any] | None = None,
    ) -> np.ndarray:
        """Calibrated scores (logits / temperature) through the scikit-learn objects."""
        self._check_fitted()
        sentences = check_sentences(X, "X")
        slices = article_slices(len(sentences), doc_ids)
        sources = article_outlets(len(sentences), slices, outlets)
        feats = featurize(sentences, slices, self.feature_groups, sources)
        if not feats:
            return np.zeros((0, len(LABELS)))
        scores = _linear_scores((self.vectorizer_, self.classifier_), feats)
        if self.stage_ is not None:
            rows = document_rows(softmax(scores), slices, self._states(feats))
            scores = self.stage_.decision_function(rows)
        return scores / self.temperature_

    def predict_proba(
        self,
        X: Sequence[str],
        *,
        doc_ids: Sequence[Any] | None = None,
        outlets: Sequence[Any] | None = None,
    ) -> np.ndarray:
        """Probability of each label (columns in :data:`stance.LABELS` order)."""
        return softmax(self.decision_function(X, doc_ids=doc_ids, outlets=outlets))

    def predict(
        self,
        X: Sequence[str],
        *,
        doc_ids: Sequence[Any] | None = None,
        outlets: Sequence[Any] | None = None,
    ) -> np.ndarray:
        """The most probable label of each sentence."""
        proba = self.predict_proba(X, doc_ids=doc_ids, outlets=outlets)
        return self.classes_[proba.argmax(axis=1)] if len(proba) else np.array([], dtype=str)

    def _check_fitted(self) -> None:
        if not hasattr(self, "classifier_"):
            from sklearn.exceptions import NotFittedError

            raise NotFittedError(
                "This FramingClassifier is not fitted yet; call fit(X, y) "
                "or use stance.load() for the shipped model"
            )

    def weights(self) -> dict[str, Any]:
        """The linear weights as plain arrays: ``names``, ``coef`` (n_features x n_labels) and
        ``intercept`` of the first stage, and ``stage_coef`` (len(COLUMNS) x n_labels) and
        ``stage_intercept`` of the document stage when there is one. The temperature is
        applied to the last stage."""
        self._check_fitted()
        names = list(self.vectorizer_.get_feature_names_out())
        last = self.stage_ if self.stage_ is not None else self.classifier_
        first_scale = 1.0 if self.stage_ is not None else self.temperature_
        arrays: dict[str, Any] = {
            "names": names,
            "coef": np.ascontiguousarray(self.classifier_.coef_.T / first_scale),
            "intercept": self.classifier_.intercept_ / first_scale,
        }
        if self.stage_ is not None:
            arrays["stage_coef"] = np.ascontiguousarray(last.coef_.T / self.temperature_)
            arrays["stage_intercept"] = last.intercept_ / self.temperature_
        return arrays


def _linear_scores(
    fitted: tuple[DictVectorizer, LogisticRegression], feats: list[set[str]]
) -> np.ndarray:
    vectorizer, classifier = fitted
    matrix = vectorizer.transform([dict.fromkeys(names, 1.0) for names in feats])
    return classifier.decision_function(matrix)


def _document_folds(groups: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Five folds (fewer for few documents) that keep each document whole."""
    n_splits = min(5, len(np.unique(groups)))
    if n_splits < 2:
        return []
    return list(GroupKFold(n_splits=n_splits).split(groups, groups, groups))


def _fit_temperature(scores: np.ndarray, target: np.ndarray) -> float:
    """The temperature that makes softmax(scores / T) best calibrated (least log loss)."""

    def nll(temperature: float) -> float:
        proba = softmax(scores / temperature)
        return float(-np.log(proba[np.arange(len(target)), target] + 1e-12).mean())

    return float(minimize_scalar(nll, bounds=(0.05, 20.0), method="bounded").x)


def _pad_classes(classifier: LogisticRegression, present: np.ndarray) -> LogisticRegression:
    """Give labels missing from the training data a very low constant score."""
    coef = np.zeros((len(LABELS), classifier.coef_.shape[1]))
    intercept = np.full(len(LABELS), -30.0)
    rows = (
        classifier.coef_
        if len(present) > 2
        else np.vstack([-classifier.coef_[0], classifier.coef_[0]]) / 2
    )
    icpt = (
        classifier.intercept_
        if len(present) > 2
        else np.array([-classifier.intercept_[0], classifier.intercept_[0]]) / 2
    )
    coef[present] = rows
    intercept[present] = icpt
    classifier.coef_ = coef
    classifier.intercept_ = intercept
    classifier.classes_ = np.arange(len(LABELS))
    return classifier
