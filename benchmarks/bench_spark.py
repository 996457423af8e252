"""Sentences/s of stance.spark on local[2] against stance.label_articles(jobs=2), same corpus.

The corpus is the seed articles repeated to about --sentences sentences, written to Parquet
(4 files). Spark's start-up (JVM and session) is timed apart from labelling; the Spark job
reads the Parquet, labels and writes to Spark's ``noop`` sink, twice: the first run includes
starting the Python workers and loading the model in each, the second is warm. Prints one
JSON row::

    PYTHONPATH=. .venv/bin/python benchmarks/bench_spark.py [--model DIR] [--sentences 20000]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

import stance
from stance.batch._spark import label_dataframe, spark_session

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def corpus(sentences: int, model: stance.Model) -> list[dict[str, str]]:
    """The seeds repeated (fresh ids) until they hold about ``sentences`` sentences."""
    seeds = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    per_round = sum(1 for _ in stance.label_articles(seeds, model=model))
    rounds = max(1, round(sentences / per_round))
    return [
        {"id": f"{r}-{i}", "text": text, "outlet": "seed", "date": "2022-01-01"}
        for r in range(rounds)
        for i, text in enumerate(seeds)
    ]


def timed(work: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def single_machine(
    articles: list[dict[str, str]], model: stance.Model, jobs: int
) -> tuple[float, int]:
    return timed(lambda: sum(1 for _ in stance.label_articles(articles, jobs=jobs, model=model)))


def spark_runs(
    articles: list[dict[str, str]], model_path: str | None, folder: Path
) -> dict[str, Any]:
    frame = pd.DataFrame(articles)
    source = folder / "articles"
    source.mkdir()
    for part in range(4):
        frame.iloc[part::4].to_parquet(source / f"part-{part}.parquet")
    startup, spark = timed(lambda: spark_session("local[2]", app_name="stance-bench"))
    try:
        df = spark.read.parquet(str(source))
        labelled = label_dataframe(df, model_path=model_path)
        cold, _ = timed(lambda: labelled.write.format("noop").mode("overwrite").save())
        warm, _ = timed(lambda: labelled.write.format("noop").mode("overwrite").save())
        partitions = df.rdd.getNumPartitions()
    finally:
        spark.stop()
    return {"startup_s": startup, "cold_s": cold, "warm_s": warm, "partitions": partitions}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None, help="model directory (default: shipped)")
    parser.add_argument("--sentences", type=int, default=20_000)
    args = parser.parse_args()
    load_before = os.getloadavg()[0]  # other work on the machine skews every figure
    model = stance.load(args.model)
    articles = corpus(args.sentences, model)
    jobs1_s, n = single_machine(articles, model, 1)
    jobs2_s, n2 = single_machine(articles, model, 2)
    assert n == n2, (n, n2)
    with tempfile.TemporaryDirectory() as folder:
        spark = spark_runs(articles, args.model, Path(folder))
    print(
        json.dumps(
            {
                "bench": "spark",
                "model": str(model.directory),
                "model_trained": model.manifest.get("training", {}).get("date"),
                "articles": len(articles),
                "sentences": n,
                "label_articles_jobs1_sps": round(n / jobs1_s),
                "label_articles_jobs2_sps": round(n / jobs2_s),
                "spark_local2_cold_sps": round(n / spark["cold_s"]),
                "spark_local2_warm_sps": round(n / spark["warm_s"]),
                "spark_startup_s": round(spark["startup_s"], 2),
                "spark_cold_s": round(spark["cold_s"], 2),
                "spark_warm_s": round(spark["warm_s"], 2),
                "label_articles_jobs2_s": round(jobs2_s, 2),
                "spark_partitions": spark["partitions"],
                "cpus": os.cpu_count(),
                "loadavg_1m_before": round(load_before, 2),
                "python": platform.python_version(),
                "pyspark": __import__("pyspark").__version__,
                "argv": sys.argv[1:],
            }
        )
    )


if __name__ == "__main__":
    main()
