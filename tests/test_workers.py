"""The worker pool: the caller is one of the jobs, results come back in input order, a
worker's error reaches the caller, a lost worker is reported, and the pool stays usable."""

from __future__ import annotations

import operator
import os
import signal
import sys
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stance.batch import _workers
from stance.batch._workers import WorkerError, ordered_map

pytestmark = pytest.mark.skipif(os.name != "posix", reason="the pool's pipes are POSIX")


@pytest.fixture(autouse=True)
def fresh_pool() -> Iterator[None]:
    yield
    _workers.shutdown()


def pids(results: list[tuple[int, int]]) -> set[int]:
    return {pid for _, pid in results}


def test_the_caller_and_a_worker_share_the_tasks() -> None:
    tasks = (((), n) for n in range(200))
    results = list(ordered_map(os.getpid, tasks, 2))
    assert [n for n, _ in results] == list(range(200))
    assert os.getpid() in pids(results)  # the caller is one of the jobs
    assert len(pids(results)) == 2  # and one worker the other


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(-1000, 1000), st.integers(-1000, 1000)), max_size=60))
def test_results_in_input_order_whoever_ran_them(pairs: list[tuple[int, int]]) -> None:
    tasks = ((pair, i) for i, pair in enumerate(pairs))
    results = list(ordered_map(operator.mul, tasks, 3))
    assert results == [(i, a * b) for i, (a, b) in enumerate(pairs)]


def test_a_workers_error_reaches_the_caller_with_its_type() -> None:
    # The caller's own share never fails here, so the error can only come from the worker.
    tasks = ((("7",), 0), *((("x",), n) for n in range(1, 40)))
    with pytest.raises(ValueError, match="invalid literal") as raised:
        list(ordered_map(int, tasks, 2, local=len))
    if sys.version_info >= (3, 11):  # the worker's traceback rides along as a note
        assert "raised in a stance worker process" in "".join(raised.value.__notes__)
    # the pool is still usable, and hands back nothing stale
    assert list(ordered_map(int, (((str(n),), n) for n in range(30)), 2)) == [
        (n, n) for n in range(30)
    ]


def test_a_caller_that_stops_early_leaves_a_usable_pool() -> None:
    mapped = ordered_map(abs, (((-n,), n) for n in range(100)), 2)
    assert [next(mapped) for _ in range(3)] == [(0, 0), (1, 1), (2, 2)]
    mapped.close()  # the workers finish what they were handed and stay warm
    assert list(ordered_map(abs, (((-n,), n) for n in range(50)), 2)) == [(n, n) for n in range(50)]


_checked: list[_workers._Worker] = []  # the workers of the run in progress


@pytest.fixture(autouse=True)
def track_checked_out(monkeypatch: pytest.MonkeyPatch) -> None:
    """Remember the workers a run checks out, so that a test can reach them mid-run."""
    original = _workers._pool.check_out

    def check_out(n: int) -> list[_workers._Worker]:
        _checked[:] = original(n)
        return list(_checked)

    monkeypatch.setattr(_workers._pool, "check_out", check_out)


def test_a_killed_worker_is_reported_not_waited_for() -> None:
    victims: list[int] = []

    def tasks() -> Iterator[tuple[tuple[()], int]]:
        for n in range(400):
            if n == 20:  # the worker holds tasks by now: kill it with them
                victims.append(_checked[0].process.pid)
                os.kill(victims[0], signal.SIGKILL)
            yield (), n

    with pytest.raises(WorkerError, match=r"ended in the middle of a run .*jobs=1"):
        list(ordered_map(os.getpid, tasks(), 2))
    # the next run starts a new worker
    results = list(ordered_map(os.getpid, (((), n) for n in range(200)), 2))
    assert len(pids(results)) == 2 and victims[0] not in pids(results)


def test_a_worker_that_left_idle_as_a_task_came_is_started_again() -> None:
    list(ordered_map(os.getpid, (((), n) for n in range(50)), 2))  # a warm worker
    (worker,) = _workers._pool.idle
    worker.tasks.send(None)  # it leaves, as after IDLE_SECONDS without work
    worker.process.wait()
    # check_out would drop it; hand it a task as the race would
    entry = _workers._Entry(0, os.getpid, ())
    worker.give(entry)
    worker.take()
    assert entry.done and entry.result == worker.process.pid != os.getpid()
    worker.close()


def test_shutdown_ends_the_idle_workers() -> None:
    list(ordered_map(os.getpid, (((), n) for n in range(50)), 2))
    processes = [worker.process for worker in _workers._pool.idle]
    assert processes and all(p.poll() is None for p in processes)
    _workers.shutdown()
    assert all(p.poll() is not None for p in processes)
    assert not _workers._pool.idle
