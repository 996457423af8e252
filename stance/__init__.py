"""stance: whose account does each sentence of a Russia-Ukraine war news article carry?

>>> import stance
>>> stance.load().predict(["British intelligence said Russia had lost momentum."])
['western_intelligence']

The model ships inside the package and is loaded on first use; importing stance loads
neither the model nor scikit-learn.
"""

import typing as _typing
from importlib import import_module as _import_module

from stance._errors import AnnotationError, InputError, ModelFileError, StanceError
from stance._labels import LABELS
from stance.text._splitting import Span, split_sentences

__version__ = "0.1.0"

# Public names served from submodules on first use, so that `import stance` stays light.
_LAZY = {
    "Actor": "stance.text._actors",
    "Mention": "stance.text._actors",
    "find_actors": "stance.text._actors",
    "Attribution": "stance.text._attribution",
    "attribute": "stance.text._attribution",
    "Cue": "stance.model._runtime",
    "Model": "stance.model._runtime",
    "load": "stance.model._runtime",
    "FramingClassifier": "stance.model._estimator",
    "load_annotations": "stance.annotate._records",
    "SentenceLabel": "stance.batch._labelling",
    "label_article": "stance.batch._labelling",
    "label_articles": "stance.batch._labelling",
    "label_dataset": "stance.batch._labelling",
    "compare_outlets": "stance.compare._report",
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
    from stance.annotate._records import load_annotations
    from stance.batch._labelling import SentenceLabel, label_article, label_articles, label_dataset
    from stance.compare._report import compare_outlets
    from stance.model._estimator import FramingClassifier
    from stance.model._runtime import Cue, Model, load
    from stance.text._actors import Actor, Mention, find_actors
    from stance.text._attribution import Attribution, attribute


def __getattr__(name: str) -> _typing.Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'stance' has no attribute {name!r}")
    value = getattr(_import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
