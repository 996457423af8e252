"""The public surface: __all__ is exact, importing is light, errors share one base class."""

from __future__ import annotations

import subprocess
import sys

import stance


def test_all_names_resolve() -> None:
    for name in stance.__all__:
        assert getattr(stance, name) is not None, name


def test_all_lists_every_public_name_once() -> None:
    from types import ModuleType

    defined = {
        n
        for n, v in vars(stance).items()
        if not n.startswith("_") and not isinstance(v, ModuleType) and n != "annotations"
    }
    assert defined <= set(stance.__all__)
    assert len(stance.__all__) == len(set(stance.__all__))
    assert set(stance._LAZY) <= set(stance.__all__)


def test_unknown_attribute_raises_attribute_error() -> None:
    try:
        stance.no_such_thing  # noqa: B018
    except AttributeError as err:
        assert "no_such_thing" in str(err)
    else:
        raise AssertionError("expected AttributeError")


def test_one_exception_base_class() -> None:
    for error in (stance.InputError, stance.AnnotationError, stance.ModelFileError):
        assert issubclass(error, stance.StanceError)


def test_import_loads_neither_sklearn_nor_the_model() -> None:
    code = (
        "import sys, stance; "
        "print('sklearn' in sys.modules, 'stance.model._runtime' in sys.modules, "
        "'nltk' in sys.modules, 'numpy' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["False", "False", "False", "False"]


def test_prediction_without_sklearn() -> None:
    code = (
        "import sys, stance; m = stance.load(); m.predict(['Kyiv said so.']); "
        "print('sklearn' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "False"
