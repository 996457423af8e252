"""stance: whose account does each sentence of a Russia-Ukraine war news article carry?

>>> import stance
>>> stance.load().predict(["British intelligence said Russia had lost momentum."])
['western_intelligence']

The model ships inside the package and is loaded on first use; importing stance loads
neither the model nor scikit-learn.
"""

from __future__ import annotations

import typing as _typing
from importlib import import_module as _import_module

from stance._errors import AnnotationError, InputError, ModelFileError, StanceError
from stance.labels import LABELS
from stance.splitting import Span, split_sentences

__version__ = "0.1.0"

# Public names served from submodules on first use, so that `import stance` stays light.
_LAZY = {
    "Actor": "stance.actors",
    "Mention": "stance.actors",
    "find_actors": "stance.actors",
    "Attribution": "stance.attribution",
    "attribute": "stance.attribution",
    "Cue": "stance.model",
    "Model": "stance.model",
    "load": "stance.model",
    "load_annotations": "stance.annotations",
    "FramingClassifier": "stance.estimator",
    "SentenceLabel": "stance.batch",
    "label_article": "stance.batch",
    "label_articles": "stance.batch",
    "label_dataset": "stance.batch",
    "compare_outlets": "stance.compare",
}

__all__ = [
    "LABELS",
    "Actor",
    "AnnotationError",
    "Attribution",
    "Cue",
    "FramingClassifier",
    "InputError",
    "Mention",
    "Model",
    "ModelFileError",
    "SentenceLabel",
    "Span",
    "StanceError",
    "__version__",
    "attribute",
    "compare_outlets",
    "find_actors",
    "label_article",
    "label_articles",
    "label_dataset",
    "load",
    "load_annotations",
    "split_sentences",
]

if _typing.TYPE_CHECKING:
    from stance.actors import Actor, Mention, find_actors
    from stance.annotations import load_annotations
    from stance.attribution import Attribution, attribute
    from stance.batch import SentenceLabel, label_article, label_articles, label_dataset
    from stance.compare import compare_outlets
    from stance.estimator import FramingClassifier
    from stance.model import Cue, Model, load


def __getattr__(name: str) -> _typing.Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'stance' has no attribute {name!r}")
    value = getattr(_import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
