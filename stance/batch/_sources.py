"""Reading articles for ``stance label``: text files, directories, JSON Lines, stdin.

A bad input never stops a run: undecodable bytes, binary and empty files, malformed JSON lines
and records without text are reported (file and line) in a :class:`Skips` and passed over.
An article's outlet comes from its record, else from a catalog (``catalog.csv`` in the
article's folder, or ``--catalog``), else from ``--outlet``.
"""

from __future__ import annotations

import csv
import json
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from stance._errors import InputError
from stance.batch._labelling import Article

__all__ = ["Skips", "iter_articles", "read_catalog"]

_TEXT_SUFFIXES = {".txt"}
_JSONL_SUFFIXES = {".jsonl", ".ndjson"}


@dataclass
class Skips:
    """What was skipped, where and why."""

    entries: list[tuple[str, str]] = field(default_factory=list)
    stream: TextIO | None = None

    def add(self, where: str, why: str) -> None:
        self.entries.append((where, why))
        if self.stream is not None:
            print(f"stance: skipped {where}: {why}", file=self.stream)

    def summary(self) -> str:
        if not self.entries:
            return "nothing skipped"
        reasons = Counter(why.split(" (")[0].split(":")[0] for _, why in self.entries)
        parts = ", ".join(f"{n} {reason}" for reason, n in reasons.most_common())
        return f"skipped {len(self.entries)}: {parts}"


def read_catalog(path: Path) -> dict[str, dict[str, str]]:
    """``file -> {outlet, published, ...}`` from a catalog CSV with a ``file`` column."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    if rows and "file" not in rows[0]:
        raise InputError(f"{path}: a catalog needs a 'file' column (and 'outlet', 'published')")
    return {row["file"]: row for row in rows}


def _decode(data: bytes, where: str, skips: Skips) -> str | None:
    if not data.strip():
        skips.add(where, "empty file")
        return None
    if b"\x00" in data[:8192]:
        skips.add(where, "binary file (NUL bytes)")
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        skips.add(
            where, f"undecodable bytes (not UTF-8 at byte {err.start}); re-encode it as UTF-8"
        )
        return None
    if not text.strip():
        skips.add(where, "empty file")
        return None
    return text


def _from_record(
    record: Any, where: str, line_no: int, default_outlet: str, skips: Skips
) -> Article | None:
    if not isinstance(record, dict):
        skips.add(f"{where}:{line_no}", "malformed record (not a JSON object)")
        return None
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        skips.add(f"{where}:{line_no}", "malformed record (no non-empty 'text' string)")
        return None
    article_id = record.get("id")
    if article_id is None:
        article_id = f"{where}:{line_no}"
    return Article(
        id=str(article_id),
        text=text,
        outlet=str(record.get("outlet") or default_outlet),
        date=str(record.get("date") or ""),
        url=str(record.get("url") or ""),
    )


def _parse_line(line: str, where: str, line_no: int, outlet: str, skips: Skips) -> Article | None:
    if not line.strip():
        return None
    try:
        record = json.loads(line)
    except json.JSONDecodeError as err:
        skips.add(f"{where}:{line_no}", f"malformed JSON line ({err.msg})")
        return None
    return _from_record(record, where, line_no, outlet, skips)


def _jsonl_lines(
    lines: Iterator[bytes | str], where: str, outlet: str, skips: Skips
) -> Iterator[Article]:
    for line_no, raw in enumerate(lines, start=1):
        try:
            line = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        except UnicodeDecodeError:
            skips.add(f"{where}:{line_no}", "undecodable bytes (not UTF-8)")
            continue
        article = _parse_line(line, where, line_no, outlet, skips)
        if article is not None:
            yield article


def _jsonl_file(path: Path, outlet: str, skips: Skips) -> Iterator[Article]:
    with path.open("rb") as handle:
        yield from _jsonl_lines(handle, str(path), outlet, skips)


def _text_file(
    path: Path, base: Path, catalog: dict[str, dict[str, str]], outlet: str, skips: Skips
) -> Iterator[Article]:
    try:
        data = path.read_bytes()
    except OSError as err:
        skips.add(str(path), f"unreadable file ({err.strerror})")
        return
    text = _decode(data, str(path), skips)
    if text is None:
        return
    entry = catalog.get(path.name, {})
    article_id = path.relative_to(base).as_posix() if base in path.parents else path.name
    yield Article(
        id=article_id,
        text=text,
        outlet=entry.get("outlet") or outlet,
        date=entry.get("published") or entry.get("date") or "",
    )


def _files(root: Path) -> list[Path]:
    if root.is_file():
        return [root]
    return sorted(
        p
        for p in root.rglob("*")
        if p.is_file() and p.suffix.lower() in _TEXT_SUFFIXES | _JSONL_SUFFIXES
    )


def _catalog_for(
    path: Path,
    explicit: dict[str, dict[str, str]] | None,
    cache: dict[Path, dict[str, dict[str, str]]],
) -> dict[str, dict[str, str]]:
    if explicit is not None:
        return explicit
    folder = path.parent
    if folder not in cache:
        found = folder / "catalog.csv"
        cache[folder] = read_catalog(found) if found.is_file() else {}
    return cache[folder]


def iter_articles(
    paths: list[str],
    *,
    catalog: str | None = None,
    outlet: str | None = None,
    skips: Skips | None = None,
) -> Iterator[Article]:
    """Articles from files, directories (recursively) and ``-`` (stdin), in a stable order."""
    skips = skips if skips is not None else Skips()
    explicit = read_catalog(Path(catalog)) if catalog else None
    cache: dict[Path, dict[str, dict[str, str]]] = {}
    default_outlet = outlet or ""
    for name in paths:
        if name == "-":
            yield from _stdin(default_outlet, skips)
            continue
        root = Path(name)
        if not root.exists():
            skips.add(name, "no such file or directory")
            continue
        base = root if root.is_dir() else root.parent
        for path in _files(root):
            if path.suffix.lower() in _JSONL_SUFFIXES:
                yield from _jsonl_file(path, default_outlet, skips)
            elif path.suffix.lower() in _TEXT_SUFFIXES:
                yield from _text_file(
                    path, base, _catalog_for(path, explicit, cache), default_outlet, skips
                )
            else:
                skips.add(str(path), "unsupported file type (use .txt or .jsonl)")


def _stdin(outlet: str, skips: Skips) -> Iterator[Article]:
    data = sys.stdin.buffer.read()
    text = _decode(data, "<stdin>", skips)
    if text is None:
        return
    if text.lstrip().startswith("{"):
        yield from _jsonl_lines(iter(text.splitlines()), "<stdin>", outlet, skips)
    else:
        yield Article(id="stdin", text=text, outlet=outlet)
