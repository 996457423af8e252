"""Writing labelled rows so that an interrupted run can be started again.

Rows are written an article batch at a time. After each batch the output is flushed and synced,
then its byte length and the ids of the batch's articles are appended to a journal beside the
output (``OUTPUT.stance-journal``). Started again with the same arguments, a run truncates the
output to the last length the journal vouches for (so a torn row from a kill or a full disk
disappears), skips the articles already written, and appends the rest: every sentence ends up
in the output exactly once. Parquet cannot be appended to, so its batches go to part files
that are joined into the output when the run completes.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from stance._errors import InputError
from stance.batch._labelling import COLUMNS, SentenceLabel

__all__ = ["FORMATS", "RowSink", "open_sink"]

FORMATS = ("jsonl", "csv", "parquet")
_DONE = "#done"


# One encoder for every row: json.dumps with options builds a new encoder per call.
_ENCODE_ROW = json.JSONEncoder(ensure_ascii=False).encode


def _jsonl_lines(rows: list[dict[str, Any]]) -> bytes:
    return "".join([_ENCODE_ROW(r) + "\n" for r in rows]).encode("utf-8")


def _csv_lines(rows: list[dict[str, Any]], header: bool) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    if header:
        writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _parquet_table(rows: list[dict[str, Any]]) -> Any:
    import pyarrow as pa

    from stance.batch._labelling import PROBA_COLUMNS

    types = {c: pa.string() for c in COLUMNS}
    types.update({c: pa.int64() for c in ("idx", "start", "end")})
    types.update({c: pa.float64() for c in PROBA_COLUMNS})
    schema = pa.schema([(c, types[c]) for c in COLUMNS])
    return pa.Table.from_pylist(rows, schema=schema)


class RowSink:
    """Rows out to a file (resumable) or a stream, in one of :data:`FORMATS`."""

    def __init__(
        self, path: Path | None, fmt: str, fingerprint: str, *, overwrite: bool = False
    ) -> None:
        if fmt not in FORMATS:
            raise InputError(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")
        if path is None and fmt == "parquet":
            raise InputError("parquet output needs a file: pass --output FILE.parquet")
        self.path = path
        self.fmt = fmt
        self.done: set[str] = set()
        self.complete = False
        self._stream: IO[bytes] | None = None
        self._journal: IO[str] | None = None
        self._parts = 0
        if path is None:
            self._stream = sys.stdout.buffer
            self._wrote_header = False
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        self._journal_path = path.with_name(path.name + ".stance-journal")
        self._parts_dir = path.with_name(path.name + ".stance-parts")
        if overwrite:
            self._reset()
        self._resume(fingerprint)

    # -- resuming ----------------------------------------------------------------------------

    def _reset(self) -> None:
        assert self.path is not None
        for leftover in (self.path, self._journal_path):
            leftover.unlink(missing_ok=True)
        if self._parts_dir.is_dir():
            for part in self._parts_dir.iterdir():
                part.unlink()
            self._parts_dir.rmdir()

    def _resume(self, fingerprint: str) -> None:
        assert self.path is not None
        length = 0
        if self._journal_path.is_file():
            lines = self._journal_path.read_text(encoding="utf-8").splitlines()
            if not lines or lines[0] != fingerprint:
                raise InputError(
                    f"{self.path} was written by a run with other inputs or "
                    "options; pass --overwrite to replace it, or choose another "
                    "--output"
                )
            for line in lines[1:]:
                if line == _DONE:
                    self.complete = True
                    continue
                kind, value = line.split("\t", 1)
                if kind == "len":
                    length = int(value)
                elif kind == "part":
                    self._parts = int(value)
                else:
                    self.done.add(value)
        elif self.path.exists():
            raise InputError(
                f"{self.path} exists and was not written by a resumable stance run; "
                "pass --overwrite to replace it, or choose another --output"
            )
        else:
            self._journal_path.write_text(fingerprint + "\n", encoding="utf-8")
        if self.complete:
            return
        if self.fmt == "parquet":
            self._drop_unjournaled_parts()
        else:
            with self.path.open("ab") as handle:
                handle.truncate(length)
            self._wrote_header = length > 0
            self._stream = self.path.open("ab")
        self._journal = self._journal_path.open("a", encoding="utf-8")

    def _drop_unjournaled_parts(self) -> None:
        self._parts_dir.mkdir(exist_ok=True)
        for part in self._parts_dir.glob("part-*.parquet"):
            if int(part.stem.split("-")[1]) >= self._parts:
                part.unlink()

    # -- writing -----------------------------------------------------------------------------

    def write_batch(self, article_ids: Iterable[str], rows: list[SentenceLabel]) -> None:
        """Write the rows of a batch of articles, then record the batch as done."""
        flat = [r.row() for r in rows]
        if self.fmt == "parquet":
            self._write_part(flat)
        else:
            data = (
                _jsonl_lines(flat)
                if self.fmt == "jsonl"
                else _csv_lines(flat, header=not self._wrote_header)
            )
            self._wrote_header = True
            assert self._stream is not None
            self._stream.write(data)
            self._stream.flush()
        if self._journal is None:
            return
        if self._stream is not None:
            os.fsync(self._stream.fileno())
        ids = list(article_ids)
        entries = "".join(f"id\t{i}\n" for i in ids)
        position = (
            f"part\t{self._parts}\n" if self.fmt == "parquet" else f"len\t{self._stream.tell()}\n"
        )  # type: ignore[union-attr]
        # The length line comes last: a journal cut short never vouches for unwritten bytes.
        self._journal.write(entries + position)
        self._journal.flush()
        os.fsync(self._journal.fileno())
        self.done.update(ids)

    def _write_part(self, rows: list[dict[str, Any]]) -> None:
        import pyarrow.parquet as pq

        part = self._parts_dir / f"part-{self._parts:06d}.parquet"
        temporary = part.with_suffix(".tmp")
        pq.write_table(_parquet_table(rows), temporary)
        os.replace(temporary, part)
        self._parts += 1

    def finish(self) -> None:
        """Close the output; join Parquet parts; mark the journal complete."""
        if self.fmt == "parquet" and self.path is not None and not self.complete:
            self._join_parts()
        if self._stream is not None and self.path is not None:
            self._stream.close()
        if self._journal is not None:
            self._journal.write(_DONE + "\n")
            self._journal.close()
        self.complete = True

    def _join_parts(self) -> None:
        import pyarrow.parquet as pq

        assert self.path is not None
        parts = sorted(self._parts_dir.glob("part-*.parquet"))
        tables = [pq.read_table(p) for p in parts] or [_parquet_table([])]
        import pyarrow as pa

        temporary = self.path.with_name(self.path.name + ".tmp")
        pq.write_table(pa.concat_tables(tables), temporary)
        os.replace(temporary, self.path)
        for part in parts:
            part.unlink()
        self._parts_dir.rmdir()


def fingerprint(inputs: list[str], options: dict[str, Any]) -> str:
    """What identifies a run: its inputs and the options that change its rows."""
    payload = json.dumps({"inputs": inputs, **options}, sort_keys=True)
    return "stance-journal v1 " + hashlib.sha256(payload.encode("utf-8")).hexdigest()


def open_sink(
    output: str | None, fmt: str | None, run_id: str, *, overwrite: bool = False
) -> RowSink:
    """A sink for ``--output`` (None or ``-``: stdout), the format from the option or suffix."""
    path = None if output in (None, "-") else Path(output)
    if fmt is None:
        suffix = path.suffix.lower().lstrip(".") if path is not None else "jsonl"
        fmt = {"parquet": "parquet", "pq": "parquet", "csv": "csv"}.get(suffix, "jsonl")
    return RowSink(path, fmt, run_id, overwrite=overwrite)
