"""What reading the whole document costs in ``label_articles`` throughput.

Three models label the same articles, one core, in one process, in turns (``--runs`` rounds,
the order rotated each round); the table shows each one's median throughput and its ratio to
the shipped model:

1. the shipped model (document features and the document stage);
2. the same model with its document stage bypassed (the first stage's probabilities as they
   are): the cost of the stage itself;
3. a model trained on the same data without the ``document`` feature group and without the
   stage (trained here, calibrated, as ``stance train`` would): the cost of the whole reading.

The articles are the annotated documents of the dev set and of the authored documents, as their
writers split them (one sentence a line), repeated to ``--sentences`` sentences: real shapes of
transcripts, assessments, threads and news copy, which decide what the reading does.

    .venv/bin/python benchmarks/document_stage.py            # 20,000 sentences, 5 rounds
    .venv/bin/python benchmarks/document_stage.py --quick    # 3,000 sentences, 2 rounds
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # one core per measurement, before numpy loads

import argparse  # noqa: E402
import copy  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from itertools import groupby  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import stance  # noqa: E402
from stance.annotate._records import TRAINING, read_annotations, shipped_path  # noqa: E402
from stance.model._runtime import Model, save_model  # noqa: E402
from stance.model._training import fit  # noqa: E402
from stance.text._features import DEFAULT_GROUPS  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "document_stage.json"


def articles(n_sentences: int) -> list[dict[str, str]]:
    """Annotated documents as articles, repeated until they hold ``n_sentences`` sentences."""
    records = [
        r for name in ("dev", "authored_documents") for r in read_annotations(shipped_path(name))
    ]
    records.sort(key=lambda r: (str(r["doc"]), int(r["idx"])))
    documents = []  # (id, text, sentences)
    for doc, group in groupby(records, key=lambda r: str(r["doc"])):
        rows = list(group)
        documents.append((doc, "\n".join(r["text"] for r in rows), len(rows)))
    out: list[dict[str, str]] = []
    total = 0
    while total < n_sentences:
        for doc, text, sentences in documents:
            out.append({"id": f"{doc}#{len(out)}", "text": text})
            total += sentences
            if total >= n_sentences:
                break
    return out


def without_stage(model: Model) -> Model:
    """The shipped model with its document stage bypassed (a copy; the original is kept)."""
    bypassed = copy.copy(model)
    bypassed._stage_coef = None
    bypassed._stage_intercept = None
    return bypassed


def plain_model(folder: Path) -> Model:
    """The shipped configuration trained without the document group and without the stage."""
    records = [r for name in TRAINING for r in read_annotations(shipped_path(name))]
    groups = tuple(g for g in DEFAULT_GROUPS if g != "document")
    estimator = fit(records, feature_groups=groups, document_stage=False)
    save_model(estimator, folder, training={"annotations": list(TRAINING)})
    return stance.load(folder)


def throughput(model: Model, batch: list[dict[str, str]]) -> float:
    """Sentences per second of ``label_articles`` (one process) over ``batch``."""
    started = time.perf_counter()
    rows = sum(1 for _ in stance.label_articles(batch, jobs=1, model=model))
    return rows / (time.perf_counter() - started)


def measure(models: dict[str, Model], batch: list[dict[str, str]], runs: int) -> dict[str, Any]:
    names = list(models)
    speeds: dict[str, list[float]] = {name: [] for name in names}
    throughput(models[names[0]], batch[:20])  # warm: the lazy imports and caches
    for run in range(runs):
        order = names[run % len(names) :] + names[: run % len(names)]
        for name in order:
            speeds[name].append(throughput(models[name], batch))
    return {
        name: {"runs": values, "median": statistics.median(values)}
        for name, values in speeds.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="3,000 sentences, 2 rounds")
    args = parser.parse_args()
    n, runs = (3_000, 2) if args.quick else (args.sentences, args.runs)
    batch = articles(n)
    shipped = stance.load()
    with tempfile.TemporaryDirectory() as tmp:
        models: dict[str, Callable[[], Model]] = {
            "shipped (document features and stage)": lambda: shipped,
            "document stage bypassed": lambda: without_stage(shipped),
            "no document reading (trained without)": lambda: plain_model(Path(tmp)),
        }
        result = measure({name: make() for name, make in models.items()}, batch, runs)
    base = result["shipped (document features and stage)"]["median"]
    print(f"{len(batch)} articles, {n} sentences or more, {runs} rounds, one core\n")
    print("| model | sentences/s (median) | shipped speed / this speed |")
    print("|---|---|---|")
    for name, figures in result.items():
        print(f"| {name} | {figures['median']:,.0f} | {base / figures['median']:.3f} |")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(
        json.dumps({"articles": len(batch), "runs": runs, "models": result}, indent=2) + "\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
