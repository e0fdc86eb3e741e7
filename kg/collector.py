"""Python's cycle collector, paused while kg makes millions of small objects.

Reading, graph emission and related-event scoring make millions of small objects
(records, quads, scores), none of them in a reference cycle. Each batch of new objects
would otherwise set off a collection that walks every object already alive, so that
on a large site the collector's time grows faster than the site.
"""
from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cycle collector for the ``with`` block (nested blocks are fine)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
