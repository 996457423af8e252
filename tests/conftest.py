"""Shared fixtures: the repository's paths, and small article texts."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="session")
def seed_texts() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))}


# Timing belongs in benchmarks/, never in tests: no per-example deadline.
from hypothesis import settings  # noqa: E402

settings.register_profile("stance", deadline=None)
settings.load_profile("stance")


# -- the two reading cores -------------------------------------------------------------------
# stance reads text with a compiled core when it is built, or with its Python reference
# (stance/_core.py). Tests that depend on the reading run under each core; without a built
# core the compiled runs are skipped, except in CI (CI=true) or with STANCE_REQUIRE_COMPILED=1,
# where a missing build is a failure: CI must test both.
import os  # noqa: E402

from stance import _core  # noqa: E402


def compiled_or_skip() -> None:
    if _core.compiled() is not None:
        return
    reason = f"the compiled core is not available: {_core.unavailable_reason()}"
    if os.environ.get("CI") or os.environ.get("STANCE_REQUIRE_COMPILED"):
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(params=_core.CORES)
def each_core(request: pytest.FixtureRequest) -> object:
    """Run the test once with each reading core."""
    if request.param == "compiled":
        compiled_or_skip()
    with _core.using(request.param):
        yield request.param
