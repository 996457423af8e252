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
