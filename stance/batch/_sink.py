"""Writing labelled rows so that an interrupted run can be started again, by one run at a time.

Rows are written an article batch at a time. After each batch the output is flushed and synced,
then a journal beside the output (``OUTPUT.stance-journal``) records the batch: one line per
finished article (its id and a hash of its content), then the output's byte length (or, for
Parquet, the number of part files). A line vouches for nothing until the length line after it
is complete, so a journal cut short by a kill or a full disk never claims unwritten rows. The
commit of a batch runs in a thread while the next batch is labelled (the next write waits for
it); the journal's batch lines are synced at the end of the run, not one by one: the rows they
vouch for are synced before they are written, so a line a crash loses only means its articles
are labelled again.

Started again, a run truncates the output to the last length the journal vouches for (a torn
row from a kill or a full disk disappears), labels the articles the journal does not list, and
appends them: every sentence ends up in the output exactly once. An article whose id is listed
with another content hash is reported as changed and not labelled again (``--overwrite`` starts
over). Parquet cannot be appended to, so its batches go to part files that are joined into the
output, streamed, at the end of each run; a later run adds its parts to the joined file.

One run owns an output at a time: the journal is locked (``flock``) while a run writes, and a
second run is refused with the pid of the one holding it. The lock is the kernel's, so it goes
with the process that held it, however that process ended: a stale lock is simply taken over.
On a write error (a full disk) the output is cut back to the rows the journal vouches for, so
what is on disk stays valid.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from stance import _io
from stance._errors import InputError, StanceError
from stance.batch._labelling import COLUMNS, PROBA_COLUMNS, Article, LabelledBatch
from stance.batch._sources import JOURNAL_SUFFIX, PARTS_SUFFIX

__all__ = ["FORMATS", "RowSink", "content_hash", "fingerprint", "open_sink", "side_files"]

FORMATS = ("jsonl", "csv", "parquet")
VERSION = "stance-journal v2"
_RESUME = "run the same command again to resume"

try:  # POSIX
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]


def _csv_lines(rows: list[dict[str, Any]], header: bool) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    if header:
        writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _schema() -> Any:
    import pyarrow as pa

    types = {c: pa.string() for c in COLUMNS}
    types.update({c: pa.int64() for c in ("idx", "start", "end")})
    types.update({c: pa.float64() for c in PROBA_COLUMNS})
    types["cut"] = pa.bool_()
    return pa.schema([(c, types[c]) for c in COLUMNS])


def _parquet_table(rows: list[dict[str, Any]]) -> Any:
    import pyarrow as pa

    return pa.Table.from_pylist(rows, schema=_schema())


def content_hash(article: Article) -> bytes:
    """What identifies an article's content: its text, outlet and date, and its address when
    it has one (the address's site is evidence of its voice): 16 bytes of SHA-256.

    The text is hashed a slice at a time, so a long article is not copied whole. An article
    without an address hashes as it did before addresses counted, so older journals resume.
    """
    digest = hashlib.sha256()
    for field in (article.outlet, article.date):
        encoded = field.encode("utf-8", "surrogatepass")
        digest.update(len(encoded).to_bytes(8, "big") + encoded)
    text = article.text
    step = 1 << 20
    for start in range(0, len(text), step):
        digest.update(text[start : start + step].encode("utf-8", "surrogatepass"))
    if article.url:
        encoded = article.url.encode("utf-8", "surrogatepass")
        digest.update(b"\x00url" + len(encoded).to_bytes(8, "big") + encoded)
    return digest.digest()[:16]


def fingerprint(options: dict[str, Any]) -> str:
    """What a resumed run must share with the run that started an output: the options that
    change its rows (format, model, outlet, catalog). Inputs are not part of it: a rerun with
    more inputs labels the new ones."""
    payload = json.dumps(options, sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def side_files(path: Path) -> tuple[Path, Path]:
    """The journal and the Parquet parts folder of an output."""
    return path.with_name(path.name + JOURNAL_SUFFIX), path.with_name(path.name + PARTS_SUFFIX)


def _write_problem(err: OSError, path: Path) -> StanceError:
    message = _io.file_problem(err, path, writing=True)
    if not message.endswith(_RESUME):
        message += "; the rows written so far are kept: " + _RESUME + " once it is fixed"
    return StanceError(message)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


class RowSink:
    """Rows out to a file (resumable, locked) or a stream, in one of :data:`FORMATS`."""

    def __init__(
        self, path: Path | None, fmt: str, fingerprint: str, *, overwrite: bool = False
    ) -> None:
        if fmt not in FORMATS:
            raise InputError(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")
        if path is None and fmt == "parquet":
            raise InputError("parquet output needs a file: pass --output FILE.parquet")
        self.path = path
        self.fmt = fmt
        self.done: dict[str, bytes] = {}  # article id -> content hash, as the journal says
        self._stream: IO[bytes] | None = None
        self._fd: int | None = None  # the output (jsonl, csv)
        self._journal: int | None = None
        self._length = 0  # bytes of the output the journal vouches for
        self._parts = 0  # Parquet parts the journal vouches for
        self._joined = 0  # Parquet parts already joined into the output
        self._part_writer: Any = None
        self._header_written = False
        self._committer: Any = None  # the thread that commits batches (see _commit)
        self._committing: tuple[Any, int] | None = None  # the commit in flight, its length
        if path is None:
            self._stream = sys.stdout.buffer
            return
        self._journal_path, self._parts_dir = side_files(path)
        try:
            self._open(fingerprint, overwrite)
        except BaseException:
            self.close()
            raise

    # -- opening: lock, check, resume -------------------------------------------------------

    def _open(self, fingerprint: str, overwrite: bool) -> None:
        assert self.path is not None
        path, journal = self.path, self._journal_path
        if path.is_dir():
            raise InputError(f"{path}: is a directory; give a file name for --output")
        if not journal.exists() and path.exists() and not overwrite:
            raise InputError(
                f"{path}: exists and was not written by a resumable stance run; "
                "pass --overwrite to replace it, or choose another --output"
            )
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._journal = os.open(journal, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as err:
            raise StanceError(_io.file_problem(err, journal, writing=True)) from None
        # The journal is never removed: another run may have it open, waiting to lock it.
        self._lock()
        if overwrite:
            self._start_over()
        self._resume(fingerprint)
        self._mark_run()

    def _lock(self) -> None:
        assert self._journal is not None
        if fcntl is None:  # pragma: no cover
            return
        try:
            fcntl.flock(self._journal, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = self._last_run()
            who = f"pid {holder}" if holder is not None else "another process"
            stop = f" (kill {holder})" if holder is not None else ""
            raise StanceError(
                f"{self.path}: another stance label run ({who}) is writing this output; "
                f"wait for it to finish, or stop it{stop} and run this command again to "
                "resume, or choose another --output"
            ) from None

    def _read_journal(self) -> bytes:
        assert self._journal is not None
        os.lseek(self._journal, 0, os.SEEK_SET)
        chunks = []
        while chunk := os.read(self._journal, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)

    def _last_run(self) -> int | None:
        runs = [line for line in self._read_journal().split(b"\n") if line.startswith(b"run\t")]
        try:
            return int(runs[-1].split(b"\t")[1]) if runs else None
        except (IndexError, ValueError):
            return None

    def _start_over(self) -> None:
        """--overwrite: empty the journal and the output in place (the lock stays held)."""
        assert self.path is not None and self._journal is not None
        os.ftruncate(self._journal, 0)
        if self.fmt == "parquet":
            self.path.unlink(missing_ok=True)  # joined anew when this run completes
        elif self.path.exists():
            with self.path.open("r+b") as handle:
                handle.truncate(0)
        self._remove_parts(keep_below=0)

    def _resume(self, fingerprint: str) -> None:
        assert self.path is not None and self._journal is not None
        data = self._read_journal()
        header = f"{VERSION} {fingerprint}\n".encode()
        if not data:
            _write_all(self._journal, header)
            os.fsync(self._journal)
            data = header
        elif not data.startswith(header):
            first = data.split(b"\n", 1)[0].decode("utf-8", "replace")
            what = (
                "an older stance"
                if not first.startswith(VERSION)
                else "a run with other options (format, model, --outlet or --catalog)"
            )
            raise InputError(
                f"{self.path} was written by {what}; pass --overwrite to replace it, or "
                "choose another --output"
            )
        good = self._replay(data, len(header))
        if good < len(data):  # lines after the last commit vouch for nothing: drop them
            os.ftruncate(self._journal, good)
        os.lseek(self._journal, 0, os.SEEK_END)
        if self.fmt == "parquet":
            self._recover_parts()
        else:
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            os.ftruncate(self._fd, self._length)  # a torn row from a kill or full disk goes
            os.lseek(self._fd, 0, os.SEEK_END)
            self._header_written = self._length > 0

    def _replay(self, data: bytes, start: int) -> int:
        """Read the journal's committed state; return the byte offset where it ends."""
        pending: dict[str, bytes] = {}
        good = position = start
        for line in data[start:].split(b"\n")[:-1]:  # the last piece has no newline: torn
            position += len(line) + 1
            kind, _, rest = line.partition(b"\t")
            try:
                if kind == b"a":
                    key, digest = rest.rsplit(b"\t", 1)
                    pending[json.loads(key)] = bytes.fromhex(digest.decode())
                    continue
                if kind == b"len":
                    self._length = int(rest)
                elif kind == b"part":
                    self._parts = int(rest)
                elif kind == b"joined":
                    self._joined = int(rest)
                elif kind == b"run":
                    if pending:  # a run starts only after the last commit: this is torn
                        break
                    good = position
                    continue
                else:
                    break
            except ValueError:
                break
            self.done.update(pending)
            pending.clear()
            good = position
        return good

    def _mark_run(self) -> None:
        assert self._journal is not None
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        self._append_journal(f"run\t{os.getpid()}\t{stamp}\n".encode())

    def _append_journal(self, data: bytes, sync: bool = True) -> None:
        assert self._journal is not None
        try:
            _write_all(self._journal, data)
            if sync:
                os.fsync(self._journal)
        except OSError as err:
            raise _write_problem(err, self._journal_path) from None

    # -- Parquet parts ------------------------------------------------------------------------

    def _part_path(self, number: int) -> Path:
        return self._parts_dir / f"part-{number:06d}.parquet"

    def _joined_temporary(self, parts: int) -> Path:
        """Where the join of the first ``parts`` parts is written before it replaces the output."""
        return self._parts_dir / f"joined-{parts:06d}.parquet"

    def _recover_parts(self) -> None:
        """Finish a join the journal recorded, and drop what the journal does not vouch for."""
        assert self.path is not None
        joined = self._joined_temporary(self._joined)
        if self._joined > 0 and joined.exists():
            # Written whole before its journal line, which made it: put it in place.
            os.replace(joined, self.path)
        self._remove_parts(keep_below=self._parts, drop_below=self._joined)

    def _remove_parts(self, *, keep_below: int, drop_below: int = 0) -> None:
        """Delete parts below ``drop_below`` (joined) or from ``keep_below`` on (not vouched
        for), and any temporary file; the folder goes when it is empty."""
        if not self._parts_dir.is_dir():
            return
        for part in self._parts_dir.iterdir():
            name = part.name
            number = int(name[5:11]) if name.startswith("part-") and name[5:11].isdigit() else -1
            keep = name.endswith(".parquet") and drop_below <= number < keep_below
            if not keep:
                part.unlink()
        if not any(self._parts_dir.iterdir()):
            self._parts_dir.rmdir()

    def _write_part_rows(self, rows: list[dict[str, Any]]) -> None:
        import pyarrow.parquet as pq

        if self._part_writer is None:
            self._parts_dir.mkdir(exist_ok=True)
            temporary = self._part_path(self._parts).with_suffix(".tmp")
            self._part_writer = pq.ParquetWriter(temporary, _schema())
        self._part_writer.write_table(_parquet_table(rows))

    def _commit_part(self) -> None:
        if self._part_writer is None:  # finished articles without a sentence: an empty part
            self._write_part_rows([])
        self._part_writer.close()
        self._part_writer = None
        part = self._part_path(self._parts)
        temporary = part.with_suffix(".tmp")
        with temporary.open("rb") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, part)
        self._parts += 1

    def _join_parts(self) -> None:
        """Stream the joined output and the new parts into one file, then put it in place."""
        import pyarrow.parquet as pq

        assert self.path is not None
        if self._parts == self._joined and self.path.exists():
            return
        sources = [self._part_path(n) for n in range(self._joined, self._parts)]
        if self._joined > 0 and self.path.exists():
            sources.insert(0, self.path)
        self._parts_dir.mkdir(exist_ok=True)
        joined = self._joined_temporary(self._parts)
        with pq.ParquetWriter(joined, _schema()) as writer:
            for source in sources:
                reader = pq.ParquetFile(source)
                for group in range(reader.num_row_groups):
                    writer.write_table(reader.read_row_group(group))
        with joined.open("rb") as handle:
            os.fsync(handle.fileno())
        # The journal first: a kill between the two leaves a whole joined file to put in place.
        self._append_journal(f"joined\t{self._parts}\n".encode())
        self._joined = self._parts
        os.replace(joined, self.path)
        self._remove_parts(keep_below=0)

    # -- writing -----------------------------------------------------------------------------

    def state(self, article_id: str, digest: bytes) -> str:
        """``new``, ``done`` (labelled by an earlier run) or ``changed`` (labelled, as other
        content, under this id)."""
        found = self.done.get(article_id)
        if found is None:
            return "new"
        return "done" if found == digest else "changed"

    def write_batch(self, finished: Iterable[tuple[str, bytes]], rows: LabelledBatch) -> None:
        """Write the rows of a batch, then record its finished articles (id, content hash).

        Rows of an article not yet finished (a chunk of a long one) are written but vouched
        for only when its last chunk is recorded.
        """
        done = list(finished)
        try:
            self._wait_commit()  # the previous batch's; its failure surfaces here
            self._write_rows(rows)
            if done and self._journal is not None:
                self._commit(done)
        except OSError as err:
            self._roll_back()
            raise _write_problem(err, self.path or Path("<stdout>")) from None
        except BaseException:
            self._roll_back()
            raise

    def _write_rows(self, rows: LabelledBatch) -> None:
        if self.fmt == "parquet":
            if len(rows):
                self._write_part_rows([r.row() for r in rows.rows()])
            return
        if not len(rows):
            return
        if self.fmt == "jsonl":
            data = rows.jsonl()
        else:
            data = _csv_lines([r.row() for r in rows.rows()], header=not self._header_written)
            self._header_written = True
        if self._fd is not None:
            _write_all(self._fd, data)
        else:
            assert self._stream is not None
            self._stream.write(data)
            self._stream.flush()

    def _commit(self, done: list[tuple[str, bytes]]) -> None:
        """Vouch for the rows written so far and record ``done``. Parquet commits at once; a
        file's commit (two fsyncs) runs in a thread while the next batch is labelled, and the
        next write waits for it first, so writes and journal lines keep their order."""
        if self.fmt == "parquet":
            self._commit_part()
            self._record(done, f"part\t{self._parts}\n")
            return
        assert self._fd is not None
        length = os.lseek(self._fd, 0, os.SEEK_CUR)
        if self._committer is None:
            from concurrent.futures import ThreadPoolExecutor

            self._committer = ThreadPoolExecutor(1, thread_name_prefix="stance-commit")
        self._committing = (self._committer.submit(self._sync_and_record, done, length), length)

    def _sync_and_record(self, done: list[tuple[str, bytes]], length: int) -> None:
        assert self._fd is not None
        os.fsync(self._fd)
        # Not synced batch by batch (finish() syncs it): the rows are on disk before the line
        # that vouches for them is written, so a line a crash loses only means its articles
        # are labelled again.
        self._record(done, f"len\t{length}\n", sync=False)

    def _record(self, done: list[tuple[str, bytes]], position: str, sync: bool = True) -> None:
        entries = "".join(
            f"a\t{json.dumps(key, ensure_ascii=True)}\t{digest.hex()}\n" for key, digest in done
        )
        # The position line comes last: a journal cut short never vouches for unwritten rows.
        self._append_journal((entries + position).encode("utf-8"), sync=sync)
        self.done.update(done)

    def _wait_commit(self) -> None:
        """Wait for the commit in flight; once it has succeeded the journal vouches for its
        length (on failure it raises, and the output is cut back to the length before)."""
        if self._committing is None:
            return
        future, length = self._committing
        self._committing = None
        future.result()
        self._length = length

    def _roll_back(self) -> None:
        """After a failed write: cut the output back to what the journal vouches for."""
        try:
            if self._fd is not None:
                os.ftruncate(self._fd, self._length)
                os.lseek(self._fd, 0, os.SEEK_END)
                self._header_written = self._length > 0
            if self._part_writer is not None:
                writer, self._part_writer = self._part_writer, None
                try:
                    writer.close()
                finally:
                    self._part_path(self._parts).with_suffix(".tmp").unlink(missing_ok=True)
        except OSError:
            pass  # the next run truncates to the journal's length anyway

    def finish(self) -> None:
        """Complete the output: a CSV header even with no rows; Parquet parts joined."""
        try:
            self._wait_commit()
            if self._journal is not None:
                os.fsync(self._journal)
            if self.fmt == "csv" and not self._header_written:
                self._write_rows_header()
            if self.fmt == "parquet" and self.path is not None:
                self._join_parts()
        except OSError as err:
            self._roll_back()
            raise _write_problem(err, self.path or Path("<stdout>")) from None

    def _write_rows_header(self) -> None:
        data = _csv_lines([], header=True)
        self._header_written = True
        if self._fd is None:
            assert self._stream is not None
            self._stream.write(data)
            self._stream.flush()
            return
        _write_all(self._fd, data)
        os.fsync(self._fd)
        self._length = os.lseek(self._fd, 0, os.SEEK_CUR)
        self._append_journal(f"len\t{self._length}\n".encode())

    def close(self) -> None:
        """Release the output and its lock (after :meth:`finish`, or after a failure)."""
        if self._committing is not None:  # interrupted: let the commit in flight end first
            try:
                self._wait_commit()
            except BaseException:
                self._roll_back()
        if self._committer is not None:
            self._committer.shutdown()
            self._committer = None
        if self._part_writer is not None:
            self._roll_back()
        for name in ("_fd", "_journal"):
            fd = getattr(self, name)
            if fd is not None:
                setattr(self, name, None)
                os.close(fd)  # closing the journal releases its lock


def open_sink(
    output: str | None, fmt: str | None, run_id: str, *, overwrite: bool = False
) -> RowSink:
    """A sink for ``--output`` (None or ``-``: stdout), the format from the option or suffix."""
    path = None if output is None or output == "-" else Path(output)
    return RowSink(path, output_format(path, fmt), run_id, overwrite=overwrite)


def output_format(path: Path | None, fmt: str | None) -> str:
    """The format asked for, else the output's suffix (.csv, .parquet/.pq), else jsonl."""
    if fmt is not None:
        return fmt
    suffix = path.suffix.lower().lstrip(".") if path is not None else "jsonl"
    return {"parquet": "parquet", "pq": "parquet", "csv": "csv"}.get(suffix, "jsonl")
