"""Where the shipped data lives: inside the installed package, or beside it in a checkout."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["data_dir"]


def data_dir(name: str) -> Path:
    """The folder of shipped data ``name`` (``models``, ``annotations`` or ``seeds``).

    An install maps the repository's top-level folders into the package as ``stance._<name>``
    (see pyproject.toml); run from a source checkout, the folders are found beside ``stance/``.
    """
    try:
        return Path(str(resources.files(f"stance._{name}")))
    except ModuleNotFoundError:
        return Path(__file__).resolve().parent.parent / name
