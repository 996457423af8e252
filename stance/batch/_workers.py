"""Worker processes that die with their parent, whatever kills it.

The pool is loky's reusable executor (what joblib uses), so a warm pool serves later calls in
the same process. Each worker starts a watchdog thread that checks its parent's pid several
times a second and ends the worker the moment the parent is gone: a SIGKILL or SIGTERM of the
main process, an out-of-memory kill, a scheduler's timeout. Nothing outlives the run to hold
the caller's pipes or the output's lock. loky's resource tracker ends by itself once every
process holding its pipe has ended.
"""

from __future__ import annotations

import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

__all__ = ["WATCH_SECONDS", "ordered_map", "shutdown"]

T = TypeVar("T")
WATCH_SECONDS = 0.2  # how often a worker checks that its parent is alive
IDLE_SECONDS = 300  # an idle worker leaves after this (joblib's default)
IN_FLIGHT_PER_JOB = 2  # tasks submitted ahead per worker: enough that none waits for the next


def _watch_parent(parent: int) -> None:
    """In a worker: end this process as soon as ``parent`` is no longer its parent."""

    def watch() -> None:
        while True:
            time.sleep(WATCH_SECONDS)
            if os.getppid() != parent:
                os._exit(70)

    threading.Thread(target=watch, name="stance-parent-watch", daemon=True).start()


def _executor(n_jobs: int) -> Any:
    from joblib.externals.loky import get_reusable_executor

    return get_reusable_executor(
        max_workers=n_jobs,
        timeout=IDLE_SECONDS,
        initializer=_watch_parent,
        initargs=(os.getpid(),),
    )


def ordered_map(
    function: Callable[..., Any], tasks: Iterable[tuple[tuple[Any, ...], T]], n_jobs: int
) -> Iterator[tuple[T, Any]]:
    """``(tag, function(*args))`` for each ``(args, tag)`` of ``tasks``, in order, lazily.

    At most :data:`IN_FLIGHT_PER_JOB` ``* n_jobs`` tasks are in flight, so memory stays flat
    however many there are.
    """
    executor = _executor(n_jobs)
    pending: deque[tuple[Any, T]] = deque()
    try:
        for args, tag in tasks:
            pending.append((executor.submit(function, *args), tag))
            if len(pending) >= IN_FLIGHT_PER_JOB * n_jobs:
                future, done = pending.popleft()
                yield done, future.result()
        while pending:
            future, done = pending.popleft()
            yield done, future.result()
    finally:
        for future, _ in pending:
            future.cancel()


def shutdown() -> None:
    """Stop the pool's workers now (the command line does this at the end of a run)."""
    import sys

    module = sys.modules.get("joblib.externals.loky.reusable_executor")  # None: never started
    executor = getattr(module, "_executor", None)
    if executor is not None:
        executor.shutdown(wait=True, kill_workers=True)
