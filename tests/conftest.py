"""Shared fixtures: the repository's paths, small article texts, forty annotated sentences, and
the tiny model."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import numpy  # noqa: F401 -- loads its BLAS, for the limit below
import pytest
import scipy.optimize  # noqa: F401 -- loads scipy's BLAS (the solver's), for the limit below
from hypothesis import settings
from threadpoolctl import threadpool_limits

import stance
from stance import _core
from tests import small_annotations as small
from tests import tiny_model as tiny
from tests.strategies import FULL_EXAMPLES

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"

# Timing belongs in benchmarks/, never in tests: no per-example deadline. The fast loop
# (-m "not slow") runs each property test on a tenth of its examples (tests/strategies.py).
settings.register_profile("stance", deadline=None, max_examples=FULL_EXAMPLES)
settings.register_profile("stance-fast", deadline=None, max_examples=FULL_EXAMPLES // 10)
settings.load_profile("stance")


def pytest_configure(config: pytest.Config) -> None:
    if "not slow" in (config.getoption("markexpr", "") or ""):
        settings.load_profile("stance-fast")


# One BLAS thread: the tests' matrices are small, and more threads only contend with each other
# and with the worker processes (a 40-sentence fit took 8 times longer on a busy 2-core machine).
threadpool_limits(limits=1, user_api="blas")


@pytest.fixture(scope="session")
def seed_texts() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))}


@pytest.fixture
def small_annotations(tmp_path: Path) -> Path:
    """Forty annotated sentences of six documents (tests/small_annotations.py), as a file."""
    return small.write(tmp_path / "small.jsonl")


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny model (tests/tiny_model.py) saved as a model directory, for ``--model``."""
    return tiny.save(tmp_path_factory.mktemp("tiny-model"))


@pytest.fixture(scope="session")
def tiny_model(tiny_model_dir: Path) -> stance.Model:
    """The tiny model, loaded (and verified) from its directory like any saved model."""
    return stance.load(tiny_model_dir)


@pytest.fixture
def tiny_default_model(tiny_model_dir: Path) -> Iterator[stance.Model]:
    """The tiny model in place of the shipped one for this test: ``stance.load()`` and every
    command run without ``--model`` load it, in this process and in worker processes (which
    are given the loaded model's directory). Processes started anew load the shipped model:
    give them ``--model`` with :func:`tiny_model_dir`. (A patch of its own, which a test's
    ``monkeypatch.undo()`` leaves in place.)"""
    from stance.model import _files

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_files, "default_model_dir", lambda: tiny_model_dir)
        yield stance.load()


# -- the two reading cores -------------------------------------------------------------------
# stance reads text with a compiled core when it is built, or with its Python reference
# (stance/_core.py). Tests that depend on the reading run under each core; without a built
# core the compiled runs are skipped, except in CI (CI=true) or with STANCE_REQUIRE_COMPILED=1,
# where a missing build is a failure: CI must test both.


def compiled_or_skip() -> None:
    if _core.compiled() is not None:
        return
    reason = f"the compiled core is not available: {_core.unavailable_reason()}"
    if os.environ.get("CI") or os.environ.get("STANCE_REQUIRE_COMPILED"):
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(params=_core.CORES)
def each_core(request: pytest.FixtureRequest) -> Iterator[str]:
    """Run the test once with each reading core."""
    if request.param == "compiled":
        compiled_or_skip()
    with _core.using(request.param):
        yield request.param
