"""The model: the shipped runtime model and its safe files, the scikit-learn estimator, training
and evaluation by whole documents.

``load`` and :class:`Model` need numpy only; the estimator, training and evaluation import
scikit-learn, and are served from here on first use so that loading the model stays light.
"""

from typing import TYPE_CHECKING, Any

from stance.model._runtime import Cue, Model, load, save_model

__all__ = [
    "Cue",
    "FramingClassifier",
    "Model",
    "load",
    "save_model",
]

if TYPE_CHECKING:
    from stance.model._estimator import FramingClassifier


def __getattr__(name: str) -> Any:
    if name == "FramingClassifier":
        from stance.model._estimator import FramingClassifier

        return FramingClassifier
    raise AttributeError(f"module 'stance.model' has no attribute {name!r}")
