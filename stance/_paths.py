"""Where the shipped data lives: inside the installed package, or beside it in a checkout."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

__all__ = ["data_dir", "python_path_for_workers"]


def data_dir(name: str) -> Path:
    """The folder of shipped data ``name`` (``models``, ``annotations`` or ``seeds``).

    An install copies the repository's top-level data folders into the package as
    ``stance/_data/<name>`` (see pyproject.toml); run from a source checkout, the folders are
    found beside ``stance/``.
    """
    installed = Path(str(resources.files("stance"))) / "_data" / name
    if installed.is_dir():
        return installed
    return Path(__file__).resolve().parent.parent / name


def python_path_for_workers() -> str:
    """PYTHONPATH with this stance's parent folder first, so that a worker interpreter (a
    batch worker, a local Spark worker) imports the stance its caller runs, a source checkout
    included."""
    root = str(Path(__file__).resolve().parent.parent)
    current = os.environ.get("PYTHONPATH", "")
    parts = [p for p in current.split(os.pathsep) if p]
    if "site-packages" in Path(root).parts or root in parts:
        return current
    return os.pathsep.join([root, *parts])
