"""The cyclic garbage collector paused while a burst of short-lived, acyclic objects is made.

A full collection walks every object the process holds; work that builds hundreds of thousands of dictionaries
and strings at once (a parsed EPCIS document, a chunk of demo rows unpickled from the helper process) sets off
collection after collection, each walking the whole heap again, and frees nothing: such data holds no reference
cycles, and reference counting frees it when it is dropped. See also `startup.server_ready` (`gc.freeze`).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """The collector off for the block (as it was after it: a nested pause leaves it off)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
