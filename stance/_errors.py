"""The exception hierarchy: every error stance raises derives from :class:`StanceError`."""

from __future__ import annotations

__all__ = ["AnnotationError", "InputError", "ModelFileError", "StanceError"]


class StanceError(Exception):
    """Base class of every error raised by stance."""


class InputError(StanceError, ValueError):
    """An argument or input record is of the wrong type or shape."""


class AnnotationError(StanceError, ValueError):
    """An annotation file is malformed; the message names the file and line."""


class ModelFileError(StanceError):
    """A model file is missing, truncated, tampered with or made by an incompatible version."""
