"""Reading and writing files: the one way every command reads JSON Lines and text, and writes them.

JSON Lines in: :func:`read_jsonl` reads a file or a binary stream (stdin) the same way. Lines end
at ``\\n`` only, so U+2028, U+2029 and U+0085 inside a string never break a record; a UTF-8 byte
order mark at the start is dropped; the JSON is strict (``NaN``, ``Infinity`` and numbers out of
range are refused). A bad line raises an error naming ``file:line`` (strict), or, given
``on_bad(where, problem)``, is reported there and skipped.

JSON out: :func:`dumps` gives one strict line (no NaN or Infinity) with U+2028, U+2029 and U+0085
escaped, so that a reader splitting lines any way reads the record back. :func:`write_jsonl` and
:func:`write_text` replace a file atomically: a reader never sees half of it, and a full disk
leaves the previous file as it was.

Files that cannot be opened become a :class:`stance.StanceError` whose message names the file,
says what is wrong and what to do (:func:`file_problem`).
"""

from __future__ import annotations

import contextlib
import errno
import json
import math
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from stance._errors import InputError, StanceError

__all__ = [
    "BOM",
    "dumps",
    "file_problem",
    "jsonl_bytes",
    "loads",
    "open_binary",
    "read_jsonl",
    "read_text",
    "write_bytes",
    "write_jsonl",
    "write_text",
]

BOM = b"\xef\xbb\xbf"
OnBad = Callable[[str, str], None]

# errno -> (what is wrong, what to do when reading, what to do when writing)
_ADVICE: dict[int, tuple[str, str, str]] = {
    errno.ENOENT: (
        "no such file or directory",
        "check the path",
        "check that its folder exists",
    ),
    errno.EACCES: (
        "permission denied",
        "make it readable, or give another file",
        "choose another output, or make its folder writable",
    ),
    errno.EPERM: (
        "operation not permitted",
        "make it readable, or give another file",
        "choose another output, or make its folder writable",
    ),
    errno.EROFS: (
        "read-only file system",
        "give another file",
        "choose an output on a writable disk",
    ),
    errno.ENOSPC: (
        "no space left on the device",
        "free some space and run the same command again",
        "free some space (or choose an output on another disk) and run the same command again",
    ),
    errno.EDQUOT: (
        "disk quota exceeded",
        "free some space and run the same command again",
        "free some space (or choose an output on another disk) and run the same command again",
    ),
    errno.EISDIR: ("is a directory", "give a file", "give a file name, not a folder"),
    errno.ENOTDIR: (
        "a part of the path is not a directory",
        "check the path",
        "check the path",
    ),
    errno.ENAMETOOLONG: ("the name is too long", "check the path", "choose a shorter name"),
    errno.EIO: (
        "input/output error",
        "check the disk and try again",
        "check the disk and try again",
    ),
}


def file_problem(
    err: OSError, path: str | os.PathLike[str] | None = None, *, writing: bool = False
) -> str:
    """``<file>: <what is wrong>; <what to do>`` for an operating-system error on a file."""
    name = path if path is not None else err.filename
    what, read_hint, write_hint = _ADVICE.get(
        err.errno or 0,
        (err.strerror or type(err).__name__, "check the file and try again", "check the output"),
    )
    hint = write_hint if writing else read_hint
    return f"{name}: {what}; {hint}" if name is not None else f"{what}; {hint}"


def open_binary(path: Path, error: type[StanceError] = InputError) -> IO[bytes]:
    """``path`` opened for reading bytes, or ``error`` saying why not and what to do."""
    try:
        if path.is_dir():
            raise IsADirectoryError(errno.EISDIR, "Is a directory", str(path))
        return path.open("rb")
    except OSError as err:
        raise error(file_problem(err, path)) from None


def _not_utf8(data: bytes, err: UnicodeDecodeError) -> str:
    return (
        f"not UTF-8 (byte 0x{data[err.start]:02x} at byte {err.start + 1} of the line); "
        "save the file as UTF-8"
    )


def read_text(path: Path, error: type[StanceError] = InputError) -> str:
    """A whole UTF-8 text file (a byte order mark dropped), or ``error`` naming the file."""
    with open_binary(path, error) as handle:
        try:
            data = handle.read()
        except OSError as err:
            raise error(file_problem(err, path)) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise error(f"{path}: {_not_utf8(data, err)}") from None


# -- JSON ---------------------------------------------------------------------------------------


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"the number {text} is out of range")
    return value


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


