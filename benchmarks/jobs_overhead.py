"""What jobs=2 costs beyond jobs=1, in CPU time rather than wall time, for docs/performance.md.

1. A worker's task, pickled there and back (as the pool does): the batch's units against the
   pieces the task carries (text, outlet, spans), best of 9.
2. A batch's rows made and dropped, with the cycle collector paused (as ``LabelledBatch.rows``
   does) and not, alternating, best of 15.
3. ``label_articles`` over the corpus with jobs=1 and jobs=2, alternating: CPU seconds of the
   caller (all its threads) and of each worker, read from ``/proc``. Their sum against jobs=1's
   is the extra work of jobs=2, which no second core can hide.

    python benchmarks/jobs_overhead.py                  # 300,000 sentences, 3 rounds
    python benchmarks/jobs_overhead.py --sentences 60000 --rounds 1
"""

from __future__ import annotations

import argparse
import contextlib
import os
import pickle
import sys
import tempfile
import time
from collections.abc import Callable
from itertools import islice
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench

import stance
from stance.batch import _labelling
from stance.batch._workers import IN_FLIGHT_PER_JOB


def best_ms(work: Callable[[], object], runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.process_time()
        work()
        best = min(best, time.process_time() - started)
    return best * 1e3


def labelled_batches(corpus: Path, model: Any) -> list[_labelling.LabelledBatch]:
    articles = [
        _labelling.as_article(item, i)
        for i, item in enumerate(islice(bench.stream_articles(corpus), 2000))
    ]
    return [
        _labelling.LabelledBatch(units, _labelling._label_columns(model, _labelling._pieces(units)))
        for units, _ in _labelling._unit_batches(iter(articles), _labelling.BATCH_ARTICLES)
    ]


def task_pickling(batches: list[_labelling.LabelledBatch]) -> dict[str, float]:
    def round_trip(make: Callable[[_labelling.LabelledBatch], object]) -> Callable[[], None]:
        return lambda: [pickle.loads(pickle.dumps(make(b), protocol=5)) for b in batches] and None

    return {
        "units_ms": best_ms(round_trip(lambda b: b.units), 9),
        "pieces_ms": best_ms(round_trip(lambda b: _labelling._pieces(b.units)), 9),
    }


def row_making(batches: list[_labelling.LabelledBatch]) -> dict[str, float]:
    n = sum(len(b) for b in batches)
    paused = _labelling.collector_paused
    times: dict[str, list[float]] = {"paused": [], "collector on": []}

    def make_and_drop() -> None:
        for batch in batches:
            batch._rows = None
            for _row in batch.rows():
                pass
            batch._rows = None

    try:
        for _ in range(15):
            for name in times:
                _labelling.collector_paused = (  # type: ignore[assignment]
                    paused if name == "paused" else contextlib.nullcontext
                )
                times[name].append(best_ms(make_and_drop, 1) * 1e3 / n)
    finally:
        _labelling.collector_paused = paused  # type: ignore[assignment]
    return {f"{name}_us_per_row": min(found) for name, found in times.items()}


def children_cpu() -> dict[str, float]:
    """CPU seconds of this process's children, by pid."""
    out = {}
    tick = os.sysconf("SC_CLK_TCK")
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == os.getpid():
            out[pid] = (int(fields[11]) + int(fields[12])) / tick
    return out


def cpu_of_jobs(corpus: Path, model: Any, jobs: int) -> dict[str, Any]:
    before, caller, wall = children_cpu(), time.process_time(), time.perf_counter()
    n = sum(1 for _ in stance.label_articles(bench.stream_articles(corpus), jobs=jobs, model=model))
    wall, caller = time.perf_counter() - wall, time.process_time() - caller
    workers = [cpu - before.get(pid, 0.0) for pid, cpu in children_cpu().items()]
    workers = sorted((w for w in workers if w > 0.05), reverse=True)
    return {"jobs": jobs, "sentences": n, "wall_s": wall, "caller_cpu_s": caller,
            "workers_cpu_s": workers, "total_cpu_s": caller + sum(workers)}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=300_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    model = stance.load()
    with tempfile.TemporaryDirectory(prefix="stance-jobs-") as folder:
        corpus = Path(folder) / "corpus.jsonl"
        bench.write_corpus(corpus, args.sentences)
        batches = labelled_batches(corpus, model)
        print("task pickled there and back, ms:", task_pickling(batches))
        print("rows made and dropped, µs a row:", row_making(batches))
        # more batches than the workers take ahead: every worker loads its model first
        warm = _labelling.BATCH_ARTICLES * (IN_FLIGHT_PER_JOB + 1) * 2 * 2
        list(
            stance.label_articles(islice(bench.stream_articles(corpus), warm), jobs=2, model=model)
        )
        for _ in range(args.rounds):
            one, two = cpu_of_jobs(corpus, model, 1), cpu_of_jobs(corpus, model, 2)
            print(
                f"jobs=1 {one['total_cpu_s']:.2f} s CPU, {one['sentences'] / one['wall_s']:,.0f}/s;"
                f" jobs=2 {two['total_cpu_s']:.2f} s CPU (caller {two['caller_cpu_s']:.2f}, "
                f"workers {', '.join(f'{w:.2f}' for w in two['workers_cpu_s'])}), "
                f"{two['sentences'] / two['wall_s']:,.0f}/s: extra work "
                f"{two['total_cpu_s'] / one['total_cpu_s'] - 1:+.1%}"
            )


if __name__ == "__main__":
    main()
