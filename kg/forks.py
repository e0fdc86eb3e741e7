"""Worker processes forked from kg's own process, for work shared out on a large site.

Forked workers inherit what the parent has made (the site's records, the scoring
tables) without copying it through pipes; only the work's spans go out and results
come back. The parent may hold an open Oxigraph store, whose RocksDB runs threads of
its own: the workers never touch the store, so Python 3.12's warning about forking a
multi-threaded process does not apply to them and is silenced here (only there).
"""
from __future__ import annotations

import multiprocessing
import multiprocessing.context
import warnings
from contextlib import contextmanager
from typing import Iterator

_THREADS_WARNING = r".*is multi-threaded, use of fork\(\) may lead to deadlocks"


def can_fork() -> bool:
    """Whether this system starts processes by forking (not on Windows)."""
    return "fork" in multiprocessing.get_all_start_methods()


def fork_context() -> multiprocessing.context.BaseContext:
    """The ``fork`` start method's context (:func:`can_fork` must be true)."""
    return multiprocessing.get_context("fork")


@contextmanager
def forking() -> Iterator[None]:
    """A ``with`` block in which workers are forked (by a pool's start or as it grows)
    without the multi-threaded-fork warning."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=_THREADS_WARNING, category=DeprecationWarning)
        yield
