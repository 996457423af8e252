"""Which reading core labels text: the compiled one, or the Python reference.

stance reads a sentence (splitting, gazetteer, attribution, voice, features, first-stage sums,
the document stage) in one of two implementations with one behaviour:

- ``python``: the modules of :mod:`stance.text` and :mod:`stance.model`, the specification;
- ``compiled``: ``stance/text/_compiled.pyx``, built into a C extension by ``pip install``
  when a compiler is there. It gives the same spans, mentions, attributions, feature ids and
  probabilities (``tests/test_core_equality.py`` holds it to that).

The compiled core is used when it is built, unless ``STANCE_CORE=python`` asks for the
reference. ``stance --version`` says which core is in use and, for the Python one, why.
Training and ``Model.featurize`` always use the Python reference (feature names are its
output); prediction, ``explain`` and batch labelling use the active core.
"""

from __future__ import annotations

import hashlib
import os
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

__all__ = ["CORES", "active", "compiled", "describe", "unavailable_reason", "using"]

CORES = ("compiled", "python")
ENV = "STANCE_CORE"
_SOURCE = Path(__file__).resolve().parent / "text" / "_compiled.pyx"


def _load() -> tuple[ModuleType | None, str | None]:
    """The compiled module, or None and why not."""
    import importlib

    try:
        module = importlib.import_module("stance.text._compiled")
    except ImportError as err:
        found = _installed_build()
        if found is None:
            return None, f"the compiled core is not built ({err})"
        module = found
    stale = _stale(module)
    if stale:
        return None, stale
    return module, None


def _installed_build() -> ModuleType | None:
    """The extension that ``pip install .`` built, when this checkout shadows that install.

    Running from a source tree (``python -m pytest`` at the repository root, as CI does after
    ``pip install .``) imports ``stance`` from the tree, where no extension was built; the
    installed distribution holds it. It is used only if it was built from this very source
    (its digest is compared in :func:`_stale`).
    """
    import importlib.machinery
    import importlib.util
    from importlib import metadata

    try:
        files = metadata.distribution("stance").files or ()
    except metadata.PackageNotFoundError:
        return None
    for entry in files:
        name = str(entry)
        if name.startswith("stance/text/_compiled.") and name.endswith(
            tuple(importlib.machinery.EXTENSION_SUFFIXES)
        ):
            path = Path(str(entry.locate()))
            if not path.is_file():
                return None
            loader = importlib.machinery.ExtensionFileLoader("stance.text._compiled", str(path))
            spec = importlib.util.spec_from_file_location(
                "stance.text._compiled", path, loader=loader
            )
            if spec is None:
                return None
            module = importlib.util.module_from_spec(spec)
            try:
                loader.exec_module(module)
            except ImportError:
                return None
            return module
    return None


def _stale(module: ModuleType) -> str | None:
    """Why a build cannot be used: it computes another version of the features than the
    reference, or it was made from another version of the source."""
    from stance.text._features import FEATURE_VERSION

    version = getattr(module, "FEATURE_VERSION", None)
    if version != FEATURE_VERSION:
        return (
            f"the compiled core computes feature version {version}, the Python reference "
            f"{FEATURE_VERSION}; rebuild it from a source that matches (pip install .)"
        )
    if not _SOURCE.is_file():  # an installed package: the build is its own
        return None
    digest = hashlib.sha256(_SOURCE.read_bytes()).hexdigest()
    built = getattr(module, "SOURCE_SHA256", None)
    if built != digest:
        return (
            "the compiled core was built from another version of stance/text/_compiled.pyx; "
            "rebuild it (pip install -e . or pip install .)"
        )
    return None


_module, _reason = _load()
_forced = os.environ.get(ENV, "").strip().lower()
_active = "python" if _module is None or _forced == "python" else "compiled"


def compiled() -> ModuleType | None:
    """The compiled module when it is built (whichever core is active), else None."""
    return _module


def unavailable_reason() -> str | None:
    """Why the compiled core cannot be used, or None when it can."""
    return _reason


def active() -> str:
    """The core in use: ``"compiled"`` or ``"python"``."""
    return _active


def describe() -> str:
    """The core in use, as ``stance --version`` says it."""
    if _active == "compiled":
        return "compiled core (stance/text/_compiled.pyx)"
    if _module is not None:
        return f"python core ({ENV}=python)"
    return f"python core: {_reason}"


def select(name: str) -> None:
    """Use core ``name`` from now on in this process (``compiled`` needs the build)."""
    global _active
    if name not in CORES:
        raise ValueError(f"core must be one of {', '.join(CORES)}, got {name!r}")
    if name == "compiled" and _module is None:
        raise RuntimeError(_reason)
    _active = name


@contextmanager
def using(name: str) -> Any:
    """Within the block, core ``name`` reads text (tests run both cores this way)."""
    before = _active
    select(name)
    try:
        yield
    finally:
        select(before)
