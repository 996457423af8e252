"""Smoke run of benchmarks/bench.py: --quick, one run, every figure present and positive.

No timing is asserted: the benchmark is a command (docs/performance.md), not a test.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow  # runs the benchmark in a process

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "benchmarks" / "bench.py"
FIGURES = (
    "predict_proba_sps",
    "tfidf_sps",
    "label_jobs1_sps",
    "label_jobs2_sps",
    "label_jobs2_cold_pool_sps",
    "python_floor_sps",
    "cli_jobs1_sps",
    "jobs2_speedup",
    "jobs2_cold_pool_speedup",
    "cold_start_s",
    "cold_start_process_s",
    "cli_vs_label",
    "peak_rss_mb",
    "peak_rss_10pct_mb",
    "model_weights_mb",
    "model_estimator_mb",
)
MEASUREMENTS = (
    "predict_proba",
    "tfidf_lr",
    "label_articles_jobs1",
    "label_articles_jobs2",
    "label_articles_jobs2_cold_pool",
    "python_floor",
    "cli_jobs1",
    "cold_start",
)
# fastText is an optional peer (`pip install fasttext`, the "bench" extra): measured when there.
HAS_FASTTEXT = importlib.util.find_spec("fasttext") is not None


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    output = tmp_path_factory.mktemp("bench") / "bench.json"
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--runs", "1", "--output", str(output)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr
    assert "| measure |" in done.stdout
    return json.loads(output.read_text(encoding="utf-8"))


def test_every_figure_is_a_positive_number(report: dict[str, Any]) -> None:
    figures = report["figures"]
    for name in FIGURES:
        assert isinstance(figures[name], float | int), name
        assert figures[name] > 0, name


def test_fasttext_is_measured_when_installed_and_said_missing_otherwise(
    report: dict[str, Any],
) -> None:
    figure = report["figures"]["fasttext_sps"]
    target = next(t for t in report["targets"] if "fastText" in t["target"])
    if HAS_FASTTEXT:
        assert figure > 0
        assert report["measurements"]["fasttext"]["median_s"] > 0
        assert isinstance(target["met"], bool)
    else:
        assert figure is None
        assert report["measurements"]["fasttext"] is None
        assert target["met"] is None


def test_every_measurement_has_its_runs(report: dict[str, Any]) -> None:
    for name in MEASUREMENTS:
        measurement = report["measurements"][name]
        assert len(measurement["runs_s"]) == 1
        assert measurement["median_s"] > 0
    assert report["measurements"]["predict_proba"]["n"] == report["corpus"]["sentences"]


def test_each_core_is_measured(report: dict[str, Any]) -> None:
    from stance import _core

    expected = ["compiled", "python"] if _core.compiled() is not None else ["python"]
    assert report["cores_measured"] == expected
    for core in expected:
        measured = report["cores"][core]
        assert measured["measurements"]["predict_proba"]["n"] == report["corpus"]["sentences"]
        for name in FIGURES:
            assert measured["figures"][name] > 0, (core, name)


def test_targets_machine_and_model_are_recorded(report: dict[str, Any]) -> None:
    assert len(report["targets"]) == 8
    assert all(
        isinstance(check["met"], bool)
        for check in report["targets"]
        if "fastText" not in check["target"]
    )
    assert report["machine"]["nproc"] >= 1
    assert report["model"]["bytes"]["framing.weights.npz"] > 0
    assert report["corpus"]["articles"] == -(-report["corpus"]["sentences"] // 30)
