"""Worker processes that share a batch job with the caller, and die with it.

With ``n_jobs`` the caller is one of the jobs: ``n_jobs - 1`` worker processes take tasks, up
to :data:`IN_FLIGHT_PER_JOB` each ahead, and whenever every worker has its share the caller
runs the next task itself. So jobs=2 is two processes on two cores, not a pool of two beside a
caller that reads the input and makes the rows on the same cores (docs/performance.md).

The caller has no helper thread. Tasks and results travel over pipes that the caller reads
between its own tasks; a thread would wait for the interpreter lock, which the compiled reading
holds for a whole batch. The pipes are widened (Linux) so that neither side waits for the other
to write a task or a result.

A worker is a fresh interpreter (``python -c``), so nothing of the caller's script is run
again in it. Its watchdog thread ends it the moment its parent is gone (SIGKILL, SIGTERM, an
out-of-memory kill, a scheduler's timeout), so nothing outlives a run to hold the caller's
pipes or the output's lock. A worker left without work for :data:`IDLE_SECONDS` leaves; the
pool is kept warm between calls until then, and :func:`shutdown` ends it at once.
"""

from __future__ import annotations

import atexit
import logging
import os
import pickle
import subprocess
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.connection import Connection
from typing import Any, Generic, TypeVar

from stance._errors import StanceError
from stance._paths import python_path_for_workers

__all__ = ["IN_FLIGHT_PER_JOB", "WATCH_SECONDS", "WorkerError", "ordered_map", "shutdown"]

T = TypeVar("T")
log = logging.getLogger(__name__)
WATCH_SECONDS = 0.2  # how often a worker checks that its parent is alive
IDLE_SECONDS = 300  # an idle worker leaves after this (joblib's default)
# Tasks handed ahead to each worker: enough that it never waits while the caller runs a task of
# its own, few enough to fit in a widened pipe (benchmarks/jobs_overhead.py).
IN_FLIGHT_PER_JOB = 3
PIPE_BYTES = 1 << 20  # Linux's default ceiling for an unprivileged pipe
_IDLE_EXIT = 0  # a worker leaving of its own accord: idle, told to, or its caller gone


class WorkerError(StanceError):
    """A worker process ended in the middle of a run (killed, or out of memory)."""


def _watch_parent(parent: int) -> None:
    """In a worker: end this process as soon as ``parent`` is no longer its parent."""

    def watch() -> None:
        while True:
            time.sleep(WATCH_SECONDS)
            if os.getppid() != parent:
                os._exit(70)

    threading.Thread(target=watch, name="stance-parent-watch", daemon=True).start()


def _sendable(error: BaseException) -> BaseException:
    """``error`` with the worker's traceback as a note, or its text when it will not pickle."""
    text = traceback.format_exc()
    try:
        if hasattr(error, "add_note"):  # 3.11+
            error.add_note(f"raised in a stance worker process:\n{text}")
        pickle.dumps(error)
        return error
    except Exception:
        return RuntimeError(f"a stance worker process raised:\n{text}")


def _serve(task_fd: int, result_fd: int, parent: int) -> None:
    """A worker's life: run each task it is given, send back what it returned or raised."""
    _watch_parent(parent)
    tasks = Connection(task_fd, writable=False)
    results = Connection(result_fd, readable=False)
    try:
        while tasks.poll(IDLE_SECONDS):
            message = tasks.recv()
            if message is None:  # told to leave
                break
            function, args = message
            try:
                outcome = (True, function(*args))
            except Exception as error:
                outcome = (False, _sendable(error))
            results.send(outcome)
    except (EOFError, BrokenPipeError, KeyboardInterrupt):
        # The caller is gone or interrupted (Ctrl-C reaches the whole process group): it
        # reports what happened; a worker has nothing to add.
        os._exit(_IDLE_EXIT)


def _widen(fd: int) -> None:
    try:
        import fcntl

        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    except (ImportError, AttributeError, OSError):
        pass  # elsewhere a write waits for its reader: slower, the same results


class _Entry(Generic[T]):
    """A task in input order: its arguments until it is done, then its result."""

    __slots__ = ("args", "done", "function", "resent", "result", "tag")

    def __init__(self, tag: T, function: Callable[..., Any], args: tuple[Any, ...]) -> None:
        self.tag, self.function, self.args = tag, function, args
        self.done = self.resent = False
        self.result: Any = None

    def finish(self, result: Any) -> None:
        self.result, self.done, self.args = result, True, ()


