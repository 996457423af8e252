"""Python's cycle collector paused while many objects that cannot form cycles are made.

A model's names and tables at load, and a batch's rows: the collector would walk them again
and again for nothing. Neither holds a cycle, so nothing is left for it to find after.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collector_paused"]


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cycle collector off inside the block, back to the caller's setting after, whatever
    happens."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
