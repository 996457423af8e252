"""Articles from files, folders, JSON Lines, stdin and catalogs: the one article source.

Every command that reads articles (``label``, ``compare``, ``annotations export``, ``suggest``)
reads them through :func:`iter_located`, by these rules:

- a ``.txt`` file is one article (a UTF-8 byte order mark is dropped); its id is its path
  relative to the folder given (``sub/b.txt``), or its file name when the file itself is given;
- a ``.jsonl`` or ``.ndjson`` file holds one article a line: ``text`` (required), ``id`` (or
  ``doc``; a string or an integer), ``outlet``, ``date``, ``url``; without an id the article is
  ``file:line``;
- a folder is read recursively, in sorted order, suffixes in any case (``A.TXT``);
- ``-`` is stdin: JSON Lines when its first non-blank character is ``{``, else one text article
  with the id ``stdin``;
- an article's outlet comes from its record, else from a catalog (``--catalog``, or
  ``catalog.csv`` in the article's folder: columns ``file``, ``outlet``, ``published``), else from
  ``--outlet``.

A bad input never stops a run: undecodable bytes, binary and empty files, malformed JSON lines
and records without text are reported (file and line) in a :class:`Skips` and passed over.

**Repeated ids** are an input problem: the first article with an id is read; a later one with
the same id (the same ``article_id`` in the output, so the number ``1`` and the string ``"1"``
are the same id) is skipped and reported with its ``file:line`` and the ``file:line`` where the
id was first seen. The rule is applied here, before any labelling, so the result is the same
whatever the output and the number of processes.

**Outputs are never inputs**: a file with a ``.stance-journal`` beside it (the output of
``stance label``), the journal itself and the files under ``.stance-parts`` are left out of
folder listings; :func:`refuse_outputs_among_inputs` refuses an output that is one of the inputs
before anything is written.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import os
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, NamedTuple, TextIO

from stance import _io
from stance._errors import InputError, StanceError
from stance.batch._labelling import Article

__all__ = [
    "JOURNAL_SUFFIX",
    "PARTS_SUFFIX",
    "Located",
    "RepeatedIds",
    "Skips",
    "check_inputs",
    "input_files",
    "iter_articles",
    "iter_located",
    "read_catalog",
    "refuse_outputs_among_inputs",
]

TEXT_SUFFIXES = frozenset({".txt"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
ARTICLE_SUFFIXES = TEXT_SUFFIXES | JSONL_SUFFIXES
# The side files of a stance label output OUT: OUT.stance-journal and the folder OUT.stance-parts.
JOURNAL_SUFFIX = ".stance-journal"
PARTS_SUFFIX = ".stance-parts"
STDIN = "-"


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


class Located(NamedTuple):
    """An article, where it was read (``file`` or ``file:line``) and its id as given."""

    article: Article
    where: str
    given_id: object


# -- listing ----------------------------------------------------------------------------------


def is_stance_output(path: Path) -> bool:
    """A ``stance label`` output (it has a journal beside it) or one of its side files?"""
    if path.name.endswith(JOURNAL_SUFFIX) or any(
        part.endswith(PARTS_SUFFIX) for part in path.parts
    ):
        return True
    return path.with_name(path.name + JOURNAL_SUFFIX).exists()


def _listed(root: Path) -> list[Path]:
    """The article files of a folder, recursively, in sorted order; outputs left out."""
    return sorted(
        p
        for p in root.rglob("*")
        if p.suffix.lower() in ARTICLE_SUFFIXES and p.is_file() and not is_stance_output(p)
    )


def check_inputs(
    names: Iterable[str], error: type[StanceError] = InputError, *, articles: bool = True
) -> None:
    """Every named input exists and can be read, else ``error`` naming it and what to do.

    Run before anything is written, so that a typo costs nothing. With ``articles`` the
    inputs must be articles: the output of a stance label run is refused.
    """
    for name in names:
        if name == STDIN:
            continue
        path = Path(name)
        try:
            if path.is_dir():
                with os.scandir(path) as entries:
                    next(entries, None)
                continue
            with path.open("rb"):
                pass
        except OSError as err:
            raise error(_io.file_problem(err, path)) from None
        if articles and is_stance_output(path):
            raise error(
                f"{path}: this is the output of a stance label run ({path.name}{JOURNAL_SUFFIX} "
                "is beside it), not articles; give the articles it was labelled from"
            )


def input_files(names: Iterable[str]) -> list[Path]:
    """The files the inputs name (folders listed as :func:`iter_located` lists them)."""
    files: list[Path] = []
    for name in names:
        if name == STDIN:
            continue
        path = Path(name)
        files.extend(_listed(path) if path.is_dir() else [path])
    return files


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def refuse_outputs_among_inputs(
    outputs: Iterable[str | Path | None],
    inputs: Iterable[str | Path],
    error: type[StanceError] = InputError,
) -> None:
    """Refuse, before anything is written, an output that is one of the inputs.

    An output is one of the inputs when it is (the same file as) an input file, or an existing
    file that a folder given as input would list: writing it would destroy an input, or read
    the rows being written as articles.
    """
    names = [str(name) for name in inputs]
    wanted = [Path(output) for output in outputs if output is not None and output != STDIN]
    if not wanted:
        return
    listed = input_files(names)
    for output in wanted:
        for name in names:
            if name != STDIN and Path(name).is_file() and _same_file(output, Path(name)):
                raise error(
                    f"{output}: this output is also an input ({name}); writing it would "
                    "destroy that input: choose another output file"
                )
        if output.exists():
            for path in listed:
                if _same_file(output, path):
                    raise error(
                        f"{output}: this output is also an input (listed in a folder given "
                        "as input); writing it would destroy that input: choose another "
                        "output file, outside the input folders"
                    )


# -- catalogs ---------------------------------------------------------------------------------


def read_catalog(path: Path) -> dict[str, dict[str, str]]:
    """``file -> {outlet, published, ...}`` from a catalog CSV with a ``file`` column."""
    text = _io.read_text(path)
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    if rows and "file" not in rows[0]:
        raise InputError(
            f"{path}: a catalog needs a 'file' column (and 'outlet', 'published'); "
            f"it has {', '.join(map(str, rows[0]))}"
        )
    return {row["file"]: row for row in rows}


class _Catalogs:
    """The catalog of each folder (``catalog.csv`` beside the articles) or the one given."""

    def __init__(self, explicit: str | None) -> None:
        self.explicit = read_catalog(Path(explicit)) if explicit else None
        self.cache: dict[Path, dict[str, dict[str, str]]] = {}

    def entry(self, path: Path, article_id: str) -> dict[str, str]:
        catalog = self.explicit
        if catalog is None:
            folder = path.parent
            if folder not in self.cache:
                found = folder / "catalog.csv"
                self.cache[folder] = read_catalog(found) if found.is_file() else {}
            catalog = self.cache[folder]
        return catalog.get(article_id) or catalog.get(path.name) or {}


# -- reading ----------------------------------------------------------------------------------


def _decode(data: bytes, where: str, skips: Skips) -> str | None:
    # isspace(), not strip(): a long article is not copied to find out whether it is blank.
    if not data or data.isspace():
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
    if not text or text.isspace():
        skips.add(where, "empty file")
        return None
    return text


def _has_surrogate(text: str) -> bool:
    """Whether ``text`` holds a lone UTF-16 surrogate (which UTF-8 cannot encode): an encode
    finds one several times faster than a regular expression."""
    if text.isascii():
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


_FIELDS = ("id", "doc", "outlet", "date", "url")


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _from_record(
    record: dict[str, Any], where: str, default_outlet: str, skips: Skips
) -> Located | None:
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        skips.add(where, "malformed record (no non-empty 'text' string)")
        return None
    fields = [text, *(v for k in _FIELDS if isinstance(v := record.get(k), str))]
    if any(map(_has_surrogate, fields)):
        skips.add(
            where,
            "malformed record (a lone UTF-16 surrogate escape such as \\ud800, which no UTF-8 "
            "text can hold); fix the escape in the file",
        )
        return None
    given = record.get("id", record.get("doc"))
    if given is None:
        given = where
    elif isinstance(given, bool) or not isinstance(given, (str, int)):
        skips.add(where, f"malformed record (id must be a string or an integer, got {given!r})")
        return None
    article = Article(
        id=str(given),
        text=text,
        outlet=_text(record.get("outlet")) or default_outlet,
        date=_text(record.get("date")),
        url=_text(record.get("url")),
    )
    return Located(article, where, given)


def _looks_labelled(record: dict[str, Any]) -> bool:
    """A row of ``stance label`` output rather than an article?"""
    return "article_id" in record and "label" in record and "id" not in record


def _jsonl(
    lines: Iterable[bytes], source: str, outlet: str, skips: Skips, *, first_checked: bool = False
) -> Iterator[Located]:
    for line_no, record in _io.read_jsonl(iter(lines), name=source, on_bad=skips.add):
        where = f"{source}:{line_no}"
        if not first_checked:
            first_checked = True
            if _looks_labelled(record):
                skips.add(
                    source,
                    "labelled rows, not articles (records with article_id and label); "
                    "give the articles, or pass this file to stance compare",
                )
                return
        found = _from_record(record, where, outlet, skips)
        if found is not None:
            yield found


def _jsonl_file(path: Path, outlet: str, skips: Skips) -> Iterator[Located]:
    try:
        handle = path.open("rb")
    except OSError as err:
        skips.add(str(path), f"unreadable file ({_io.file_problem(err, path)})")
        return
    with handle:
        yield from _jsonl(handle, str(path), outlet, skips)


def _text_file(
    path: Path, base: Path, catalogs: _Catalogs, outlet: str, skips: Skips
) -> Iterator[Located]:
    try:
        data = path.read_bytes()
    except OSError as err:
        skips.add(str(path), f"unreadable file ({_io.file_problem(err, path)})")
        return
    text = _decode(data, str(path), skips)
    del data
    if text is None:
        return
    article_id = path.relative_to(base).as_posix() if base in path.parents else path.name
    entry = catalogs.entry(path, article_id)
    article = Article(
        id=article_id,
        text=text,
        outlet=entry.get("outlet") or outlet,
        date=entry.get("published") or entry.get("date") or "",
    )
    yield Located(article, str(path), article_id)


def _stdin(outlet: str, skips: Skips, stream: IO[bytes] | None = None) -> Iterator[Located]:
    stream = stream if stream is not None else sys.stdin.buffer
    lines = iter(stream)  # binary lines end at b"\n" only
    head: list[bytes] = []
    for raw in lines:
        head.append(raw)
        if raw.strip() and raw.strip() != _io.BOM:
            break
    first = b"".join(head).removeprefix(_io.BOM).lstrip()
    if first.startswith(b"{"):
        yield from _jsonl(itertools.chain(head, lines), "<stdin>", outlet, skips)
        return
    data = b"".join(head) + stream.read()
    text = _decode(data, "<stdin>", skips)
    if text is not None:
        yield Located(Article(id="stdin", text=text, outlet=outlet), "<stdin>", "stdin")


def _read(
    names: Iterable[str], catalogs: _Catalogs, outlet: str, skips: Skips
) -> Iterator[Located]:
    for name in names:
        if name == STDIN:
            yield from _stdin(outlet, skips)
            continue
        root = Path(name)
        if not root.exists():
            skips.add(name, "no such file or directory")
            continue
        base = root if root.is_dir() else root.parent
        for path in _listed(root) if root.is_dir() else [root]:
            suffix = path.suffix.lower()
            if suffix in JSONL_SUFFIXES:
                yield from _jsonl_file(path, outlet, skips)
            elif suffix in TEXT_SUFFIXES:
                yield from _text_file(path, base, catalogs, outlet, skips)
            else:
                skips.add(str(path), "unsupported file type (use .txt, .jsonl or .ndjson)")


def _shown(given: object) -> str:
    kind = "string" if isinstance(given, str) else type(given).__name__
    return f"the {kind} {json.dumps(given, ensure_ascii=False)}"


class RepeatedIds:
    """The repeated-id rule: the first article with an id is kept, later ones are reported."""

    def __init__(self, skips: Skips) -> None:
        self.skips = skips
        self.first: dict[str, tuple[str, object]] = {}

    def admit(self, found: Located) -> bool:
        key = found.article.id
        seen = self.first.get(key)
        if seen is None:
            self.first[key] = (found.where, found.given_id)
            return True
        where, given = seen
        kinds = ""
        if type(given) is not type(found.given_id):
            kinds = f"; here {_shown(found.given_id)}, there {_shown(given)}"
        self.skips.add(
            found.where,
            f"repeated id ({key!r}, first seen at {where}{kinds}); only the first article "
            "with an id is read: give each article its own id",
        )
        return False


def iter_located(
    paths: Iterable[str],
    *,
    catalog: str | None = None,
    outlet: str | None = None,
    skips: Skips | None = None,
    ids: RepeatedIds | None = None,
) -> Iterator[Located]:
    """Articles, with where each was read, from files, folders and ``-``, in a stable order.

    Repeated ids are reported in ``skips`` and left out (see the module docstring); pass the
    same ``ids`` to several calls to apply the rule across them.
    """
    skips = skips if skips is not None else Skips()
    ids = ids if ids is not None else RepeatedIds(skips)
    for found in _read(list(paths), _Catalogs(catalog), outlet or "", skips):
        if ids.admit(found):
            yield found


def iter_articles(
    paths: Iterable[str],
    *,
    catalog: str | None = None,
    outlet: str | None = None,
    skips: Skips | None = None,
    ids: RepeatedIds | None = None,
) -> Iterator[Article]:
    """The articles of :func:`iter_located`, without their places."""
    for found in iter_located(paths, catalog=catalog, outlet=outlet, skips=skips, ids=ids):
        yield found.article