class _Worker:
    """One worker process and the caller's ends of its two pipes."""

    def __init__(self) -> None:
        self.owed: deque[_Entry[Any]] = deque()  # sent, not yet answered, oldest first
        self._start()

    def _start(self) -> None:
        task_read, task_write = os.pipe()
        result_read, result_write = os.pipe()
        for fd in (task_write, result_write):
            _widen(fd)
        code = (
            "import sys; del sys.path[0]; from stance.batch._workers import _serve; "
            f"_serve({task_read}, {result_write}, {os.getpid()})"
        )
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-c", code],
                pass_fds=(task_read, result_write),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,  # the caller's output may be the rows
                env={**os.environ, "PYTHONPATH": python_path_for_workers()},
            )
        finally:
            os.close(task_read)
            os.close(result_write)
        self.tasks = Connection(task_write, readable=False)
        self.results = Connection(result_read, writable=False)

    def alive(self) -> bool:
        return self.process.poll() is None

    def give(self, entry: _Entry[Any]) -> None:
        self.owed.append(entry)
        try:
            self.tasks.send((entry.function, entry.args))
        except OSError:  # it has left (a broken pipe)
            self._lost()

    def take(self) -> None:
        """Wait for this worker's oldest task and finish it."""
        try:
            ok, value = self.results.recv()
        except (EOFError, OSError):
            self._lost()
            return
        entry = self.owed.popleft()
        if not ok:
            raise value
        entry.finish(value)

    def take_ready(self) -> None:
        while self.owed and self.results.poll():
            self.take()

    def _lost(self) -> None:
        """The worker is gone. One that left idle as a task arrived is started again and
        given its tasks once more; anything else ends the run."""
        code = self.process.wait()
        if code != _IDLE_EXIT or any(entry.resent for entry in self.owed):
            raise WorkerError(
                f"a stance worker process ended in the middle of a run (exit code {code}: "
                "killed, or out of memory); label with one job (jobs=1, --jobs 1) to run in "
                "this process alone"
            )
        self.close()
        self._start()
        owed, self.owed = self.owed, deque()
        for entry in owed:
            entry.resent = True
            self.give(entry)

    def drain(self) -> None:
        while self.owed:
            self.take()

    def close(self, kill: bool = False) -> None:
        for connection in (self.tasks, self.results):
            connection.close()  # the worker reads EOF and leaves
        if kill:
            self.process.kill()
        self.process.wait()


class _Pool:
    """Workers not in use by any call, kept warm for the next."""

    def __init__(self) -> None:
        self.idle: list[_Worker] = []
        self.lock = threading.Lock()

    def check_out(self, n: int) -> list[_Worker]:
        with self.lock:
            taken, self.idle = self.idle[:n], self.idle[n:]
        workers = []
        for worker in taken:
            if worker.alive():
                workers.append(worker)
            else:
                worker.close()
        while len(workers) < n:
            try:
                workers.append(_Worker())
            except OSError as error:  # no more processes allowed, say: label with fewer
                log.warning(
                    "stance: could not start a worker process (%s); labelling with "
                    "%d worker(s) and this process",
                    error,
                    len(workers),
                )
                break
        return workers

    def check_in(self, workers: list[_Worker]) -> None:
        with self.lock:
            self.idle += workers

    def close(self) -> None:
        with self.lock:
            workers, self.idle = self.idle, []
        for worker in workers:
            worker.close()


_pool = _Pool()
atexit.register(_pool.close)  # idle workers leave with the interpreter, not after it


def ordered_map(
    function: Callable[..., Any],
    tasks: Iterable[tuple[tuple[Any, ...], T]],
    n_jobs: int,
    local: Callable[..., Any] | None = None,
) -> Iterator[tuple[T, Any]]:
    """``(tag, function(*args))`` for each ``(args, tag)`` of ``tasks``, in order, lazily.

    ``n_jobs - 1`` workers run ``function``; the caller runs ``local`` (default ``function``;
    it must give the same result) on the tasks no worker is free to take. At most
    :data:`IN_FLIGHT_PER_JOB` tasks wait for each worker, so memory stays flat however many
    tasks there are.
    """
    run_here = local or function
    # Workers get their pipes as POSIX file descriptors; elsewhere the caller labels alone.
    can_start = os.name == "posix" and bool(sys.executable)
    workers = _pool.check_out(max(0, n_jobs - 1) if can_start else 0)
    window: deque[_Entry[T]] = deque()  # every task not yet yielded, in input order
    limit = (IN_FLIGHT_PER_JOB + 1) * (len(workers) + 1)
    settle = False  # whether the workers may finish what they owe and stay warm
    try:
        for args, tag in tasks:
            entry = _Entry(tag, function, args)
            window.append(entry)
            free = min(workers, key=lambda w: len(w.owed), default=None)
            if free is not None and len(free.owed) < IN_FLIGHT_PER_JOB:
                free.give(entry)
            else:
                entry.finish(run_here(*args))
            for worker in workers:
                worker.take_ready()
            while window and (window[0].done or len(window) > limit):
                yield _next(window, workers)
        while window:
            yield _next(window, workers)
        settle = True
    except GeneratorExit:  # the caller stopped early
        settle = True
        raise
    finally:
        _release(workers, settle)


def _next(window: deque[_Entry[T]], workers: list[_Worker]) -> tuple[T, Any]:
    """The oldest task's tag and result, waiting for its worker if need be."""
    entry = window[0]
    while not entry.done:
        next(w for w in workers if entry in w.owed).take()
    window.popleft()
    return entry.tag, entry.result


def _release(workers: list[_Worker], settle: bool) -> None:
    """Back to the pool: after a whole run, or a caller that stopped early (whose workers
    finish their few tasks first); after an error, the workers that still owe tasks are
    stopped rather than waited for."""
    kept = []
    for worker in workers:
        if worker.owed and settle and worker.alive():
            try:
                worker.drain()
            except Exception:
                worker.close(kill=True)
                continue
        if worker.owed or not worker.alive():
            worker.close(kill=True)
        else:
            kept.append(worker)
    _pool.check_in(kept)


def shutdown() -> None:
    """Stop the idle workers now (the command line does this at the end of a run)."""
    _pool.close()
