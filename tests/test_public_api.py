"""The public surface: __all__ is exact, importing is light, errors share one base class."""

from __future__ import annotations

import subprocess
import sys

import pytest

import stance


def test_all_names_resolve() -> None:
    for name in stance.__all__:
        assert getattr(stance, name) is not None, name


def test_all_lists_every_public_name_once() -> None:
    from types import ModuleType

    for name in stance.__all__:
        getattr(stance, name)  # served lazily: now in the module's namespace too
    defined = {
        n
        for n, v in vars(stance).items()
        if not n.startswith("_") and not isinstance(v, ModuleType)
    }
    assert len(stance.__all__) == len(set(stance.__all__))
    assert set(stance.__all__) == defined | set(stance._LAZY) | {"__version__"}
    assert sorted(dir(stance)) == sorted(stance.__all__)


def test_annotations_is_not_the_future_feature() -> None:
    # `from __future__ import annotations` in the facade made `stance.annotations` a
    # __future__._Feature object; the facade must not import it.
    import __future__

    assert "annotations" not in vars(stance)
    try:
        value = stance.annotations  # type: ignore[attr-defined]
    except AttributeError:
        pass
    else:
        raise AssertionError(f"stance.annotations is {value!r}")
    assert not any(isinstance(v, __future__._Feature) for v in vars(stance).values())


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


@pytest.mark.slow  # starts Python in a process
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


@pytest.mark.slow  # starts Python in a process
def test_prediction_without_sklearn() -> None:
    code = (
        "import sys, stance; m = stance.load(); m.predict(['Kyiv said so.']); "
        "print('sklearn' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "False"
