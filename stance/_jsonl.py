"""Reading JSON Lines: one object a line, blank lines allowed, problems named by file and line."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from stance._errors import AnnotationError

__all__ = ["json_file_objects", "json_objects"]


def json_objects(
    lines: Iterable[str], source: str, on_bad: Callable[[str, str], None] | None = None
) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) for each line of ``lines``.

    A line that is not a JSON object raises :class:`AnnotationError` naming ``source`` and the
    line, or, given ``on_bad(where, problem)``, is reported there and skipped.
    """
    for line_no, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            problem = f"not valid JSON ({err.msg})"
        else:
            if isinstance(record, dict):
                yield line_no, record
                continue
            problem = f"expected a JSON object, got {type(record).__name__}"
        if on_bad is None:
            raise AnnotationError(f"{source}:{line_no}: {problem}")
        on_bad(f"{source}:{line_no}", problem)


def json_file_objects(path: Path, what: str = "file") -> Iterator[tuple[int, dict[str, Any]]]:
    """:func:`json_objects` of a UTF-8 file; a missing file is an :class:`AnnotationError`."""
    try:
        handle = path.open(encoding="utf-8")
    except FileNotFoundError:
        raise AnnotationError(f"{path}: no such {what}") from None
    with handle:
        yield from json_objects(handle, str(path))
