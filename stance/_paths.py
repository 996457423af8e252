"""Where the shipped data lives: inside the installed package, or beside it in a checkout."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["data_dir"]


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