_DECODER = json.JSONDecoder(parse_float=_finite_float, parse_constant=_no_constant)
_ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=False)
_SEPARATORS = (("\x85", "\\u0085"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


def _escape_separators(text: str) -> str:
    """``text`` with U+0085, U+2028 and U+2029 written as JSON escapes. (``str.replace`` in
    turn: ``str.translate`` with a mapping takes milliseconds on a batch of rows.)"""
    if text.isascii():
        return text
    for char, escape in _SEPARATORS:
        text = text.replace(char, escape)
    return text


def loads(text: str) -> Any:
    """Strict JSON: ``NaN``, ``Infinity`` and numbers beyond a float's range are errors."""
    return _DECODER.decode(text)


def dumps(value: Any, *, indent: int | None = None) -> str:
    """Strict JSON (no NaN or Infinity), with the characters some readers take for line ends
    (U+0085, U+2028, U+2029) escaped; one line unless ``indent`` is given."""
    if indent is None:
        text = _ENCODER.encode(value)
    else:
        text = json.dumps(value, ensure_ascii=False, allow_nan=False, indent=indent)
    return _escape_separators(text)


def jsonl_bytes(records: Iterable[Any]) -> bytes:
    """Many records as JSON Lines, encoded to UTF-8 in one go: :func:`dumps` for each, made
    for the hot path of writing labelled rows (one encoder, one join, one translation).

    A lone UTF-16 surrogate (JSON allows the escape ``\\ud800``; UTF-8 cannot hold the
    character) is written escaped, as it came, so the record still reads back the same.
    """
    records = list(records)
    text = "".join([_ENCODER.encode(record) + "\n" for record in records])
    try:
        return _escape_separators(text).encode("utf-8")
    except UnicodeEncodeError:
        escaped = [json.dumps(r, ensure_ascii=True, allow_nan=False) + "\n" for r in records]
        return "".join(escaped).encode("ascii")


def _json_problem(err: ValueError) -> str:
    if isinstance(err, json.JSONDecodeError):
        return f"not valid JSON ({err.msg.removesuffix(' at')} at column {err.colno})"
    return f"not valid JSON ({err})"


def _objects(
    lines: Iterable[bytes], source: str, on_bad: OnBad | None, error: type[StanceError]
) -> Iterator[tuple[int, dict[str, Any]]]:
    for line_no, raw in enumerate(lines, start=1):
        if line_no == 1 and raw.startswith(BOM):
            raw = raw[len(BOM) :]
        try:
            text = raw.decode("utf-8").rstrip("\r\n")
        except UnicodeDecodeError as err:
            problem = _not_utf8(raw, err)
        else:
            if not text.strip():
                continue
            try:
                record = _DECODER.decode(text)
            except ValueError as err:
                problem = _json_problem(err)
            else:
                if isinstance(record, dict):
                    yield line_no, record
                    continue
                problem = f"expected a JSON object, got {type(record).__name__}"
        if on_bad is None:
            raise error(f"{source}:{line_no}: {problem}")
        on_bad(f"{source}:{line_no}", problem)


def read_jsonl(
    source: str | os.PathLike[str] | Iterable[bytes],
    *,
    name: str | None = None,
    on_bad: OnBad | None = None,
    error: type[StanceError] = InputError,
) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) for each non-blank line of a JSON Lines file or binary stream
    (any iterable of byte lines).

    Strict by default: the first bad line raises ``error`` naming ``file:line``. With
    ``on_bad(where, problem)`` a bad line is reported there and skipped.
    """
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        with open_binary(path, error) as handle:
            yield from _objects(handle, name or str(path), on_bad, error)
    else:
        yield from _objects(source, name or "<stream>", on_bad, error)


# -- writing ------------------------------------------------------------------------------------


def _replace_atomically(path: Path, write: Callable[[IO[bytes]], object]) -> None:
    """Write through ``write`` to a temporary file beside ``path``, then put it in place."""
    try:
        if path.is_dir():
            raise IsADirectoryError(errno.EISDIR, "Is a directory", str(path))
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise StanceError(file_problem(err, path, writing=True)) from None
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with temporary.open("wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except OSError as err:
        _remove(temporary)
        raise StanceError(file_problem(err, path, writing=True)) from None
    except BaseException:
        _remove(temporary)
        raise


def _remove(path: Path) -> None:
    """Remove a temporary file if it is there (on a read-only disk it never was)."""
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)


def write_jsonl(records: Iterable[Mapping[str, Any]], path: str | os.PathLike[str]) -> int:
    """Write ``records`` as JSON Lines (see :func:`dumps`), replacing ``path`` atomically."""
    count = 0

    def write(handle: IO[bytes]) -> None:
        nonlocal count
        for record in records:
            handle.write(jsonl_bytes([record]))
            count += 1

    _replace_atomically(Path(path), write)
    return count


def write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write UTF-8 text to ``path``, replacing it atomically."""
    write_bytes(path, text.encode("utf-8"))


def write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path``, replacing it atomically."""
    _replace_atomically(Path(path), lambda handle: handle.write(data))
