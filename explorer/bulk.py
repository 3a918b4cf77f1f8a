"""Building many small objects at once (100k concepts, their links, their reach tables).

CPython's cycle collector runs after every few hundred container allocations and rescans what
it has seen so far, so building a large graph spends half its time there. These objects form no
cycles worth collecting, so the collector is paused while they are built.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cycle collector for the block; cycles created meanwhile are collected after."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
